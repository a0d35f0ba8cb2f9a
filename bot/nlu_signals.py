"""Unmistakable requests that must reach a person, whatever the intent model makes of the rest.

The intent model reads a whole message. A long, polite message that tells a story about a
payment ("two weeks ago I paid a creator 20 XRP ... I'd like my XRP refunded please") is
mostly about a payment, so it may be read as a payment check, and the user who asked for
their money back gets a transaction answer instead of a person. Escalation must not depend on
how much else the user wrote, so a few phrasings that can only mean "I want my money back" or
"let me talk to a person" decide the intent on their own:

- a secret or wallet said to be stolen, hacked or drained, now: ``security_incident`` (handed
  to a person at once, as urgent);
- payments the user says they never made, or a scam they fell for: ``fraud_report``;
- a refund demand, a double charge or a chargeback: ``dispute``;
- a threat to report or sue the company: ``complaint``;
- a person asked for in so many words ("connect me with a live agent"), or a matter only staff
  can act on (a user who died, a request from the police or a court): ``human_request``.

:class:`EscalationSignals` runs after the intent classifier and the fallback classifier and
replaces their intent only when one of these phrasings is present and the model did not
already choose an intent that hands off (except that a person asked for in so many words is a
``human_request`` rather than a ``complaint``). It also reads "sure, it's r..." as the address
given (``inform``), not as a bare yes. Questions *about* refunds ("how do refunds work?"),
hypotheticals ("if I wanted a refund...") and "are you a real person?" are left to the model.

This module must import nothing from the rest of ``bot`` (it runs inside ``.venv-rasa``).
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["HANDOFF_INTENTS", "escalation_signal", "only_asks", "overriding_intent", "supposes"]

HANDOFF_INTENTS = frozenset(
    {"human_request", "complaint", "fraud_report", "dispute", "security_incident"}
)

_COMPROMISED = re.compile(
    r"\b(my|our)\s+(account|wallet|seed|secret|secret key|private key|keys?|recovery phrase|"
    r"xrp|funds|channel)\b[^.?!]{0,25}\b(was|were|is|are|got|has been|have been|been|being)\s+"
    r"(hacked|stolen|compromised|leaked|drained|emptied|taken over)\b"
    r"|\b(someone|somebody|a scammer|a hacker|they)\b[^.?!]{0,20}\b(stole|has stolen|took|"
    r"is draining|drained|emptied|hacked|got into)\b[^.?!]{0,20}\b(my|our)\b"
    r"|\b(someone|somebody|a scammer|a hacker|they|a stranger)\b[^.?!]{0,25}\b(sending|sent|"
    r"moving|moved|taking|took|withdrawing|withdrew|transferring|transferred)\b[^.?!]{0,25}"
    r"\b(out of|from)\s+(my|our)\b"
    r"|\b(someone|somebody|a stranger|a hacker|they)\b[^.?!]{0,20}\b(signed|logged|got|broke|"
    r"hacked)\s+(in|into)\b[^.?!]{0,10}\b(my|our)\b"
    r"|\b(someone|somebody|a stranger|a hacker)\b[^.?!]{0,40}\b(changed|reset|switched off|"
    r"turned off|disabled|removed)\s+(my|our|the)\s+(email|e-mail|password|2fa|two[- ]factor|"
    r"two[- ]step|phone|login)\b"
    r"|\b(kid|kids|son|daughter|child|brother|sister|flatmate|roommate|ex|nephew|niece)\b"
    r"[^.?!]{0,20}\b(used|took|got into|accessed|grabbed)\s+(my|our)\s+(phone|wallet|account|"
    r"laptop|computer|device|tablet)\b"
    r"|\b(someone|somebody)( else)?\b[^.?!]{0,30}\b(using|accessing|controlling|inside)\s+"
    r"(my|our)\s+(account|wallet|channel|address)\b"
    r"|\b(someone|somebody)\b[^.?!]{0,60}\b(it|that)\s*(is not|isn'?t|wasn'?t|was not|'s not)\s+"
    r"me\b"
    r"|\b(someone|somebody|a scammer|a hacker)\b[^.?!,]{0,20}\b(is|has been|was|keeps)\s+"
    r"(draining|emptying|stealing|taking|withdrawing|moving|sending|transferring)\b"
    r"|\b(someone|somebody|a scammer|a hacker|they)\s+(has|have|got|knows?)\s+(my|our)\s+"
    r"(seed|secret|secret key|keys?|private key|recovery phrase|password)\b"
    r"|\b(my|our)\s+(phone|laptop|computer|device|tablet|ipad|iphone|ledger|hardware wallet)\b"
    r"[^.?!]{0,20}\b(was|got|has been|been|is|are)\s+(stolen|hacked|taken)\b"
    r"|\b(pasted|typed|entered|gave|shared|posted|copied|submitted|uploaded)\b[^.?!]{0,30}\b"
    r"(seed|secret|secret key|private key|recovery phrase|passphrase|family seed)\b"
    r"|\b(asked|told|wanted|got)\s+me\s+to\s+(type|enter|paste|give|share|submit|put in)\b"
    r"[^.?!]{0,40}\b(seed|secret|secret key|private key|recovery phrase|passphrase|words)\b"
    r"[^.?!]{0,40}\b(and|so)\s+i\s+did\b"
    r"|\b(clicked|followed|opened|tapped)\s+(on\s+)?(the|a|that|this|their)\s+link\b[^.?!]{0,20}"
    r"\b(and|then)\s+(approved|signed|entered|typed|connected|confirmed)\b"
    r"|\b(xrp|money|funds|it|everything)\b[^.?!]{0,15}\b(went|was sent|got sent|moved|was moved)\s+"
    r"to\s+(an?|some)\s+(address|account|wallet)\s+(i'?ve never|i have never|i don'?t|i do not|"
    r"i never)\b"
    r"|\b(someone|somebody|a stranger|a hacker)( else)?\s+(is|was|has been|got|'s)\s+(in|into|"
    r"inside)\s+(my|our)\s+(account|wallet|profile)\b"
    r"|\b(i|we)\s+(didn'?t|did not|never)\s+(change|changed|reset|set|update|updated|switch|"
    r"switched)\s+(my|our|the)\s+(\w+\s+)?(payout address|address|email|e-mail|password|2fa|"
    r"phone number|login)\b[^.?!]{0,20}\bbut\b"
    r"|\b(my|the)\s+(\w+\s+)?(password|email|e-mail|2fa|two[- ]step|two[- ]factor|payout address|"
    r"phone number|login)\s+(was|were|got|has been|had been)\s+(changed|reset|turned off|"
    r"disabled|removed|switched off)\b[^?]{0,80}\b(i\s+(did not|didn'?t|never)\s+(do|did|change|"
    r"request|ask|touch)|(wasn'?t|was not|not)\s+me)\b"
    r"|\b(web address|url|link|site|domain|address bar)\b[^.?!]{0,15}\b(was|looked|is)\s+"
    r"(slightly\s+|a bit\s+)?(off|wrong|different|fake|weird)\b",
    re.IGNORECASE,
)

_FRAUD = re.compile(
    r"\b(this|that|it)\s+(is|was|'s)\s+(theft|stealing|robbery|fraud)\b"
    r"|\b(take|shut)\s+(this|it|that|them|the (site|page|account|profile))\s+down\b"
    r"|\b(more|way more|much more|far more)\s+than\s+(i|we)\s+(ever\s+)?(tipped|signed|approved|"
    r"authori[sz]ed|paid|sent|agreed)\b"
    r"|\b(didn'?t|did not|never|dont|don'?t)\s+(authori[sz]e|approve|sign|make|send|recogni[sz]e)\b"
    r"[^.?!]{0,30}\b(claims?|payments?|transactions?|transfers?|tips?|charges?|these|those|"
    r"them|any of (this|these|that|those|them))\b"
    r"|\b(claims?|payments?|transactions?|transfers?|tips?|charges?)\b[^.?!]{0,60}\b(i|we)\s+"
    r"(never|didn'?t|did not)\s+(authori[sz]ed?|approved?|signed|sign|made|make|sent|send)\b"
    r"|\bunauthori[sz]ed\b"
    r"|\breport\b[^.?!]{0,20}\b(scam|scams|scammer|fraud|fraudster|theft|thief|phishing|"
    r"impersonator|fake (creator|support|account|page))\b"
    r"|\b(there'?s|there is|there are|i found|found|someone|somebody|a (guy|person|scammer))\b"
    r"[^.?!]{0,20}\b(fake|impersonating|pretending to be|posing as|copying|copied|cloned)\b"
    r"|\b(said|claimed|claiming|pretended|pretending)\s+(they were|to be|he was|she was|it was)\s+"
    r"(from\s+)?(your|the)\s+(support|team|staff|company|platform)\b"
    r"|\breport (them|him|her|this (person|guy|account|user|site|page|scammer))\b"
    r"|\b(i|we)\b[^.?!]{0,20}\b(got|was|were|been|have been|am being)\s+"
    r"(scammed|defrauded|robbed|ripped off|phished)\b"
    r"|\btem_?bad_?signature\b|\b(bad|invalid|forged|fake|wrong)\s+signatures?\b"
    r"|\bsignatures?\b[^.?!]{0,20}\b(don'?t|do not|doesn'?t|does not|didn'?t|never)\s+(match|check out|"
    r"verify)\b|\bsignature mismatch\b"
    r"|\b(giveaway|give-away|airdrop|double your|get \w+ back)\b[^?!]{0,80}\b(i|we)\s+(already\s+)?"
    r"(sent|paid|transferred)\b",
    re.IGNORECASE,
)

# The set-ups of the usual scams: a giveaway that pays back double, a "safe address" to move
# XRP to, an account wearing the platform's logo; a report once the user paid or was dropped.
_SCAM_SETUP = re.compile(
    r"\b(giveaway|give-away|airdrop|double (your|my|the|it)|doubled|send \d[\d,.]* (xrp )?(and )?"
    r"get \d|get \d[\d,.]* (xrp )?back)\b"
    r"|\bsafe(ty)?\W{0,2}\s*(address|wallet|account|vault)\b"
    r"|\b(sold|sells|selling)\s+(me\s+|us\s+)?(a\s+|an\s+|some\s+)?\W?(lifetime|vip|premium|exclusive|"
    r"access|pass|code|membership|discount)\b|\b(official|authori[sz]ed)\s+(reseller|partner|agent)\b"
    r"|\b(using|with|had|has|uses)\s+(your|the platform'?s|the site'?s|our)\s+(logo|name|brand|"
    r"branding|avatar|profile picture)\b",
    re.IGNORECASE,
)
# ...and what happened after: nothing came back, the other side went quiet
_DROPPED = re.compile(
    r"\bnothing\s+(ever\s+)?(came|come|has come|got sent|was sent)\s+back\b"
    r"|\b(blocked|ghosted|unfriended|deleted)\s+me\b"
    r"|\b(he|she|they|it|the account|the guy)\s+(doesn'?t|does not|don'?t|won'?t|stopped|"
    r"no longer|isn'?t|aren'?t|never)\s+(answer|answers|answering|respond|responds|responding|"
    r"reply|replies|replying|pick(s|ing)? up)\b"
    r"|\b(disappeared|vanished|went silent|went quiet)\b",
    re.IGNORECASE,
)

_REFUND_DEMAND = re.compile(
    r"\b(i|we|i'd|i'm|im)\b[^.?!]{0,40}?"
    r"\b(want|wants|need|needs|would like|'d like|like|demand|demanding|request|requesting|"
    r"expect|deserve|asking for|ask for)\b[^.?!]{0,40}?"
    r"\b(refund|refunded|reimburse|reimbursed|reimbursement|money back|compensation|"
    r"compensated)\b"
    r"|\brefund (me|it|this|that|the|my)\b"
    r"|\b(need|want)\s+(it|them|that|this|the (money|xrp|payment))\s+back\b"
    r"|\bsent\b[^.?!]{0,30}\bto the wrong (person|address|account|wallet|creator)\b"
    r"|\b(want|need|demand|like|expect)\b[^.?!]{0,20}\bmy\s+(xrp|money|tips?|payments?|funds|"
    r"coins)\s+(back|returned|refunded)\b"
    r"|\b(give|send|return) (me )?(back )?my (money|xrp)( back)?\b"
    r"|(?<!did i get )(?<!did i )(?<!was i )(?<!have i been )(?<!am i being )(?<!am i )"
    r"\b(charged|billed|paid|debited|taken|deducted)\b[^.?!]{0,30}\b(twice|two times|double|2x)\b"
    r"|\bdouble[- ]?(charged|billed|charge|payment)\b"
    r"|\bcharge ?back\b"
    r"|\b(open|file|raise|start|make)\b[^.?!]{0,12}\bdispute\b"
    r"|\bi\b[^.?!]{0,15}\b(want|wish|would like|'d like|need) to dispute\b"
    r"|\b(help me|please|pls|plz|need to|want to)\s+(undo|reverse)\b"
    r"|\bmeant to (tip|send|pay|give)\b[^?!]{0,30}\b(typed|sent|paid|tipped|put|entered|hit|"
    r"pressed|clicked|tapped|gave)\b"
    r"|\b(sent|tipped|paid|typed|transferred|entered)\b[^.?!]{0,30}\b(by mistake|by accident|"
    r"an extra zero)\b"
    r"|\b(accidentally|mistakenly)\s+(sent|tipped|paid|transferred)\b"
    r"|\bfat[- ]?finger(ed|s)?\b"
    r"|\bmeant\s+(to\s+(tip|send|pay|give)\s+)?\d[\d,]*\b[^.?!]{0,30}\b(sent|typed|paid|tipped|put|"
    r"entered)\s+\d"
    r"|\b(make|get|ask|force|tell)\s+(him|her|them|the creator)\s+(to\s+)?(give|send|pay|hand)\s+"
    r"(it|them|that|my \w+|the \w+)\s+back\b",
    re.IGNORECASE,
)

# "there's a copy of your site" reports one; "how do I spot a copy of the site?" asks
_COPY = re.compile(
    r"\b(copy|clone|replica|fake version)\s+of\s+(your|the|this|my)\s+(site|website|page|app|"
    r"profile|creator page)\b",
    re.IGNORECASE,
)
_ASKS_HOW = re.compile(r"\?\s*$|\bhow\s+(to|do|can|could|would)\b", re.IGNORECASE)

# "I'd like those 5 XRP back" (but "I'd like my XRP back from the channel" is about closing it)
_WANTS_IT_BACK = re.compile(
    r"\b(want|wants|'d like|would like|need|needs|demand|demands|demanding|expect)\b[^.?!]{0,25}"
    r"\b(xrp|money|tips?|payments?|funds|coins)\b([^.?!]{0,25}\b)?(back|returned|refunded)\b"
    r"|\b(step in|intervene|make (him|her|them))\b[^.?!]{0,30}\b(get|give|pay)\s+(me\s+)?(my|the|"
    r"our)\s+(xrp|money|funds|tips?|payments?)\s+back\b"
    r"|\b(pay|paid|refund|refunded|give me|want|owed|owe me)\s+(me\s+)?the\s+difference\b"
    r"|\b(want|need|demand|expect)\s+(what|everything|all)\s+(that\s+)?(i|we)\s+paid\s+(for\s+)?"
    r"(back|returned|refunded)\b"
    r"|\bthe\s+difference\s+(paid|back|refunded|returned|made up)\b",
    re.IGNORECASE,
)
# "he promised an episode every week: zero episodes", "a fan says I never delivered"
_NOT_DELIVERED = re.compile(
    r"\b(never|didn'?t|did not|hasn'?t|has not|haven'?t|wasn'?t|was not|not)\s+(\w+\s+)?"
    r"(delivered|deliver|uploaded|upload|released|release)\b"
    r"|\b(never|didn'?t|did not)\s+(sent|send|got|get|received|receive)\s+(me\s+|them\s+)?(the|my|"
    r"their|his|her|a|any)\s+(\w+\s+)?(commissions?|episodes?|videos?|drawings?|songs?|tracks?|"
    r"shout-?outs?|shout outs?|art|artwork|album|lessons?|chapters?|photos?|pictures?|"
    r"portraits?|sketch(es)?)\b"
    r"|\b(zero|no)\s+(new\s+)?(episodes?|videos?|posts?|songs?|tracks?|streams?|drawings?|"
    r"commissions?|content|lessons?|chapters?|shout-?outs?)\b[^.?!]{0,40}\b(paid|paying|tipped|"
    r"tipping|claimed|claiming|charged)\b"
    r"|\b(paid|tipped|pay|sent)\b[^.?!]{0,40}\b(for|a)\b[^.?!]{0,30}\b(shout-?outs?|commissions?|"
    r"custom \w+|portraits?)\b[^.?!]{0,60}[.!,]\s*(no|zero|never got( the| my| a)?)\s+"
    r"(shout-?outs?|commissions?|\w+)\b",
    re.IGNORECASE,
)
# "a buyer claims I never sent the portrait": the user is accused, not reporting a claim
_ACCUSED = re.compile(
    r"\b(he|she|they|fan|buyer|creator|customer|client|someone|somebody|person|supporter|"
    r"listener|follower|subscriber|viewer)\s+(claims|says|insists|thinks|swears|keeps saying)\s+"
    r"(that\s+)?(i|we)\s+(never|didn'?t|did not|haven'?t)\b",
    re.IGNORECASE,
)
# ...about content a creator owed ("my tip wasn't delivered?" asks after a payment)
_CONTENT = re.compile(
    r"\b(commissions?|episodes?|videos?|content|posts?|album|art|artwork|drawings?|songs?|"
    r"tracks?|streams?|course|lessons?|chapters?|promised|promise|order|photos?|pictures?|"
    r"shout-?outs?|portraits?|sketch(es)?)\b",
    re.IGNORECASE,
)
_CHANNEL_TALK = re.compile(r"\b(channel|clos\w*|settle)\b", re.IGNORECASE)

# "my laptop had malware last week and my seed was in a txt file on it"
_INFECTED = re.compile(
    r"\b(had|got|has|have|found|caught|detected|installed|downloaded|infected with)\s+(some\s+|a\s+)?"
    r"(malware|virus|viruses|keylogger|trojan|spyware|remote access)\b",
    re.IGNORECASE,
)
_SECRET = re.compile(
    r"\b(seed|secret|secret key|private key|recovery phrase|passphrase|wallet)\b", re.IGNORECASE
)
# "woke up and my wallet is empty ... I didn't send anything"
_EMPTIED = re.compile(
    r"\b(wallet|account|balance|xrp)\b[^.?!]{0,25}\b(is|was|are|were|got|been)\s+(basically\s+|"
    r"almost\s+|completely\s+|all\s+)?(empty|emptied|gone|zero|wiped|drained)\b"
    r"|\beverything\s+(is\s+)?gone\b",
    re.IGNORECASE,
)
_NOT_ME = re.compile(
    r"\b(i|we)\s+(didn'?t|did not|never|haven'?t)\s+(send|sent|spend|spent|touch|touched|do|did|"
    r"move|moved|authori[sz]e|approve)\b",
    re.IGNORECASE,
)

_COMPLAINT = re.compile(
    r"\b(report|sue)\s+(you|your company|this company|your platform|this platform|you guys|"
    r"you people)\b"
    r"|\b(lawyer|legal action|regulator|consumer protection|ombudsman)\b"
    r"|\bmade a fool of\b"
    r"|\bor\s+(i'?m|i am|i will|i'?ll|we'?re|we will)\s+(leaving|leave|quitting|quit|done|"
    r"closing my account|going elsewhere)\b"
    r"|\bhow (i|we) (get|am|are|got|were) treated\b"
    r"|\b(lodge|file|make|raise|submit|register)\s+(a\s+)?(formal\s+|official\s+)?complaint\b"
    r"|\b(fil(e|ing)|lodg(e|ing)|register(ing)?|report(ing)?|rais(e|ing)|log(ging)?)\s+(this|it|"
    r"that)\s+(officially|formally)\b"
    r"|\b(want|put|have|get|need)\b[^.?!]{0,10}\bon\s+(the\s+)?record\b"
    r"|\b(seriously\s+|really\s+)?(considering|thinking about|thinking of)\s+(leaving|quitting|"
    r"closing my account|moving (\w+\s+){0,3}(away|elsewhere|to (another|a different|a "
    r"competitor)))\b"
    r"|\bbeing\s+ignored\b|\bignor(ed|ing)\s+(me|us|my\s+(emails?|messages?|tickets?|requests?))\b"
    r"|\byou\s+(people|guys|lot)\s+(clearly\s+|obviously\s+|just\s+)?(don'?t|do not)\s+care\b"
    r"|\b(my|our)\s+dissatisfaction\b|\b(is|was)\s+(completely\s+|totally\s+)?unacceptable\b",
    re.IGNORECASE,
)

_PERSON_REQUEST = re.compile(
    r"\b(speak|speaking|talk|talking|chat|chatting|connect|transfer|escalate|hand me|"
    r"get me|put me through|reach|contact|pass me|pass this|hand this|hand me over)\b[^.?!]{0,30}?"
    r"\b(human|humans|person|people|agent|someone|somebody|representative|rep|staff|operator|"
    r"support team|team member|manager|supervisor|employee)\b"
    r"|\b(live|real|actual)\s+(agent|person|human|support|chat|people|operator|someone)\b"
    r"|\b(prefer|rather|want|wish|like|need)\b[^.?!]{0,40}\bwith\s+(a\s+|an\s+)?(someone|"
    r"somebody|person|human|agent|representative|staff|team member|real person|member of)\b"
    r"|\b(someone|somebody|a person|a human|an agent)\s+(from|on|at|in)\s+(your|the)\s+"
    r"(team|support|staff|company)\b"
    r"|^\W*(a\s+)?(human|person|agent|representative|operator)\W*(please|pls|plz|now)?\W*$"
    r"|\b(anyone|anybody|someone|somebody)\b[^.?!]{0,40}\b(i|we)\s+(could|can|may|might)\s+"
    r"(speak|talk|chat)\s+(to|with)\b"
    r"|\b(prefer|rather have|want|need|would like|'d like)\s+(to\s+(speak|talk)\s+(to|with)\s+)?"
    r"(a\s+|an\s+)?(real\s+|actual\s+)?(person|human|agent|representative)\b(?!')"
    r"|\b(want|need|demand|expect|like)\b[^.?!]{0,20}\b(someone|somebody|a person|a human|"
    r"an agent|a manager|a supervisor)\b[^.?!]{0,30}\b(contact|call|email|phone|reach|"
    r"get back to|respond|reply)\b"
    r"|\b(want|need|demand|like|please)\b[^.?!]{0,25}\binvestigat\w*"
    r"|\b(want|need|like|please have|get)\s+(this|it|that|them|him|her)\s+(properly\s+)?"
    r"(looked at|looked into|checked out|dealt with)\b"
    r"|\b(someone|somebody|a person|anyone)\s+(who|that)\s+(works|work|is)\s+(there|here|for you|"
    r"at your|on your)\b"
    r"|\b(whoever|the (person|people) who)\s+(runs|run|is in charge|are in charge|owns|manages|"
    r"is responsible)\b"
    r"|\b(someone|somebody|a person|people)\s+(responsible|accountable|in charge)\b"
    r"|\b(explained|handled|answered|looked at|looked into|checked|reviewed)\s+by\s+(a\s+)?"
    r"(someone|somebody|person|human|real person|staff|manager|your team|the team|support)\b"
    r"|\b(connect|transfer|put|send|pass)\s+me\s+(to|through to|with|on to|over to)\s+"
    r"((your|the|a|customer)\s+)?(support|customer service|customer support|help ?desk)\b",
    re.IGNORECASE,
)

# Matters only staff can act on: a death in the family, requests from the police or a court.
_STAFF_ONLY = re.compile(
    r"\b(passed away|deceased|funeral|next of kin|executor)\b"
    r"|\b(he|she|they|brother|sister|mother|mom|mum|father|dad|husband|wife|partner|son|"
    r"daughter|friend|creator|owner)\s+(has\s+|had\s+)?died\b"
    r"|\b(police|law enforcement|detective|subpoena|court order|legal request|"
    r"official request|letterhead)\b"
    r"|\b(merge|combine|consolidate|join)\b[^.?!]{0,30}\b(accounts|profiles|pages|them into one)\b"
    r"|\b(profiles?|accounts?|pages?)\b[^?!]{0,120}\b(merge|combine)\s+(them|both|the two|those)\b"
    r"|\b(two|2|both|several|multiple)\s+(\w+\s+)?(accounts|profiles)\b[^?!]{0,60}\b(merge|"
    r"combine|consolidate)\b"
    r"|\b(official|signed|certified|stamped)\s+(\w+\s+)?(statement|letter|document|confirmation|"
    r"certificate)\b"
    r"|\b(raise|increase|lift|bump|extend|remove|up)\s+(up\s+)?(the|my|our|their|this|that|"
    r"your)\s+(\w+\s+){0,2}(limit|limits|cap|maximum)\b",
    re.IGNORECASE,
)

# "are you a real person?", "am I talking to a human?", "is this chat run by a person?"
_ASKS_IF_BOT = re.compile(
    r"\b(are|r)\s+(you|u)\b[^.?!]{0,20}\b(human|person|bot|robot|ai|machine|real|live)\b"
    r"|\bam i\b[^.?!]{0,25}\b(talking|chatting|speaking|writing)\b"
    r"|\b(whether|if)\s+(i'?m|i am)\s+(talking|chatting|speaking|writing)\b"
    r"|\bis (this|it)\b[^.?!]{0,20}\b(human|person|bot|robot|ai|machine|real|live)\b"
    r"|\b(behind|run by|operated by|answered by)\b",
    re.IGNORECASE,
)

_NOT_WANTED = re.compile(
    r"\b(don'?t|do not|dont|no need to|never|without)\b[^.?!]{0,20}"
    r"\b(want|need|speak|talk|chat|contact|bother)\b",
    re.IGNORECASE,
)

_HYPOTHETICAL = re.compile(
    r"\b(if i|if we|in case|what if|hypothetical|hypothetically|just wondering|would i be able|"
    r"nothing has happened|nothing happened|if one day|if ever|if someday|"
    r"how do refunds|how does a refund|refund policy|policy on refunds|how long do|how long can|"
    r"how many days|is there a (deadline|time limit|window)|deadline for)\b",
    re.IGNORECASE,
)


# "I never shared my seed with anyone" says the opposite
_DENIED = re.compile(
    r"\b(never|not|n't|didn'?t|haven'?t|wouldn'?t|won'?t)\s+(\w+\s+){0,2}(pasted|typed|entered|gave|"
    r"shared|posted|copied|submitted|uploaded|give|share|type|enter|paste)\b",
    re.IGNORECASE,
)

# "what should I do if my seed is stolen?" prepares for a theft; nothing has happened yet.
_SUPPOSED = re.compile(r"\b(if|in case|hypothetically|just wondering|suppose|supposing)\b", re.I)

# Someone posing as the platform's staff: a report when the user paid, signed or asks for
# action; a security question ("is this really you?", "they want my seed") when not.
_POSES_AS_STAFF = re.compile(
    r"\b(say|says|saying|said|claim|claims|claiming|claimed|pretend|pretends|pretending|pretended|"
    r"posing|posed|impersonating)\b[^.?!]{0,20}?\b(from|as|to be)\s+((your|the|this|our)\s+)?"
    r"(\w+\s+)?(support|team|staff|admins?|moderators?|company|platform|help ?desk)\b"
    r"|\b(a|some|this|that)\s+(guy|man|woman|person|lady|agent|dude)\s+(from|of)\s+['\"‘“]"
    r"(support|the support|your support|the team|staff|customer service)\b",
    re.IGNORECASE,
)
_PAID = re.compile(
    r"\b(i|we)\s+(already\s+|just\s+|then\s+)?(sent|paid|gave|transferred|signed|approved|lost)\b"
    r"|\balready\s+(sent|paid|gave|transferred|signed)\b"
    r"|\b(got|made|convinced|tricked|talked)\s+(me|us)\s+((in)?to\s+)?(pay|send|sign|transfer|"
    r"give|approve|paying|sending|signing|giving)"
    r"|\b(report|ban|block|stop)\s+(him|her|them|this|that|the|these|those)\b",
    re.IGNORECASE,
)


def _dropped_after_a_scam(text: str) -> bool:
    """A scam's set-up (a giveaway, a "safe address", a fake reseller or staff member), then
    silence: "nothing came back", "he blocked me"."""
    return bool(
        (_SCAM_SETUP.search(text) or _POSES_AS_STAFF.search(text)) and _DROPPED.search(text)
    )


def staff_impostor_question(text: str) -> bool:
    """Someone posed as staff and the user lost nothing and asks nothing done: a question."""
    return bool(_POSES_AS_STAFF.search(text) and not _PAID.search(text))


# "I want to close the channel and get my money back" is about closing, not a refund
_CLOSING_TO_GET_BACK = re.compile(
    r"\bclos\w*\b[^.?!]{0,30}\b(and|to)\s+get\s+(my|the)\s+(money|xrp)\s+back\b", re.I
)


_DECIMAL = re.compile(r"(\d)\.(\d)")


def supposes(text: str) -> bool:
    """The message supposes something ("if my seed ever leaked..."), it does not report it."""
    return bool(_SUPPOSED.search(text) or _HYPOTHETICAL.search(text))


# "is it a scam that you charge fees?", "is this giveaway legit?", "did I get charged twice?"
_ASKS_IF_SCAM = re.compile(
    r"\b(is|isn'?t|are|aren'?t)\s+(it|this|that|these|those|you|they|the \w+)\s+(\w+\s+)?"
    r"(a scam|scams|scamming|fraud|fraudulent|legit|legitimate|real|safe)\b"
    r"|\b(did|was|were|have|am|are)\s+(i|we)\s+(get\s+|been\s+|being\s+|getting\s+)?(charged|"
    r"billed|debited)\s+(twice|double|two times)\b",
    re.IGNORECASE,
)


_SENTENCE = re.compile(r"[^.?!]+[.?!]*")


def only_asks(text: str) -> bool:
    """The message asks about something that would need a person, without reporting it: a
    question that supposes ("if I tip the wrong person by accident, can I get it back?"), or
    whether something is a scam when the user lost nothing ("is it a scam that you charge
    fees?")."""
    text = _DECIMAL.sub(r"\1,\2", text)
    asks_supposing = any(
        _HYPOTHETICAL.search(sentence) and sentence.rstrip().endswith("?")
        for sentence in _SENTENCE.findall(text)
    )
    lost = _PAID.search(text) or _DROPPED.search(text)
    return asks_supposing or bool(_ASKS_IF_SCAM.search(text) and not lost)


def escalation_signal(text: str) -> str | None:
    """The hand-off intent ``text`` asks for unmistakably, else None."""
    if not text or text.startswith("/"):
        return None
    text = _DECIMAL.sub(r"\1,\2", text)  # "0.5 XRP" is not the end of a sentence
    supposed = _SUPPOSED.search(text)
    if _COMPROMISED.search(text) and not supposed and not _DENIED.search(text):
        return "security_incident"
    if _EMPTIED.search(text) and _NOT_ME.search(text) and not supposed:
        return "security_incident"
    if _INFECTED.search(text) and _SECRET.search(text) and not supposed:
        return "security_incident"
    if (
        _FRAUD.search(text)
        and not supposed
        and not staff_impostor_question(text)
        and not _ACCUSED.search(text)
    ):
        return "fraud_report"
    if _POSES_AS_STAFF.search(text) and _PAID.search(text) and not supposed:
        return "fraud_report"
    if _dropped_after_a_scam(text):
        return "fraud_report"
    if _COPY.search(text) and not supposed and not _ASKS_HOW.search(text):
        return "fraud_report"
    demand = (None if _CLOSING_TO_GET_BACK.search(text) else _REFUND_DEMAND.search(text)) or (
        None if _CHANNEL_TALK.search(text) else _WANTS_IT_BACK.search(text)
    )
    hypothetical = _HYPOTHETICAL.search(text)
    # "if I wanted a refund..." supposes one; "...or he'll report me if I don't" does not
    if demand and not (hypothetical and hypothetical.start() < demand.end()):
        return "dispute"
    if _NOT_DELIVERED.search(text) and _CONTENT.search(text) and not supposed:
        return "dispute"
    if _COMPLAINT.search(text) and not supposed:
        return "complaint"
    if _STAFF_ONLY.search(text) and not supposed:
        return "human_request"
    if (
        _PERSON_REQUEST.search(text)
        and not _ASKS_IF_BOT.search(text)
        and not _NOT_WANTED.search(text)
    ):
        return "human_request"
    return None


# "sure, it's r..." answers "which address?": the identifier is the point, not the yes.
_SMALL_TALK = frozenset({"affirm", "deny", "thanks", "greet"})
_IDENTIFIERS = frozenset({"address", "hash"})
_SECURITY = frozenset({"account_security", "security_incident"})
_REPORTS = frozenset({"fraud_report", "dispute", "security_incident"})
# Below this the model's hand-off is a guess, and the words' own signal decides its kind; a
# request for a person is believed without the words only above the second.
SURE_OF_A_HANDOFF = 0.6
SURE_OF_A_PERSON = 0.95
# (the model's hand-off, the signal's) pairs where the signal's is the more precise reading:
# "a person, please" after a complaint; a leaked seed the model took for a dispute; a refund
# demand or work not delivered that it took for fraud; a theft or a report it took for a plain
# "let me talk to someone".
_SHARPER = frozenset(
    {
        ("complaint", "human_request"),
        ("fraud_report", "complaint"),
        ("dispute", "security_incident"),
        ("fraud_report", "dispute"),
        ("human_request", "security_incident"),
        ("human_request", "fraud_report"),
        ("human_request", "dispute"),
    }
)


def overriding_intent(
    current: str | None,
    text: str | None,
    entities: frozenset[str] = frozenset(),
    confidence: float = 1.0,
) -> str | None:
    """The intent to set in place of the model's ``current`` one (of ``confidence``), else
    None: a hand-off the words ask for unmistakably, ``inform`` for an address or hash given
    with a yes or a greeting (``entities`` are the names of the entities found), or
    ``nlu_fallback`` for a question the model took for a report or a request for a person."""
    text = text or ""
    signal = escalation_signal(text)
    if signal is None and current in _SMALL_TALK and entities & _IDENTIFIERS:
        return "inform"
    if signal is None and current not in _SECURITY and staff_impostor_question(text):
        return "account_security"
    if signal is None and current in _REPORTS and only_asks(text):
        return "nlu_fallback"  # a question: answered from the help centre, or asked back
    if signal is None and current == "human_request" and confidence < SURE_OF_A_PERSON:
        # "is it ok to give my seed to your support team?" mentions the team, asks no person
        return "nlu_fallback"
    if signal is None or signal == current:
        return None
    sure = confidence >= SURE_OF_A_HANDOFF
    # a matter only staff can act on ("merge my two profiles") is one, whatever else the
    # model read into it, short of a security incident
    staff_matter = (
        signal == "human_request"
        and current != "security_incident"
        and bool(_STAFF_ONLY.search(text))
    )
    # a scam followed by silence is a report, whatever dispute the model read into it
    scammed = current == "dispute" and signal == "fraud_report" and _dropped_after_a_scam(text)
    if (
        current in HANDOFF_INTENTS
        and sure
        and (current, signal) not in _SHARPER
        and not (staff_matter or scammed)
    ):
        return None  # already handed off, and the signal is no sharper
    if (
        current == "account_security"
        and sure
        and signal != "security_incident"
        and "?" in text
        and not (_PAID.search(text) or _DROPPED.search(text))
    ):
        return None  # "I got scammed once, how do I keep my seed safe now?"
    return signal


try:  # Rasa's component API exists only in .venv-rasa
    from rasa.engine.graph import ExecutionContext, GraphComponent
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe
    from rasa.engine.storage.resource import Resource
    from rasa.engine.storage.storage import ModelStorage
    from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
    from rasa.shared.nlu.training_data.message import Message
except ImportError:
    RASA = False
else:
    RASA = True

if RASA:

    @DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
    class EscalationSignals(GraphComponent):
        """Sets a hand-off intent when the message asks for one unmistakably, and ``inform``
        when an address or hash comes with a yes (:func:`overriding_intent`)."""

        @classmethod
        def create(
            cls,
            config: dict[str, Any],
            model_storage: ModelStorage,
            resource: Resource,
            execution_context: ExecutionContext,
        ) -> EscalationSignals:
            return cls()

        def process(self, messages: list[Message]) -> list[Message]:
            for message in messages:
                found = frozenset(e.get("entity") for e in message.get(ENTITIES) or [])
                intent = message.get(INTENT) or {}
                signal = overriding_intent(
                    intent.get("name"),
                    message.get(TEXT),
                    found,
                    float(intent.get("confidence") or 0.0),
                )
                if signal is None:
                    continue
                intent = {"name": signal, "confidence": 1.0}
                ranking = [
                    r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != signal
                ]
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
            return messages

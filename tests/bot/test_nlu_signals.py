"""The phrasings that escalate on their own, and the look-alikes that must not."""

from __future__ import annotations

import pytest

from bot.nlu_signals import escalation_signal, overriding_intent


@pytest.mark.parametrize(
    "text",
    [
        "my wallet got hacked",
        "I think my seed was stolen, there are transfers I don't know",
        "someone is draining my channel right now",
        "Our account has been compromised!!",
        "HELP somebody is moving xrp out of my account and it's not me",
        "a stranger logged into my account last night",
        "I think somebody else is using my wallet",
        "someone has been draining it for days, stop it",
        "a scammer has my seed and keeps moving xrp out",
        "my tablet is stolen and the wallet app was on it",
        "somebody is using my channel, the claims are not mine",
        "my laptop was stolen and my wallet extension was on it",
        "I pasted my recovery phrase into a form on a site that looked like yours",
        "I connected and signed, then saw the web address was slightly off",
        "someone keeps opening channels from my address and it's not me",
        "somebody reset my password and now I can't get in",
    ],
)
def test_a_theft_under_way_is_a_security_incident(text: str) -> None:
    assert escalation_signal(text) == "security_incident"


@pytest.mark.parametrize(
    "text",
    [
        "there are claims on my channel I never signed",
        "I didn't authorize these payments",
        "unauthorized transaction on my account",
        "i think i got scammed by a fake creator",
        "I found a fake profile using mira's drawings and asking for tips",
        "someone is pretending to be sol on another site",
        "a guy copied my profile and takes tips in my name",
        "he said he was from the support team and I gave him access, please report them",
        "there are dozens of claims on my channel, I never approved these",
        "someone posing as your staff got me to sign a transaction, I want to report the scam",
    ],
)
def test_payments_not_made_are_fraud_reports(text: str) -> None:
    assert escalation_signal(text) == "fraud_report"


@pytest.mark.parametrize(
    "text",
    [
        "I want a refund",
        "i need my money back for that tip, the post was deleted the next day",
        "Hello, last month I subscribed to a musician and paid for a full album through my "
        "channel. The album was never uploaded and I would like to be reimbursed please.",
        "please refund me, this is not what I paid for",
        "I was billed twice for the same video",
        "got double charged yesterday",
        "I'd like to open a dispute about a claim",
        "i wish to dispute a payment to a creator",
        "give me back my money",
        "the video never unlocked and I want my XRP returned",
        "I sent 20 XRP to the wrong address, I need it back",
        "how do I file a chargeback",
    ],
)
def test_refund_demands_are_disputes(text: str) -> None:
    assert escalation_signal(text) == "dispute"


@pytest.mark.parametrize(
    "text",
    [
        "can I speak to a human",
        "Connect me with a live agent.",
        "after all this I'd really prefer talking to someone from your team",
        "is there a real person I could chat with",
        "human please",
        "agent",
        "Could you transfer me to a representative",
        "is there anyone there I could speak to about my account",
        "honestly I'd prefer a person for this",
        "I want someone responsible to contact me",
        "thanks, but I'd rather sort this out with somebody, if possible",
        "can someone from the support team look at my account",
    ],
)
def test_a_person_asked_for_is_a_human_request(text: str) -> None:
    assert escalation_signal(text) == "human_request"


@pytest.mark.parametrize(
    "text",
    [
        "how do refunds work here?",
        "what should I do if my seed is stolen?",
        "how do I keep my wallet from getting hacked",
        "is this site a scam?",
        "how can I tell a fake creator page from a real one",
        "how do I reset my password",
        "I never shared my seed with anyone, is my wallet safe?",
        "where do I type my secret key when I set up Xaman",
        "I need a person's address to send them XRP, where is it",
        "what happens if I never sign another claim",
        "what is your refund policy",
        "if I wanted a refund, who would I ask?",
        "when do I get my XRP back after closing a channel",
        "are you a real person?",
        "r u a bot or a human",
        "I don't want to talk to a person, just tell me my balance",
        "how do I connect my wallet",
        "what's my balance",
        "did my payment to mira go through?",
        "/human_request",
        "",
    ],
)
def test_questions_and_look_alikes_are_left_to_the_model(text: str) -> None:
    assert escalation_signal(text) is None


def test_threats_to_report_the_company_are_complaints() -> None:
    assert escalation_signal("I am going to report your company") == "complaint"
    assert escalation_signal("my lawyer will hear about this") == "complaint"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("there's a payment of 10 XRP to rPynHQ7gAJzvZPNEoefrdBBKeVDaGwWEyW I never made", None),
        ("This is theft. Someone took 10 XRP", "fraud_report"),
        ("it's a perfect copy of your site, you need to take this down", "fraud_report"),
        ("someone made a copy of my creator page and takes tips", "fraud_report"),
        ("theo has redeemed way more than I ever tipped", "fraud_report"),
        ("meant to tip 0.5 and typed 50, please help", "dispute"),
        ("I sent 20 XRP by mistake to the wrong creator", "dispute"),
        ("I accidentally tipped 50 instead of 5", "dispute"),
        ("please help me undo this before it's too late", "dispute"),
        ("the video never loaded, I'd like those 5 XRP back please", "dispute"),
        ("woke up and my wallet is empty, I didn't send anything", "security_incident"),
        ("my kid used my phone and sent all of it", "security_incident"),
        ("someone changed the email on my account and switched off 2fa", "security_incident"),
        ("sort it out or I'm leaving this site", "complaint"),
        ("months of paying here and this is how I get treated??", "complaint"),
        ("something is fishy with that channel and I want it investigated", "human_request"),
    ],
)
def test_more_wordings_that_need_a_person(text: str, intent: str | None) -> None:
    expected = intent or "fraud_report"  # the first: a long address between the two halves
    assert escalation_signal(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "how do I spot a fake copy of the website?",
        "got a link to a copy of your site asking for my seed, legit?",
        "do I get my XRP back when the channel closes?",
        "when do I get my XRP back after closing?",
        "my wallet is empty, how do I buy XRP?",
        "what if I accidentally sent XRP to the wrong address?",
        "my son sent me 5 XRP yesterday, did it arrive?",
        "I'm curious whether I'm talking to a real person or a bot",
        "I'm leaving now, bye",
    ],
)
def test_more_questions_left_to_the_model(text: str) -> None:
    assert escalation_signal(text) is None


def test_a_security_question_is_not_turned_into_a_report() -> None:
    words = "someone DMed me pretending to be support and asked for my secret key, legit?"
    assert escalation_signal(words) is None
    assert overriding_intent("account_security", words) is None
    assert overriding_intent("account_security", "my seed was leaked") == "security_incident"
    # the model's report or unclear guess becomes the question it is
    assert overriding_intent("check_balance", words) == "account_security"
    assert overriding_intent("fraud_report", words) == "account_security"
    assert overriding_intent("nlu_fallback", words) == "account_security"
    assert overriding_intent("fraud_report", "a person please") is None
    assert overriding_intent("complaint", "a person please") == "human_request"
    takedown = "a perfect copy of your site asks for seeds, you need to take this down"
    assert overriding_intent("account_security", takedown) == "fraud_report"


def test_an_address_given_with_a_yes_is_the_address() -> None:
    words = "sure, its rPynHQ7gAJzvZPNEoefrdBBKeVDaGwWEyW"
    assert overriding_intent("affirm", words, frozenset({"address"})) == "inform"
    assert overriding_intent("greet", "hi, tx ABC", frozenset({"hash"})) == "inform"
    assert overriding_intent("affirm", "sure", frozenset()) is None
    assert overriding_intent("check_balance", words, frozenset({"address"})) is None


@pytest.mark.parametrize(
    "text",
    [
        "My brother passed away last month. How does the family get access to what he earned?",
        "I'm a detective with the police fraud unit and need the records for an address",
        "we have a court order for the account holder's details",
    ],
)
def test_matters_only_staff_can_act_on_go_to_a_person(text: str) -> None:
    assert escalation_signal(text) == "human_request"


def test_a_death_supposed_or_a_dead_battery_is_not_one() -> None:
    assert escalation_signal("what happens to my channel if I die?") is None
    assert escalation_signal("my phone died while signing, did the tip go through") is None
    assert escalation_signal("my husband died and the wallet was his") == "human_request"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        (
            "someone on telegram says they are from your support and needs my secret words to "
            "verify my wallet. I didn't answer. is this really you?",
            None,
        ),
        (
            "a guy messaged me saying he's from the platform team, said 50 xrp fee or my "
            "earnings get frozen. i already sent him 25 of it",
            "fraud_report",
        ),
        ("someone claiming to be your admin got me to sign a transaction", "fraud_report"),
        ("a man saying he's from support keeps DMing fans for seeds, ban him", "fraud_report"),
    ],
)
def test_a_staff_impostor_is_a_report_only_when_the_user_paid_or_asks_for_action(
    text: str, intent: str | None
) -> None:
    assert escalation_signal(text) == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        (
            "A site that looked exactly like yours asked me to type my secret words to restore "
            "my session and I did",
            "security_incident",
        ),
        (
            "ok so I accidentally pasted my secret recovery phrase into a discord channel",
            "security_incident",
        ),
        (
            "tried to redeem a claim and got temBAD_SIGNATURE, the dashboard shows it as earnings",
            "fraud_report",
        ),
        ("the redemption failed with an invalid signature", "fraud_report"),
        (
            'a fan wants all his tips from last month back because he "changed his mind" and '
            "says he'll report me if I don't",
            "dispute",
        ),
        ("A fan says I never delivered a commission. I delivered it", "dispute"),
        ("a whole month, zero episodes, and my channel kept paying him", "dispute"),
        ("this bot is useless, connect me to support", "human_request"),
        (
            "some supporters want to put more in. Can you raise the limit for my page?",
            "human_request",
        ),
        ("I'd like to lodge a complaint about your moderators", "complaint"),
        ("the site was down and I missed a stream I paid for. I want compensation", "dispute"),
        ("i tipped 5 xrp instead of 0.5 by accident, can you get it back", "dispute"),
        (
            "saw a giveaway using your logo, send 100 xrp and get 200 back. i sent it yesterday",
            "fraud_report",
        ),
        (
            "I clicked the link and approved something in my wallet. Now 40 XRP went to an "
            "address I've never seen",
            "security_incident",
        ),
        ("is the giveaway on twitter real?", None),
        ("how long do i have to ask for a refund if a video turns out broken?", None),
        ("is there a deadline for refund requests", None),
        ("my upload failed, how do I retry?", None),
        ("my tip wasn't delivered to the creator?", None),
        ("someone real, this is taking forever", None),
    ],
)
def test_wordings_from_the_seventh_set(text: str, intent: str | None) -> None:
    assert escalation_signal(text) == intent


def test_a_sharper_signal_corrects_the_models_hand_off() -> None:
    seed = "I pasted my recovery phrase into a discord channel"
    assert overriding_intent("dispute", seed) == "security_incident"
    assert overriding_intent("human_request", seed) == "security_incident"
    refund = "a fan says I never delivered his commission and wants a refund"
    assert overriding_intent("fraud_report", refund) == "dispute"
    # a report stays a report whatever else the words say
    assert overriding_intent("fraud_report", "a person please") is None
    assert overriding_intent("security_incident", "I want my money back") is None


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        (
            "an account with your logo promised to double whatever I sent. nothing came back "
            "and they deleted me",
            "fraud_report",
        ),
        (
            "a man from 'support' called and had me move 40 xrp to a 'safe wallet'. now he "
            "doesn't answer",
            "fraud_report",
        ),
        ("send 20 xrp get 40 back, they said. then they blocked me", "fraud_report"),
        (
            "a buyer claims I never sent the portrait he paid for, but I did. Can someone "
            "from your team look at it?",
            "dispute",
        ),
        (
            "paid her for a shoutout last month. no shoutout, no answer. I need you to step in "
            "and get my money back",
            "dispute",
        ),
        ("his claims come up short every week, I want the difference paid", "dispute"),
        (
            "I never changed my email but my profile shows a new one. somebody is in my account",
            "security_incident",
        ),
        ("I want to file this officially, the fee ate my whole tip", "complaint"),
        ("I want this explained by someone responsible", "human_request"),
        ("let me speak to whoever runs this place", "human_request"),
        ("please merge my two accounts into one", "human_request"),
        ("I need an official signed statement of my earnings for my bank", "human_request"),
        ("i got charged twice for the same video, fix it", "dispute"),
        (
            "also my pc got a virus a few days ago and my recovery phrase was in a note on it",
            "security_incident",
        ),
        ("how do I keep my seed safe from malware?", None),
        ("did I get charged twice? I see two claims", None),
        ("how do I merge two claims into one redemption?", None),
        ("is the safe address in my wallet settings the one to use?", None),
        ("someone in my family wants to open an account", None),
    ],
)
def test_wordings_from_the_ninth_set(text: str, intent: str | None) -> None:
    assert escalation_signal(text) == intent


@pytest.mark.parametrize(
    ("model", "text"),
    [
        ("dispute", "before I sign up: if I tip the wrong creator, can I get it back?"),
        ("fraud_report", "is it a scam that opening a channel costs a fee??"),
        ("dispute", "two claims for one creator, 1 XRP then 1.5 XRP. Was I charged twice?"),
        (
            "security_incident",
            "purely hypothetical, nothing has happened: if one day my recovery phrase leaked, "
            "what would I need to do?",
        ),
    ],
)
def test_a_question_the_model_took_for_a_report_is_asked_back(model: str, text: str) -> None:
    # the clarification answers it from the help centre, or offers the likeliest meanings
    assert overriding_intent(model, text) == "nlu_fallback"


@pytest.mark.parametrize(
    "text",
    [
        "someone said if I paid 60 xrp I'd get early access. I paid and never got anything.",
        "is this a scam? I sent them 30 xrp and now they don't answer",
        "if I don't get my money back by friday I'll go to my bank",
    ],
)
def test_a_report_that_mentions_if_or_scam_stays_a_report(text: str) -> None:
    assert overriding_intent("fraud_report", text) is None


def test_an_unsure_hand_off_takes_the_kind_the_words_say() -> None:
    person = "is there anyone there I could speak to? I'd prefer a person"
    assert overriding_intent("fraud_report", person, confidence=0.47) == "human_request"
    assert overriding_intent("fraud_report", person, confidence=0.95) is None
    merge = "I have two accounts by mistake, can someone merge them?"
    assert overriding_intent("account_security", merge, confidence=0.5) == "human_request"
    assert overriding_intent("account_security", merge, confidence=0.9) is None
    # a complaint in so many words is one, whatever fraud the model read into it
    complaint = "great product, a failed payment still cost me a fee. I'm filing this officially"
    assert overriding_intent("fraud_report", complaint, confidence=0.9) == "complaint"


def test_a_security_question_that_reports_a_loss_is_a_report() -> None:
    text = (
        "a guy from 'support' had me send 75 xrp to a 'safe address' while they fixed my "
        "channel. now he doesn't answer. was that you?"
    )
    assert overriding_intent("account_security", text, confidence=0.9) == "fraud_report"


def test_a_person_the_model_only_guesses_at_is_asked_back() -> None:
    question = "is it ok to give my secret key to your support team if they ask for it?"
    assert overriding_intent("human_request", question, confidence=0.7) == "nlu_fallback"
    tech = "sorry, I'm not a tech person. can I use the site on my android phone?"
    assert overriding_intent("human_request", tech, confidence=0.91) == "nlu_fallback"
    assert (
        overriding_intent("human_request", "on my phone, cant type much", confidence=0.99) is None
    )


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        (
            "a fan keeps sending claims whose signatures don't match his channel. I want this "
            "looked at",
            "fraud_report",
        ),
        ("fat-fingered 40 instead of 4 on a tip yesterday", "dispute"),
        ("meant 1, sent 100 to the wrong creator page", "dispute"),
        ("she refused, so can you make her give it back?", "dispute"),
        (
            "my email was changed last night and I did not do that, now I'm locked out",
            "security_incident",
        ),
        ("could you pass me to someone who works there?", "human_request"),
        ("I want it on record how this was handled", "complaint"),
        (
            "my old page and my new page are split, could your team combine them?",
            "human_request",
        ),
        ("nothing has happened yet, but if my seed leaked, what would I do?", None),
        ("I'd like to consolidate my wallets into one account, how?", None),
        ("my password was changed yesterday, that was me, how do I log out other devices?", None),
    ],
)
def test_wordings_from_the_tenth_set(text: str, intent: str | None) -> None:
    assert escalation_signal(text) == intent


def test_a_matter_only_staff_can_act_on_goes_to_a_person_whatever_the_model_read() -> None:
    text = "my old profile and my new one should be one, can you merge them and move my followers?"
    assert overriding_intent("fraud_report", text, confidence=0.85) == "human_request"
    assert overriding_intent("security_incident", text, confidence=0.85) is None


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        (
            "someone on discord sold me a vip pass to all creators for 50 xrp, said he was an "
            "official partner. code is fake and he blocked me",
            "fraud_report",
        ),
        ("I'd like to put on record that your agent was rude to me", "complaint"),
        ("the new editor is awful and I'm seriously considering leaving", "complaint"),
        ("you people clearly don't care about creators", "complaint"),
        ("emailed support twice, nothing back. love being ignored", "complaint"),
        ("I'm seriously considering moving all my content elsewhere", "complaint"),
        ("I want what I paid returned, the video was a 10 second teaser", "dispute"),
        ("I meant to tip 1 but hit 10, can you help me get it back", "dispute"),
        ("does the platform take a cut? thinking of moving my page over here", None),
        ("how do I buy a membership pass safely?", None),
        ("off the record, is the fee the same for everyone?", None),
    ],
)
def test_wordings_from_the_eleventh_set(text: str, intent: str | None) -> None:
    assert escalation_signal(text) == intent


def test_a_scam_followed_by_silence_is_a_report_whatever_dispute_the_model_read() -> None:
    text = "sent 100 xrp to a 'send 100 get 200 back' post from your account. nothing came back"
    assert overriding_intent("dispute", text, confidence=0.95) == "fraud_report"
    # a plain refund demand the model read as a dispute stays one
    assert overriding_intent("dispute", "I was charged more than I agreed", confidence=0.95) is None

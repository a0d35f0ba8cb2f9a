"""Payment channel status, with the running-low warning and its estimate."""

from __future__ import annotations

from bot.actions.channels import ActionChannelStatus
from ledger.sandbox.demo import DEMO
from tests.bot.conftest import Conversation


async def test_nearly_exhausted_channel_warns_with_an_estimate(on_demo: str) -> None:
    chat = Conversation(metadata={"wallets": [DEMO.account("bruno").address]})
    turn = await chat.say("how much is left in my channel", "channel_status").run(
        ActionChannelStatus()
    )
    assert "funded 50 XRP, paid out 46 XRP, remaining 4 XRP" in turn.text
    assert "settle delay about 1 hour." in turn.text
    assert "almost used up" in turn.text
    assert "a day it lasts about" in turn.text
    assert "/help/funding-a-channel" in turn.text


async def test_healthy_channel_has_no_warning(on_demo: str) -> None:
    chat = Conversation(metadata={"wallets": [DEMO.account("alice").address]})
    turn = await chat.say("show my channels", "channel_status").run(ActionChannelStatus())
    assert "remaining 64 XRP" in turn.text
    assert "almost used up" not in turn.text
    assert "/help/funding-a-channel" not in turn.text


async def test_closing_channel_says_when_it_closes(on_demo: str) -> None:
    chat = Conversation(metadata={"wallets": [DEMO.account("dana").address]})
    turn = await chat.say("is my channel closing", "channel_status").run(ActionChannelStatus())
    assert "It is closing: it closes at" in turn.text
    assert "/help/closing-a-channel" in turn.text


async def test_one_channel_by_id(on_demo: str) -> None:
    channel = DEMO.channel("alice_mira").channel_id
    chat = Conversation(metadata={"wallets": [DEMO.account("alice").address]})
    turn = await chat.say(f"status of channel {channel}", "channel_status", {"hash": channel}).run(
        ActionChannelStatus()
    )
    assert turn.text.count("Channel ") == 1


async def test_a_channel_id_alone_is_enough(on_demo: str) -> None:
    channel = DEMO.channel("bruno_theo").channel_id
    turn = (
        await Conversation()
        .say(f"whats left in {channel.lower()}", "channel_status", {"hash": channel.lower()})
        .run(ActionChannelStatus())
    )
    assert "funded 50 XRP, paid out 46 XRP, remaining 4 XRP" in turn.text
    assert f"It is funded by {DEMO.account('bruno').address}." in turn.text
    assert "almost used up" in turn.text
    assert "/help/funding-a-channel" in turn.text
    assert "Which XRP Ledger address" not in turn.text


async def test_a_closed_channel_id_is_explained_not_an_error(on_demo: str) -> None:
    channel = DEMO.channel("alice_sol").channel_id
    turn = (
        await Conversation()
        .say(f"status of channel {channel}", "channel_status", {"hash": channel})
        .run(ActionChannelStatus())
    )
    assert f"No open payment channel has the id {channel}" in turn.text
    assert "already closed" in turn.text
    assert "It isn't a transaction hash either." in turn.text
    assert not turn.buttons  # not an outage: no hand-off offered


async def test_a_transaction_hash_given_as_a_channel_shows_the_transaction(on_demo: str) -> None:
    created = DEMO.transactions["channel_create"]
    turn = (
        await Conversation()
        .say(f"how much is left in {created}", "channel_status", {"hash": created})
        .run(ActionChannelStatus())
    )
    assert "validated" in turn.text and "100 XRP" in turn.text
    assert "No open payment channel" not in turn.text


async def test_malformed_channel_id_is_corrected(on_demo: str) -> None:
    chat = Conversation(metadata={"wallets": [DEMO.account("alice").address]})
    turn = await chat.say("channel 94DA3D", "channel_status", {"hash": "94DA3DE1A73AD3E531"}).run(
        ActionChannelStatus()
    )
    assert "A channel id is exactly 64 characters" in turn.text


async def test_asking_how_closing_works_also_shows_the_users_closing_channel(on_demo: str) -> None:
    from bot.actions.knowledge import ActionAnswerTopic

    chat = Conversation(metadata={"wallets": [DEMO.account("dana").address]})
    turn = await chat.say(
        "I asked to close my channel, when do I get my XRP back?", "channel_close"
    ).run(ActionAnswerTopic())
    assert "choose 'Close channel' in your wallet" in turn.text
    assert "remaining 18 XRP" in turn.text
    assert "It is closing: it closes at" in turn.text


async def test_anonymous_close_question_gets_the_general_answer_only(on_demo: str) -> None:
    from bot.actions.knowledge import ActionAnswerTopic

    turn = (
        await Conversation()
        .say("how do I close a channel", "channel_close")
        .run(ActionAnswerTopic())
    )
    assert "choose 'Close channel' in your wallet" in turn.text
    assert "Channel " not in turn.text


async def test_an_expired_channel_says_so_and_how_to_get_the_xrp_back(on_demo: str) -> None:
    chat = Conversation(metadata={"wallets": [DEMO.account("chen").address]})
    turn = await chat.say("is my channel closed or not", "channel_status").run(
        ActionChannelStatus()
    )
    assert "It expired at" in turn.text
    assert "the 12 XRP left comes back to you when the channel is closed" in turn.text
    assert "It is closing" not in turn.text


async def test_a_channel_the_creator_closed_is_explained(on_demo: str) -> None:
    chat = Conversation(metadata={"wallets": [DEMO.account("alice").address]})
    turn = await chat.say("my channel to sol vanished??", "channel_status").run(
        ActionChannelStatus()
    )
    sol = DEMO.account("sol").address
    assert "remaining 64 XRP" in turn.text  # the open one to mira is still listed
    assert f"to {sol} was closed on" in turn.text
    assert f"by the creator ({sol})" in turn.text
    assert "came back to your account" in turn.text
    assert "/help/closing-a-channel" in turn.text


async def test_a_creator_sees_the_channels_that_pay_them(on_demo: str) -> None:
    chat = Conversation(metadata={"wallets": [DEMO.account("theo").address]})
    turn = await chat.say("how much is left in bruno's channel to me", "channel_status").run(
        ActionChannelStatus()
    )
    bruno = DEMO.account("bruno").address
    assert f"from {bruno} pays you: funded 50 XRP, paid out to you 46 XRP, remaining 4 XRP" in (
        turn.text
    )
    assert "at the fan's recent spending of" in turn.text
    assert "The fan has to add funds" in turn.text
    assert "has no open payment channels" not in turn.text


async def test_balance_and_channel_in_one_question_get_both(on_demo: str) -> None:
    alice = DEMO.account("alice").address
    chat = Conversation(metadata={"wallets": [alice]})
    turn = await chat.say(
        "what's my balance, and how much is left in my channel?", "channel_status"
    ).run(ActionChannelStatus())
    assert f"Account {alice}" in turn.text and "total balance" in turn.text
    assert "remaining 64 XRP" in turn.text

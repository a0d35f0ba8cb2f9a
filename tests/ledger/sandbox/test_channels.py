"""Payment channels through xrpl-py: create, fund, claim, close, expiration and CancelAfter,
asserting the result codes and ledger fields rippled gives."""

from __future__ import annotations

from typing import Any

from xrpl.core.keypairs import sign as sign_bytes
from xrpl.models.requests import AccountChannels, ChannelVerify
from xrpl.models.transactions import (
    PaymentChannelClaim,
    PaymentChannelClaimFlag,
    PaymentChannelCreate,
    PaymentChannelFund,
)
from xrpl.wallet import Wallet

from ledger.claims import claim_signing_bytes
from ledger.sandbox.testing import XRP, Node

RIPPLE_EPOCH = 946_684_800


async def _channel_pair(
    node: Node, amount: int = 20 * XRP, settle_delay: int = 3600, **extra: Any
) -> tuple[Wallet, Wallet, str]:
    payer = await node.funded(100 * XRP)
    creator = await node.funded(10 * XRP, "secp256k1")
    create = PaymentChannelCreate(
        account=payer.address,
        destination=creator.address,
        amount=str(amount),
        settle_delay=settle_delay,
        public_key=payer.public_key,
        **extra,
    )
    applied = await node.apply(create, payer)
    assert applied.result == "tesSUCCESS"
    created = [n["CreatedNode"] for n in applied.tx["meta"]["AffectedNodes"] if "CreatedNode" in n]
    assert created[0]["LedgerEntryType"] == "PayChannel"
    return payer, creator, str(created[0]["LedgerIndex"])


async def _channels(node: Node, address: str) -> list[dict[str, Any]]:
    response = await node.client.request(AccountChannels(account=address, ledger_index="validated"))
    assert response.is_successful(), response.result
    return list(response.result["channels"])


def _claim(
    channel_id: str, drops: int, payer: Wallet, creator: Wallet, flags: int = 0
) -> PaymentChannelClaim:
    signature = sign_bytes(claim_signing_bytes(channel_id, drops), payer.private_key)
    return PaymentChannelClaim(
        account=creator.address,
        channel=channel_id,
        balance=str(drops),
        amount=str(drops),
        signature=signature,
        public_key=payer.public_key,
        flags=flags,
    )


async def test_create_locks_funds_and_adds_an_owned_object(node: Node) -> None:
    payer, creator, channel_id = await _channel_pair(node)
    account = await node.account(payer.address)
    assert account["OwnerCount"] == 1
    assert int(account["Balance"]) == 100 * XRP - 20 * XRP - 10
    [channel] = await _channels(node, payer.address)
    assert channel == {
        "account": payer.address,
        "amount": str(20 * XRP),
        "balance": "0",
        "channel_id": channel_id,
        "destination_account": creator.address,
        "public_key": channel["public_key"],
        "public_key_hex": payer.public_key,
        "settle_delay": 3600,
    }
    assert channel["public_key"].startswith("a")
    assert await _channels(node, creator.address) == []  # listed for the source only
    entry = await node.call("ledger_entry", payment_channel=channel_id, ledger_index="validated")
    assert entry["index"] == channel_id and entry["validated"] is True
    assert entry["node"]["LedgerEntryType"] == "PayChannel"
    assert (entry["node"]["Account"], entry["node"]["Amount"]) == (payer.address, str(20 * XRP))
    assert entry["node"]["index"] == channel_id
    root = await node.call("ledger_entry", payment_channel=account["index"])
    assert root["error"] == "unexpectedLedgerType"


async def test_create_refusals(node: Node) -> None:
    payer = await node.funded(int(1.5 * XRP))
    creator = await node.funded(10 * XRP)

    def create(amount: int, **extra: Any) -> PaymentChannelCreate:
        fields: dict[str, Any] = {
            "account": payer.address,
            "destination": creator.address,
            "amount": str(amount),
            "settle_delay": 60,
            "public_key": payer.public_key,
        }
        fields.update(extra)
        return PaymentChannelCreate(**fields)

    # 1.5 XRP covers the 1.2 XRP reserve with one owned object, not 1 XRP more.
    assert (await node.apply(create(XRP), payer)).result == "tecUNFUNDED"
    assert (await node.apply(create(XRP // 10), payer)).result == "tesSUCCESS"
    assert (await node.apply(create(1), payer)).result == "tecINSUFFICIENT_RESERVE"
    nobody = Wallet.create().address
    rich = await node.funded(50 * XRP)
    to_nobody = PaymentChannelCreate(
        account=rich.address,
        destination=nobody,
        amount="100",
        settle_delay=60,
        public_key=rich.public_key,
    )
    assert (await node.apply(to_nobody, rich)).result == "tecNO_DST"
    to_self = PaymentChannelCreate(
        account=rich.address,
        destination=rich.address,
        amount="100",
        settle_delay=60,
        public_key=rich.public_key,
    )
    assert (await node.submit(to_self, rich))["engine_result"] == "temDST_IS_SRC"
    now = (await node.call("sandbox_clock"))["ledger_close_time"]
    expired = PaymentChannelCreate(
        account=rich.address,
        destination=creator.address,
        amount="100",
        settle_delay=60,
        public_key=rich.public_key,
        cancel_after=now - 1,
    )
    assert (await node.apply(expired, rich)).result == "tecEXPIRED"


async def test_fund_adds_to_the_channel_and_only_the_source_may(node: Node) -> None:
    payer, creator, channel_id = await _channel_pair(node)
    fund = PaymentChannelFund(account=payer.address, channel=channel_id, amount=str(5 * XRP))
    assert (await node.apply(fund, payer)).result == "tesSUCCESS"
    assert (await _channels(node, payer.address))[0]["amount"] == str(25 * XRP)

    by_creator = PaymentChannelFund(account=creator.address, channel=channel_id, amount="1")
    assert (await node.apply(by_creator, creator)).result == "tecNO_PERMISSION"
    unknown = PaymentChannelFund(account=payer.address, channel="AB" * 32, amount="1")
    assert (await node.apply(unknown, payer)).result == "tecNO_ENTRY"
    too_much = PaymentChannelFund(account=payer.address, channel=channel_id, amount=str(80 * XRP))
    assert (await node.apply(too_much, payer)).result == "tecUNFUNDED"
    now = (await node.call("sandbox_clock"))["ledger_close_time"]
    too_soon = PaymentChannelFund(
        account=payer.address, channel=channel_id, amount="1", expiration=now + 60
    )
    assert (await node.submit(too_soon, payer))["engine_result"] == "temBAD_EXPIRATION"


async def test_destination_claims_and_stale_and_oversized_claims_fail(node: Node) -> None:
    payer, creator, channel_id = await _channel_pair(node)
    applied = await node.apply(_claim(channel_id, 5 * XRP, payer, creator), creator)
    assert applied.result == "tesSUCCESS"
    fee = int(applied.tx["tx_json"]["Fee"])
    assert await node.balance(creator.address) == 10 * XRP + 5 * XRP - fee
    channel = (await _channels(node, payer.address))[0]
    assert (channel["amount"], channel["balance"]) == (str(20 * XRP), str(5 * XRP))
    modified = [
        n["ModifiedNode"] for n in applied.tx["meta"]["AffectedNodes"] if "ModifiedNode" in n
    ]
    paychan = next(n for n in modified if n["LedgerEntryType"] == "PayChannel")
    assert paychan["PreviousFields"] == {"Balance": "0"}
    assert paychan["FinalFields"]["Balance"] == str(5 * XRP)

    stale = await node.apply(_claim(channel_id, 5 * XRP, payer, creator), creator)
    assert stale.result == "tecUNFUNDED_PAYMENT"
    assert stale.submitted["engine_result_code"] == 104
    above = await node.apply(_claim(channel_id, 20 * XRP + 1, payer, creator), creator)
    assert above.result == "tecUNFUNDED_PAYMENT"
    assert await node.balance(creator.address) == 10 * XRP + 5 * XRP - 3 * fee
    channel = (await _channels(node, payer.address))[0]
    assert channel["balance"] == str(5 * XRP)


async def test_claims_with_bad_or_missing_signatures_are_malformed(node: Node) -> None:
    payer, creator, channel_id = await _channel_pair(node)
    good = _claim(channel_id, 2 * XRP, payer, creator)
    forged = PaymentChannelClaim(
        account=creator.address,
        channel=channel_id,
        balance=str(3 * XRP),
        amount=str(3 * XRP),
        signature=good.signature,  # signed for 2 XRP, not 3
        public_key=payer.public_key,
    )
    result = await node.submit(forged, creator)
    assert (result["engine_result"], result["engine_result_code"]) == ("temBAD_SIGNATURE", -282)
    assert not result["applied"]
    unsigned = PaymentChannelClaim(account=creator.address, channel=channel_id, balance=str(XRP))
    assert (await node.submit(unsigned, creator))["engine_result"] == "temBAD_SIGNATURE"
    other = Wallet.create()
    wrong_key = PaymentChannelClaim(
        account=creator.address,
        channel=channel_id,
        balance=str(XRP),
        amount=str(XRP),
        signature=sign_bytes(claim_signing_bytes(channel_id, XRP), other.private_key),
        public_key=other.public_key,
    )
    assert (await node.submit(wrong_key, creator))["engine_result"] == "temBAD_SIGNER"
    await node.close()
    assert await node.balance(creator.address) == 10 * XRP  # nothing applied, no fee taken
    stranger = await node.funded(5 * XRP)
    by_stranger = _claim(channel_id, XRP, payer, stranger)
    assert (await node.apply(by_stranger, stranger)).result == "tecNO_PERMISSION"
    missing = _claim("CD" * 32, XRP, payer, creator)
    assert (await node.apply(missing, creator)).result == "tecNO_TARGET"


async def test_source_close_waits_for_the_settle_delay(node: Node) -> None:
    payer, creator, channel_id = await _channel_pair(node, settle_delay=3600)
    await node.apply(_claim(channel_id, 4 * XRP, payer, creator), creator)
    close = PaymentChannelClaim(
        account=payer.address, channel=channel_id, flags=PaymentChannelClaimFlag.TF_CLOSE
    )
    parent_close = (await node.call("sandbox_clock"))["ledger_close_time"]
    assert (await node.apply(close, payer)).result == "tesSUCCESS"
    [channel] = await _channels(node, payer.address)
    assert channel["expiration"] == parent_close + 3600

    # Before the settle delay ends, the creator can still redeem claims.
    await node.advance(1800)
    assert (await node.apply(_claim(channel_id, 6 * XRP, payer, creator), creator)).result == (
        "tesSUCCESS"
    )
    before = await node.balance(payer.address)
    await node.advance(1801)
    # Past the expiration any transaction on the channel closes it; the rest returns home.
    late = await node.apply(_claim(channel_id, 7 * XRP, payer, creator), creator)
    assert late.result == "tesSUCCESS"
    deleted = [n["DeletedNode"] for n in late.tx["meta"]["AffectedNodes"] if "DeletedNode" in n]
    assert deleted[0]["LedgerIndex"] == channel_id
    assert await _channels(node, payer.address) == []
    account = await node.account(payer.address)
    assert account["OwnerCount"] == 0
    assert int(account["Balance"]) == before + 14 * XRP
    assert await node.balance(creator.address) == 10 * XRP + 6 * XRP - 3 * 10


async def test_renew_clears_the_expiration(node: Node) -> None:
    payer, _, channel_id = await _channel_pair(node)
    close = PaymentChannelClaim(
        account=payer.address, channel=channel_id, flags=PaymentChannelClaimFlag.TF_CLOSE
    )
    await node.apply(close, payer)
    assert "expiration" in (await _channels(node, payer.address))[0]
    renew = PaymentChannelClaim(
        account=payer.address, channel=channel_id, flags=PaymentChannelClaimFlag.TF_RENEW
    )
    assert (await node.apply(renew, payer)).result == "tesSUCCESS"
    assert "expiration" not in (await _channels(node, payer.address))[0]


async def test_destination_close_is_immediate(node: Node) -> None:
    payer, creator, channel_id = await _channel_pair(node)
    closing = _claim(channel_id, 3 * XRP, payer, creator, PaymentChannelClaimFlag.TF_CLOSE)
    before = await node.balance(payer.address)
    assert (await node.apply(closing, creator)).result == "tesSUCCESS"
    assert await _channels(node, payer.address) == []
    assert await node.balance(payer.address) == before + 17 * XRP
    assert (await node.account(payer.address))["OwnerCount"] == 0


async def test_cancel_after_closes_the_channel(node: Node) -> None:
    now = (await node.call("sandbox_clock"))["ledger_close_time"]
    payer, creator, channel_id = await _channel_pair(node, cancel_after=now + 600)
    assert (await _channels(node, payer.address))[0]["cancel_after"] == now + 600
    await node.advance(601)
    fund = PaymentChannelFund(account=payer.address, channel=channel_id, amount="1")
    applied = await node.apply(fund, payer)
    assert applied.result == "tesSUCCESS"
    assert await _channels(node, payer.address) == []
    claim = await node.apply(_claim(channel_id, XRP, payer, creator), creator)
    assert claim.result == "tecNO_TARGET"


async def test_channel_verify(node: Node) -> None:
    payer, _, channel_id = await _channel_pair(node)
    signature = sign_bytes(claim_signing_bytes(channel_id, 5 * XRP), payer.private_key)

    async def verify(**overrides: str) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "channel_id": channel_id,
            "amount": str(5 * XRP),
            "signature": signature,
            "public_key": payer.public_key,
        }
        fields.update(overrides)
        return dict((await node.client.request(ChannelVerify(**fields))).result)

    assert (await verify())["signature_verified"] is True
    assert (await verify(amount=str(5 * XRP + 1)))["signature_verified"] is False
    base58_key = (await _channels(node, payer.address))[0]["public_key"]
    assert (await verify(public_key=base58_key))["signature_verified"] is True
    assert (await verify(channel_id="XYZ"))["error"] == "channelMalformed"
    assert (await verify(amount="-5"))["error"] == "channelAmtMalformed"
    assert (await verify(public_key="ED00"))["error"] == "publicMalformed"

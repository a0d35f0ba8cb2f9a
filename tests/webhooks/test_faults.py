"""tests/faults.py itself: private servers that die like a crash and come back on the same
port, never the shared ones."""

from __future__ import annotations

import asyncio

import aio_pika
import pytest
import redis

from tests.faults import SHARED_PORTS, rabbitmq_node, redis_server

pytestmark = [pytest.mark.services, pytest.mark.slow]


def test_a_private_redis_dies_and_restarts_on_its_port() -> None:
    with redis_server() as server:
        assert server.port not in SHARED_PORTS
        client = redis.Redis.from_url(server.url)
        client.set("key", "value")
        server.kill()
        with pytest.raises(redis.ConnectionError):
            client.ping()
        server.start()
        assert client.get("key") is None  # no persistence: a restart forgets
        client.close()
    with redis_server(persist=True) as server:
        client = redis.Redis.from_url(server.url)
        client.set("key", "value")
        server.restart()
        assert client.get("key") == b"value"  # append-only file replayed
        client.close()


async def _publish(url: str, count: int) -> None:
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        await channel.declare_queue("faults", durable=True)
        for n in range(count):
            message = aio_pika.Message(str(n).encode(), delivery_mode=2)
            await channel.default_exchange.publish(message, routing_key="faults")


async def _drain(url: str, recovery_seconds: float = 15.0) -> list[bytes]:
    """Every message in the queue. A node just restarted may accept connections before it has
    recovered the queue's messages from disk, so an empty queue is read again until then; lost
    messages stay lost and the test still fails, only later."""
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue("faults", durable=True)
        bodies: list[bytes] = []
        deadline = asyncio.get_running_loop().time() + recovery_seconds
        while True:
            while (message := await queue.get(no_ack=True, fail=False)) is not None:
                bodies.append(message.body)
            if bodies or asyncio.get_running_loop().time() > deadline:
                return bodies
            await asyncio.sleep(0.25)


def test_a_private_rabbitmq_node_keeps_confirmed_messages_across_a_kill() -> None:
    with rabbitmq_node() as node:
        assert {node.port, node.dist_port}.isdisjoint(SHARED_PORTS)
        asyncio.run(_publish(node.url, 20))
        node.kill()
        with pytest.raises(ConnectionError):
            asyncio.run(aio_pika.connect(node.url, timeout=2))
        node.start()
        assert asyncio.run(_drain(node.url)) == [str(n).encode() for n in range(20)]

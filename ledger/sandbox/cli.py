"""``sandbox``: run the local XRP Ledger node."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from ledger.sandbox.config import SandboxSettings
from ledger.sandbox.errors import SandboxError

__all__ = ["main"]


def _parser(settings: SandboxSettings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sandbox",
        description="A local XRP Ledger node speaking rippled's JSON-RPC (API v2).",
    )
    parser.add_argument("--host", default=settings.host, help="address to listen on")
    parser.add_argument("--port", type=int, default=settings.port, help="port (0: any free)")
    parser.add_argument(
        "--seed-demo",
        action="store_true",
        default=settings.seed_demo,
        help="load the demo world (users, creators, channels, claim history)",
    )
    parser.add_argument(
        "--state-file",
        type=Path,
        default=settings.state_file,
        help="JSON file to load at start and save after every ledger close",
    )
    parser.add_argument(
        "--auto-close",
        type=float,
        default=settings.auto_close_seconds,
        metavar="SECONDS",
        help="close a ledger this often when transactions wait (0: only on ledger_accept)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    settings = SandboxSettings()
    args = _parser(settings).parse_args(argv)
    if args.auto_close < 0:
        print("sandbox: --auto-close must be 0 or more seconds", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level.upper(), format="sandbox: %(message)s")

    from ledger.sandbox.node import SandboxNode
    from ledger.sandbox.server import bind, serve

    try:
        sock = bind(args.host, args.port)
    except SandboxError as error:
        print(f"sandbox: {error.message}", file=sys.stderr)
        return 2
    try:
        node = SandboxNode(args.state_file)
    except SandboxError as error:
        sock.close()
        print(f"sandbox: {error.message}", file=sys.stderr)
        return 2
    port = int(sock.getsockname()[1])
    if args.seed_demo:
        from ledger.sandbox.demo import describe_demo, seed_demo_world

        if node.fresh:
            seed_demo_world(node)
        else:
            print("sandbox: the state file already holds a ledger; demo world not re-seeded")
        print(describe_demo())
    closing = f"every {args.auto_close:g} s" if args.auto_close > 0 else "on ledger_accept"
    print(
        f"sandbox: listening on http://{args.host}:{port} "
        f"(validated ledger {node.state.validated_index}, ledgers close {closing})",
        flush=True,
    )
    serve(node, sock, args.auto_close, settings.log_level)
    print("sandbox: stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`python -m devstack run|bench|eval`: the commands behind `make run`, `make bench`, `make eval`."""

from __future__ import annotations

import argparse
import sys

from devstack.stack import Stack, StackError, watch

__all__ = ["main"]


def _demo_lines() -> list[str]:
    from ledger.sandbox.demo import DEMO

    alice = DEMO.account("alice").address
    bruno = DEMO.account("bruno").address
    return [
        f"what is the balance of {alice}?",
        f"how are the channels of {bruno} doing?",
        f"what happened to transaction {DEMO.transactions['stale_claim']}?",
        f"show the last payments of {alice}",
        "my wallet won't connect",
        "I want to talk to a human",
    ]


def run() -> int:
    stack = Stack()
    s = stack.settings
    profile = (
        f"production profile: {s.workers} of each worker on PostgreSQL, Redis and RabbitMQ"
        if stack.production
        else "embedded profile"
    )
    print(f"starting the stack, {profile} (logs in {s.log_dir})", flush=True)
    try:
        stack.start()
    except StackError as exc:
        print(f"✗ {exc}", file=sys.stderr)
        return 2 if "already in use" in str(exc) or "not set up" in str(exc) else 1
    except KeyboardInterrupt:
        return 130
    print(f"\nReady. Open {stack.api_url}/ to chat with the assistant.")
    print(f"Chat widget on a demo platform page, signed in as a demo user: {stack.api_url}/demo")
    print(
        f"Agent console: {stack.api_url}/console  (user 'demo', password in "
        f"{stack.settings.secrets_dir / 'demo-agent-password'})"
    )
    print("Things to try (demo wallets live in the sandbox node):")
    for line in _demo_lines():
        print("  •", line)
    print(f"Logs: {stack.settings.log_dir}/<name>.log, one per process.   Ctrl-C stops everything.")
    return watch(stack)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack")
    parser.add_argument("command", choices=["run", "bench", "eval"])
    args = parser.parse_args(argv)
    if args.command == "run":
        return run()
    if args.command == "bench":
        from devstack.bench import main as bench_main

        return bench_main()
    from devstack.evaluate import main as eval_main

    return eval_main()


if __name__ == "__main__":
    sys.exit(main())

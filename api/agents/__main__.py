"""``python -m api.agents create --username NAME [--role admin]``: create an account.

The password is read from the environment variable named by ``--password-env`` or asked for
on the terminal; it is never taken on the command line (where it would land in shell history).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from sqlalchemy.orm import sessionmaker

from api.agents import service
from api.agents.config import AgentSettings
from api.agents.schemas import AgentCreate
from api.config import get_settings
from api.db import make_engine, migrate
from api.errors import AppError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.agents")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="create an agent or admin account")
    create.add_argument("--username", required=True)
    create.add_argument("--display-name")
    create.add_argument("--role", choices=["agent", "admin"], default="agent")
    create.add_argument("--password-env", help="read the password from this environment variable")
    args = parser.parse_args(argv)

    if args.password_env:
        password = os.environ.get(args.password_env, "")
        if not password:
            parser.error(f"environment variable {args.password_env} is empty or unset")
    else:
        password = getpass.getpass("password: ")
    engine = make_engine(get_settings().database_url)
    try:
        migrate(engine)
        factory = sessionmaker(engine, expire_on_commit=False)
        body = AgentCreate(
            username=args.username,
            display_name=args.display_name or args.username,
            role=args.role,
            password=password,
        )
        with factory.begin() as session:
            agent = service.create_agent(session, AgentSettings(), body)
    except AppError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(f"created {agent.role} {agent.username} ({agent.id})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

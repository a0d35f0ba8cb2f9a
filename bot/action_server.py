"""Run rasa-sdk's action server with :mod:`bot.actions`: ``python -m bot.action_server --port 5055``.

The action server runs in ``.venv`` (Python 3.11, rasa-sdk 3.21) while Rasa 3.6 runs in
``.venv-rasa`` (rasa-sdk 3.6 does not install on 3.11). The action-call protocol is the same
(the test stories and tests/devstack run every flow across it), but rasa-sdk warns about the
version pair on every request; that warning is silenced here, once. The knowledge base starts
loading at start-up.
"""

from __future__ import annotations

import sys
import warnings

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    warnings.filterwarnings(
        "ignore",
        message="Your versions of rasa and rasa_sdk might not be compatible",
        category=UserWarning,
    )
    from rasa_sdk.__main__ import main_from_args
    from rasa_sdk.endpoint import create_argument_parser

    args = create_argument_parser().parse_args(argv if argv is not None else sys.argv[1:])
    if not (args.actions_module or args.actions):
        args.actions = "bot.actions"
    # The knowledge base's embedding model takes seconds to load: start now, in the background,
    # rather than on the first question (which would get the short scripted answer meanwhile).
    from bot.knowledge import start_loading

    start_loading()
    main_from_args(args)


if __name__ == "__main__":
    main()

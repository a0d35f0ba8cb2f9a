"""Local secrets of the stack: generated once per checkout, kept under var/secrets (mode 0600)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

__all__ = ["local_secret"]


def local_secret(directory: Path, name: str) -> str:
    """The secret called `name`, created on first use. Never printed or logged."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(32))
    return path.read_text().strip()

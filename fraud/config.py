"""Settings of the fraud service (env prefix ``FRAUD_``, ``.env`` supported).

Every path, threshold and memory bound is a setting; the defaults work offline.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["ROOT", "FraudSettings"]

ROOT = Path(__file__).resolve().parent.parent


class FraudSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FRAUD_", env_file=".env", extra="ignore")

    model_dir: Path = ROOT / "var" / "fraud" / "model"
    rules_path: Path = Path(__file__).resolve().parent / "rules" / "default.toml"
    # Calibrated probability thresholds: decisions and risk levels.
    review_threshold: float = Field(0.25, ge=0.0, le=1.0)
    block_threshold: float = Field(0.9, ge=0.0, le=1.0)
    elevated_threshold: float = Field(0.3, ge=0.0, le=1.0)
    highest_threshold: float = Field(0.75, ge=0.0, le=1.0)
    # How many reasons a decision carries at most.
    max_reasons: int = Field(3, ge=1, le=10)
    # Memory bounds of the in-memory feature store (entities per kind, LRU eviction).
    max_entities_per_kind: int = Field(2_000_000, ge=1_000)
    # Scored events remembered so that late outcomes can be attributed to them.
    max_pending_outcomes: int = Field(2_000_000, ge=1_000)
    # Recent events kept for review diagnostics (a global ring buffer).
    recent_events: int = Field(20_000, ge=100)
    # Review budget used by `fraud evaluate` (share of scored events a team can look at).
    review_budget: float = Field(0.01, gt=0.0, le=1.0)
    # Default model build: simulation size and seed.
    default_users: int = Field(1500, ge=50)
    default_days: int = Field(10, ge=1)
    default_seed: int = 7
    batch_size: int = Field(2048, ge=1)
    # `fraud score` runs the cyclic garbage collector after this many new container objects
    # (Python's default, 700, makes it rescan the growing feature state over and over).
    score_gc_threshold: int = Field(100_000, ge=700)
    # Native threads the model may use per scoring thread (1: one core, steady latency).
    model_threads: int = Field(1, ge=1, le=64)

    # Feature state: "memory" (one process, the default) or "redis" (shared, survives a
    # worker; see fraud.redis_store).
    store: Literal["memory", "redis"] = "memory"
    store_url: str = "redis://127.0.0.1:6379/0"
    # Every key starts with "{prefix}:" (braces: one Redis Cluster slot for the whole state).
    store_prefix: str = Field("fraud", pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    # A record not written for this long expires (the bound on Redis memory; 30 days).
    store_ttl_seconds: int = Field(30 * 86_400, ge=60)
    # Records a process keeps decoded in front of Redis (least recently used dropped).
    store_cache_entries: int = Field(1_000_000, ge=1_000)

    # RabbitMQ transport of payment events to `fraud worker` processes (fraud.transport).
    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/"
    # Queue names start with this; the state in Redis belongs to it too (one stream each).
    queue_prefix: str = Field("fraud", pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    # Events per message the publisher sends.
    publish_batch: int = Field(200, ge=1, le=10_000)
    # Unacknowledged messages a worker holds per queue.
    prefetch: int = Field(8, ge=1, le=10_000)
    # How long a worker waits for missing earlier stream positions before folding past them.
    gap_wait_seconds: float = Field(30.0, ge=0.0)

    @model_validator(mode="after")
    def _ordered_thresholds(self) -> FraudSettings:
        if self.review_threshold > self.block_threshold:
            raise ValueError("review_threshold must not exceed block_threshold")
        if self.elevated_threshold > self.highest_threshold:
            raise ValueError("elevated_threshold must not exceed highest_threshold")
        return self

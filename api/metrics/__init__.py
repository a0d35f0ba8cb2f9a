"""Support metrics from the database: /metrics (Prometheus) and the console dashboard."""

from api.metrics.schemas import SupportStats
from api.metrics.service import support_stats

__all__ = ["SupportStats", "support_stats"]

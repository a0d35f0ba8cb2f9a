"""Support metrics computed from conversations and tickets, and their Prometheus rendering."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric, SummaryMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.orm import Session

from api.escalation.service import ACTIVE, aware, utcnow
from api.metrics import repository
from api.metrics.schemas import DurationStats, SupportStats

__all__ = ["prometheus_text", "support_stats"]


def _durations(seconds: list[float]) -> DurationStats:
    if not seconds:
        return DurationStats(
            count=0, total_seconds=0.0, mean_seconds=None, p50_seconds=None, p90_seconds=None
        )
    ordered = sorted(seconds)

    def quantile(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    total = sum(ordered)
    return DurationStats(
        count=len(ordered),
        total_seconds=round(total, 3),
        mean_seconds=round(total / len(ordered), 3),
        p50_seconds=round(quantile(0.5), 3),
        p90_seconds=round(quantile(0.9), 3),
    )


def support_stats(session: Session) -> SupportStats:
    now = utcnow()
    conversations = repository.conversations_with_user_turns(session)
    handed_off = repository.handed_off_conversations(session)
    first_response: list[float] = []
    resolution: list[float] = []
    by_status: Counter[str] = Counter()
    open_by_priority: Counter[str] = Counter()
    first_breaches = resolution_breaches = 0
    for (
        status,
        label,
        created,
        responded,
        resolved,
        first_due,
        resolution_due,
    ) in repository.ticket_rows(session):
        created_at = aware(created)
        assert created_at is not None
        by_status[status] += 1
        responded_at, resolved_at = aware(responded), aware(resolved)
        if responded_at is not None:
            first_response.append((responded_at - created_at).total_seconds())
        if resolved_at is not None:
            resolution.append((resolved_at - created_at).total_seconds())
        if status in ACTIVE:
            if status == "open":
                open_by_priority[label] += 1
            due = aware(first_due)
            if due is not None and responded_at is None and now > due:
                first_breaches += 1
            due = aware(resolution_due)
            if due is not None and now > due:
                resolution_breaches += 1
    return SupportStats(
        conversations=conversations,
        handed_off=handed_off,
        resolved_without_human_share=(
            round((conversations - handed_off) / conversations, 4) if conversations else None
        ),
        handoff_rate=round(handed_off / conversations, 4) if conversations else None,
        first_agent_response=_durations(first_response),
        resolution=_durations(resolution),
        open_tickets_by_priority={
            p: open_by_priority[p] for p in ("urgent", "high", "normal", "low")
        },
        tickets_by_status={
            s: by_status[s] for s in ("open", "assigned", "waiting_on_user", "resolved", "closed")
        },
        first_response_breaches=first_breaches,
        resolution_breaches=resolution_breaches,
    )


class _StatsCollector(Collector):
    def __init__(self, stats: SupportStats) -> None:
        self.stats = stats

    def collect(self) -> Iterator[Metric]:
        stats = self.stats
        yield GaugeMetricFamily(
            "channeldesk_conversations", "Conversations with a user turn", stats.conversations
        )
        yield GaugeMetricFamily(
            "channeldesk_conversations_handed_off",
            "Conversations that reached a human",
            stats.handed_off,
        )
        if stats.resolved_without_human_share is not None:
            yield GaugeMetricFamily(
                "channeldesk_resolved_without_human_ratio",
                "Share of conversations that never needed a human",
                stats.resolved_without_human_share,
            )
        if stats.handoff_rate is not None:
            yield GaugeMetricFamily(
                "channeldesk_handoff_ratio",
                "Share of conversations handed to a human",
                stats.handoff_rate,
            )
        for name, doc, durations in (
            (
                "channeldesk_time_to_first_agent_response_seconds",
                "From ticket creation to the first agent reply",
                stats.first_agent_response,
            ),
            (
                "channeldesk_time_to_resolution_seconds",
                "From ticket creation to resolution",
                stats.resolution,
            ),
        ):
            summary = SummaryMetricFamily(name, doc, labels=[])
            summary.add_metric([], durations.count, durations.total_seconds)
            yield summary
            quantiles = GaugeMetricFamily(
                name.removesuffix("_seconds") + "_quantile_seconds",
                doc + " (quantiles)",
                labels=["quantile"],
            )
            if durations.p50_seconds is not None and durations.p90_seconds is not None:
                quantiles.add_metric(["0.5"], durations.p50_seconds)
                quantiles.add_metric(["0.9"], durations.p90_seconds)
            yield quantiles
        tickets = GaugeMetricFamily("channeldesk_tickets", "Tickets by status", labels=["status"])
        for status, count in stats.tickets_by_status.items():
            tickets.add_metric([status], count)
        yield tickets
        queue = GaugeMetricFamily(
            "channeldesk_open_tickets", "Open tickets by priority", labels=["priority"]
        )
        for label, count in stats.open_tickets_by_priority.items():
            queue.add_metric([label], count)
        yield queue
        breaches = GaugeMetricFamily(
            "channeldesk_sla_breaches", "Active tickets past a due time", labels=["target"]
        )
        breaches.add_metric(["first_response"], stats.first_response_breaches)
        breaches.add_metric(["resolution"], stats.resolution_breaches)
        yield breaches


def prometheus_text(stats: SupportStats) -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_StatsCollector(stats))
    return generate_latest(registry)

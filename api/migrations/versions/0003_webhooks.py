"""Webhook subscriptions, outbox messages and deliveries, attempt log, admin notifications.

Revision ID: 0003
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None

_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_ts = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "webhook_subscriptions",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("event_types", sa.JSON, nullable=False),
        sa.Column("secret", sa.String(128), nullable=False),
        sa.Column("previous_secret", sa.String(128)),
        sa.Column("previous_secret_expires_at", _ts),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("disabled_reason", sa.Text),
        sa.Column("failing_since", _ts),
        sa.Column("created_at", _ts, nullable=False),
        sa.Column("updated_at", _ts, nullable=False),
    )
    op.create_table(
        "webhook_messages",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("event_type", sa.String(64), nullable=False, index=True),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("created_at", _ts, nullable=False, index=True),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", _id, primary_key=True, autoincrement=True),
        sa.Column(
            "message_id",
            sa.String(40),
            sa.ForeignKey("webhook_messages.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column(
            "subscription_id",
            sa.String(40),
            sa.ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", _ts, nullable=False, index=True),
        sa.Column("locked_until", _ts),
        sa.Column("lock_token", sa.String(40)),
        sa.Column("last_status_code", sa.Integer),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", _ts, nullable=False),
        sa.Column("delivered_at", _ts),
    )
    op.create_table(
        "webhook_attempts",
        sa.Column("id", _id, primary_key=True, autoincrement=True),
        sa.Column(
            "delivery_id",
            _id,
            sa.ForeignKey("webhook_deliveries.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("subscription_id", sa.String(40), nullable=False, index=True),
        sa.Column("message_id", sa.String(40), nullable=False, index=True),
        sa.Column("attempted_at", _ts, nullable=False),
        sa.Column("status_code", sa.Integer),
        sa.Column("latency_ms", sa.Float, nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("response_excerpt", sa.Text, nullable=False),
    )
    op.create_table(
        "admin_notifications",
        sa.Column("id", _id, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(48), nullable=False, index=True),
        sa.Column("subject_id", sa.String(64), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", _ts, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("admin_notifications")
    op.drop_table("webhook_attempts")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_messages")
    op.drop_table("webhook_subscriptions")

"""Ticket lifecycle, SLA and priority columns; audit trail, notes; agents and their sessions.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_When = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(
            sa.Column("priority_score", sa.Integer, nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("priority_reasons", sa.JSON, nullable=False, server_default="[]")
        )
        batch.add_column(sa.Column("rank_at", _When))
        batch.add_column(sa.Column("assignee_id", sa.String(64)))
        batch.add_column(sa.Column("claimed_at", _When))
        batch.add_column(sa.Column("first_response_at", _When))
        batch.add_column(sa.Column("first_response_due", _When))
        batch.add_column(sa.Column("resolution_due", _When))
        batch.add_column(sa.Column("resolved_at", _When))
        batch.add_column(sa.Column("closed_at", _When))
        batch.add_column(sa.Column("resolution_code", sa.String(32)))
        batch.add_column(sa.Column("reopen_count", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("updated_at", _When))
    op.execute("UPDATE tickets SET rank_at = created_at WHERE rank_at IS NULL")
    op.create_index("ix_tickets_rank_at", "tickets", ["rank_at"])
    op.create_index("ix_tickets_assignee_id", "tickets", ["assignee_id"])
    op.create_table(
        "ticket_events",
        sa.Column("id", _BigId, primary_key=True, autoincrement=True),
        sa.Column(
            "ticket_id",
            sa.String(64),
            sa.ForeignKey("tickets.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
        sa.Column("created_at", _When, nullable=False),
    )
    op.create_table(
        "ticket_notes",
        sa.Column("id", _BigId, primary_key=True, autoincrement=True),
        sa.Column(
            "ticket_id",
            sa.String(64),
            sa.ForeignKey("tickets.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("author_id", sa.String(64), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", _When, nullable=False),
    )
    op.create_table(
        "agents",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("display_name", sa.String(128), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", _When, nullable=False),
    )
    op.create_table(
        "agent_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column(
            "agent_id",
            sa.String(64),
            sa.ForeignKey("agents.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("created_at", _When, nullable=False),
        sa.Column("expires_at", _When, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("agent_sessions")
    op.drop_table("agents")
    op.drop_table("ticket_notes")
    op.drop_table("ticket_events")
    op.drop_index("ix_tickets_assignee_id", "tickets")
    op.drop_index("ix_tickets_rank_at", "tickets")
    with op.batch_alter_table("tickets") as batch:
        for name in (
            "updated_at",
            "reopen_count",
            "resolution_code",
            "closed_at",
            "resolved_at",
            "resolution_due",
            "first_response_due",
            "first_response_at",
            "claimed_at",
            "assignee_id",
            "rank_at",
            "priority_reasons",
            "priority_score",
        ):
            batch.drop_column(name)

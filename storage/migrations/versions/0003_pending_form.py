"""Forms between their steps that are too large for Slack's private_metadata.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22

The create form's preview carries the whole form in private_metadata when it fits (3000 characters); a
larger one is kept here, so whichever replica receives the next step can continue it, and a restart loses
nothing. Expired rows are pruned by the daily job (indexed by expires_at).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"


def upgrade() -> None:
    op.create_table(
        "pending_form",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_pending_form")),
    )
    with op.batch_alter_table("pending_form", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pending_form_expires_at"), ["expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pending_form", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_form_expires_at"))
    op.drop_table("pending_form")

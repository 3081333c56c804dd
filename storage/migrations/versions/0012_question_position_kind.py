"""questions marked ställningstagande; each answer's overall position on the proposal

Until now a position was asked on every question that was not an organisation choice, so those questions
(stored as free_text) become position questions: what their answers mean is kept. Downgrading turns position
questions back into free_text, which the older code asks a position on, and drops the overall position.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"


def upgrade() -> None:
    op.execute("UPDATE question SET kind = 'position' WHERE kind = 'free_text'")
    with op.batch_alter_table("response_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("overall_position", sa.String(), server_default="not_stated", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("response_version", schema=None) as batch_op:
        batch_op.drop_column("overall_position")
    op.execute("UPDATE question SET kind = 'free_text' WHERE kind = 'position'")

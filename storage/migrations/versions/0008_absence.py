"""who is away: a person's last day away, meanwhile their reminders go to the stand-ins

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 03:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"


def upgrade() -> None:
    op.create_table(
        "absence",
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("until", sa.Date(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_absence")),
    )


def downgrade() -> None:
    op.drop_table("absence")

"""Each organisation's meeting dates and submission lead time (inlämningsdag).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

Two columns on organisation: meetings, a JSON list of ISO dates, and submission_lead_days, a nullable
number of days. The server default '[]' gives existing rows an empty list and stays (tables.py has it
too). Both columns are added in place, also on SQLite: a constant default needs no table rebuild there,
and a rebuild (drop and copy) of organisation fails once remisses and recipients point at it through
foreign keys, which SQLite enforces here and can't switch off inside the migration's transaction.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"


def upgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("meetings", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("submission_lead_days", sa.Integer(), nullable=True))


def downgrade() -> None:
    # Not batch mode: on SQLite that always rebuilds the table (see above); ALTER TABLE … DROP COLUMN works
    # in place on PostgreSQL and on SQLite 3.35 and later.
    op.drop_column("organisation", "submission_lead_days")
    op.drop_column("organisation", "meetings")

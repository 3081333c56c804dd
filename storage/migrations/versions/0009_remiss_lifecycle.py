"""the life of a remiss: who closed or withdrew it and why; answers that arrived after closing

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 03:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"


def upgrade() -> None:
    with op.batch_alter_table("remiss", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_by", sa.String(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("withdrawn_reason", sa.Text(), server_default="", nullable=False))
    with op.batch_alter_table("response_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("after_close", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("response_version", schema=None) as batch_op:
        batch_op.drop_column("after_close")
    with op.batch_alter_table("remiss", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_reason")
        batch_op.drop_column("closed_by")

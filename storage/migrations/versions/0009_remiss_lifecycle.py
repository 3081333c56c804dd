"""the life of a remiss: who closed or withdrew it and why; answers that arrived after closing

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 03:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from storage.migrations.steps import columns_added

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"


upgrade, downgrade = columns_added(
    {
        "remiss": [
            sa.Column("closed_by", sa.String(), server_default="", nullable=False),
            sa.Column("withdrawn_reason", sa.Text(), server_default="", nullable=False),
        ],
        "response_version": [sa.Column("after_close", sa.Boolean(), server_default=sa.false(), nullable=False)],
    }
)

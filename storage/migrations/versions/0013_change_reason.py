"""why an official changed an answer: the reason kept with the version (optional, empty for the rows already there)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from storage.migrations.steps import columns_added

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"


upgrade, downgrade = columns_added(
    {"response_version": [sa.Column("change_reason", sa.Text(), server_default="", nullable=False)]}
)

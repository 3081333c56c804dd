"""when each remiss's status message was last posted or edited: the next edit waits REMISSBOT_STATUS_EDIT_SECONDS
after it; empty (edit at once) for the boards already there

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from storage.migrations.steps import columns_added

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"


upgrade, downgrade = columns_added(
    {"status_board": [sa.Column("rendered_at", sa.DateTime(timezone=True), nullable=True)]}
)

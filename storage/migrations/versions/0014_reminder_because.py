"""why a reminder falls earlier than the policy alone gives (an organisation late in its last two remisses);
empty for the rows already there

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from storage.migrations.steps import columns_added

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"


upgrade, downgrade = columns_added({"reminder": [sa.Column("because", sa.String(), server_default="", nullable=False)]})

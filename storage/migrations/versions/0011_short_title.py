"""the kortrubrik a coordinator chose for a remiss

Existing remisses get an empty one, which means "the kortrubrik suggested from the title": the suggestion is
one rule in the domain (bot/core/domain/short_title.py), so this migration does not copy it into SQL, and a
remiss nobody gave a kortrubrik keeps following that rule.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from storage.migrations.steps import columns_added

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"


upgrade, downgrade = columns_added(
    {"remiss": [sa.Column("short_title", sa.String(), server_default="", nullable=False)]}
)

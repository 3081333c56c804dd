"""Steps that several migrations take the same way.

FROZEN: every migration that calls a function here runs it again on each new database, so changing what a
function does changes the schema that past migrations make. A new kind of step gets a new function; an
existing one stays as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

Step = Callable[[], None]


def columns_added(columns: Mapping[str, Sequence[sa.Column[Any]]]) -> tuple[Step, Step]:
    """A migration's upgrade that adds `columns` (table name: its new columns) and the downgrade that drops them.

    Each table is altered in batch mode (a table rebuild on SQLite where ALTER TABLE can't do it, plain ALTER
    TABLE elsewhere), in the order given; the downgrade undoes it in reverse, last table and last column first.
    """

    def upgrade() -> None:
        for table, added in columns.items():
            with op.batch_alter_table(table, schema=None) as batch_op:
                for column in added:
                    batch_op.add_column(column)

    def downgrade() -> None:
        for table, added in reversed(list(columns.items())):
            with op.batch_alter_table(table, schema=None) as batch_op:
                for column in reversed(added):
                    batch_op.drop_column(column.name)

    return upgrade, downgrade

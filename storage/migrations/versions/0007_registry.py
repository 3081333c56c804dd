"""what the registries need: the answer's own diarienummer and deciding body; each organisation's registry

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"


def upgrade() -> None:
    with op.batch_alter_table("response_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deciding_body", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("their_case_number", sa.Text(), server_default="", nullable=False))
    # A delegation's `decided_by` named the delegate before the body had a kind of its own: keep the name, and
    # say it was a delegate. An yttrande's body was not asked for; it stays unknown rather than guessed.
    op.execute("UPDATE response_version SET deciding_body = 'delegat' WHERE kind = 'delegation'")
    op.create_table(
        "registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_number", sa.String(), nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("organisation_key", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("number", sa.Text(), nullable=False),
        sa.Column("registered_by", sa.String(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration")),
        sa.UniqueConstraint(
            "case_number",
            "subject",
            "organisation_key",
            "version",
            name=op.f("uq_registration_case_number_subject_organisation_key_version"),
        ),
    )
    # Where each organisation's registrators work; the server default fills the rows already there.
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("registry_refs", sa.JSON(), server_default="[]", nullable=False))


def downgrade() -> None:
    op.drop_table("registration")
    op.drop_column("organisation", "registry_refs")
    with op.batch_alter_table("response_version", schema=None) as batch_op:
        batch_op.drop_column("their_case_number")
        batch_op.drop_column("deciding_body")

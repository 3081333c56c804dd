"""stored documents: the bytes of files attached to answers, and which recipient carries them

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 01:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"


def upgrade() -> None:
    op.create_table(
        "stored_document",
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("mime_type", sa.String(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_stored_document")),
    )
    op.create_table(
        "document_use",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_number", sa.String(), nullable=False),
        sa.Column("organisation_key", sa.String(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["sha256"], ["stored_document.sha256"], name=op.f("fk_document_use_sha256_stored_document")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_use")),
        sa.UniqueConstraint(
            "case_number",
            "organisation_key",
            "sha256",
            "name",
            name=op.f("uq_document_use_case_number_organisation_key_sha256_name"),
        ),
    )
    with op.batch_alter_table("document_use", schema=None) as batch_op:
        batch_op.create_index(
            "ix_document_use_case_number_organisation_key", ["case_number", "organisation_key"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("document_use", schema=None) as batch_op:
        batch_op.drop_index("ix_document_use_case_number_organisation_key")
    op.drop_table("document_use")
    op.drop_table("stored_document")

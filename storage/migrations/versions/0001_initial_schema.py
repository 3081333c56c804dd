"""Initial schema: the tables of storage/tables.py.

Revision ID: 0001
Revises:
Create Date: 2026-11-22

Hand-checked against tables.py: eleven tables, named constraints (naming convention), the indexes the
repository's queries use. Leading columns of the unique constraints (remiss_id, recipient_id) double as
the indexes for loading a remiss's or a recipient's children.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "organisation",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("short_name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("contacts", sa.JSON(), nullable=False),
        sa.Column("stand_ins", sa.JSON(), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_organisation")),
    )
    op.create_table(
        "processed_delivery",
        sa.Column("event_id", sa.String(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_processed_delivery")),
    )
    op.create_table(
        "slack_user_cache",
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("cached_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("email", name=op.f("pk_slack_user_cache")),
    )
    op.create_table(
        "remiss",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_number", sa.String(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("sender_key", sa.String(), nullable=False),
        sa.Column("coordinators", sa.JSON(), nullable=False),
        sa.Column("contact", sa.Text(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["sender_key"], ["organisation.key"], name=op.f("fk_remiss_sender_key_organisation")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remiss")),
        sa.UniqueConstraint("case_number", name=op.f("uq_remiss_case_number")),
    )
    op.create_index(op.f("ix_remiss_sender_key"), "remiss", ["sender_key"], unique=False)
    op.create_index(op.f("ix_remiss_status"), "remiss", ["status"], unique=False)
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("remiss_id", sa.Integer(), nullable=False),
        sa.Column("organisation_key", sa.String(), nullable=True),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["remiss_id"], ["remiss.id"], name=op.f("fk_audit_entry_remiss_id_remiss")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    op.create_index(
        "ix_audit_entry_remiss_id_organisation_key",
        "audit_entry",
        ["remiss_id", "organisation_key"],
        unique=False,
    )
    op.create_table(
        "document_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("remiss_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["remiss_id"], ["remiss.id"], name=op.f("fk_document_link_remiss_id_remiss")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_link")),
        sa.UniqueConstraint("remiss_id", "position", name=op.f("uq_document_link_remiss_id_position")),
    )
    op.create_table(
        "question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("remiss_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["remiss_id"], ["remiss.id"], name=op.f("fk_question_remiss_id_remiss")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question")),
        sa.UniqueConstraint("remiss_id", "number", name=op.f("uq_question_remiss_id_number")),
    )
    op.create_table(
        "recipient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("remiss_id", sa.Integer(), nullable=False),
        sa.Column("organisation_key", sa.String(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("draft_content", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("draft_updated_by", sa.String(), nullable=True),
        sa.Column("draft_updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_version", sa.Integer(), nullable=True),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_key"],
            ["organisation.key"],
            name=op.f("fk_recipient_organisation_key_organisation"),
        ),
        sa.ForeignKeyConstraint(["remiss_id"], ["remiss.id"], name=op.f("fk_recipient_remiss_id_remiss")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recipient")),
        sa.UniqueConstraint("remiss_id", "organisation_key", name=op.f("uq_recipient_remiss_id_organisation_key")),
    )
    op.create_index(op.f("ix_recipient_organisation_key"), "recipient", ["organisation_key"], unique=False)
    op.create_table(
        "extension",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("previous_deadline", sa.Date(), nullable=False),
        sa.Column("new_deadline", sa.Date(), nullable=False),
        sa.Column("granted_by", sa.String(), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["recipient_id"], ["recipient.id"], name=op.f("fk_extension_recipient_id_recipient")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extension")),
        sa.UniqueConstraint("recipient_id", "seq", name=op.f("uq_extension_recipient_id_seq")),
    )
    op.create_table(
        "recipient_official",
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["recipient.id"], name=op.f("fk_recipient_official_recipient_id_recipient")
        ),
        sa.PrimaryKeyConstraint("recipient_id", "position", name=op.f("pk_recipient_official")),
    )
    op.create_index(op.f("ix_recipient_official_user_id"), "recipient_official", ["user_id"], unique=False)
    op.create_table(
        "response_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=True),
        sa.Column("paragraph", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=False),
        sa.Column("planned_board_date", sa.Date(), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("author", sa.String(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["recipient.id"], name=op.f("fk_response_version_recipient_id_recipient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response_version")),
        sa.UniqueConstraint("recipient_id", "version", name=op.f("uq_response_version_recipient_id_version")),
    )


def downgrade() -> None:
    op.drop_table("response_version")
    op.drop_index(op.f("ix_recipient_official_user_id"), table_name="recipient_official")
    op.drop_table("recipient_official")
    op.drop_table("extension")
    op.drop_index(op.f("ix_recipient_organisation_key"), table_name="recipient")
    op.drop_table("recipient")
    op.drop_table("question")
    op.drop_table("document_link")
    op.drop_index("ix_audit_entry_remiss_id_organisation_key", table_name="audit_entry")
    op.drop_table("audit_entry")
    op.drop_index(op.f("ix_remiss_status"), table_name="remiss")
    op.drop_index(op.f("ix_remiss_sender_key"), table_name="remiss")
    op.drop_table("remiss")
    op.drop_table("slack_user_cache")
    op.drop_table("processed_delivery")
    op.drop_table("organisation")

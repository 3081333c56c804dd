"""The database tables (SQLModel); storage/sql/mapping.py maps them to and from the domain."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Index, LargeBinary, Text, UniqueConstraint, false
from sqlmodel import Field, SQLModel

# Deterministic constraint names, so migrations can refer to them (SQLite batch mode needs names, and a
# later ALTER must name what it drops). Set before any table is declared: names are fixed at declaration.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Enum values (status, kind, position) are stored as their string values in plain columns rather than as
# database enums: a new value then needs no ALTER TYPE on PostgreSQL, and the domain enums validate on read.


class OrganisationRow(SQLModel, table=True):
    """A body in the directory. Never deleted: recipients and remisses refer to it by key."""

    __tablename__ = "organisation"

    key: str = Field(primary_key=True)
    name: str = Field(sa_type=Text)
    short_name: str = Field(sa_type=Text)
    kind: str
    contacts: list[str] = Field(default_factory=list, sa_type=JSON)
    stand_ins: list[str] = Field(default_factory=list, sa_type=JSON)
    aliases: list[str] = Field(default_factory=list, sa_type=JSON)
    active: bool = True
    # Directory order as the administrator wrote it; the summary lists recipients in this order.
    position: int
    # ISO dates, sorted. A JSON list rather than a child table: always read and replaced whole with the
    # organisation, never queried on its own. The server default fills the rows that existed before the
    # column (migration 0004) without rebuilding the table, which SQLite can't do under its foreign keys.
    meetings: list[str] = Field(default_factory=list, sa_type=JSON, sa_column_kwargs={"server_default": "[]"})
    submission_lead_days: int | None = None
    # One Slack channel id, or the registrators' user ids (migration 0006).
    registry_refs: list[str] = Field(default_factory=list, sa_type=JSON, sa_column_kwargs={"server_default": "[]"})


class RemissRow(SQLModel, table=True):
    """A remiss; its questions and document links are child rows."""

    __tablename__ = "remiss"

    id: int | None = Field(default=None, primary_key=True)
    # Unique in the database, not only checked in code, so two replicas can't both create one case.
    case_number: str = Field(unique=True)
    title: str = Field(sa_type=Text)
    description: str = Field(sa_type=Text)
    sender_key: str = Field(foreign_key="organisation.key", index=True)
    coordinators: list[str] = Field(default_factory=list, sa_type=JSON)
    contact: str = Field(sa_type=Text)
    deadline: date
    status: str = Field(index=True)
    created_by: str
    created_at: datetime
    sent_at: datetime | None = None
    closed_at: datetime | None = None
    # Who closed or withdrew it ("system" for the automatic closing), and why it was withdrawn (migration 0008).
    closed_by: str = Field(default="", sa_column_kwargs={"server_default": ""})
    withdrawn_reason: str = Field(default="", sa_type=Text, sa_column_kwargs={"server_default": ""})
    # The kortrubrik the coordinator chose (migration 0011); empty: the one the domain suggests from the title.
    short_title: str = Field(default="", sa_column_kwargs={"server_default": ""})
    # This remiss's own reminder policy (the fields of ReminderPolicy that differ from the global one);
    # None follows the global policy. Read and replaced whole, never queried inside.
    reminder_policy: dict[str, Any] | None = Field(default=None, sa_type=JSON(none_as_null=True))


class QuestionRow(SQLModel, table=True):
    """One numbered question of a remiss."""

    __tablename__ = "question"
    __table_args__ = (UniqueConstraint("remiss_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    remiss_id: int = Field(foreign_key="remiss.id")
    number: int
    text: str = Field(sa_type=Text)
    kind: str


class DocumentLinkRow(SQLModel, table=True):
    """A link to one of the remiss's documents, in the order given."""

    __tablename__ = "document_link"
    __table_args__ = (UniqueConstraint("remiss_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    remiss_id: int = Field(foreign_key="remiss.id")
    position: int
    title: str = Field(sa_type=Text)
    url: str = Field(sa_type=Text)


class RecipientRow(SQLModel, table=True):
    """An organisation asked to answer one remiss: the mutable part of its state.

    Submitted versions and extensions live in append-only child tables. The remiss deadline is not copied
    here: it is read from the remiss, so moving the remiss's deadline moves every recipient's with it.
    """

    __tablename__ = "recipient"
    __table_args__ = (UniqueConstraint("remiss_id", "organisation_key"),)

    id: int | None = Field(default=None, primary_key=True)
    remiss_id: int = Field(foreign_key="remiss.id")
    organisation_key: str = Field(foreign_key="organisation.key", index=True)
    opened_at: datetime | None = None
    # The draft is one value that is replaced as a whole and never queried inside, hence JSON.
    draft_content: dict[str, Any] | None = Field(default=None, sa_type=JSON(none_as_null=True))
    draft_updated_by: str | None = None
    draft_updated_at: datetime | None = None
    withdrawn_version: int | None = None
    last_activity_at: datetime | None = None


class RecipientOfficialRow(SQLModel, table=True):
    """A responsible official of a recipient; indexed by user so "what do I answer for" is one lookup."""

    __tablename__ = "recipient_official"

    recipient_id: int = Field(foreign_key="recipient.id", primary_key=True)
    position: int = Field(primary_key=True)
    user_id: str = Field(index=True)


class ResponseVersionRow(SQLModel, table=True):
    """One submitted version of a response. Append-only: rows are inserted, never updated or deleted.

    Answers and attachments are JSON lists inside the version row rather than child tables: a version is
    immutable and always read whole, nothing queries single answers in SQL, and one INSERT writes it.
    """

    __tablename__ = "response_version"
    __table_args__ = (UniqueConstraint("recipient_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="recipient.id")
    version: int
    kind: str
    # [{"question_number": 1, "text": "...", "position": "tillstyrker"}, ...]
    answers: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    meeting_date: date | None = None
    paragraph: str = Field(default="", sa_type=Text)
    decided_by: str = Field(default="", sa_type=Text)
    # The deciding body's kind (nämnd, arbetsutskott, …); `decided_by` names it or the delegate.
    deciding_body: str | None = None
    their_case_number: str = Field(default="", sa_type=Text, sa_column_kwargs={"server_default": ""})
    planned_board_date: date | None = None
    decline_reason: str = Field(default="", sa_type=Text)
    # [{"file_id": "F123", "name": "yttrande.pdf", "url": "https://..."}, ...]
    attachments: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    author: str
    submitted_at: datetime
    # Inkom efter avslut: submitted while the remiss was closed (migration 0008).
    after_close: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # The answer's one position on the proposal as a whole (migration 0012).
    overall_position: str = Field(default="not_stated", sa_column_kwargs={"server_default": "not_stated"})
    # Why the official changed the answer with this version (migration 0013); empty for a first version.
    change_reason: str = Field(default="", sa_type=Text, sa_column_kwargs={"server_default": ""})


class ExtensionRow(SQLModel, table=True):
    """Anstånd granted to one recipient. Append-only; `seq` keeps the order they were granted in."""

    __tablename__ = "extension"
    __table_args__ = (UniqueConstraint("recipient_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="recipient.id")
    seq: int
    previous_deadline: date
    new_deadline: date
    granted_by: str
    granted_at: datetime
    reason: str = Field(default="", sa_type=Text)


class AuditEntryRow(SQLModel, table=True):
    """One thing that happened to a remiss. Append-only; the id gives the order."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_remiss_id_organisation_key", "remiss_id", "organisation_key"),)

    id: int | None = Field(default=None, primary_key=True)
    remiss_id: int = Field(foreign_key="remiss.id")
    # A plain key, not a foreign key: the trail records what was said even about unlisted organisations.
    organisation_key: str | None = None
    action: str
    actor: str
    at: datetime
    details: dict[str, str] = Field(default_factory=dict, sa_type=JSON)


class ProcessedDeliveryRow(SQLModel, table=True):
    """A Slack event already handled; the primary key deduplicates Slack's retried deliveries."""

    __tablename__ = "processed_delivery"

    event_id: str = Field(primary_key=True)
    received_at: datetime


class SlackUserCacheRow(SQLModel, table=True):
    """E-mail address → Slack user id, so directory contacts don't cost a users.lookupByEmail each time."""

    __tablename__ = "slack_user_cache"

    email: str = Field(primary_key=True)
    user_id: str
    cached_at: datetime


class PendingFormRow(SQLModel, table=True):
    """A form between its steps (create -> preview) too large for Slack's private_metadata."""

    __tablename__ = "pending_form"

    key: str = Field(primary_key=True)
    payload: str = Field(sa_type=Text)
    expires_at: datetime = Field(index=True)


class OutboxMessageRow(SQLModel, table=True):
    """A message recorded before it is sent (the outbox); senders claim due rows and record the outcome.

    `case_number` is a plain column, not a foreign key: the port speaks case numbers, so claims and look-ups
    need no join; case numbers never change and remisses are never deleted, so nothing can dangle; and an
    INSERT with a foreign key takes a KEY SHARE lock on the remiss row, which would make enqueueing wait on
    whoever holds that remiss FOR UPDATE.
    """

    __tablename__ = "outbox_message"
    __table_args__ = (
        # The claim reads only what is due (PENDING by next_attempt_at, SENDING by claimed_until), so its
        # cost follows the few live rows, not the ever-growing number of sent ones.
        Index("ix_outbox_message_state_next_attempt_at", "state", "next_attempt_at"),
        Index("ix_outbox_message_state_claimed_until", "state", "claimed_until"),
        Index("ix_outbox_message_channel_id_ts", "channel_id", "ts"),
        Index("ix_outbox_message_case_number_organisation_key", "case_number", "organisation_key"),
    )

    # The id gives the order: oldest first.
    id: int | None = Field(default=None, primary_key=True)
    # Unique in the database: enqueueing the same message twice (a retried event, two replicas) records it once.
    key: str = Field(unique=True)
    kind: str
    case_number: str
    created_at: datetime
    to_user: str | None = None
    organisation_key: str | None = None
    # A plain id, like case_number: the message points at the entry that caused it, nothing enforces it.
    audit_id: int | None = None
    state: str
    attempts: int = 0
    next_attempt_at: datetime | None = None
    claimed_until: datetime | None = None
    channel_id: str | None = None
    ts: str | None = None
    sent_at: datetime | None = None
    error: str = Field(default="", sa_type=Text)
    uncertain: bool = False


class StatusBoardRow(SQLModel, table=True):
    """The status message of one remiss: `version` counts changes, `rendered_version` what Slack shows.

    No index for the claim beyond the primary key: there is one row per remiss (hundreds a year), and
    "rendered_version < version" compares two columns, which a plain index can't narrow anyway.
    """

    __tablename__ = "status_board"

    # A plain key, not a foreign key to the remiss, for the same reasons as OutboxMessageRow.case_number.
    case_number: str = Field(primary_key=True)
    channel: str
    version: int = 1
    rendered_version: int = 0
    ts: str | None = None
    claimed_until: datetime | None = None
    # When the message was last posted or edited: the next edit waits STATUS_EDIT_INTERVAL after it (0016).
    rendered_at: datetime | None = None


class DigestSaidRow(SQLModel, table=True):
    """What the last digest offered in a channel said (a fingerprint), so that the next is not the same."""

    __tablename__ = "digest_said"

    channel: str = Field(primary_key=True)
    said: str


class ReminderRow(SQLModel, table=True):
    """One planned reminder and what became of it; the periodic job claims the due ones.

    The claim reads `state = 'planned' AND due_at <= now` through the (state, due_at) index, so a tick costs
    what is due, not the hundreds of thousands of reminders planned for later or long since sent.
    Plain case number and organisation key, as in the outbox: no foreign-key lock on the remiss row.
    """

    __tablename__ = "reminder"
    __table_args__ = (
        Index("ix_reminder_state_due_at", "state", "due_at"),
        Index("ix_reminder_case_number_organisation_key", "case_number", "organisation_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # reminder:{case}:{org}:{kind}:{date}; unique, so two replicas planning the same reminder record it once.
    key: str = Field(unique=True)
    case_number: str
    organisation_key: str
    kind: str
    audience: str
    due_at: datetime
    local_date: date
    deadline: date
    working_days_left: int
    # {"meeting": iso|None, "submission_date": iso|None, "no_meeting_fits": bool}, or None (no meetings on file).
    meeting: dict[str, Any] | None = Field(default=None, sa_type=JSON(none_as_null=True))
    state: str
    reason: str = ""
    decided_at: datetime | None = None
    # Why it falls earlier than the policy alone gives ("late_history"), or "" (migration 0014).
    because: str = Field(default="", sa_column_kwargs={"server_default": ""})


class RegistrationRow(SQLModel, table=True):
    """A registry registered the remiss at a recipient (version 0) or one version of its answer. Once each."""

    __tablename__ = "registration"
    __table_args__ = (UniqueConstraint("case_number", "subject", "organisation_key", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    case_number: str
    subject: str
    organisation_key: str
    version: int
    number: str = Field(sa_type=Text)
    registered_by: str
    registered_at: datetime


class AbsenceRow(SQLModel, table=True):
    """A person away up to and including `until`: meanwhile their reminders go to the others (stand-ins)."""

    __tablename__ = "absence"

    user_id: str = Field(primary_key=True)
    until: date
    since: datetime


class ExtensionRequestRow(SQLModel, table=True):
    """An official's request for anstånd, until the coordinator grants or refuses it."""

    __tablename__ = "extension_request"
    __table_args__ = (Index("ix_extension_request_case_number_organisation_key", "case_number", "organisation_key"),)

    id: int | None = Field(default=None, primary_key=True)
    case_number: str
    organisation_key: str
    requested_by: str
    requested_at: datetime
    requested_deadline: date
    reason: str = Field(default="", sa_type=Text)
    state: str
    decided_by: str | None = None
    decided_at: datetime | None = None
    granted_deadline: date | None = None


class StoredDocumentRow(SQLModel, table=True):
    """The bytes of a file attached to an answer, once per content (sha256). BLOB on SQLite, bytea on PostgreSQL;
    only storage/sql/documents.py reads it, so an object store could take its place."""

    __tablename__ = "stored_document"

    sha256: str = Field(primary_key=True)
    size: int
    mime_type: str
    content: bytes = Field(sa_type=LargeBinary)
    stored_at: datetime


class DocumentUseRow(SQLModel, table=True):
    """A stored file as one recipient's answer carries it: under which name, since when. `case_number` is a plain
    column, as in the outbox (remisses are never deleted and their case numbers never change)."""

    __tablename__ = "document_use"
    __table_args__ = (
        UniqueConstraint("case_number", "organisation_key", "sha256", "name"),
        Index("ix_document_use_case_number_organisation_key", "case_number", "organisation_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_number: str
    organisation_key: str
    sha256: str = Field(foreign_key="stored_document.sha256")
    name: str = Field(sa_type=Text)
    stored_at: datetime


class SendBudgetRow(SQLModel, table=True):
    """When the next slot to post to Slack falls due, per workspace and per channel, shared by all replicas
    (storage/pace.py): seconds since the epoch on the database's clock."""

    __tablename__ = "send_budget"

    key: str = Field(primary_key=True)
    next_at: float


# The same tables as plain sqlalchemy Tables, for statements that read or write rows without ORM objects:
# building an ORM object per row costs more than the query, on a large read and on every click's save.
REMISS_TABLE = SQLModel.metadata.tables["remiss"]
QUESTION_TABLE = SQLModel.metadata.tables["question"]
DOCUMENT_LINK_TABLE = SQLModel.metadata.tables["document_link"]
RECIPIENT_TABLE = SQLModel.metadata.tables["recipient"]
RECIPIENT_OFFICIAL_TABLE = SQLModel.metadata.tables["recipient_official"]
RESPONSE_VERSION_TABLE = SQLModel.metadata.tables["response_version"]
EXTENSION_TABLE = SQLModel.metadata.tables["extension"]
AUDIT_ENTRY_TABLE = SQLModel.metadata.tables["audit_entry"]
OUTBOX_MESSAGE_TABLE = SQLModel.metadata.tables["outbox_message"]
STATUS_BOARD_TABLE = SQLModel.metadata.tables["status_board"]

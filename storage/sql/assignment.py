"""The answer form's lean read: a remiss and one recipient in two plain queries, mapped as everywhere else."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, bindparam, func, literal_column, null, union_all
from sqlalchemy import select as core_select

from bot.core.domain.remiss import DocumentLink, Question, QuestionKind
from bot.core.ports.remisses import Assignment
from storage.sql.context import SqlContext
from storage.sql.mapping import extension_from, recipient_from, remiss_from, response_from, snapshot
from storage.tables import DOCUMENT_LINK_TABLE as _DOCUMENT
from storage.tables import EXTENSION_TABLE as _EXTENSION
from storage.tables import QUESTION_TABLE as _QUESTION
from storage.tables import RECIPIENT_OFFICIAL_TABLE as _OFFICIAL
from storage.tables import RECIPIENT_TABLE as _RECIPIENT
from storage.tables import REMISS_TABLE as _REMISS
from storage.tables import RESPONSE_VERSION_TABLE as _VERSION

# The queries of read_assignment, built once (building a statement costs about what running it
# does). The head is the remiss and recipient rows, with how many versions and extensions there are; the parts
# are the remiss's questions and documents and the recipient's officials, in their order, in one result.
_ASSIGNMENT_HEAD: Select[Any] = (
    core_select(
        _REMISS,
        _RECIPIENT.c.id.label("recipient_id"),
        _RECIPIENT.c.opened_at,
        _RECIPIENT.c.draft_content,
        _RECIPIENT.c.draft_updated_by,
        _RECIPIENT.c.draft_updated_at,
        _RECIPIENT.c.withdrawn_version,
        _RECIPIENT.c.last_activity_at,
        core_select(func.count()).where(_VERSION.c.recipient_id == _RECIPIENT.c.id).scalar_subquery().label("versions"),
        core_select(func.count())
        .where(_EXTENSION.c.recipient_id == _RECIPIENT.c.id)
        .scalar_subquery()
        .label("extensions"),
    )
    .join(
        _RECIPIENT,
        and_(_RECIPIENT.c.remiss_id == _REMISS.c.id, _RECIPIENT.c.organisation_key == bindparam("key")),
    )
    .where(_REMISS.c.case_number == bindparam("case_number"))
)
# Writers lock the remiss row before a recipient row (see SqlContext); one recipient needs only a share lock.
_REMISS_SHARE_LOCK: Select[Any] = (
    core_select(_REMISS.c.id).where(_REMISS.c.case_number == bindparam("case_number")).with_for_update(read=True)
)
_ASSIGNMENT_HEAD_LOCKED: Select[Any] = _ASSIGNMENT_HEAD.with_for_update(of=_RECIPIENT)
_ASSIGNMENT_PARTS = union_all(
    core_select(
        literal_column("'q'").label("part"),
        _QUESTION.c.number,
        _QUESTION.c.text.label("a"),
        _QUESTION.c.kind.label("b"),
    ).where(_QUESTION.c.remiss_id == bindparam("remiss_id")),
    core_select(literal_column("'d'"), _DOCUMENT.c.position, _DOCUMENT.c.title, _DOCUMENT.c.url).where(
        _DOCUMENT.c.remiss_id == bindparam("remiss_id")
    ),
    core_select(literal_column("'o'"), _OFFICIAL.c.position, _OFFICIAL.c.user_id, null()).where(
        _OFFICIAL.c.recipient_id == bindparam("recipient_id")
    ),
).order_by(literal_column("part"), literal_column("number"))
_ASSIGNMENT_VERSIONS: Select[Any] = (
    core_select(_VERSION).where(_VERSION.c.recipient_id == bindparam("recipient_id")).order_by(_VERSION.c.version)
)
_ASSIGNMENT_EXTENSIONS: Select[Any] = (
    core_select(_EXTENSION).where(_EXTENSION.c.recipient_id == bindparam("recipient_id")).order_by(_EXTENSION.c.seq)
)


def read_assignment(context: SqlContext, case_number: str, organisation_key: str) -> Assignment | None:
    """The remiss and one of its recipients, equal to what get_remiss and get_recipient give.

    Two plain queries (four when the recipient has versions or extensions) without the ORM's object
    loading, where those two take seven: every click in the answer form reads this, and every answer
    saved reads it while SQLite's write lock is held. With row locks (PostgreSQL in a transaction), the
    locks get_remiss(shared=True) and get_recipient take, in the same order: the remiss row FOR SHARE
    first (one more small query), then the recipient row FOR UPDATE with the head. In a transaction the
    recipient is remembered as stored, as get_recipient does, for save_recipient to compare against."""
    connection = context.session.connection()
    params = {"case_number": case_number, "key": organisation_key}
    if context.locking:
        locked = connection.execute(_REMISS_SHARE_LOCK, params).first()
        if locked is None:
            return None
        context.shared_remisses.add(int(locked.id))
    head = connection.execute(_ASSIGNMENT_HEAD_LOCKED if context.locking else _ASSIGNMENT_HEAD, params).first()
    if head is None:
        return None
    remiss_id, recipient_id = int(head.id), int(head.recipient_id)
    ids = {"remiss_id": remiss_id, "recipient_id": recipient_id}
    questions: list[Question] = []
    documents: list[DocumentLink] = []
    officials: list[str] = []
    for part in connection.execute(_ASSIGNMENT_PARTS, ids):
        if part.part == "q":
            questions.append(Question(part.number, part.a, QuestionKind(part.b)))
        elif part.part == "d":
            documents.append(DocumentLink(part.a, part.b))
        else:
            officials.append(part.a)
    remiss = remiss_from(head, questions, documents, remiss_id)
    # The counts come from the head's snapshot, taken before it waited for the row lock: under a lock,
    # versions another writer committed meanwhile are only seen by a new statement, so always ask then.
    fetch = context.locking
    versions = connection.execute(_ASSIGNMENT_VERSIONS, ids) if head.versions or fetch else ()
    extensions = connection.execute(_ASSIGNMENT_EXTENSIONS, ids) if head.extensions or fetch else ()
    recipient = recipient_from(
        head,
        case_number=head.case_number,
        organisation_key=organisation_key,
        remiss_deadline=head.deadline,
        officials=officials,
        responses=[response_from(v) for v in versions],
        extensions=[extension_from(e) for e in extensions],
        recipient_id=recipient_id,
    )
    context.remember(remiss_id, remiss.case_number, remiss.deadline)
    if not context.read_only:
        context.stored[(recipient.case_number, recipient.organisation_key)] = snapshot(recipient)
    return Assignment(remiss, recipient)

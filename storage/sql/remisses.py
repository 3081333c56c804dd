"""The remisses port on SQL: remisses, recipients, the audit trail and requests for anstånd."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, ScalarSelect, Table, bindparam, delete, func, insert, update
from sqlalchemy import exc as sa_exc
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from bot.core.domain.audit import AuditEntry
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.extension import ExtensionRequest
from bot.core.domain.recipient import Recipient
from bot.core.domain.registry import Registration, RegistryItem, RegistrySubject
from bot.core.domain.remiss import (
    DocumentLink,
    Extension,
    Question,
    QuestionKind,
    Remiss,
    RemissStatus,
    Response,
)
from bot.core.domain.statistics import RecipientHistory
from bot.core.ports.remisses import Assignment
from storage.sql.assignment import read_assignment
from storage.sql.context import FRESH, FRESH_UPDATE, SqlRepository
from storage.sql.history import read_answer_history
from storage.sql.mapping import (
    audit_entry_from,
    chunks,
    extension_from,
    recipient_fields,
    recipient_from,
    remiss_fields,
    remiss_from,
    request_fields,
    request_from,
    response_fields,
    response_from,
    row_id,
    snapshot,
)
from storage.tables import AUDIT_ENTRY_TABLE as _AUDIT
from storage.tables import DOCUMENT_LINK_TABLE as _DOCUMENT
from storage.tables import EXTENSION_TABLE as _EXTENSION
from storage.tables import QUESTION_TABLE as _QUESTION
from storage.tables import RECIPIENT_OFFICIAL_TABLE as _OFFICIAL
from storage.tables import RECIPIENT_TABLE as _RECIPIENT
from storage.tables import REMISS_TABLE as _REMISS
from storage.tables import RESPONSE_VERSION_TABLE as _VERSION
from storage.tables import (
    AuditEntryRow,
    DocumentLinkRow,
    ExtensionRequestRow,
    ExtensionRow,
    QuestionRow,
    RecipientOfficialRow,
    RecipientRow,
    RegistrationRow,
    RemissRow,
    ResponseVersionRow,
)

Item = TypeVar("Item")
# The two writes of every recipient saved (every click in the answer form that changes something), built once:
# the recipient's UPDATE (its columns are set from the parameters' names) and the audit trail's INSERT.
_SAVE_RECIPIENT = update(_RECIPIENT).where(_RECIPIENT.c.id == bindparam("saved_recipient_id"))
_APPEND_AUDIT = insert(_AUDIT).returning(_AUDIT.c.id)


class SqlRemisses(SqlRepository):
    """bot.core.ports.remisses.RemissRepository over one transaction's SqlContext."""

    # -- remisses ------------------------------------------------------------------------------------
    def get_remiss(self, case_number: str, *, shared: bool = False) -> Remiss | None:
        query = select(RemissRow).where(RemissRow.case_number == case_number)
        if self._ctx.locking:
            # FOR SHARE lets writers of other recipients proceed together; FOR UPDATE (sending, changing
            # the remiss itself) waits for them, and they for it.
            query = query.with_for_update(read=shared)
        row = self._session.exec(query, execution_options=FRESH).first()
        if row is None:
            return None
        if self._ctx.locking:
            (self._ctx.shared_remisses if shared else self._ctx.locked_remisses).add(row_id(row.id))
        return self._remisses([row])[0]

    def add_remiss(self, remiss: Remiss) -> Remiss:
        """Store a new remiss; a case number that exists raises DomainError(DUPLICATE_CASE_NUMBER)."""
        self._ctx.require_writable()
        self._ctx.require_organisation(remiss.sender_key)
        row = RemissRow(case_number=remiss.case_number, **remiss_fields(remiss))
        # The unique constraint decides, not a look-up first: two replicas may insert at the same moment.
        # The savepoint keeps the caller's transaction usable after the refusal.
        try:
            with self._session.begin_nested():
                self._session.add(row)
        except sa_exc.IntegrityError:
            raise DomainError(
                ErrorCode.DUPLICATE_CASE_NUMBER, field="case_number", case_number=remiss.case_number
            ) from None
        remiss_id = row_id(row.id)
        self._write_questions_and_documents(remiss_id, remiss)
        return self._remisses([row])[0]

    def save_remiss(self, remiss: Remiss) -> None:
        self._ctx.require_writable()
        query = select(RemissRow).where(RemissRow.case_number == remiss.case_number)
        row = self._session.exec(query, execution_options=FRESH).first()
        if row is None:
            raise DomainError(ErrorCode.UNKNOWN_REMISS, case_number=remiss.case_number)
        if remiss.sender_key != row.sender_key:
            self._ctx.require_organisation(remiss.sender_key)
        for name, value in remiss_fields(remiss).items():
            setattr(row, name, value)
        self._session.add(row)
        current = self._remisses([row])[0]
        if current.questions != remiss.questions or current.documents != remiss.documents:
            remiss_id = row_id(row.id)
            self._session.execute(delete(QuestionRow).where(col(QuestionRow.remiss_id) == remiss_id))
            self._session.execute(delete(DocumentLinkRow).where(col(DocumentLinkRow.remiss_id) == remiss_id))
            self._write_questions_and_documents(remiss_id, remiss)
        self._session.flush()

    def list_remisses(self, statuses: Collection[RemissStatus] | None = None) -> list[Remiss]:
        self._session.flush()  # a plain statement (see _recipients) doesn't flush by itself
        query = sa_select(_REMISS).order_by(_REMISS.c.id)
        if statuses is not None:
            query = query.where(_REMISS.c.status.in_([s.value for s in statuses]))
        return self._remisses(self._session.execute(query).all())

    # -- recipients ----------------------------------------------------------------------------------
    def get_recipient(self, case_number: str, organisation_key: str) -> Recipient | None:
        # One recipient: a shared lock on the remiss is enough, as its own row is locked FOR UPDATE below.
        remiss_id = self._ctx.remiss_id(case_number, lock=self._ctx.locking, shared_enough=True)
        if remiss_id is None:
            return None
        where = (col(RecipientRow.remiss_id) == remiss_id) & (col(RecipientRow.organisation_key) == organisation_key)
        found = self._recipients(where, lock=self._ctx.locking)
        return found[0] if found else None

    def list_recipients(self, case_number: str) -> list[Recipient]:
        remiss_id = self._ctx.remiss_id(case_number, lock=self._ctx.locking)
        if remiss_id is None:
            return []
        return self._recipients(col(RecipientRow.remiss_id) == remiss_id)

    def recipients_by_remiss(self, case_numbers: Collection[str]) -> dict[str, list[Recipient]]:
        # By the case numbers the caller read, not by a status the remisses may leave in between.
        grouped: dict[str, list[Recipient]] = defaultdict(list)
        for chunk in chunks(sorted(case_numbers)):
            remisses = sa_select(_REMISS.c.id).where(_REMISS.c.case_number.in_(chunk)).scalar_subquery()
            for recipient in self._recipients(col(RecipientRow.remiss_id).in_(remisses)):
                grouped[recipient.case_number].append(recipient)
        return dict(grouped)

    def add_recipient(self, recipient: Recipient) -> Recipient:
        self._ctx.require_writable()
        remiss_id = self._ctx.remiss_id(recipient.case_number)
        if remiss_id is None:
            raise DomainError(ErrorCode.UNKNOWN_REMISS, case_number=recipient.case_number)
        self._ctx.require_organisation(recipient.organisation_key)
        duplicate = select(RecipientRow.id).where(
            RecipientRow.remiss_id == remiss_id, RecipientRow.organisation_key == recipient.organisation_key
        )
        if self._session.exec(duplicate).first() is not None:
            raise ValueError(f"{recipient.case_number} already has recipient {recipient.organisation_key}")
        row = RecipientRow(
            remiss_id=remiss_id, organisation_key=recipient.organisation_key, **recipient_fields(recipient)
        )
        self._session.add(row)
        self._session.flush()
        recipient_id = row_id(row.id)
        self._write_officials(recipient_id, recipient.officials)
        self._append_responses(recipient_id, recipient.responses)
        self._append_extensions(recipient_id, recipient.extensions, start=0)
        self._session.flush()
        # Built from what was written rather than read back: sending to 500 recipients adds 500 of them.
        return replace(
            recipient,
            id=recipient_id,
            remiss_deadline=self._ctx.deadlines[remiss_id],
            responses=list(recipient.responses),
            extensions=list(recipient.extensions),
        )

    def save_recipient(self, recipient: Recipient) -> None:
        """Persist the recipient's state; new versions and extensions are appended, never rewritten."""
        self._ctx.require_writable()
        stored = self._ctx.stored.get((recipient.case_number, recipient.organisation_key))
        if stored is None:
            remiss_id = self._ctx.remiss_id(recipient.case_number)
            found = []
            if remiss_id is not None:
                found = self._recipients(
                    (col(RecipientRow.remiss_id) == remiss_id)
                    & (col(RecipientRow.organisation_key) == recipient.organisation_key)
                )
            if not found:
                raise DomainError(
                    ErrorCode.NOT_A_RECIPIENT,
                    case_number=recipient.case_number,
                    organisation_key=recipient.organisation_key,
                )
            stored = found[0]
        recipient_id = row_id(stored.id)
        new_responses, new_extensions = recipient.appended_since(stored)
        # One UPDATE by id, without loading the row first (a round trip, and the ORM's bookkeeping). Rows of
        # it that this session loaded are read afresh later anyway (FRESH). The statement is a plain table's,
        # built once, so the session flushes what it holds first, as it did for the ORM's UPDATE.
        self._session.flush()
        self._session.execute(_SAVE_RECIPIENT, {"saved_recipient_id": recipient_id, **recipient_fields(recipient)})
        if stored.officials != recipient.officials:
            if stored.officials:  # none yet when a remiss is sent: a DELETE for each of 500 recipients saved
                self._session.execute(
                    delete(RecipientOfficialRow).where(col(RecipientOfficialRow.recipient_id) == recipient_id)
                )
            self._write_officials(recipient_id, recipient.officials)
        self._append_responses(recipient_id, new_responses)
        self._append_extensions(recipient_id, new_extensions, start=len(stored.extensions))
        self._session.flush()
        self._ctx.stored[(recipient.case_number, recipient.organisation_key)] = snapshot(
            replace(recipient, id=recipient_id)
        )

    def unanswered_count(self, case_number: str) -> int:
        remiss_id = self._ctx.remiss_id(case_number)
        if remiss_id is None:
            return 0
        # Per recipient: its withdrawn version and its latest version; answered when the latest exists and
        # was not withdrawn. One grouped query over ids and numbers: no answer text is read.
        latest = func.max(ResponseVersionRow.version)
        rows = self._session.execute(
            select(RecipientRow.withdrawn_version, latest)
            .select_from(RecipientRow)
            .outerjoin(ResponseVersionRow, col(ResponseVersionRow.recipient_id) == col(RecipientRow.id))
            .where(col(RecipientRow.remiss_id) == remiss_id)
            .group_by(col(RecipientRow.id), col(RecipientRow.withdrawn_version))
        ).all()
        return sum(1 for withdrawn, newest in rows if newest is None or newest == withdrawn)

    def remove_draft_recipients(self, case_number: str, organisation_keys: Collection[str]) -> None:
        """Drop recipients from a remiss that is still a draft (nothing has happened to them yet)."""
        self._ctx.require_writable()
        # Locks the remiss row first (PostgreSQL), as every writer to a remiss does.
        remiss_id = self._ctx.remiss_id(case_number, lock=self._ctx.locking)
        if remiss_id is None:
            raise DomainError(ErrorCode.UNKNOWN_REMISS, case_number=case_number)
        status = self._session.exec(select(RemissRow.status).where(RemissRow.id == remiss_id)).one()
        if status != RemissStatus.DRAFT.value:
            # Once sent, recipients have a history (answers, audit, messages): they are never deleted.
            raise DomainError(ErrorCode.REMISS_NOT_DRAFT, case_number=case_number)
        if not organisation_keys:
            return
        doomed = select(RecipientRow.id).where(
            RecipientRow.remiss_id == remiss_id, col(RecipientRow.organisation_key).in_(list(organisation_keys))
        )
        # Children first (foreign keys). A draft's recipients have no versions or extensions, but deleting
        # them too keeps this from failing on a foreign key if that ever changes.
        for child in (RecipientOfficialRow, ResponseVersionRow, ExtensionRow):
            self._session.exec(delete(child).where(col(child.recipient_id).in_(doomed.scalar_subquery())))
        for key in organisation_keys:
            self._ctx.stored.pop((case_number, key), None)
        # Default session synchronisation ("fetch") also drops the deleted rows this session had loaded.
        self._session.exec(delete(RecipientRow).where(col(RecipientRow.id).in_(doomed.scalar_subquery())))

    def assignments_for(self, user_ids: Collection[str], statuses: Collection[RemissStatus]) -> list[Assignment]:
        """Recipients any of these users are a responsible official of, on remisses in these statuses."""
        if not user_ids or not statuses:
            return []
        answered_by_users = select(RecipientOfficialRow.recipient_id).where(
            col(RecipientOfficialRow.user_id).in_(list(user_ids))
        )
        in_statuses = select(RemissRow.id).where(col(RemissRow.status).in_([s.value for s in statuses]))
        recipients = self._recipients(
            col(RecipientRow.id).in_(answered_by_users) & col(RecipientRow.remiss_id).in_(in_statuses)
        )
        if not recipients:
            return []
        case_numbers = {r.case_number for r in recipients}
        remiss_rows = self._session.exec(
            select(RemissRow).where(col(RemissRow.case_number).in_(case_numbers)).order_by(col(RemissRow.id)),
            execution_options=FRESH,
        ).all()
        remisses = {r.case_number: r for r in self._remisses(remiss_rows)}
        assignments = [Assignment(remisses[r.case_number], r) for r in recipients]
        # Oldest remiss first, then recipients in the order they were added (as MemoryStore does).
        return sorted(assignments, key=lambda a: (row_id(a.remiss.id), row_id(a.recipient.id)))

    # -- audit trail ---------------------------------------------------------------------------------
    def append_audit(self, entry: AuditEntry) -> AuditEntry:
        self._ctx.require_writable()
        remiss_id = self._ctx.remiss_id(entry.case_number)
        if remiss_id is None:
            raise DomainError(ErrorCode.UNKNOWN_REMISS, case_number=entry.case_number)
        details = dict(entry.details)
        # A plain INSERT built once, not an ORM object to flush: every change recorded appends one. What the
        # session holds is flushed still, as adding the entry did.
        self._session.flush()
        audit_id = self._session.execute(
            _APPEND_AUDIT,
            {
                "remiss_id": remiss_id,
                "organisation_key": entry.organisation_key,
                "action": entry.action.value,
                "actor": entry.actor,
                "at": entry.at,
                "details": details,
            },
        ).scalar_one()
        # As audit_entry_from maps the row just written.
        return replace(entry, details=tuple(details.items()), id=int(audit_id))

    def list_audit(self, case_number: str, organisation_key: str | None = None) -> list[AuditEntry]:
        remiss_id = self._ctx.remiss_id(case_number)
        if remiss_id is None:
            return []
        query = select(AuditEntryRow).where(AuditEntryRow.remiss_id == remiss_id)
        if organisation_key is not None:
            query = query.where(AuditEntryRow.organisation_key == organisation_key)
        rows = self._session.exec(query.order_by(col(AuditEntryRow.id))).all()
        return [audit_entry_from(row, case_number) for row in rows]

    def get_audit(self, case_number: str, audit_id: int) -> AuditEntry | None:
        remiss_id = self._ctx.remiss_id(case_number)
        if remiss_id is None:
            return None
        query = select(AuditEntryRow).where(AuditEntryRow.id == audit_id, AuditEntryRow.remiss_id == remiss_id)
        row = self._session.exec(query).first()
        return audit_entry_from(row, case_number) if row is not None else None

    # -- requests for anstånd --------------------------------------------------------------------------
    def add_extension_request(self, request: ExtensionRequest) -> ExtensionRequest:
        self._ctx.require_writable()
        row = ExtensionRequestRow(**request_fields(request))
        self._session.add(row)
        self._session.flush()
        return replace(request, id=row.id)

    def get_extension_request(self, request_id: int) -> ExtensionRequest | None:
        query = select(ExtensionRequestRow).where(ExtensionRequestRow.id == request_id)
        if self._ctx.locking and not self._ctx.read_only:
            query = query.with_for_update()
        row = self._session.exec(query, execution_options=FRESH).first()
        return request_from(row) if row is not None else None

    def save_extension_request(self, request: ExtensionRequest) -> None:
        self._ctx.require_writable()
        statement = (
            update(ExtensionRequestRow)
            .where(col(ExtensionRequestRow.id) == request.id)
            .values(**request_fields(request))
        )
        if self._session.exec(statement, execution_options=FRESH_UPDATE).rowcount == 0:
            raise ValueError(f"no extension request with id {request.id!r}")

    def extension_requests(self, case_number: str, organisation_key: str | None = None) -> list[ExtensionRequest]:
        return [request_from(row) for row in self._rows_about(ExtensionRequestRow, case_number, organisation_key)]

    # -- registrations -------------------------------------------------------------------------------
    def add_registration(self, registration: Registration) -> Registration:
        self._ctx.require_writable()
        item = registration.item
        row = RegistrationRow(
            case_number=item.case_number,
            subject=item.subject.value,
            organisation_key=item.organisation_key,
            version=item.version,
            number=registration.number,
            registered_by=registration.registered_by,
            registered_at=registration.registered_at,
        )
        try:
            with self._session.begin_nested():
                self._session.add(row)
        except sa_exc.IntegrityError as error:
            raise ValueError(f"{item} is registered already") from error
        return replace(registration, id=row.id)

    def registrations(self, case_number: str) -> list[Registration]:
        query = select(RegistrationRow).where(RegistrationRow.case_number == case_number)
        rows = self._session.exec(query.order_by(col(RegistrationRow.id)), execution_options=FRESH).all()
        return [
            Registration(
                RegistryItem(RegistrySubject(r.subject), r.case_number, r.organisation_key, r.version),
                r.number,
                r.registered_by,
                r.registered_at,
                r.id,
            )
            for r in rows
        ]

    # -- rows to and from the domain (storage.sql.mapping maps each row) ------------------------------
    def _remisses(self, rows: Sequence[RemissRow | Any]) -> list[Remiss]:
        """Remisses (ORM rows, or plain rows of the table) with their questions and documents: two more
        queries (per thousand remisses), of plain rows, after a flush of what the session holds."""
        self._session.flush()
        ids = [row_id(row.id) for row in rows]
        for row in rows:
            self._ctx.remember(row_id(row.id), row.case_number, row.deadline)
        questions: dict[int, list[Question]] = defaultdict(list)
        documents: dict[int, list[DocumentLink]] = defaultdict(list)
        for chunk in chunks(ids):
            for q in self._session.execute(
                sa_select(_QUESTION)
                .where(_QUESTION.c.remiss_id.in_(chunk))
                .order_by(_QUESTION.c.remiss_id, _QUESTION.c.number)
            ):
                questions[q.remiss_id].append(Question(q.number, q.text, QuestionKind(q.kind)))
            for d in self._session.execute(
                sa_select(_DOCUMENT)
                .where(_DOCUMENT.c.remiss_id.in_(chunk))
                .order_by(_DOCUMENT.c.remiss_id, _DOCUMENT.c.position)
            ):
                documents[d.remiss_id].append(DocumentLink(d.title, d.url))
        return [remiss_from(row, questions[row_id(row.id)], documents[row_id(row.id)], row_id(row.id)) for row in rows]

    def _recipients(self, where: ColumnElement[bool], *, lock: bool = False) -> list[Recipient]:
        """Recipients matching `where`, with officials, versions and extensions: four queries in all.

        Read as plain rows of the tables, not as ORM objects: building an ORM object per row (and per child
        row) cost most of the time of a large read, such as every open remiss's status table. Plain statements
        don't flush the session by themselves, so what it holds is flushed first."""
        self._session.flush()
        query = (
            sa_select(_RECIPIENT, _REMISS.c.case_number, _REMISS.c.deadline.label("remiss_deadline"))
            .join(_REMISS, _REMISS.c.id == _RECIPIENT.c.remiss_id)
            .where(where)
            .order_by(_RECIPIENT.c.id)
        )
        if lock:
            query = query.with_for_update(of=_RECIPIENT)
        rows = self._session.execute(query).all()
        if not rows:
            return []
        # The children are selected by the same condition as a subquery: no id list to outgrow the
        # driver's parameter limit, and no query per recipient.
        matching = sa_select(_RECIPIENT.c.id).where(where).scalar_subquery()
        officials = self._children(_OFFICIAL, "position", matching, lambda o: str(o.user_id))
        responses = self._children(_VERSION, "version", matching, response_from)
        extensions = self._children(_EXTENSION, "seq", matching, extension_from)
        loaded = [
            recipient_from(
                row,
                case_number=row.case_number,
                organisation_key=row.organisation_key,
                remiss_deadline=row.remiss_deadline,
                officials=officials[row.id],
                responses=responses[row.id],
                extensions=extensions[row.id],
                recipient_id=row.id,
            )
            for row in rows
        ]
        if not self._ctx.read_only:
            for recipient in loaded:
                self._ctx.stored[(recipient.case_number, recipient.organisation_key)] = snapshot(recipient)
        return loaded

    def _children(
        self, table: Table, order: str, matching: ScalarSelect[Any], convert: Callable[[Any], Item]
    ) -> dict[int, list[Item]]:
        """The rows of a recipient's child table for the `matching` recipients, converted and grouped by
        recipient id in `order`."""
        grouped: dict[int, list[Item]] = defaultdict(list)
        query = (
            sa_select(table).where(table.c.recipient_id.in_(matching)).order_by(table.c.recipient_id, table.c[order])
        )
        for child in self._session.execute(query):
            grouped[child.recipient_id].append(convert(child))
        return grouped

    def _write_questions_and_documents(self, remiss_id: int, remiss: Remiss) -> None:
        self._session.add_all(
            QuestionRow(remiss_id=remiss_id, number=q.number, text=q.text, kind=q.kind.value) for q in remiss.questions
        )
        self._session.add_all(
            DocumentLinkRow(remiss_id=remiss_id, position=i, title=d.title, url=d.url)
            for i, d in enumerate(remiss.documents)
        )
        self._session.flush()

    def _write_officials(self, recipient_id: int, officials: Iterable[str]) -> None:
        # A plain INSERT, not ORM objects to flush (a tenth of the cost): every read of officials is a query.
        rows = [{"recipient_id": recipient_id, "position": i, "user_id": u} for i, u in enumerate(officials)]
        if rows:
            self._session.execute(insert(_OFFICIAL), rows)

    def _append_responses(self, recipient_id: int, responses: Iterable[Response]) -> None:
        self._session.add_all(ResponseVersionRow(recipient_id=recipient_id, **response_fields(r)) for r in responses)

    def _append_extensions(self, recipient_id: int, extensions: Iterable[Extension], *, start: int) -> None:
        self._session.add_all(
            ExtensionRow(
                recipient_id=recipient_id,
                seq=start + i,
                previous_deadline=e.previous_deadline,
                new_deadline=e.new_deadline,
                granted_by=e.granted_by,
                granted_at=e.granted_at,
                reason=e.reason,
            )
            for i, e in enumerate(extensions)
        )

    def statistics_history(
        self,
        statuses: Collection[RemissStatus],
        *,
        organisation_keys: Collection[str] | None = None,
        excluding: str | None = None,
    ) -> list[RecipientHistory]:
        """Every recipient of the remisses in these statuses, as the statistics read them (storage.sql.history)."""
        return read_answer_history(self._session, statuses, organisation_keys, excluding)

    # -- lean reads (added for bench/bench_ack.py) -----------------------------------------------------
    def get_assignment(self, case_number: str, organisation_key: str) -> Assignment | None:
        """The remiss and one of its recipients, equal to what get_remiss and get_recipient give (see
        storage.sql.assignment: fewer queries, the same locks, the same mapping)."""
        return read_assignment(self._ctx, case_number, organisation_key)

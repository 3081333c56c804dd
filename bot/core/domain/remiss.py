"""The remiss, its recipients and their responses, with the state transitions the business allows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar
from urllib.parse import urlparse

from bot.core.domain.audit import AuditAction, AuditEntry, audit
from bot.core.domain.calendar import WeekendCalendar, WorkingCalendar, add_working_days
from bot.core.domain.errors import DomainError, ErrorCode

MAX_QUESTIONS = 10
MAX_TITLE = 250
MAX_DESCRIPTION = 3000
MAX_QUESTION_TEXT = 1000
MAX_CASE_NUMBER = 40
# A preliminary answer's final one (the board's decided yttrande, or a delegation decision) may come this many
# working days after the planned board meeting, even after the deadline (REMISSBOT_FINAL_ANSWER_GRACE_DAYS).
FINAL_ANSWER_GRACE_DAYS = 10
# A case number is a diary prefix and a number in one of the shapes real diaries use:
# STK-2023-137, KS 2021/123, N2015/08441/RS, Dnr 23/12.
_CASE_NUMBER_RE = re.compile(r"^[A-Za-zÅÄÖåäö0-9][A-Za-zÅÄÖåäö0-9 ./:-]*[0-9A-Za-z]$")


class RemissStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class QuestionKind(StrEnum):
    FREE_TEXT = "free_text"
    # The answer names organisations ("which nämnd or bolag should coordinate"); the summary tallies them.
    ORGANISATION_CHOICE = "organisation_choice"


class ResponseKind(StrEnum):
    YTTRANDE = "yttrande"
    DELEGATION = "delegation"
    PRELIMINARY = "preliminary"
    DECLINED = "declined"


class DecidingBody(StrEnum):
    """Who decided the answer: the board itself, one of its preparing bodies, a bolag's board, or a delegate."""

    NAMND = "namnd"
    ARBETSUTSKOTT = "arbetsutskott"
    PRESIDIUM = "presidium"
    STYRELSE = "styrelse"
    DELEGAT = "delegat"


# A decision's paragraph in the minutes: "§ 12", "§12" or "12", written "§ 12".
_PARAGRAPH_RE = re.compile(r"^(?:§\s*)?(\d{1,5})$")


def normalise_paragraph(raw: str) -> str:
    """The paragraph as "§ 12"; empty stays empty; anything else is refused on the field `paragraph`."""
    text = " ".join(raw.split())
    if not text:
        return ""
    match = _PARAGRAPH_RE.match(text)
    if match is None:
        raise DomainError(ErrorCode.INVALID_PARAGRAPH, field="paragraph", paragraph=text)
    return f"§ {int(match.group(1))}"


def normalise_their_case_number(raw: str, field: str = "their_case_number") -> str:
    """Another diary's number (the answering organisation's own diarienummer, a registry's document number),
    in the shapes real diaries use (see Remiss.draft); refused on `field` otherwise."""
    case = normalise_case_number(raw)
    if case and (len(case) > MAX_CASE_NUMBER or not _CASE_NUMBER_RE.match(case)):
        raise DomainError(ErrorCode.INVALID_CASE_NUMBER, field=field, case_number=case)
    return case


class Position(StrEnum):
    TILLSTYRKER = "tillstyrker"
    AVSTYRKER = "avstyrker"
    FORESLAR_ANDRINGAR = "foreslar_andringar"
    INGA_SYNPUNKTER = "inga_synpunkter"
    NOT_STATED = "not_stated"


# The kinds that end a preliminary answer: the board decided, itself or by delegation.
FINAL_KINDS = frozenset({ResponseKind.YTTRANDE, ResponseKind.DELEGATION})


@dataclass(frozen=True)
class AnswerRules:
    """How long answers may change: the working calendar, and the working days after a preliminary answer's
    planned board meeting within which its final answer may still come."""

    calendar: WorkingCalendar = field(default_factory=WeekendCalendar)
    final_grace_days: int = FINAL_ANSWER_GRACE_DAYS


class RecipientStatus(StrEnum):
    NOT_OPENED = "not_opened"
    OPENED = "opened"
    DRAFTING = "drafting"
    SUBMITTED = "submitted"
    DECLINED = "declined"
    OVERDUE = "overdue"


_ORGANISATION_CHOICE_RE = re.compile(
    r"\bvilk(en|et|a)\s+(?:\w+\s+){0,2}(nämnd|nämnder|bolag|förvaltning|förvaltningar|organisation|aktör)",
    re.IGNORECASE,
)


def suggested_question_kind(text: str) -> QuestionKind:
    """A question asking which board or company ("Vilken nämnd eller bolag …") is an organisation choice."""
    return QuestionKind.ORGANISATION_CHOICE if _ORGANISATION_CHOICE_RE.search(text) else QuestionKind.FREE_TEXT


@dataclass(frozen=True)
class Question:
    number: int
    text: str
    kind: QuestionKind = QuestionKind.FREE_TEXT


@dataclass(frozen=True)
class DocumentLink:
    title: str
    url: str


def normalise_case_number(raw: str) -> str:
    """Trim and collapse spaces; case numbers are compared as written otherwise (KS 2021/123)."""
    return " ".join(raw.split())


def _require_text(value: str, field_name: str, limit: int) -> str:
    text = value.strip()
    if not text:
        raise DomainError(ErrorCode.FIELD_REQUIRED, field=field_name)
    if len(text) > limit:
        raise DomainError(ErrorCode.FIELD_TOO_LONG, field=field_name, limit=limit, length=len(text))
    return text


def _validate_url(link: DocumentLink) -> DocumentLink:
    parsed = urlparse(link.url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise DomainError(ErrorCode.INVALID_URL, field="documents", url=link.url)
    return DocumentLink(title=link.title.strip() or link.url.strip(), url=link.url.strip())


@dataclass
class Remiss:
    """A request for opinions on a proposal, sent by one organisation to many."""

    case_number: str
    title: str
    description: str
    sender_key: str
    coordinators: tuple[str, ...]
    contact: str
    questions: tuple[Question, ...]
    deadline: date
    created_by: str
    created_at: datetime
    documents: tuple[DocumentLink, ...] = ()
    status: RemissStatus = RemissStatus.DRAFT
    sent_at: datetime | None = None
    closed_at: datetime | None = None
    id: int | None = None

    @classmethod
    def draft(
        cls,
        *,
        case_number: str,
        title: str,
        description: str,
        sender_key: str,
        coordinators: tuple[str, ...],
        contact: str,
        questions: list[tuple[str, QuestionKind]],
        deadline: date,
        created_by: str,
        created_at: datetime,
        today: date,
        documents: tuple[DocumentLink, ...] = (),
    ) -> Remiss:
        """Validate a new remiss as a whole; every problem is a DomainError naming its field."""
        case = normalise_case_number(case_number)
        if not case:
            raise DomainError(ErrorCode.FIELD_REQUIRED, field="case_number")
        if len(case) > MAX_CASE_NUMBER or not _CASE_NUMBER_RE.match(case):
            raise DomainError(ErrorCode.INVALID_CASE_NUMBER, field="case_number", case_number=case)
        cleaned = [(text.strip(), kind) for text, kind in questions if text.strip()]
        if not cleaned:
            raise DomainError(ErrorCode.TOO_FEW_QUESTIONS, field="questions")
        if len(cleaned) > MAX_QUESTIONS:
            raise DomainError(ErrorCode.TOO_MANY_QUESTIONS, field="questions", limit=MAX_QUESTIONS)
        for text, _ in cleaned:
            _require_text(text, "questions", MAX_QUESTION_TEXT)
        if deadline < today:
            raise DomainError(ErrorCode.DEADLINE_IN_PAST, field="deadline", deadline=deadline)
        return cls(
            case_number=case,
            title=_require_text(title, "title", MAX_TITLE),
            description=description.strip()[:MAX_DESCRIPTION] if description else "",
            sender_key=sender_key,
            coordinators=coordinators,
            contact=contact.strip(),
            questions=tuple(Question(i, text, kind) for i, (text, kind) in enumerate(cleaned, start=1)),
            deadline=deadline,
            created_by=created_by,
            created_at=created_at,
            documents=tuple(_validate_url(d) for d in documents),
        )

    @property
    def is_open(self) -> bool:
        """Open for answers: sent and neither closed nor withdrawn."""
        return self.status is RemissStatus.SENT

    def question(self, number: int) -> Question:
        for q in self.questions:
            if q.number == number:
                return q
        raise DomainError(ErrorCode.UNKNOWN_QUESTION, number=number)

    def require_open(self) -> None:
        if not self.is_open:
            raise DomainError(ErrorCode.REMISS_NOT_OPEN, case_number=self.case_number, status=self.status)

    def mark_sent(self, at: datetime) -> None:
        if self.status is not RemissStatus.DRAFT:
            raise DomainError(ErrorCode.REMISS_NOT_DRAFT, case_number=self.case_number)
        self.status = RemissStatus.SENT
        self.sent_at = at

    def change_deadline(self, new_deadline: date, today: date) -> date:
        """Move the deadline for every recipient without an extension of its own; returns the old one."""
        self.require_open()
        if new_deadline < today:
            raise DomainError(ErrorCode.DEADLINE_IN_PAST, field="deadline", deadline=new_deadline)
        if new_deadline == self.deadline:
            raise DomainError(ErrorCode.INVALID_EXTENSION, field="deadline", deadline=new_deadline)
        previous, self.deadline = self.deadline, new_deadline
        return previous

    def close(self, at: datetime) -> None:
        self.require_open()
        self.status = RemissStatus.CLOSED
        self.closed_at = at

    def withdraw(self, at: datetime) -> None:
        if self.status not in (RemissStatus.DRAFT, RemissStatus.SENT):
            raise DomainError(ErrorCode.REMISS_NOT_OPEN, case_number=self.case_number, status=self.status)
        self.status = RemissStatus.WITHDRAWN
        self.closed_at = at


@dataclass(frozen=True)
class Answer:
    """One question's answer: free text (any length) and the position taken. `from_document` marks text the
    bot took from the attached yttrande (and the official kept as it was), so the summary can say so."""

    question_number: int
    text: str
    position: Position = Position.NOT_STATED
    from_document: bool = False


@dataclass(frozen=True)
class Attachment:
    """A file attached to a response (the formal yttrande): where it came from in Slack (`file_id`, `url`) and,
    once the bot has stored its bytes, what identifies the stored copy (`sha256`, `size`, `mime_type`).
    Versions stored before the bot kept copies have an empty `sha256`."""

    file_id: str
    name: str
    url: str = ""
    sha256: str = ""
    size: int = 0
    mime_type: str = ""
    # What reading the file gave: its text, or why its text could not be read automatically (a scan, a
    # password); both empty when it was not read (another kind of file, or attached before reading).
    text: str = ""
    unreadable: str = ""

    @property
    def is_stored(self) -> bool:
        return bool(self.sha256)


@dataclass(frozen=True)
class ResponseContent:
    """What an official writes: the kind of answer, its decision details and the answers per question."""

    kind: ResponseKind
    answers: tuple[Answer, ...] = ()
    meeting_date: date | None = None
    paragraph: str = ""
    decided_by: str = ""
    planned_board_date: date | None = None
    decline_reason: str = ""
    attachments: tuple[Attachment, ...] = ()
    # For the registries: the answering organisation's own diarienummer and who decided (`decided_by` names
    # the body or the delegate).
    their_case_number: str = ""
    deciding_body: DecidingBody | None = None

    def answer_to(self, number: int) -> Answer | None:
        for a in self.answers:
            if a.question_number == number:
                return a
        return None

    def normalised(self) -> ResponseContent:
        """As submitted: the paragraph written "§ 12", the diarienummer trimmed (both valid, see validation)."""
        return replace(
            self,
            paragraph=normalise_paragraph(self.paragraph),
            their_case_number=normalise_their_case_number(self.their_case_number),
        )

    def missing_questions(self, remiss: Remiss) -> list[int]:
        """Questions without any answer text ("fråga 3 och 4 saknar svar"); none once the yttrande is attached,
        which answers them (a document-only answer is a whole answer)."""
        if self.attachments:
            return []
        return [q.number for q in remiss.questions if not (a := self.answer_to(q.number)) or not a.text.strip()]

    def validate_for_submission(self, remiss: Remiss) -> None:
        """A submitted answer must name its decision and answer at least one question."""
        for a in self.answers:
            remiss.question(a.question_number)
        if self.kind is ResponseKind.DECLINED:
            return
        normalise_paragraph(self.paragraph)
        normalise_their_case_number(self.their_case_number)
        if self.kind is ResponseKind.YTTRANDE and (self.meeting_date is None or not self.paragraph.strip()):
            raise DomainError(ErrorCode.DECISION_INCOMPLETE, field="meeting_date", kind=self.kind)
        if self.kind is ResponseKind.DELEGATION and not self.decided_by.strip():
            raise DomainError(ErrorCode.DECISION_INCOMPLETE, field="decided_by", kind=self.kind)
        if self.kind is ResponseKind.PRELIMINARY and self.planned_board_date is None:
            raise DomainError(ErrorCode.DECISION_INCOMPLETE, field="planned_board_date", kind=self.kind)
        if len(self.missing_questions(remiss)) == len(remiss.questions) and not self.attachments:
            raise DomainError(ErrorCode.ANSWER_MISSING, field="answers")


@dataclass(frozen=True)
class Response:
    """A submitted version of a recipient's response. Versions are kept forever, never overwritten."""

    version: int
    content: ResponseContent
    author: str
    submitted_at: datetime

    @property
    def kind(self) -> ResponseKind:
        return self.content.kind


@dataclass(frozen=True)
class Draft:
    """Work in progress; not a public document until submitted."""

    content: ResponseContent
    updated_by: str
    updated_at: datetime


@dataclass(frozen=True)
class Extension:
    """Anstånd: a new deadline for one recipient, granted by the coordinator."""

    previous_deadline: date
    new_deadline: date
    granted_by: str
    granted_at: datetime
    reason: str = ""


@dataclass(frozen=True)
class DeadlineChange:
    """What moving the remiss's deadline did to one recipient's own deadline."""

    before: date
    after: date
    answered: bool

    @property
    def moved(self) -> bool:
        """Its own deadline changed (its remiss DMs show the new date)."""
        return self.before != self.after

    @property
    def to_tell(self) -> bool:
        """Its officials are told: its own deadline moved and it has not answered. An anstånd later than the
        new date stands, and its own deadline with it, so that recipient is not told."""
        return self.moved and not self.answered


@dataclass
class Recipient:
    """An organisation asked to answer one remiss, with who answers for it and what it has done.

    `remiss_deadline` mirrors the remiss's own deadline (storage always reads it from the remiss), so
    moving the remiss's deadline moves every recipient's that has no extension of its own.
    """

    case_number: str
    organisation_key: str
    officials: tuple[str, ...]
    remiss_deadline: date
    opened_at: datetime | None = None
    draft: Draft | None = None
    responses: list[Response] = field(default_factory=list)
    withdrawn_version: int | None = None
    extensions: list[Extension] = field(default_factory=list)
    last_activity_at: datetime | None = None
    id: int | None = None

    # -- derived state -------------------------------------------------------------------------------
    @property
    def deadline(self) -> date:
        """The recipient's own deadline: the remiss's, or its anstånd while that is later. Anstånd gives more
        time, never less: when the deadline for everyone moves past it, the recipient moves with everyone."""
        return self._own_deadline(self.remiss_deadline)

    def _own_deadline(self, remiss_deadline: date) -> date:
        if not self.extensions:
            return remiss_deadline
        return max(self.extensions[-1].new_deadline, remiss_deadline)

    @property
    def current_response(self) -> Response | None:
        """The latest submitted version, unless it was withdrawn."""
        if not self.responses or self.responses[-1].version == self.withdrawn_version:
            return None
        return self.responses[-1]

    def status(self, today: date) -> RecipientStatus:
        """Derived from what happened; `today` is the local (Stockholm) date."""
        current = self.current_response
        if current is not None:
            return RecipientStatus.DECLINED if current.kind is ResponseKind.DECLINED else RecipientStatus.SUBMITTED
        if today > self.deadline:
            return RecipientStatus.OVERDUE
        if self.draft is not None:
            return RecipientStatus.DRAFTING
        if self.opened_at is not None:
            return RecipientStatus.OPENED
        return RecipientStatus.NOT_OPENED

    def is_answered(self) -> bool:
        """Submitted or declined: nothing more is expected (reminders stop)."""
        return self.current_response is not None

    def may_act(self, user_id: str, stand_ins: tuple[str, ...] = ()) -> bool:
        """Only the responsible officials and the organisation's stand-ins act for the recipient."""
        return user_id in self.officials or user_id in stand_ins

    def appended_since(self, stored: Recipient) -> tuple[list[Response], list[Extension]]:
        """The response versions and extensions this copy adds to `stored`: both are append-only, so a stored
        one changed or dropped (a stale copy) is refused with ValueError."""
        return (
            _appended("response versions", stored.responses, self.responses, self),
            _appended("extensions", stored.extensions, self.extensions, self),
        )

    # -- transitions ---------------------------------------------------------------------------------
    def _touch(self, at: datetime) -> None:
        self.last_activity_at = at

    def _entry(self, action: AuditAction, actor: str, at: datetime, **details: object) -> AuditEntry:
        self._touch(at)
        return audit(self.case_number, action, actor, at, self.organisation_key, **details)

    def open(self, remiss: Remiss, actor: str, at: datetime) -> AuditEntry | None:
        """The first look at the remiss; later looks change nothing."""
        if self.opened_at is not None:
            return None
        self.opened_at = at
        return self._entry(AuditAction.OPENED, actor, at)

    def save_draft(self, remiss: Remiss, content: ResponseContent, actor: str, at: datetime) -> AuditEntry:
        remiss.require_open()
        if content.kind is ResponseKind.DECLINED:
            raise DomainError(ErrorCode.ALREADY_DECLINED, case_number=self.case_number)
        current = self.current_response
        if current is not None and current.kind is ResponseKind.DECLINED:
            raise DomainError(ErrorCode.ALREADY_DECLINED, case_number=self.case_number)
        for a in content.answers:
            remiss.question(a.question_number)
        self.draft = Draft(content=content, updated_by=actor, updated_at=at)
        if self.opened_at is None:
            self.opened_at = at
        return self._entry(AuditAction.DRAFTED, actor, at, missing=len(content.missing_questions(remiss)))

    def submit(
        self,
        remiss: Remiss,
        content: ResponseContent,
        actor: str,
        at: datetime,
        today: date,
        rules: AnswerRules | None = None,
    ) -> AuditEntry:
        """Submit a response (a new version if one exists). Edits are allowed until the deadline; while the
        current version is preliminary, its final answer may come until `final_answer_due`.

        A preliminary answer's planned board date may not be in the past; one after the deadline is accepted,
        and the audit entry says so (`after_deadline`), for the coordinator's line and the official's message.
        """
        remiss.require_open()
        if content.kind is ResponseKind.DECLINED:
            return self.decline(remiss, content.decline_reason, actor, at)
        current = self.current_response
        if current is not None and current.kind is ResponseKind.DECLINED:
            raise DomainError(ErrorCode.ALREADY_DECLINED, case_number=self.case_number)
        if current is not None and today > self.deadline:
            self._require_final_in_time(remiss, content, today, rules or AnswerRules())
        content.validate_for_submission(remiss)
        planned = content.planned_board_date if content.kind is ResponseKind.PRELIMINARY else None
        if planned is not None and planned < today:
            raise DomainError(ErrorCode.PLANNED_DATE_IN_PAST, field="planned_board_date", planned=planned)
        version = self._append(content.normalised(), actor, at)
        action = AuditAction.EDITED if current is not None else AuditAction.SUBMITTED
        details: dict[str, object] = {"version": version.version, "kind": content.kind, "late": today > self.deadline}
        if planned is not None:
            details.update(planned=planned, after_deadline=planned > self.deadline)
        if current is not None and current.kind is ResponseKind.PRELIMINARY and content.kind in FINAL_KINDS:
            details["final"] = True
        unreadable = [a.name for a in content.attachments if a.unreadable]
        if unreadable:  # the coordinator is told to read those in the file itself
            details["unreadable"] = " | ".join(unreadable)
        return self._entry(action, actor, at, **details)

    def _require_final_in_time(self, remiss: Remiss, content: ResponseContent, today: date, rules: AnswerRules) -> None:
        """After the deadline only a preliminary answer's final one may come, and only until its due date."""
        due = self.final_answer_due(rules)
        if due is None:
            raise DomainError(ErrorCode.DEADLINE_PASSED, deadline=self.deadline)
        if today > due:
            raise DomainError(
                ErrorCode.FINAL_ANSWER_TOO_LATE, field="kind", due=due, deadline=self.deadline, contact=remiss.contact
            )
        if content.kind not in FINAL_KINDS:
            raise DomainError(ErrorCode.FINAL_ANSWER_EXPECTED, field="kind", deadline=self.deadline, due=due)

    # -- a preliminary answer and its final one ---------------------------------------------------------
    @property
    def planned_board_date(self) -> date | None:
        """The board meeting a current preliminary answer names; None when the current version is no such."""
        current = self.current_response
        if current is None or current.kind is not ResponseKind.PRELIMINARY:
            return None
        return current.content.planned_board_date

    def is_preliminary(self) -> bool:
        """The current version is a preliminary answer: its final one is still to come."""
        current = self.current_response
        return current is not None and current.kind is ResponseKind.PRELIMINARY

    def final_overdue(self, today: date) -> bool:
        """The current answer is preliminary and its planned board meeting has passed: the final one is late."""
        planned = self.planned_board_date
        return planned is not None and planned < today

    def final_answer_due(self, rules: AnswerRules) -> date | None:
        """While the current version is preliminary, the last day its final answer is taken: the planned board
        date plus the grace in working days, and never before the recipient's own deadline."""
        planned = self.planned_board_date
        if planned is None:
            return None
        return max(self.deadline, add_working_days(rules.calendar, planned, rules.final_grace_days))

    def changes_until(self, rules: AnswerRules) -> date:
        """The last day the current answer may be changed: the deadline, or a preliminary answer's final due."""
        return self.final_answer_due(rules) or self.deadline

    def decline(self, remiss: Remiss, reason: str, actor: str, at: datetime) -> AuditEntry:
        """Avstå: a legitimate outcome. Refused once an answer is submitted, until it is withdrawn."""
        remiss.require_open()
        current = self.current_response
        if current is not None:
            code = ErrorCode.ALREADY_DECLINED if current.kind is ResponseKind.DECLINED else ErrorCode.ALREADY_SUBMITTED
            raise DomainError(code, case_number=self.case_number)
        # A draft survives a decline: if the decline is withdrawn, the work comes back.
        self._append(
            ResponseContent(kind=ResponseKind.DECLINED, decline_reason=reason.strip()), actor, at, keep_draft=True
        )
        return self._entry(AuditAction.DECLINED, actor, at, reason=reason.strip())

    def withdraw(self, remiss: Remiss, actor: str, at: datetime, today: date) -> AuditEntry:
        """Withdraw the current response (a decline or an answer) before the deadline; versions stay."""
        remiss.require_open()
        current = self.current_response
        if current is None:
            raise DomainError(ErrorCode.NOTHING_TO_WITHDRAW, case_number=self.case_number)
        if today > self.deadline:
            raise DomainError(ErrorCode.DEADLINE_PASSED, deadline=self.deadline)
        self.withdrawn_version = current.version
        return self._entry(AuditAction.WITHDRAWN, actor, at, version=current.version, kind=current.kind)

    def hand_over(self, remiss: Remiss, to_user: str, actor: str, at: datetime, note: str = "") -> AuditEntry:
        """The colleague becomes the responsible official; who had it before is kept in the audit trail."""
        remiss.require_open()
        if (to_user,) == self.officials:
            raise DomainError(ErrorCode.HAND_OVER_TO_SELF)
        previous = self.officials
        self.officials = (to_user,)
        return self._entry(
            AuditAction.HANDED_OVER, actor, at, previous=",".join(previous), to=to_user, note=note.strip()
        )

    def extend(self, remiss: Remiss, new_deadline: date, actor: str, at: datetime, reason: str = "") -> AuditEntry:
        """Anstånd for this recipient only."""
        remiss.require_open()
        if new_deadline == self.deadline:
            raise DomainError(ErrorCode.INVALID_EXTENSION, field="deadline", deadline=new_deadline)
        extension = Extension(self.deadline, new_deadline, actor, at, reason.strip())
        self.extensions.append(extension)
        return self._entry(
            AuditAction.EXTENDED,
            actor,
            at,
            previous=extension.previous_deadline,
            new=new_deadline,
            reason=reason,
        )

    def follow_deadline(self, previous: date, new: date) -> DeadlineChange:
        """The remiss's deadline moved from `previous` to `new`: this recipient follows it, unless its anstånd
        is later. Says what that did to the recipient's own deadline."""
        before = self._own_deadline(previous)
        self.remiss_deadline = new
        return DeadlineChange(before=before, after=self.deadline, answered=self.is_answered())

    def _append(self, content: ResponseContent, actor: str, at: datetime, *, keep_draft: bool = False) -> Response:
        version = Response(
            version=(self.responses[-1].version + 1) if self.responses else 1,
            content=content,
            author=actor,
            submitted_at=at,
        )
        self.responses.append(version)
        if not keep_draft:
            self.draft = None
        self.withdrawn_version = None
        if self.opened_at is None:
            self.opened_at = at
        return version


_T = TypeVar("_T")


def _appended(what: str, stored: list[_T], given: list[_T], recipient: Recipient) -> list[_T]:
    """The items of `given` after the stored ones; refuses if a stored item was changed or dropped."""
    if given[: len(stored)] != stored:
        raise ValueError(
            f"{what} of {recipient.case_number}/{recipient.organisation_key} are append-only: "
            "a stored one was changed or removed (stale copy? read it inside the same transaction)"
        )
    return given[len(stored) :]

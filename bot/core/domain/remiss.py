"""The remiss and its responses, with the state transitions the business allows (a recipient's: recipient.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from urllib.parse import urlparse

from bot.core.domain.calendar import WeekendCalendar, WorkingCalendar
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.short_title import normalise_short_title, suggest_short_title

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
    # Ställningstagande: the answer takes a position (tillstyrker, avstyrker, …), asked and counted per answer.
    POSITION = "position"
    # Fritext: an open question; no position is asked or shown.
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


# A question asking for a stance on the proposal in so many words: "Ställer ni er bakom …", "Tillstyrker ni …",
# "Delar ni bedömningen …", "Instämmer ni …".
_STANCE_ASKED_RE = re.compile(
    r"\b(?:ställer\s+ni\s+er\s+bakom|står\s+ni\s+bakom|(?:till|av)styrker\s+ni|instämmer\s+ni|stöd(?:j)?er\s+ni"
    r"|delar\s+ni\s+(?:\w+\s+){0,2}(?:bedömning|uppfattning|slutsats|analys|syn)\w*"
    r"|är\s+ni\s+(?:positiva|negativa|för\s+eller\s+emot)\b)",
    re.IGNORECASE,
)
# Whom a question asks: "ni", "er nämnd/bolag", "nämnden", "styrelsen".
_READER = r"(?:ni|er\s+\S+|nämnden|styrelsen|bolaget|förvaltningen)"
# An open opinion ("Vad anser ni om …", "Hur ser er nämnd på …", "Har ni synpunkter på …") is a stance only when
# it is about the proposal itself, named later in the same sentence ("… förslaget", "… den föreslagna modellen");
# "Hur ser ni på er egen roll?" or "Har ni övriga synpunkter?" stay open questions.
_OPINION_ASKED_RE = re.compile(
    rf"\b(?:(?:vad\s+anser|vad\s+tycker|hur\s+ser)\s+{_READER}|hur\s+ställer\s+ni\s+er"
    r"|har\s+ni\s+(?:några\s+)?synpunkter\s+på)\b[^.?!]*?"
    r"\b(?:förslag|föreslag|modell|bedömning|inriktning|utredning|promemori|betänkande|remiss|strategi|riktlinje)\w*",
    re.IGNORECASE,
)


def suggested_question_kind(text: str) -> QuestionKind:
    """What a question asks for, as the coordinator is offered it: which board or company ("Vilken nämnd eller
    bolag …") is an organisation choice; a stance on the proposal ("Ställer ni er bakom …", "Vad anser ni om
    förslaget …") a ställningstagande; anything else fritext."""
    if _ORGANISATION_CHOICE_RE.search(text):
        return QuestionKind.ORGANISATION_CHOICE
    if _STANCE_ASKED_RE.search(text) or _OPINION_ASKED_RE.search(text):
        return QuestionKind.POSITION
    return QuestionKind.FREE_TEXT


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


def require_not_past(deadline: date, today: date, field: str = "deadline") -> None:
    """A deadline (a remiss's, a recipient's own, an anstånd asked for or granted) is today or later: one in the
    past could never be met, and would make every recipient late at once."""
    if deadline < today:
        raise DomainError(ErrorCode.DEADLINE_IN_PAST, field=field, deadline=deadline)


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
    # Who closed it (a user id, or "system" for the automatic closing) or withdrew it, and why it was withdrawn.
    closed_by: str = ""
    withdrawn_reason: str = ""
    # The kortrubrik the coordinator chose (≤ 60 characters); empty: the one suggested from the title.
    chosen_short_title: str = ""
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
        short_title: str = "",
    ) -> Remiss:
        """Validate a new remiss as a whole; every problem is a DomainError naming its field. An empty
        `short_title` follows the title (the suggestion); one equal to the suggestion is kept that way too."""
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
        require_not_past(deadline, today)
        checked_title = _require_text(title, "title", MAX_TITLE)
        chosen = normalise_short_title(short_title)
        return cls(
            case_number=case,
            title=checked_title,
            chosen_short_title="" if chosen == suggest_short_title(checked_title) else chosen,
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
    def short_title(self) -> str:
        """The kortrubrik: what messages that name the remiss again and again call it (reminders, the digest,
        status lines); the full title stays in the remiss message, the status message's header and the summary."""
        return self.chosen_short_title or suggest_short_title(self.title)

    @property
    def short_title_suggested(self) -> bool:
        """The kortrubrik is the one suggested from the title (the coordinator chose none of their own)."""
        return not self.chosen_short_title

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

    def require_draft(self) -> None:
        """Only a draft is edited or sent: once sent, the remiss has a history."""
        if self.status is not RemissStatus.DRAFT:
            raise DomainError(ErrorCode.REMISS_NOT_DRAFT, case_number=self.case_number)

    def mark_sent(self, at: datetime) -> None:
        self.require_draft()
        self.status = RemissStatus.SENT
        self.sent_at = at

    def change_deadline(self, new_deadline: date, today: date) -> date:
        """Move the deadline for every recipient without an extension of its own; returns the old one."""
        self.require_open()
        require_not_past(new_deadline, today)
        if new_deadline == self.deadline:
            raise DomainError(ErrorCode.INVALID_EXTENSION, field="deadline", deadline=new_deadline)
        previous, self.deadline = self.deadline, new_deadline
        return previous

    def close(self, at: datetime, by: str = "") -> None:
        """Avsluta: no more reminders; answers that still come are kept, marked (see lifecycle.py for the rules)."""
        self.require_open()
        self.status = RemissStatus.CLOSED
        self.closed_at = at
        self.closed_by = by

    def reopen(self) -> None:
        """Återöppna: back to sent, as it was before closing."""
        self.status = RemissStatus.SENT
        self.closed_at = None
        self.closed_by = ""

    def withdraw(self, at: datetime, by: str = "", reason: str = "") -> None:
        """Återkalla: a draft or a sent remiss stops for good."""
        if self.status not in (RemissStatus.DRAFT, RemissStatus.SENT):
            raise DomainError(ErrorCode.REMISS_NOT_OPEN, case_number=self.case_number, status=self.status)
        self.status = RemissStatus.WITHDRAWN
        self.closed_at = at
        self.closed_by = by
        self.withdrawn_reason = reason

    @property
    def takes_answers(self) -> bool:
        """An answer is stored: while open, and after closing (marked as arriving after it); never once withdrawn."""
        return self.status in (RemissStatus.SENT, RemissStatus.CLOSED)

    def require_answerable(self) -> None:
        """Refuse an answer only where none is taken: a draft remiss, or a withdrawn one."""
        if not self.takes_answers:
            raise DomainError(ErrorCode.REMISS_NOT_OPEN, case_number=self.case_number, status=self.status)


@dataclass(frozen=True)
class Answer:
    """One question's answer: free text (any length) and the position taken. `from_document` marks text the
    bot took from the attached yttrande (and the official kept as it was), so the summary can say so."""

    question_number: int
    text: str
    position: Position = Position.NOT_STATED
    from_document: bool = False


def text_of(answer: Answer | None) -> str:
    """An answer's text as it counts (for what is missing, what changed, what the summary shows): without the
    space around it; no answer has none."""
    return answer.text.strip() if answer is not None else ""


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
    # The answer's one position on the proposal as a whole (beside any per-question positions).
    overall_position: Position = Position.NOT_STATED

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
        return [q.number for q in remiss.questions if not text_of(self.answer_to(q.number))]

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
    # Inkom efter avslut: submitted while the remiss was closed (stored, and marked so in the summary).
    after_close: bool = False
    # Why the official changed the answer with this version, as they wrote it (optional; empty for a first one).
    change_reason: str = ""

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

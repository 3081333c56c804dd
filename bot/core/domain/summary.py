"""The sammanställning as data: every answer of a remiss compiled in directory order, counted and checked."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.core.domain.answer_changes import answer_changes
from bot.core.domain.documents import answered_in_document, texts_shown_whole, unreadable_documents
from bot.core.domain.matching import find_organisations
from bot.core.domain.organisation import Directory, Organisation, OrgKind
from bot.core.domain.recipient import Recipient
from bot.core.domain.remiss import (
    Attachment,
    DocumentLink,
    Position,
    Question,
    QuestionKind,
    Remiss,
    Response,
    ResponseKind,
    text_of,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")

ANSWER_KINDS = (ResponseKind.YTTRANDE, ResponseKind.DELEGATION, ResponseKind.PRELIMINARY)

# An organisation-choice answer is read as a list of names when every piece between these separators is
# at most a few words ("Stadsbyggnadsnämnden, MKB eller en ny stiftelse"); a piece naming no organisation
# is then kept as an unmatched name. Longer pieces are prose ("…, som finns på plats i områdena"). A
# separator right after a hyphen belongs to a Swedish suspended compound ("Hälsa-, vård- och
# omsorgsnämnden"), so a name is never cut there.
_LIST_SEPARATOR = re.compile(r"(?<!-)(?:\s*[\n;,/]\s*|\s+(?:och|eller|samt|alternativt)\s+)", re.IGNORECASE)
_MAX_WORDS_IN_A_NAME = 4
_WORD = re.compile(r"[^\W_]+")
_TRAILING_PUNCTUATION = ".!?:"


# -- the summary ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Counts:
    """How the recipients answered, by their current response; `late` counts current responses too."""

    recipients: int
    yttrande: int
    delegation: int
    preliminary: int
    declined: int
    no_answer: int
    late: int

    @property
    def answered(self) -> int:
        """Recipients with an answer of any kind except a decline."""
        return self.yttrande + self.delegation + self.preliminary


@dataclass(frozen=True)
class ExtensionLine:
    """One anstånd granted to one recipient."""

    organisation: Organisation
    previous_deadline: date
    new_deadline: date
    granted_by: str
    granted_at: datetime
    reason: str


@dataclass(frozen=True)
class Proposal:
    """An organisation an organisation-choice answer proposes: the directory name (or the name as written
    when it matches none), and whether the answering organisation proposes itself."""

    written: str
    own: bool = False


@dataclass(frozen=True)
class PositionRow:
    """One recipient's line in the table of positions: its kind of answer and a position per question.

    A position is None where there is nothing to show: no answer at all, a decline, or a question the
    response left without text; `in_document` marks an answer whose attached yttrande answers those.
    """

    organisation: Organisation
    kind: ResponseKind | None
    positions: tuple[Position | None, ...]
    in_document: bool = False
    # Per question: what an organisation-choice answer proposes (empty for other questions and blanks).
    proposals: tuple[tuple[Proposal, ...], ...] = ()

    def proposals_to(self, index: int) -> tuple[Proposal, ...]:
        return self.proposals[index] if index < len(self.proposals) else ()


@dataclass(frozen=True)
class AnswerEntry:
    """One recipient's answer to one question, as section 3 shows it."""

    organisation: Organisation
    kind: ResponseKind
    version: int
    submitted_at: datetime
    late: bool
    text: str
    position: Position | None  # None for a question where a position means nothing (see shows_position)
    from_document: bool = False  # the text was taken from the attached yttrande
    after_close: bool = False  # inkom efter avslut: stored after the remiss was closed


@dataclass(frozen=True)
class TallyLine:
    """An organisation proposed in an organisation-choice question, and who proposed it.

    `organisation` is None for a name that matches nothing in the directory; `written` is then the name
    exactly as the recipient wrote it (trimmed), otherwise the directory name.
    """

    organisation: Organisation | None
    written: str
    named_by: tuple[Organisation, ...]

    @property
    def count(self) -> int:
        return len(self.named_by)

    def is_self_nomination(self, proposer: Organisation) -> bool:
        """The proposer named itself."""
        return self.organisation is not None and self.organisation.key == proposer.key


@dataclass(frozen=True)
class Tally:
    """Which organisations the answers to one organisation-choice question named, most named first."""

    matched: tuple[TallyLine, ...]
    unmatched: tuple[TallyLine, ...]

    def proposer_keys(self) -> set[str]:
        """Keys of every recipient whose answer appears somewhere in the tally."""
        return {org.key for line in (*self.matched, *self.unmatched) for org in line.named_by}


@dataclass(frozen=True)
class QuestionSection:
    """Every answer to one question in directory order, those who left it blank, those who answer it in an
    attached yttrande instead of typed text, and the tally if any."""

    question: Question
    answers: tuple[AnswerEntry, ...]
    not_answered: tuple[Organisation, ...]
    tally: Tally | None = None
    in_document: tuple[Organisation, ...] = ()


@dataclass(frozen=True)
class DeclinedEntry:
    """A recipient that declined (avstår), with its reason as written."""

    organisation: Organisation
    reason: str
    declined_at: datetime
    late: bool
    after_close: bool = False


@dataclass(frozen=True)
class MissingEntry:
    """A recipient without a current response; `overdue` once its own deadline has passed."""

    organisation: Organisation
    deadline: date
    overdue: bool
    withdrawn_version: int | None


@dataclass(frozen=True)
class VersionLine:
    """One submitted version in a response's edit history."""

    version: int
    kind: ResponseKind
    submitted_at: datetime
    author: str
    changed_questions: tuple[int, ...]
    change_reason: str = ""  # why the official changed the answer, as written


@dataclass(frozen=True)
class AnnexAnswer:
    """The full text of one question's answer in the annex; empty text when the question was left blank
    (or, `in_document`, is answered in the attached yttrande)."""

    question_number: int
    text: str
    position: Position | None
    in_document: bool = False
    from_document: bool = False


@dataclass(frozen=True)
class AnnexEntry:
    """One recipient's current response in full, uncommented, with its decision and history."""

    organisation: Organisation
    response: Response
    author: str
    late: bool
    answers: tuple[AnnexAnswer, ...]
    attachments: tuple[Attachment, ...]
    history: tuple[VersionLine, ...]
    # A final answer that replaced a preliminary one: that version, and the questions whose answers differ.
    replaced_preliminary: VersionLine | None = None
    # The text of attached documents not split into the answers (file name, text), and the documents whose
    # text could not be read automatically: the coordinator reads those in the file itself.
    document_texts: tuple[tuple[str, str], ...] = ()
    unreadable_documents: tuple[str, ...] = ()
    # Its place in the annex (1, 2, …): "se bilaga, svar 7" points here.
    number: int = 0

    @property
    def kind(self) -> ResponseKind:
        return self.response.kind


@dataclass(frozen=True)
class Summary:
    """Everything the summary shows, in the order it shows it; the formats only lay it out."""

    case_number: str
    title: str
    sender: str
    contact: str
    sent_at: datetime | None
    deadline: date
    compiled_on: date
    questions: tuple[Question, ...]
    documents: tuple[DocumentLink, ...]
    counts: Counts
    extensions: tuple[ExtensionLine, ...]
    positions: tuple[PositionRow, ...]
    sections: tuple[QuestionSection, ...]
    declined: tuple[DeclinedEntry, ...]
    missing: tuple[MissingEntry, ...]
    annex: tuple[AnnexEntry, ...]

    @property
    def position_columns(self) -> tuple[int, ...]:
        """The questions (by index) the table of positions shows: those asking a position or naming
        organisations; a fritext question has nothing to put in a cell."""
        return tuple(
            i for i, q in enumerate(self.questions) if shows_position(q) or q.kind is QuestionKind.ORGANISATION_CHOICE
        )

    @property
    def still_open(self) -> tuple[MissingEntry, ...]:
        """Recipients that have not answered but whose own deadline has not passed: the summary is early."""
        return tuple(m for m in self.missing if not m.overdue)


# -- building it ---------------------------------------------------------------------------------------
def build_summary(
    remiss: Remiss,
    recipients: Iterable[Recipient],
    directory: Directory,
    *,
    today: date,
    sender_name: str | None = None,
    names: Mapping[str, str] | None = None,
    tz: ZoneInfo = STOCKHOLM,
) -> Summary:
    """Compile the summary of `remiss` from its recipients as they stand on `today` (the local date).

    `names` turns the Slack user ids that authored responses or granted extensions into people's names;
    an id without a name is shown as it is.
    """
    people = names if names is not None else {}
    # Directory.position scans the directory; one pass here keeps a large round linear.
    order = {org.key: i for i, org in enumerate(directory)}
    ordered = sorted(recipients, key=lambda r: (order.get(r.organisation_key, len(order)), r.organisation_key))
    orgs = {r.organisation_key: _organisation(r.organisation_key, directory) for r in ordered}
    answering = [r for r in ordered if answer_of(r) is not None]

    extensions = tuple(
        ExtensionLine(
            orgs[r.organisation_key],
            e.previous_deadline,
            e.new_deadline,
            people.get(e.granted_by, e.granted_by),
            e.granted_at,
            e.reason,
        )
        for r in ordered
        for e in r.extensions
    )
    proposed = _Proposed(directory)  # the tally and the overview's rows read the same answers
    sections = tuple(_section(q, answering, orgs, proposed, tz) for q in remiss.questions)
    declined = tuple(
        DeclinedEntry(
            orgs[r.organisation_key],
            current.content.decline_reason,
            current.submitted_at,
            is_late(r, tz),
            current.after_close,
        )
        for r in ordered
        if (current := r.current_response) is not None and current.kind is ResponseKind.DECLINED
    )
    missing = tuple(
        MissingEntry(orgs[r.organisation_key], r.deadline, today > r.deadline, r.withdrawn_version)
        for r in ordered
        if r.current_response is None
    )
    return Summary(
        case_number=remiss.case_number,
        title=remiss.title,
        sender=sender_name or _organisation(remiss.sender_key, directory).name,
        contact=remiss.contact,
        sent_at=remiss.sent_at,
        deadline=remiss.deadline,
        compiled_on=today,
        questions=remiss.questions,
        documents=remiss.documents,
        counts=count_responses(ordered, tz),
        extensions=extensions,
        positions=tuple(_position_row(r, orgs[r.organisation_key], remiss.questions, proposed) for r in ordered),
        sections=sections,
        declined=declined,
        missing=missing,
        annex=tuple(
            replace(_annex_entry(r, orgs[r.organisation_key], remiss.questions, people, tz), number=i)
            for i, r in enumerate(answering, start=1)
        ),
    )


def count_responses(recipients: Sequence[Recipient], tz: ZoneInfo = STOCKHOLM) -> Counts:
    """The overview's counts, from each recipient's current response."""
    kinds = [r.current_response.kind if r.current_response else None for r in recipients]
    return Counts(
        recipients=len(recipients),
        yttrande=kinds.count(ResponseKind.YTTRANDE),
        delegation=kinds.count(ResponseKind.DELEGATION),
        preliminary=kinds.count(ResponseKind.PRELIMINARY),
        declined=kinds.count(ResponseKind.DECLINED),
        no_answer=kinds.count(None),
        late=sum(1 for r in recipients if is_late(r, tz)),
    )


def is_late(recipient: Recipient, tz: ZoneInfo = STOCKHOLM) -> bool:
    """The current response came in after the recipient's own deadline (local date, extensions counted)."""
    current = recipient.current_response
    return current is not None and current.submitted_at.astimezone(tz).date() > recipient.deadline


def answer_of(recipient: Recipient) -> Response | None:
    """The current response when it is an answer (not a decline)."""
    current = recipient.current_response
    return current if current is not None and current.kind in ANSWER_KINDS else None


def _organisation(key: str, directory: Directory) -> Organisation:
    """The directory's organisation; a key the directory no longer lists still gets a line, under its key."""
    return directory.get(key) or Organisation(key=key, name=key, short_name="", kind=OrgKind.OTHER)


def shows_position(question: Question) -> bool:
    """A position (tillstyrker, avstyrker …) means something for this question: only where the coordinator
    marked it ställningstagande, not for fritext or an organisation choice (whose answer is the organisations
    it proposes)."""
    return question.kind is QuestionKind.POSITION


class _Proposed:
    """named_organisations over one directory, each answer worked out once for the whole summary."""

    def __init__(self, directory: Directory) -> None:
        self.directory = directory
        self._found: dict[tuple[str, str], tuple[list[Organisation], list[str]]] = {}

    def __call__(self, text: str, answered_by: Organisation) -> tuple[list[Organisation], list[str]]:
        key = (text, answered_by.key)
        if key not in self._found:
            self._found[key] = named_organisations(text, self.directory, answered_by)
        return self._found[key]


def proposals_in(text: str, proposed: _Proposed, answered_by: Organisation) -> tuple[Proposal, ...]:
    """What one organisation-choice answer proposes, matched to the directory as the tally does."""
    named, leftovers = proposed(text, answered_by)
    return (
        *(Proposal(org.name, org.key == answered_by.key) for org in named),
        *(Proposal(" ".join(written.split())) for written in leftovers),
    )


def _position_row(
    recipient: Recipient, org: Organisation, questions: Sequence[Question], proposed: _Proposed
) -> PositionRow:
    current = recipient.current_response
    if current is None or current.kind is ResponseKind.DECLINED:
        return PositionRow(org, current.kind if current else None, tuple(None for _ in questions))
    positions: list[Position | None] = []
    proposals: list[tuple[Proposal, ...]] = []
    for q in questions:
        answer = current.content.answer_to(q.number)
        text = text_of(answer)
        shown = answer is not None and bool(text) and shows_position(q)
        positions.append(answer.position if answer is not None and shown else None)
        choice = q.kind is QuestionKind.ORGANISATION_CHOICE and bool(text)
        proposals.append(proposals_in(text, proposed, org) if choice else ())
    return PositionRow(org, current.kind, tuple(positions), bool(current.content.attachments), tuple(proposals))


def _section(
    question: Question,
    answering: Sequence[Recipient],
    orgs: Mapping[str, Organisation],
    proposed: _Proposed,
    tz: ZoneInfo,
) -> QuestionSection:
    entries: list[AnswerEntry] = []
    blank: list[Organisation] = []
    in_document: list[Organisation] = []
    for recipient in answering:
        response = recipient.current_response
        assert response is not None  # `answering` holds only recipients with an answer
        org = orgs[recipient.organisation_key]
        answer = response.content.answer_to(question.number)
        text = text_of(answer)
        if not text or answer is None:
            (in_document if answered_in_document(response.content, question.number) else blank).append(org)
            continue
        entries.append(
            AnswerEntry(
                org,
                response.kind,
                response.version,
                response.submitted_at,
                is_late(recipient, tz),
                text,
                answer.position if shows_position(question) else None,
                answer.from_document,
                response.after_close,
            )
        )
    tally = tally_answers(entries, proposed) if question.kind is QuestionKind.ORGANISATION_CHOICE else None
    return QuestionSection(question, tuple(entries), tuple(blank), tally, tuple(in_document))


def tally_answers(entries: Sequence[AnswerEntry], proposed: _Proposed) -> Tally:
    """Count the organisations each answer names, matched to the directory from free text.

    An answer written as a list of short names ("Stadsbyggnadsnämnden, MKB eller en ny stiftelse") keeps
    each piece that names no organisation as an unmatched name, as written. An answer in prose keeps the
    organisations it names; if it names none, the whole answer is the unmatched name. So every answer
    shows up in the tally, and nothing a recipient proposed is dropped.
    """
    matched: dict[str, list[Organisation]] = {}
    found_orgs: dict[str, Organisation] = {}
    unmatched: dict[str, list[Organisation]] = {}
    for entry in entries:
        named, leftovers = proposed(entry.text, entry.organisation)
        for org in named:
            found_orgs.setdefault(org.key, org)
            matched.setdefault(org.key, []).append(entry.organisation)
        for written in leftovers:
            unmatched.setdefault(written, []).append(entry.organisation)
    matched_lines = sorted(
        (TallyLine(found_orgs[key], found_orgs[key].name, tuple(by)) for key, by in matched.items()),
        key=lambda line: (
            -line.count,
            proposed.directory.position(line.organisation.key if line.organisation else ""),
            line.written,
        ),
    )
    return Tally(
        matched=tuple(matched_lines),
        unmatched=tuple(TallyLine(None, written, tuple(by)) for written, by in unmatched.items()),
    )


def named_organisations(
    text: str, directory: Directory, answered_by: Organisation | None = None
) -> tuple[list[Organisation], list[str]]:
    """The directory organisations a free-text answer proposes, and the names in it that match none.

    Answers often open with the recipient's own name ("Tekniska nämnden föreslår Stadsbyggnadsnämnden"),
    so the answering organisation only counts as proposed when it is the only organisation named.
    """
    named = find_organisations(text, directory)
    if answered_by is not None and len(named) > 1:
        named = [org for org in named if org.key != answered_by.key]
    pieces = [p.strip().rstrip(_TRAILING_PUNCTUATION).strip() for p in _LIST_SEPARATOR.split(text)]
    pieces = [p for p in pieces if _WORD.search(p)]
    if not pieces:
        return named, []
    if any(len(_WORD.findall(p)) > _MAX_WORDS_IN_A_NAME for p in pieces):
        return named, ([] if named else [text.strip()])
    name_words = {w for org in named for name in org.all_names for w in _WORD.findall(name.casefold())}
    leftovers = [
        piece for piece in pieces if not find_organisations(piece, directory) and not _is_fragment_of(piece, name_words)
    ]
    return named, leftovers


def _is_fragment_of(piece: str, name_words: set[str]) -> bool:
    """A piece made only of words from a name found in the whole answer is part of that name, cut apart
    at a separator the name itself contains ("Hälsa, vård och omsorgsnämnden")."""
    words = _WORD.findall(piece.casefold())
    return bool(words) and all(w in name_words for w in words)


def _annex_entry(
    recipient: Recipient,
    org: Organisation,
    questions: Sequence[Question],
    people: Mapping[str, str],
    tz: ZoneInfo,
) -> AnnexEntry:
    response = recipient.current_response
    assert response is not None  # only recipients with an answer are in the annex
    history = _history(recipient.responses, questions, people)
    # The latest preliminary version a final one replaced, with what changed between the two.
    kind = ResponseKind.PRELIMINARY
    earlier = [(v, r) for v, r in zip(history[:-1], recipient.responses, strict=False) if r.kind is kind]
    replaced = None
    if earlier and response.kind is not kind:
        replaced = replace(
            earlier[-1][0],
            changed_questions=answer_changes(earlier[-1][1].content, response.content, questions).questions,
        )
    answers = []
    for q in questions:
        answer = response.content.answer_to(q.number)
        text = text_of(answer)
        position = answer.position if answer is not None and text and shows_position(q) else None
        in_document = answered_in_document(response.content, q.number)
        taken = answer is not None and answer.from_document
        answers.append(AnnexAnswer(q.number, text, position, in_document, taken))
    return AnnexEntry(
        organisation=org,
        response=response,
        author=people.get(response.author, response.author),
        late=is_late(recipient, tz),
        answers=tuple(answers),
        attachments=response.content.attachments,
        history=history,
        replaced_preliminary=replaced,
        document_texts=texts_shown_whole(response.content),
        unreadable_documents=unreadable_documents(response.content),
    )


def _history(
    versions: Sequence[Response], questions: Sequence[Question], people: Mapping[str, str]
) -> tuple[VersionLine, ...]:
    lines = []
    previous: Response | None = None
    for version in versions:
        changed = () if previous is None else answer_changes(previous.content, version.content, questions).questions
        author = people.get(version.author, version.author)
        lines.append(
            VersionLine(version.version, version.kind, version.submitted_at, author, changed, version.change_reason)
        )
        previous = version
    return tuple(lines)

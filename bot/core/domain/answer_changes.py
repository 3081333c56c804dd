"""What changed between two versions of an answer, and why: the one rule the status line, the audit trail and
the summary's version history all use."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.remiss import Answer, Position, Question, ResponseContent, text_of

# The reason an official gives for changing or withdrawing an answer: a sentence or two for the coordinator's
# status line, not a second answer.
MAX_CHANGE_REASON = 500
CHANGE_REASON_FIELD = "change_reason"


def checked_reason(raw: str) -> str:
    """The reason as stored (trimmed, may be empty); refused on the field `change_reason` when too long."""
    text = raw.strip()
    if len(text) > MAX_CHANGE_REASON:
        raise DomainError(
            ErrorCode.FIELD_TOO_LONG, field=CHANGE_REASON_FIELD, limit=MAX_CHANGE_REASON, length=len(text)
        )
    return text


@dataclass(frozen=True)
class AnswerChanges:
    """What a new version changes against the one before it.

    `texts` are the questions whose answer text changed (their position may have changed too); `positions` the
    questions where only the position (ställningstagandet) changed.
    """

    texts: tuple[int, ...] = ()
    positions: tuple[int, ...] = ()
    overall_position: bool = False
    decision: bool = False  # the kind of answer or its decision details (date, §, who decided, diarienummer)
    files: bool = False  # a document attached or taken away

    @property
    def questions(self) -> tuple[int, ...]:
        """Every question whose answer changed in any way, in order."""
        return tuple(sorted({*self.texts, *self.positions}))

    def details(self) -> dict[str, object]:
        """As the audit entry keeps it: only what changed, question numbers comma-separated; `unchanged` when
        the new version is the same answer again (an entry without any of these predates the comparison)."""
        found: dict[str, object] = {}
        if self.texts:
            found["changed_texts"] = ",".join(map(str, self.texts))
        if self.positions:
            found["changed_positions"] = ",".join(map(str, self.positions))
        if self.overall_position:
            found["changed_overall"] = True
        if self.decision:
            found["changed_decision"] = True
        if self.files:
            found["changed_files"] = True
        return found or {"unchanged": True}


def answer_changes(before: ResponseContent, after: ResponseContent, questions: Sequence[Question]) -> AnswerChanges:
    """What `after` changes against `before`, question by question in the remiss's order."""
    texts: list[int] = []
    positions: list[int] = []
    for q in questions:
        old, new = before.answer_to(q.number), after.answer_to(q.number)
        if text_of(old) != text_of(new):
            texts.append(q.number)
        elif _position(old) != _position(new):
            positions.append(q.number)
    return AnswerChanges(
        texts=tuple(texts),
        positions=tuple(positions),
        overall_position=before.overall_position != after.overall_position,
        decision=_decision(before) != _decision(after),
        files={a.sha256 or a.file_id for a in before.attachments} != {a.sha256 or a.file_id for a in after.attachments},
    )


def _position(answer: Answer | None) -> Position:
    return answer.position if answer is not None else Position.NOT_STATED


def _decision(content: ResponseContent) -> tuple[object, ...]:
    return (
        content.kind,
        content.meeting_date,
        content.paragraph,
        content.decided_by,
        content.deciding_body,
        content.their_case_number,
        content.planned_board_date,
    )

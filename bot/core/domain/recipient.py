"""A recipient of a remiss: the organisation asked, who answers for it, and what it has done."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol, TypeVar

from bot.core.domain.answer_changes import answer_changes, checked_reason
from bot.core.domain.audit import AuditAction, AuditEntry, audit
from bot.core.domain.calendar import add_working_days
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.remiss import (
    FINAL_KINDS,
    AnswerRules,
    DeadlineChange,
    Draft,
    Extension,
    RecipientStatus,
    Remiss,
    RemissStatus,
    Response,
    ResponseContent,
    ResponseKind,
)


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
        return own_deadline(remiss_deadline, self.extensions[-1].new_deadline if self.extensions else None)

    @property
    def current_response(self) -> Response | None:
        """The latest submitted version, unless it was withdrawn."""
        return current_version(self.responses, self.withdrawn_version)

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
        """Keep work in progress; after closing too (what is written is never lost), never once withdrawn."""
        remiss.require_answerable()
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
        reason: str = "",
    ) -> AuditEntry:
        """Submit a response (a new version if one exists). Edits are allowed until the deadline; while the
        current version is preliminary, its final answer may come until `final_answer_due`.

        A change of the current answer keeps the official's `reason` (optional) with the version, and its audit
        entry says which questions changed (see answer_changes); a first answer has no reason to give.

        A preliminary answer's planned board date may not be in the past; one after the deadline is accepted,
        and the audit entry says so (`after_deadline`), for the coordinator's line and the official's message.

        On a closed remiss a first answer, or a preliminary answer's final one, is still stored whatever the
        deadlines, marked as arriving after closing (inkom efter avslut: the version's `after_close` and the entry's
        detail); an answer given is not changed after its deadline, closed or not. A withdrawn one takes none.
        """
        if content.kind is ResponseKind.DECLINED:
            return self.decline(remiss, content.decline_reason, actor, at)
        self.require_answerable(remiss, today, rules or AnswerRules(), content)
        current = self.current_response
        closed = remiss.status is RemissStatus.CLOSED
        content.validate_for_submission(remiss)
        why = checked_reason(reason) if current is not None else ""
        planned = content.planned_board_date if content.kind is ResponseKind.PRELIMINARY else None
        if planned is not None and planned < today:
            raise DomainError(ErrorCode.PLANNED_DATE_IN_PAST, field="planned_board_date", planned=planned)
        version = self._append(content.normalised(), actor, at, after_close=closed, change_reason=why)
        action = AuditAction.EDITED if current is not None else AuditAction.SUBMITTED
        details: dict[str, object] = {"version": version.version, "kind": content.kind, "late": today > self.deadline}
        if current is not None:
            details.update(answer_changes(current.content, version.content, remiss.questions).details())
            if why:
                details["reason"] = why
        if closed:
            details["after_close"] = True
        if planned is not None:
            details.update(planned=planned, after_deadline=planned > self.deadline)
        if current is not None and current.kind is ResponseKind.PRELIMINARY and content.kind in FINAL_KINDS:
            details["final"] = True
        unreadable = [a.name for a in content.attachments if a.unreadable]
        if unreadable:  # the coordinator is told to read those in the file itself
            details["unreadable"] = " | ".join(unreadable)
        return self._entry(action, actor, at, **details)

    def require_answerable(
        self, remiss: Remiss, today: date, rules: AnswerRules, content: ResponseContent | None = None
    ) -> None:
        """Refuse an answer (`content`, or any answer while the form is still to be filled in) where submit would:
        a remiss that takes none, a recipient that declined, or a change after the recipient's deadline. A first
        answer may come late; after the deadline only a preliminary answer's final one may come, until its due
        date, and after closing whenever it comes (marked as arriving after closing)."""
        remiss.require_answerable()
        current = self.current_response
        if current is not None and current.kind is ResponseKind.DECLINED:
            raise DomainError(ErrorCode.ALREADY_DECLINED, case_number=self.case_number)
        awaited = (
            remiss.status is RemissStatus.CLOSED and current is not None and current.kind is ResponseKind.PRELIMINARY
        )
        if current is None or today <= self.deadline or awaited:
            return
        due = self.final_answer_due(rules)
        if due is None:
            raise DomainError(ErrorCode.DEADLINE_PASSED, deadline=self.deadline)
        if today > due:
            raise DomainError(
                ErrorCode.FINAL_ANSWER_TOO_LATE, field="kind", due=due, deadline=self.deadline, contact=remiss.contact
            )
        if content is not None and content.kind not in FINAL_KINDS:
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

    def require_declinable(self, remiss: Remiss) -> None:
        """Avstå is for a recipient with nothing submitted (until what it submitted is withdrawn), on a remiss that
        takes answers."""
        remiss.require_answerable()
        current = self.current_response
        if current is not None:
            code = ErrorCode.ALREADY_DECLINED if current.kind is ResponseKind.DECLINED else ErrorCode.ALREADY_SUBMITTED
            raise DomainError(code, case_number=self.case_number)

    def decline(self, remiss: Remiss, reason: str, actor: str, at: datetime) -> AuditEntry:
        """Avstå: a legitimate outcome. Refused once an answer is submitted, until it is withdrawn. After closing it
        is kept like an answer, marked as arriving after closing."""
        self.require_declinable(remiss)
        closed = remiss.status is RemissStatus.CLOSED
        # A draft survives a decline: if the decline is withdrawn, the work comes back.
        self._append(
            ResponseContent(kind=ResponseKind.DECLINED, decline_reason=reason.strip()),
            actor,
            at,
            keep_draft=True,
            after_close=closed,
        )
        details: dict[str, object] = {"after_close": True} if closed else {}
        return self._entry(AuditAction.DECLINED, actor, at, reason=reason.strip(), **details)

    def require_withdrawable(self, remiss: Remiss, today: date) -> Response:
        """The current response, which may be withdrawn: the remiss is open and the deadline not passed."""
        remiss.require_open()
        current = self.current_response
        if current is None:
            raise DomainError(ErrorCode.NOTHING_TO_WITHDRAW, case_number=self.case_number)
        if today > self.deadline:
            raise DomainError(ErrorCode.DEADLINE_PASSED, deadline=self.deadline)
        return current

    def withdraw(self, remiss: Remiss, actor: str, at: datetime, today: date, reason: str = "") -> AuditEntry:
        """Dra tillbaka the current response (a decline or an answer) before the deadline; versions stay. The
        official's `reason` (optional) is kept in the audit entry."""
        current = self.require_withdrawable(remiss, today)
        why = checked_reason(reason)
        self.withdrawn_version = current.version
        details: dict[str, object] = {"version": current.version, "kind": current.kind}
        if why:
            details["reason"] = why
        return self._entry(AuditAction.WITHDRAWN, actor, at, **details)

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

    def _append(
        self,
        content: ResponseContent,
        actor: str,
        at: datetime,
        *,
        keep_draft: bool = False,
        after_close: bool = False,
        change_reason: str = "",
    ) -> Response:
        version = Response(
            version=(self.responses[-1].version + 1) if self.responses else 1,
            content=content,
            author=actor,
            submitted_at=at,
            after_close=after_close,
            change_reason=change_reason,
        )
        self.responses.append(version)
        if not keep_draft:
            self.draft = None
        self.withdrawn_version = None
        if self.opened_at is None:
            self.opened_at = at
        return version


_T = TypeVar("_T")
_V = TypeVar("_V", bound="_Versioned")


class _Versioned(Protocol):
    @property
    def version(self) -> int: ...


def current_version(versions: Sequence[_V], withdrawn_version: int | None) -> _V | None:
    """The latest version, unless it was withdrawn (see Recipient.current_response)."""
    if not versions or versions[-1].version == withdrawn_version:
        return None
    return versions[-1]


def own_deadline(remiss_deadline: date, extended_to: date | None) -> date:
    """A recipient's deadline from the remiss's and its latest anstånd (None: none granted); for reads that have
    only those two dates (Recipient.deadline)."""
    return remiss_deadline if extended_to is None else max(extended_to, remiss_deadline)


def _appended(what: str, stored: list[_T], given: list[_T], recipient: Recipient) -> list[_T]:
    """The items of `given` after the stored ones; refuses if a stored item was changed or dropped."""
    if given[: len(stored)] != stored:
        raise ValueError(
            f"{what} of {recipient.case_number}/{recipient.organisation_key} are append-only: "
            "a stored one was changed or removed (stale copy? read it inside the same transaction)"
        )
    return given[len(stored) :]

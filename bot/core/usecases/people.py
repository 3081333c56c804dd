"""The people on a recipient: the coordinator's reassignment, and an official marking themselves away."""

from __future__ import annotations

from datetime import date, datetime

from bot.core.domain.audit import AuditEntry
from bot.core.domain.people import Absence, absence, check_reassignment
from bot.core.domain.recipient import Recipient
from bot.core.domain.remiss import Remiss
from bot.core.usecases.answering import AnsweringUseCases
from bot.core.usecases.base import Shared, UseCase
from bot.core.usecases.results import Actor


class PeopleUseCases(UseCase):
    """Who answers for a recipient, and who is away."""

    def __init__(self, shared: Shared, answering: AnsweringUseCases) -> None:
        super().__init__(shared)
        self.answering = answering

    def reassign(
        self, actor: Actor, case_number: str, organisation_key: str, to_user: str, note: str = ""
    ) -> Recipient:
        """The coordinator gives an organisation's remiss to any person, who becomes its official. The same
        hand-over as an official's (the audit trail, the remiss to the new one, the previous ones told)."""
        self._require_coordinator(actor)
        # Asked of Slack before the write transaction, never inside it.
        person = self.shared.users.person(to_user) if self.shared.users is not None else None

        def change(recipient: Recipient, remiss: Remiss, now: datetime) -> AuditEntry:
            remiss.require_open()
            check_reassignment(recipient.officials, person, to_user)
            return recipient.hand_over(remiss, to_user, actor.user_id, now, note)

        return self._act(
            actor,
            case_number,
            organisation_key,
            change,
            as_coordinator=True,
            then=self.answering.tell_about_hand_over,
        )

    # -- away -----------------------------------------------------------------------------------------
    def mark_away(self, actor: Actor, until: date) -> Absence:
        """Borta till och med `until`: meanwhile the reminders go to the others (the stand-ins)."""
        away = absence(actor.user_id, until, self.today(), self.now())
        with self.store.transaction() as repo:
            repo.directory.set_absence(away)
        return away

    def end_away(self, actor: Actor) -> bool:
        """Back early: the reminders come to them again. False when they were not marked away."""
        with self.store.transaction() as repo:
            return repo.directory.end_absence(actor.user_id)

    def away_until(self, user_id: str) -> date | None:
        """The last day `user_id` is away, while that is today or later."""
        today = self.today()
        with self.store.read() as repo:
            found = [a for a in repo.directory.absences() if a.user_id == user_id and a.covers(today)]
        return found[0].until if found else None

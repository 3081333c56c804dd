"""The Store/Transaction contract, run against MemoryStore, SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from bot.core.domain.audit import AuditAction, AuditEntry, audit
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.organisation import Directory, Organisation, OrgKind
from bot.core.domain.people import Absence
from bot.core.domain.remiss import (
    Answer,
    Attachment,
    Draft,
    Position,
    Question,
    QuestionKind,
    RemissStatus,
    Response,
    ResponseContent,
    ResponseKind,
)
from bot.core.domain.short_title import suggest_short_title
from bot.core.ports.store import Store, Transaction
from tests.storage.samples import (
    CASE,
    COORDINATOR,
    DEADLINE,
    LONG_ANSWER,
    NOW,
    SENDER,
    TODAY,
    answer_content,
    directory,
    give_history,
    official,
    org_key,
    organisation,
    recipient,
    remiss,
    sent_remiss,
    submit_answer,
)

STOCKHOLM_SUMMER = timezone(timedelta(hours=2))


class Boom(Exception):
    """Raised inside a transaction to make it roll back."""


def in_transaction(store: Store, work: Callable[[Transaction], object]) -> None:
    with store.transaction() as repo:
        work(repo)


# -- remisses ----------------------------------------------------------------------------------------
def test_a_remiss_comes_back_exactly_as_it_was_stored(store: Store) -> None:
    original = remiss()
    with store.transaction() as repo:
        repo.directory.replace_directory(directory())
        added = repo.remisses.add_remiss(original)

    assert added.id is not None
    with store.read() as repo:
        loaded = repo.remisses.get_remiss(CASE)
    assert loaded == added
    assert replace(loaded, id=None) == original
    assert loaded.questions[3].kind is QuestionKind.ORGANISATION_CHOICE
    assert loaded.created_at.tzinfo == UTC


def test_each_question_keeps_the_kind_the_coordinator_marked(store: Store) -> None:
    kinds = (QuestionKind.POSITION, QuestionKind.FREE_TEXT, QuestionKind.POSITION, QuestionKind.ORGANISATION_CHOICE)
    marked = replace(
        remiss(), questions=tuple(replace(q, kind=k) for q, k in zip(remiss().questions, kinds, strict=True))
    )
    with store.transaction() as repo:
        repo.directory.replace_directory(directory())
        repo.remisses.add_remiss(marked)
    with store.read() as repo:
        loaded = repo.remisses.get_remiss(CASE)
    assert loaded is not None
    assert [q.kind for q in loaded.questions] == list(kinds)
    assert all(isinstance(q, Question) for q in loaded.questions)


def test_a_changed_remiss_comes_back_changed(store: Store) -> None:
    with store.transaction() as repo:
        stored = sent_remiss(repo, recipients=0)
    changed = replace(
        stored,
        title="Nytt namn",
        deadline=date(2023, 12, 15),
        coordinators=(COORDINATOR,),
        questions=stored.questions[:2],
        documents=(),
    )
    changed.close(NOW + timedelta(days=60), by=COORDINATOR)

    with store.transaction() as repo:
        repo.remisses.save_remiss(changed)
    with store.read() as repo:
        loaded = repo.remisses.get_remiss(CASE)

    assert loaded == changed
    assert loaded is not None
    assert loaded.status is RemissStatus.CLOSED and loaded.closed_by == COORDINATOR

    changed.reopen()
    changed.withdraw(NOW + timedelta(days=61), by=COORDINATOR, reason="Ärendet avskrevs.")
    with store.transaction() as repo:
        repo.remisses.save_remiss(changed)
    with store.read() as repo:
        loaded = repo.remisses.get_remiss(CASE)
    assert loaded == changed
    assert loaded is not None and loaded.withdrawn_reason == "Ärendet avskrevs."


def test_a_kortrubrik_is_stored_as_chosen_and_an_empty_one_follows_the_title(store: Store) -> None:
    chosen = replace(remiss(), chosen_short_title="Områdeslyft i Malmö")
    suggested = remiss("STK-2023-138")
    with store.transaction() as repo:
        repo.directory.replace_directory(directory())
        repo.remisses.add_remiss(chosen)
        repo.remisses.add_remiss(suggested)
    with store.read() as repo:
        loaded = repo.remisses.get_remiss(CASE)
        follows = repo.remisses.get_remiss("STK-2023-138")
    assert loaded is not None and follows is not None
    assert (loaded.short_title, loaded.short_title_suggested) == ("Områdeslyft i Malmö", False)
    assert (follows.chosen_short_title, follows.short_title) == ("", suggest_short_title(suggested.title))

    follows.title = "Ny rubrik som är kort"
    with store.transaction() as repo:
        repo.remisses.save_remiss(follows)
    with store.read() as repo:
        again = repo.remisses.get_remiss("STK-2023-138")
    assert again is not None and again.short_title == "Ny rubrik som är kort"


def test_a_duplicate_case_number_is_refused_and_the_transaction_goes_on(store: Store) -> None:
    with store.transaction() as repo:
        repo.directory.replace_directory(directory())
        repo.remisses.add_remiss(remiss())

    with store.transaction() as repo:
        with pytest.raises(DomainError) as refused:
            repo.remisses.add_remiss(remiss())
        repo.remisses.add_remiss(remiss("KS 2021/123"))

    assert refused.value.code is ErrorCode.DUPLICATE_CASE_NUMBER
    assert refused.value.field == "case_number"
    assert refused.value.params["case_number"] == CASE
    with store.read() as repo:
        assert [r.case_number for r in repo.remisses.list_remisses()] == [CASE, "KS 2021/123"]


def test_a_remiss_from_an_organisation_not_in_the_directory_is_refused(store: Store) -> None:
    with store.transaction() as repo, pytest.raises(DomainError) as refused:
        repo.remisses.add_remiss(remiss())

    assert refused.value.code is ErrorCode.UNKNOWN_ORGANISATION


def test_saving_a_remiss_that_was_never_added_is_refused(store: Store) -> None:
    with store.transaction() as repo, pytest.raises(DomainError) as refused:
        repo.remisses.save_remiss(remiss())

    assert refused.value.code is ErrorCode.UNKNOWN_REMISS


def test_remisses_are_listed_in_creation_order_and_filtered_by_status(store: Store) -> None:
    with store.transaction() as repo:
        sent_remiss(repo, recipients=0, case_number="STK-2023-2")
        repo.remisses.add_remiss(remiss("STK-2023-1"))
        sent_remiss(repo, recipients=0, case_number="STK-2023-3")

    with store.read() as repo:
        everything = [r.case_number for r in repo.remisses.list_remisses()]
        sent = [r.case_number for r in repo.remisses.list_remisses([RemissStatus.SENT])]
        closed = repo.remisses.list_remisses([RemissStatus.CLOSED, RemissStatus.WITHDRAWN])

    assert everything == ["STK-2023-2", "STK-2023-1", "STK-2023-3"]
    assert sent == ["STK-2023-2", "STK-2023-3"]
    assert closed == []


def test_an_unknown_case_number_finds_nothing(store: Store) -> None:
    with store.read() as repo:
        assert repo.remisses.get_remiss("STK-1999-1") is None
        assert repo.remisses.get_recipient("STK-1999-1", org_key(1)) is None
        assert repo.remisses.list_recipients("STK-1999-1") == []
        assert repo.remisses.list_audit("STK-1999-1") == []


# -- recipients and responses ------------------------------------------------------------------------
def test_a_recipient_with_draft_versions_and_extensions_comes_back_exactly(store: Store) -> None:
    with store.transaction() as repo:
        stored = sent_remiss(repo, recipients=0)
        added = repo.remisses.add_recipient(replace(recipient(1), officials=(official(1), official(2), "U0ZZZ")))
    assert added.id is not None
    give_history(added, stored)
    added.draft = Draft(
        ResponseContent(
            ResponseKind.PRELIMINARY,
            (
                Answer(
                    2,
                    "Utkast 📝",
                ),
                Answer(3, "Ur yttrandet: nämnden tillstyrker.", from_document=True),
            ),
            planned_board_date=date(2023, 12, 7),
            overall_position=Position.FORESLAR_ANDRINGAR,
            attachments=(
                Attachment("F1", "Yttrande.pdf", sha256="a" * 64, size=10, mime_type="application/pdf", text="Text"),
                Attachment("F2", "Skannad.pdf", sha256="b" * 64, size=20, mime_type="application/pdf", unreadable="x"),
            ),
        ),
        official(2),
        NOW.astimezone(STOCKHOLM_SUMMER),
    )

    with store.transaction() as repo:
        repo.remisses.save_recipient(added)
    with store.read() as repo:
        loaded = repo.remisses.get_recipient(CASE, org_key(1))

    assert loaded == added
    assert loaded is not None
    assert loaded.responses[0].content.answers[0].text == LONG_ANSWER
    assert [r.version for r in loaded.responses] == [1, 2]
    assert loaded.deadline == date(2023, 12, 8)
    assert loaded.draft is not None
    assert loaded.draft.updated_at.tzinfo == UTC
    # The overall position of a submitted version and of the draft.
    assert loaded.responses[0].content.overall_position is Position.TILLSTYRKER
    assert loaded.draft.content.overall_position is Position.FORESLAR_ANDRINGAR
    assert loaded.officials == (official(1), official(2), "U0ZZZ")


def test_submitted_versions_are_appended_and_never_rewritten(store: Store) -> None:
    with store.transaction() as repo:
        sent_remiss(repo, recipients=1)
    first = submit_answer(store, 1, "Första versionen.")
    submit_answer(store, 1, "Andra versionen.", NOW + timedelta(hours=1))

    with store.read() as repo:
        loaded = repo.remisses.get_recipient(CASE, org_key(1))
    assert loaded is not None
    assert [r.version for r in loaded.responses] == [1, 2]
    assert loaded.responses[0] == first.responses[0]
    assert loaded.responses[0].content.answers[0].text == "Första versionen."
    assert loaded.responses[1].content.answers[0].text == "Andra versionen."


def test_a_changed_answer_keeps_the_reason_given_for_it(store: Store) -> None:
    with store.transaction() as repo:
        sent_remiss(repo, recipients=1)
    submit_answer(store, 1, "Första versionen.")
    reason = "Nämnden fattade ett nytt beslut; «citat» och åäö. " * 9
    with store.transaction() as repo:
        stored, rec = repo.remisses.get_remiss(CASE), repo.remisses.get_recipient(CASE, org_key(1))
        assert stored is not None and rec is not None
        later = NOW + timedelta(hours=1)
        repo.remisses.append_audit(
            rec.submit(stored, answer_content("Andra."), official(1), later, TODAY, None, reason)
        )
        repo.remisses.save_recipient(rec)

    with store.read() as repo:
        loaded = repo.remisses.get_recipient(CASE, org_key(1))
        assignment = repo.remisses.get_assignment(CASE, org_key(1))
        [edited] = [e for e in repo.remisses.list_audit(CASE) if e.action is AuditAction.EDITED]
    assert loaded is not None and [r.change_reason for r in loaded.responses] == ["", reason.strip()]
    assert assignment is not None and assignment.recipient.responses == loaded.responses
    assert edited.details_dict["reason"] == reason.strip()


def test_an_answer_stored_after_closing_keeps_its_mark(store: Store) -> None:
    with store.transaction() as repo:
        remiss = sent_remiss(repo, recipients=1)
        remiss.close(NOW, by=COORDINATOR)
        repo.remisses.save_remiss(remiss)
    submitted = submit_answer(store, 1, "Inkom efter avslut.", NOW + timedelta(hours=1))
    assert submitted.responses[-1].after_close

    with store.read() as repo:
        loaded = repo.remisses.get_recipient(CASE, org_key(1))
        assignment = repo.remisses.get_assignment(CASE, org_key(1))
    assert loaded is not None and loaded.responses == submitted.responses
    assert assignment is not None and assignment.recipient.responses[-1].after_close


def test_unanswered_counts_recipients_without_a_current_answer_or_decline(store: Store) -> None:
    with store.transaction() as repo:
        stored = sent_remiss(repo, recipients=4)
        answered, declined, withdrawn = (repo.remisses.get_recipient(CASE, org_key(n)) for n in (1, 2, 3))
        assert answered is not None and declined is not None and withdrawn is not None
        answered.submit(stored, answer_content(), official(1), NOW, TODAY)
        declined.decline(stored, "Berörs inte", official(2), NOW)
        withdrawn.submit(stored, answer_content(), official(3), NOW, TODAY)
        withdrawn.withdraw(stored, official(3), NOW, TODAY)
        for r in (answered, declined, withdrawn):
            repo.remisses.save_recipient(r)
    with store.read() as repo:
        # Recipient 3 withdrew its answer and recipient 4 never answered.
        assert repo.remisses.unanswered_count(CASE) == 2
        assert repo.remisses.unanswered_count("KS 1999/1") == 0


def test_changing_a_stored_version_is_refused_and_changes_nothing(store: Store) -> None:
    with store.transaction() as repo:
        stored = sent_remiss(repo, recipients=1)
        rec = repo.remisses.get_recipient(CASE, org_key(1))
        assert rec is not None
        rec.submit(stored, answer_content("Originalet."), official(1), NOW, TODAY)
        repo.remisses.save_recipient(rec)

    tampered = replace(rec.responses[0], content=answer_content("Ändrat i efterhand."))
    with store.transaction() as repo, pytest.raises(ValueError, match="append-only"):
        repo.remisses.save_recipient(replace(rec, responses=[tampered]))
    with store.transaction() as repo, pytest.raises(ValueError, match="append-only"):
        repo.remisses.save_recipient(replace(rec, responses=[]))

    with store.read() as repo:
        loaded = repo.remisses.get_recipient(CASE, org_key(1))
    assert loaded is not None
    assert loaded.responses == rec.responses


def test_a_withdrawn_response_stays_stored_and_is_no_longer_current(store: Store) -> None:
    with store.transaction() as repo:
        stored = sent_remiss(repo, recipients=1)
        rec = repo.remisses.get_recipient(CASE, org_key(1))
        assert rec is not None
        rec.decline(stored, "Berör inte nämndens ansvarsområde.", official(1), NOW)
        rec.withdraw(stored, official(1), NOW + timedelta(hours=1), TODAY)
        repo.remisses.save_recipient(rec)

    with store.read() as repo:
        loaded = repo.remisses.get_recipient(CASE, org_key(1))
    assert loaded is not None
    assert loaded.withdrawn_version == 1
    assert loaded.current_response is None
    assert loaded.responses[0].content.decline_reason == "Berör inte nämndens ansvarsområde."


def test_extensions_are_kept_in_the_order_they_were_granted(store: Store) -> None:
    with store.transaction() as repo:
        stored = sent_remiss(repo, recipients=2)
    for new_deadline, day in ((date(2023, 12, 8), 1), (date(2023, 12, 15), 2)):
        with store.transaction() as repo:
            rec = repo.remisses.get_recipient(CASE, org_key(1))
            assert rec is not None
            rec.extend(stored, new_deadline, COORDINATOR, NOW + timedelta(days=day), f"Anstånd {day}")
            repo.remisses.save_recipient(rec)

    with store.read() as repo:
        extended = repo.remisses.get_recipient(CASE, org_key(1))
        other = repo.remisses.get_recipient(CASE, org_key(2))
    assert extended is not None
    assert other is not None
    assert [(e.previous_deadline, e.new_deadline) for e in extended.extensions] == [
        (DEADLINE, date(2023, 12, 8)),
        (date(2023, 12, 8), date(2023, 12, 15)),
    ]
    assert extended.deadline == date(2023, 12, 15)
    assert other.deadline == DEADLINE


def test_a_recipient_follows_its_remiss_when_the_remiss_deadline_moves(store: Store) -> None:
    with store.transaction() as repo:
        stored = sent_remiss(repo, recipients=1)
        repo.remisses.save_remiss(replace(stored, deadline=date(2023, 12, 20)))

    with store.read() as repo:
        rec = repo.remisses.get_recipient(CASE, org_key(1))
    assert rec is not None
    assert rec.deadline == date(2023, 12, 20)


def test_recipients_are_listed_in_the_order_they_were_added(store: Store) -> None:
    with store.transaction() as repo:
        sent_remiss(repo, recipients=0)
        for n in (3, 1, 2):
            repo.remisses.add_recipient(recipient(n))
        sent_remiss(repo, recipients=1, case_number="KS 2021/123")

    with store.read() as repo:
        keys = [r.organisation_key for r in repo.remisses.list_recipients(CASE)]
    assert keys == [org_key(3), org_key(1), org_key(2)]


def test_the_recipients_of_many_remisses_are_read_at_once_and_equal_those_read_one_remiss_at_a_time(
    store: Store,
) -> None:
    with store.transaction() as repo:
        sent_remiss(repo, recipients=3)
        sent_remiss(repo, recipients=2, case_number="KS 2021/123")
        repo.remisses.add_remiss(remiss("STK-2024-1"))  # a draft: not open
        for n in (2, 1):
            repo.remisses.add_recipient(recipient(n, "STK-2024-1"))
        sent_remiss(repo, recipients=0, case_number="STK-2024-2")  # sent to no one (yet)
    submit_answer(store, 2, "Nämnden tillstyrker förslaget.")

    with store.read() as repo:
        at_once = repo.remisses.recipients_by_remiss([CASE, "KS 2021/123", "STK-2024-2", "STK-1999-1"])
        draft = repo.remisses.recipients_by_remiss(["STK-2024-1"])
        # More case numbers than one IN list takes: the known ones sort after 1,500 unknown ones.
        many = repo.remisses.recipients_by_remiss([f"A-{n:04}" for n in range(1500)] + [CASE, "KS 2021/123"])
        one_by_one = {case: repo.remisses.list_recipients(case) for case in (CASE, "KS 2021/123")}

    assert at_once == one_by_one  # the remiss sent to no one and the unknown case number are left out
    assert many == one_by_one
    assert [r.organisation_key for r in at_once[CASE]] == [org_key(1), org_key(2), org_key(3)]
    assert at_once[CASE][1].current_response is not None
    assert [r.organisation_key for r in draft["STK-2024-1"]] == [org_key(2), org_key(1)]
    assert set(draft) == {"STK-2024-1"}


def test_recipients_removed_from_a_draft_are_gone_and_can_be_added_again(store: Store) -> None:
    with store.transaction() as repo:
        repo.directory.replace_directory(directory())
        repo.remisses.add_remiss(remiss())
        for n in (1, 2, 3):
            repo.remisses.add_recipient(recipient(n))
        sent_remiss(repo, recipients=2, case_number="KS 2021/123")
    with store.transaction() as repo:
        repo.remisses.remove_draft_recipients(CASE, [org_key(1), org_key(3), org_key(9)])
        left_inside = [r.organisation_key for r in repo.remisses.list_recipients(CASE)]
        repo.remisses.add_recipient(recipient(3))

    with store.read() as repo:
        left = [r.organisation_key for r in repo.remisses.list_recipients(CASE)]
        other = [r.organisation_key for r in repo.remisses.list_recipients("KS 2021/123")]
    assert left_inside == [org_key(2)]
    assert left == [org_key(2), org_key(3)]
    assert other == [org_key(1), org_key(2)]


def test_recipients_of_a_sent_or_unknown_remiss_are_never_removed(store: Store) -> None:
    with store.transaction() as repo:
        sent_remiss(repo, recipients=2)

    with store.transaction() as repo, pytest.raises(DomainError) as sent:
        repo.remisses.remove_draft_recipients(CASE, [org_key(1)])
    with store.transaction() as repo, pytest.raises(DomainError) as unknown:
        repo.remisses.remove_draft_recipients("KS 1999/1", [org_key(1)])

    assert sent.value.code is ErrorCode.REMISS_NOT_DRAFT
    assert unknown.value.code is ErrorCode.UNKNOWN_REMISS
    with store.read() as repo:
        assert [r.organisation_key for r in repo.remisses.list_recipients(CASE)] == [org_key(1), org_key(2)]


def test_a_recipient_must_be_a_known_organisation_on_a_known_remiss_and_only_once(store: Store) -> None:
    with store.transaction() as repo:
        sent_remiss(repo, recipients=1)
        with pytest.raises(DomainError) as unknown_org:
            repo.remisses.add_recipient(replace(recipient(1), organisation_key="okand-namnd"))
        with pytest.raises(DomainError) as unknown_remiss:
            repo.remisses.add_recipient(recipient(1, "STK-1999-1"))
        with pytest.raises(ValueError, match="already has recipient"):
            repo.remisses.add_recipient(recipient(1))
        with pytest.raises(DomainError) as not_a_recipient:
            repo.remisses.save_recipient(recipient(2))

    assert unknown_org.value.code is ErrorCode.UNKNOWN_ORGANISATION
    assert unknown_remiss.value.code is ErrorCode.UNKNOWN_REMISS
    assert not_a_recipient.value.code is ErrorCode.NOT_A_RECIPIENT


def test_assignments_are_the_recipients_a_user_answers_for_on_remisses_in_the_given_states(
    store: Store,
) -> None:
    with store.transaction() as repo:
        sent_remiss(repo, recipients=3)
        repo.remisses.add_remiss(remiss("STK-2023-200"))  # a draft: not sent to anyone yet
        repo.remisses.add_recipient(recipient(1, "STK-2023-200"))
        later = sent_remiss(repo, recipients=0, case_number="STK-2023-300")
        repo.remisses.add_recipient(recipient(1, "STK-2023-300"))
    with store.transaction() as repo:
        rec = repo.remisses.get_recipient(CASE, org_key(2))
        assert rec is not None
        rec.hand_over(later, official(1), official(2), NOW, "Semester")
        repo.remisses.save_recipient(rec)

    with store.read() as repo:
        mine = repo.remisses.assignments_for([official(1)], [RemissStatus.SENT])
        ours = repo.remisses.assignments_for([official(1), official(3)], [RemissStatus.SENT, RemissStatus.DRAFT])
        handed_over = repo.remisses.assignments_for([official(2)], [RemissStatus.SENT])
        nobody = repo.remisses.assignments_for([], [RemissStatus.SENT])

    assert [(a.remiss.case_number, a.recipient.organisation_key) for a in mine] == [
        (CASE, org_key(1)),
        (CASE, org_key(2)),
        ("STK-2023-300", org_key(1)),
    ]
    assert [(a.remiss.case_number, a.recipient.organisation_key) for a in ours] == [
        (CASE, org_key(1)),
        (CASE, org_key(2)),
        (CASE, org_key(3)),
        ("STK-2023-200", org_key(1)),
        ("STK-2023-300", org_key(1)),
    ]
    assert mine[0].remiss.title == remiss().title
    assert handed_over == []
    assert nobody == []


# -- audit trail -------------------------------------------------------------------------------------
def test_audit_entries_come_back_in_the_order_they_were_appended(store: Store) -> None:
    with store.transaction() as repo:
        sent_remiss(repo, recipients=2)
        created = repo.remisses.append_audit(audit(CASE, AuditAction.CREATED, COORDINATOR, NOW, title="<&> 👍"))
        # Appended later but stamped earlier: the trail keeps the order things were recorded in.
        repo.remisses.append_audit(audit(CASE, AuditAction.OPENED, official(2), NOW - timedelta(hours=1), org_key(2)))
        repo.remisses.append_audit(audit(CASE, AuditAction.SUBMITTED, official(1), NOW, org_key(1), version=1))
        repo.remisses.append_audit(
            AuditEntry(CASE, AuditAction.REMINDED, "remissbot", NOW, org_key(2), (("z", "1"), ("a", "2")))
        )

    with store.read() as repo:
        everything = repo.remisses.list_audit(CASE)
        second = repo.remisses.list_audit(CASE, org_key(2))

    assert created.id is not None
    assert everything[0] == created
    assert [e.action for e in everything] == [
        AuditAction.CREATED,
        AuditAction.OPENED,
        AuditAction.SUBMITTED,
        AuditAction.REMINDED,
    ]
    assert everything[0].details_dict == {"title": "<&> 👍"}
    assert everything[3].details == (("z", "1"), ("a", "2"))
    assert [e.action for e in second] == [AuditAction.OPENED, AuditAction.REMINDED]


def test_one_audit_entry_is_found_by_its_id_within_its_own_remiss_only(store: Store) -> None:
    with store.transaction() as repo:
        sent_remiss(repo, recipients=2)
        sent_remiss(repo, recipients=1, case_number="STK-2023-300")
        repo.remisses.append_audit(audit(CASE, AuditAction.OPENED, official(2), NOW, org_key(2)))
        submitted = repo.remisses.append_audit(
            audit(CASE, AuditAction.SUBMITTED, official(1), NOW, org_key(1), version=1)
        )
        other = repo.remisses.append_audit(audit("STK-2023-300", AuditAction.CREATED, COORDINATOR, NOW))
    assert submitted.id is not None and other.id is not None

    with store.read() as repo:
        found = repo.remisses.get_audit(CASE, submitted.id)
        elsewhere = repo.remisses.get_audit(CASE, other.id)
        unknown_remiss = repo.remisses.get_audit("STK-1999-1", submitted.id)
        unknown_id = repo.remisses.get_audit(CASE, submitted.id + other.id + 1000)

    assert found == submitted
    assert found is not None and found.details_dict == {"version": "1"}
    assert elsewhere is None
    assert unknown_remiss is None
    assert unknown_id is None


def test_an_audit_entry_for_an_unknown_remiss_is_refused(store: Store) -> None:
    with store.transaction() as repo, pytest.raises(DomainError) as refused:
        repo.remisses.append_audit(audit("STK-1999-1", AuditAction.CREATED, COORDINATOR, NOW))

    assert refused.value.code is ErrorCode.UNKNOWN_REMISS


# -- directory ---------------------------------------------------------------------------------------
def test_the_directory_comes_back_in_its_order_with_every_field(store: Store) -> None:
    written = Directory(
        (
            organisation(3),
            SENDER,
            replace(organisation(1), active=False),
            Organisation("mkb", "MKB Fastighets AB", "MKB", OrgKind.BOLAG, aliases=("MKB Fastighets AB",)),
        )
    )
    with store.transaction() as repo:
        repo.directory.replace_directory(written)

    with store.read() as repo:
        loaded = repo.directory.load_directory()
    assert loaded.organisations == written.organisations


def test_organisations_left_out_of_a_new_directory_become_inactive_and_keep_their_recipients(
    store: Store,
) -> None:
    with store.transaction() as repo:
        sent_remiss(repo, recipients=2)
    renamed = replace(organisation(2), name="Nämnd 2 (nytt namn)")
    with store.transaction() as repo:
        repo.directory.replace_directory(Directory((renamed, SENDER, organisation(5))))

    with store.read() as repo:
        loaded = repo.directory.load_directory()
        recipients = repo.remisses.list_recipients(CASE)

    listed = (renamed, SENDER, organisation(5))
    assert loaded.organisations[:3] == listed
    left_out = loaded.organisations[3:]
    assert [o.key for o in left_out] == [org_key(n) for n in (1, 3, 4, *range(6, 16))]
    assert all(not o.active for o in left_out)
    assert loaded.active() == listed
    assert [r.organisation_key for r in recipients] == [org_key(1), org_key(2)]


def test_a_directory_replacement_is_undone_with_the_transaction_it_was_in(store: Store) -> None:
    with store.transaction() as repo:
        repo.directory.replace_directory(directory(3))

    def replace_then_fail(repo: Transaction) -> None:
        repo.directory.replace_directory(Directory((organisation(9),)))
        raise Boom

    with pytest.raises(Boom):
        in_transaction(store, replace_then_fail)

    with store.read() as repo:
        assert repo.directory.load_directory().organisations == directory(3).organisations


def test_meetings_and_the_lead_time_come_back_as_dates_and_change_with_the_directory(store: Store) -> None:
    board = replace(
        organisation(1), meetings=(date(2023, 11, 16), date(2023, 10, 19), date(2024, 1, 25)), submission_lead_days=14
    )
    same_day = replace(organisation(2), meetings=(date(2023, 11, 30),), submission_lead_days=0)
    with store.transaction() as repo:
        repo.directory.replace_directory(Directory((SENDER, board, same_day, organisation(3))))

    with store.read() as repo:
        loaded = repo.directory.load_directory()
    assert loaded.organisations == (SENDER, board, same_day, organisation(3))
    assert loaded.require(board.key).meetings == (date(2023, 10, 19), date(2023, 11, 16), date(2024, 1, 25))
    assert loaded.require(board.key).submission_lead_days == 14
    assert loaded.require(same_day.key).submission_lead_days == 0
    assert (loaded.require(org_key(3)).meetings, loaded.require(org_key(3)).submission_lead_days) == ((), None)

    cleared = replace(board, meetings=(), submission_lead_days=None)
    with store.transaction() as repo:
        repo.directory.replace_directory(Directory((SENDER, cleared, same_day, organisation(3))))
    with store.read() as repo:
        assert repo.directory.load_directory().require(board.key) == cleared


def test_a_loaded_directory_written_back_is_unchanged_inactive_organisations_and_meetings_too(store: Store) -> None:
    """How one organisation's meetings are changed: load the directory, change one entry, write it all back."""
    retired = replace(organisation(2), active=False, meetings=(date(2023, 9, 21),), submission_lead_days=7)
    written = Directory((SENDER, organisation(1), retired, organisation(3)))
    with store.transaction() as repo:
        repo.directory.replace_directory(written)

    with store.transaction() as repo:
        repo.directory.replace_directory(repo.directory.load_directory())

    with store.read() as repo:
        assert repo.directory.load_directory().organisations == written.organisations


# -- Slack deliveries and users ----------------------------------------------------------------------
def test_a_delivery_is_claimed_the_first_time_only(store: Store) -> None:
    with store.transaction() as repo:
        first = repo.edge.claim_delivery("Ev0123ABC", NOW)
        again = repo.edge.claim_delivery("Ev0123ABC", NOW)
        # A refused claim doesn't spoil the transaction.
        other = repo.edge.claim_delivery("Ev0456DEF", NOW)
    with store.transaction() as repo:
        retried = repo.edge.claim_delivery("Ev0123ABC", NOW + timedelta(minutes=1))

    assert (first, again, other, retried) == (True, False, True, False)


def test_pruning_forgets_only_deliveries_older_than_the_cut(store: Store) -> None:
    with store.transaction() as repo:
        repo.edge.claim_delivery("EvOld", NOW - timedelta(days=8))
        repo.edge.claim_delivery("EvNew", NOW - timedelta(days=1))
    with store.transaction() as repo:
        pruned = repo.edge.prune_deliveries(NOW - timedelta(days=7))
    with store.transaction() as repo:
        old_again, new_again = repo.edge.claim_delivery("EvOld", NOW), repo.edge.claim_delivery("EvNew", NOW)
    assert (pruned, old_again, new_again) == (1, True, False)


def test_a_pending_form_is_kept_until_it_expires_and_then_pruned(store: Store) -> None:
    with store.transaction() as repo:
        repo.edge.put_pending_form("V123", '{"form": "stor"}', NOW + timedelta(hours=24))
        repo.edge.put_pending_form("V456", '{"form": "gammal"}', NOW - timedelta(minutes=1))
        repo.edge.put_pending_form("V123", '{"form": "större"}', NOW + timedelta(hours=24))
    with store.read() as repo:
        kept, expired = repo.edge.get_pending_form("V123", NOW), repo.edge.get_pending_form("V456", NOW)
    with store.transaction() as repo:
        pruned = repo.edge.prune_pending_forms(NOW)
        repo.edge.delete_pending_form("V123")
    with store.read() as repo:
        gone = repo.edge.get_pending_form("V123", NOW)
    assert (kept, expired, pruned, gone) == ('{"form": "större"}', None, 1, None)


def test_a_cached_user_id_is_found_by_email_in_any_letter_case(store: Store) -> None:
    with store.transaction() as repo:
        repo.edge.cache_user_id("Mia.Idestrom@malmo.se", "U0MIA0001", NOW)
        repo.edge.cache_user_id("kalle@malmo.se", "U0KALLE01", NOW)
        repo.edge.cache_user_id("kalle@malmo.se", "U0KALLE02", NOW + timedelta(days=1))

    with store.read() as repo:
        assert repo.edge.cached_user_id("mia.idestrom@MALMO.se") == "U0MIA0001"
        assert repo.edge.cached_user_id("kalle@malmo.se") == "U0KALLE02"
        assert repo.edge.cached_user_id("okand@malmo.se") is None


# -- transactions ------------------------------------------------------------------------------------
def test_an_exception_in_a_transaction_leaves_nothing_behind(store: Store) -> None:
    def write_everything_then_fail(repo: Transaction) -> None:
        stored = sent_remiss(repo, recipients=2)
        rec = repo.remisses.get_recipient(CASE, org_key(1))
        assert rec is not None
        repo.remisses.append_audit(rec.submit(stored, answer_content(), official(1), NOW, TODAY))
        repo.remisses.save_recipient(rec)
        repo.edge.claim_delivery("Ev0123ABC", NOW)
        repo.edge.cache_user_id("mia@malmo.se", "U0MIA0001", NOW)
        raise Boom

    with pytest.raises(Boom):
        in_transaction(store, write_everything_then_fail)

    with store.read() as repo:
        assert repo.remisses.list_remisses() == []
        assert len(repo.directory.load_directory()) == 0
        assert repo.edge.cached_user_id("mia@malmo.se") is None
    with store.transaction() as repo:
        assert repo.edge.claim_delivery("Ev0123ABC", NOW)


def test_a_domain_error_rolls_the_transaction_back_too(store: Store) -> None:
    def add_twice(repo: Transaction) -> None:
        repo.directory.replace_directory(directory())
        repo.remisses.add_remiss(remiss())
        repo.remisses.add_remiss(remiss())

    with pytest.raises(DomainError):
        in_transaction(store, add_twice)

    with store.read() as repo:
        assert repo.remisses.list_remisses() == []


def test_a_read_refuses_to_write(store: Store) -> None:
    with store.read() as repo, pytest.raises(RuntimeError, match="read-only"):
        repo.directory.replace_directory(directory())
    with store.read() as repo, pytest.raises(RuntimeError, match="read-only"):
        repo.edge.claim_delivery("Ev0123ABC", NOW)


def test_changing_an_object_handed_in_or_out_does_not_change_what_is_stored(store: Store) -> None:
    handed_in = remiss()
    with store.transaction() as repo:
        repo.directory.replace_directory(directory())
        handed_out = repo.remisses.add_remiss(handed_in)
        rec = repo.remisses.add_recipient(recipient(1))
    handed_in.title = "Ändrad efteråt"
    handed_out.status = RemissStatus.CLOSED
    rec.officials = ("U0OTHER01",)
    rec.responses.append(Response(1, answer_content(), official(1), NOW))

    with store.read() as repo:
        loaded = repo.remisses.get_remiss(CASE)
        loaded_rec = repo.remisses.get_recipient(CASE, org_key(1))
    assert loaded is not None
    assert loaded.title == remiss().title
    assert loaded.status is RemissStatus.DRAFT
    assert loaded_rec is not None
    assert loaded_rec.officials == (official(1),)
    assert loaded_rec.responses == []


def test_times_come_back_as_the_same_instant_in_utc(store: Store) -> None:
    local = datetime(2023, 10, 2, 10, 30, 15, 123456, tzinfo=STOCKHOLM_SUMMER)
    with store.transaction() as repo:
        repo.directory.replace_directory(directory())
        repo.remisses.add_remiss(replace(remiss(), created_at=local))
        repo.remisses.append_audit(audit(CASE, AuditAction.CREATED, COORDINATOR, local))

    with store.read() as repo:
        loaded = repo.remisses.get_remiss(CASE)
        entry = repo.remisses.list_audit(CASE)[0]
    assert loaded is not None
    assert loaded.created_at == local
    assert loaded.created_at.tzinfo == UTC
    assert loaded.created_at.hour == 8
    assert entry.at == local
    assert entry.at.tzinfo == UTC


def test_an_absence_is_stored_replaced_and_ended_per_person(store: Store) -> None:
    since = datetime(2023, 11, 13, 8, 30, tzinfo=UTC)
    with store.transaction() as repo:
        repo.directory.set_absence(Absence("U0B", date(2023, 11, 20), since))
        repo.directory.set_absence(Absence("U0A", date(2023, 11, 17), since))
        repo.directory.set_absence(Absence("U0A", date(2023, 11, 24), since + timedelta(hours=1)))
    with store.read() as repo:
        assert repo.directory.absences() == [
            Absence("U0A", date(2023, 11, 24), since + timedelta(hours=1)),
            Absence("U0B", date(2023, 11, 20), since),
        ]
    with store.transaction() as repo:
        assert repo.directory.end_absence("U0A") is True
        assert repo.directory.end_absence("U0A") is False
    with store.read() as repo:
        assert [a.user_id for a in repo.directory.absences()] == ["U0B"]

"""The use cases against the in-memory store, a fake clock and a recording user directory."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.adapters.directory_file import parse_directory, shipped_directory_text
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.organisation import Directory, Organisation, OrgKind
from bot.core.domain.remiss import (
    Answer,
    AuditAction,
    Position,
    QuestionKind,
    RecipientStatus,
    RemissStatus,
    ResponseContent,
    ResponseKind,
)
from bot.core.usecases import UseCases, build_use_cases
from bot.core.usecases.results import Actor, RemissInput
from devtools.clocks import FakeClock
from devtools.memory import MemoryStore

COORDINATOR = "UMIA"
START = datetime(2023, 10, 2, 7, 0, tzinfo=UTC)


class RecordingUsers:
    """A UserDirectory that knows a few e-mail addresses and records every look-up."""

    def __init__(self, known: dict[str, str], groups: dict[str, frozenset[str]] | None = None) -> None:
        self.known = known
        self.groups = groups or {}
        self.lookups: list[str] = []

    def lookup_by_email(self, email: str) -> str | None:
        self.lookups.append(email)
        return self.known.get(email)

    def group_members(self, group_id: str) -> frozenset[str]:
        self.lookups.append(group_id)
        return self.groups.get(group_id, frozenset())


def directory() -> Directory:
    """The shipped Malmö directory with contacts filled in for three recipients."""
    base = parse_directory(shipped_directory_text())
    contacts = {
        "tekniska-namnden": ("UTN1",),
        "miljonamnden": ("anna.miljo@malmo.se",),
        "mkb": ("UMKB1", "UMKB2"),
    }
    stand_ins = {"tekniska-namnden": ("UTNVICE",)}
    return Directory(
        tuple(
            Organisation(
                key=o.key,
                name=o.name,
                short_name=o.short_name,
                kind=o.kind,
                contacts=contacts.get(o.key, ()),
                stand_ins=stand_ins.get(o.key, ()),
                aliases=o.aliases,
            )
            for o in base
        )
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def users() -> RecordingUsers:
    return RecordingUsers({"anna.miljo@malmo.se": "UANNA"})


@pytest.fixture
def service(clock: FakeClock, users: RecordingUsers) -> UseCases:
    service = build_use_cases(MemoryStore(), clock, users=users, coordinators=[COORDINATOR])
    service.directory.seed_directory(directory())
    return service


def stk_2023_137(recipients: list[str] | None = None) -> RemissInput:
    return RemissInput(
        case_number="STK-2023-137",
        title="Uppdrag budget 2023 - Definiera och starta ett långsiktigt och strategiskt områdeslyft",
        questions=[
            ("Vilka pågående processer skulle passa in?", QuestionKind.FREE_TEXT),
            ("Finns det särskilda områden?", QuestionKind.FREE_TEXT),
            ("Hur ser er nämnd/bolag på samordningsstrukturen?", QuestionKind.FREE_TEXT),
            ("Vilken nämnd eller bolag bör få den samordnande rollen?", QuestionKind.ORGANISATION_CHOICE),
        ],
        deadline=date(2023, 11, 30),
        recipient_keys=recipients or ["mkb", "tekniska-namnden", "miljonamnden", "kulturnamnden"],
        contact="Mia Idestrom",
    )


def coordinator(service: UseCases) -> Actor:
    return service.actor(COORDINATOR)


def sent(service: UseCases) -> None:
    service.drafting.create_draft(coordinator(service), stk_2023_137())
    service.drafting.send(coordinator(service), "STK-2023-137")


def delegation(text: str) -> ResponseContent:
    return ResponseContent(
        kind=ResponseKind.DELEGATION,
        answers=(Answer(1, text, Position.TILLSTYRKER), Answer(4, "Stadsbyggnadsnämnden")),
        decided_by="Förvaltningschef",
    )


def test_seeding_the_directory_happens_once(service: UseCases) -> None:
    assert len(service.directory.directory()) == 16
    assert service.directory.seed_directory(Directory()) is False


def test_only_a_coordinator_creates_a_remiss(service: UseCases) -> None:
    with pytest.raises(DomainError) as refused:
        service.drafting.create_draft(service.actor("USOMEONE"), stk_2023_137())
    assert refused.value.code is ErrorCode.NOT_COORDINATOR


def test_a_draft_keeps_its_recipients_in_directory_order(service: UseCases) -> None:
    remiss = service.drafting.create_draft(coordinator(service), stk_2023_137())
    assert remiss.status is RemissStatus.DRAFT
    overview = service.queries.overview("STK-2023-137")
    assert [row.organisation.key for row in overview.rows] == [
        "tekniska-namnden",
        "miljonamnden",
        "kulturnamnden",
        "mkb",
    ]


def test_a_draft_with_an_unknown_recipient_is_refused_and_nothing_is_saved(service: UseCases) -> None:
    data = stk_2023_137(["tekniska-namnden", "finns-inte"])
    with pytest.raises(DomainError) as refused:
        service.drafting.create_draft(coordinator(service), data)
    assert refused.value.code is ErrorCode.UNKNOWN_ORGANISATION
    with pytest.raises(DomainError) as unknown:
        service.queries.overview("STK-2023-137")
    assert unknown.value.code is ErrorCode.UNKNOWN_REMISS


def test_a_draft_may_wait_for_its_recipients_but_cannot_be_sent_without_them(service: UseCases) -> None:
    data = RemissInput(**{**stk_2023_137().__dict__, "recipient_keys": []})
    service.drafting.create_draft(coordinator(service), data)
    with pytest.raises(DomainError) as refused:
        service.drafting.send(coordinator(service), "STK-2023-137")
    assert refused.value.code is ErrorCode.NO_RECIPIENTS
    assert service.queries.overview("STK-2023-137").remiss.status is RemissStatus.DRAFT


def test_a_draft_whose_deadline_passed_before_sending_is_not_sent(service: UseCases, clock: FakeClock) -> None:
    service.drafting.create_draft(coordinator(service), stk_2023_137())
    clock.set(datetime(2023, 12, 1, 9, 0, tzinfo=UTC))
    with pytest.raises(DomainError) as refused:
        service.drafting.send(coordinator(service), "STK-2023-137")
    assert refused.value.code is ErrorCode.DEADLINE_IN_PAST


def test_a_case_number_can_be_used_once(service: UseCases) -> None:
    service.drafting.create_draft(coordinator(service), stk_2023_137())
    with pytest.raises(DomainError) as refused:
        service.drafting.create_draft(coordinator(service), stk_2023_137())
    assert refused.value.code is ErrorCode.DUPLICATE_CASE_NUMBER


def test_sending_resolves_contacts_and_reports_who_cannot_be_reached(service: UseCases, users: RecordingUsers) -> None:
    service.drafting.create_draft(coordinator(service), stk_2023_137())
    report = service.drafting.send(coordinator(service), "STK-2023-137")
    officials = {r.organisation_key: r.officials for r in report.reachable}
    assert officials == {"tekniska-namnden": ("UTN1",), "miljonamnden": ("UANNA",), "mkb": ("UMKB1", "UMKB2")}
    assert [o.name for o in report.unreachable] == ["Kulturnämnden"]
    assert report.remiss.status is RemissStatus.SENT
    with pytest.raises(DomainError) as again:
        service.drafting.send(coordinator(service), "STK-2023-137")
    assert again.value.code is ErrorCode.REMISS_NOT_DRAFT
    # The e-mail look-up was cached the first time.
    assert users.lookups == ["anna.miljo@malmo.se"]


def test_only_the_responsible_official_or_a_stand_in_answers_for_an_organisation(
    service: UseCases,
) -> None:
    sent(service)
    with pytest.raises(DomainError) as refused:
        service.answering.submit(service.actor("UMKB1"), "STK-2023-137", "tekniska-namnden", delegation("Svar"))
    assert refused.value.code is ErrorCode.NOT_RECIPIENT_OFFICIAL
    service.answering.submit(service.actor("UTNVICE"), "STK-2023-137", "tekniska-namnden", delegation("Svar"))
    rows = {row.organisation.key: row for row in service.queries.overview("STK-2023-137").rows}
    assert rows["tekniska-namnden"].status is RecipientStatus.SUBMITTED
    assert rows["tekniska-namnden"].response_kind is ResponseKind.DELEGATION


def test_an_organisation_not_on_the_remiss_cannot_answer_it(service: UseCases) -> None:
    sent(service)
    with pytest.raises(DomainError) as refused:
        service.answering.decline(service.actor("UTN1"), "STK-2023-137", "fritidsnamnden")
    assert refused.value.code is ErrorCode.NOT_A_RECIPIENT


def test_the_round_is_counted_and_every_step_is_in_the_audit_trail(service: UseCases, clock: FakeClock) -> None:
    sent(service)
    case = "STK-2023-137"
    service.answering.record_opened(service.actor("UANNA"), case, "miljonamnden")
    service.answering.save_draft(service.actor("UANNA"), case, "miljonamnden", delegation("Utkast"))
    clock.advance(timedelta(days=3))
    service.answering.submit(service.actor("UTN1"), case, "tekniska-namnden", delegation("Svar"))
    service.answering.decline(service.actor("UMKB2"), case, "mkb", "Berörs inte")
    overview = service.queries.overview(case)
    assert (overview.answered, overview.declined) == (1, 1)
    assert overview.counts[RecipientStatus.DRAFTING] == 1
    assert overview.counts[RecipientStatus.NOT_OPENED] == 1
    actions = [(e.action, e.organisation_key) for e in service.queries.audit_trail(case)]
    assert actions == [
        (AuditAction.CREATED, None),
        (AuditAction.SENT, None),
        (AuditAction.UNREACHABLE, "kulturnamnden"),  # no contact in the directory: the coordinator is told
        (AuditAction.OPENED, "miljonamnden"),
        (AuditAction.DRAFTED, "miljonamnden"),
        (AuditAction.SUBMITTED, "tekniska-namnden"),
        (AuditAction.DECLINED, "mkb"),
    ]


def test_a_hand_over_moves_the_work_and_the_previous_official_can_no_longer_act(
    service: UseCases,
) -> None:
    sent(service)
    case = "STK-2023-137"
    service.answering.hand_over(service.actor("UTN1"), case, "tekniska-namnden", "UTN2", "Semester")
    with pytest.raises(DomainError):
        service.answering.submit(service.actor("UTN1"), case, "tekniska-namnden", delegation("Svar"))
    service.answering.submit(service.actor("UTN2"), case, "tekniska-namnden", delegation("Svar"))
    entry = next(e for e in service.queries.audit_trail(case) if e.action is AuditAction.HANDED_OVER)
    assert entry.details_dict["previous"] == "UTN1"


def test_only_a_coordinator_grants_an_extension_and_it_shows_in_the_overview(
    service: UseCases, clock: FakeClock
) -> None:
    sent(service)
    case = "STK-2023-137"
    with pytest.raises(DomainError) as refused:
        service.deadlines.grant_extension(service.actor("UTN1"), case, "tekniska-namnden", date(2023, 12, 14))
    assert refused.value.code is ErrorCode.NOT_COORDINATOR
    service.deadlines.grant_extension(coordinator(service), case, "tekniska-namnden", date(2023, 12, 14), "Nämndmöte")
    clock.set(datetime(2023, 12, 5, 9, 0, tzinfo=UTC))
    rows = {row.organisation.key: row for row in service.queries.overview(case).rows}
    assert rows["tekniska-namnden"].status is RecipientStatus.NOT_OPENED
    assert rows["tekniska-namnden"].recipient.deadline == date(2023, 12, 14)
    assert rows["miljonamnden"].status is RecipientStatus.OVERDUE


def test_the_to_answer_list_shows_my_open_remisses_with_days_left(service: UseCases) -> None:
    sent(service)
    rows = service.queries.assignments(service.actor("UMKB2"))
    assert [(r.remiss.case_number, r.organisation.key, r.days_left) for r in rows] == [("STK-2023-137", "mkb", 59)]
    assert service.queries.assignments(service.actor("UNOBODY")) == []


def test_the_deadline_day_ends_at_midnight_in_stockholm(service: UseCases, clock: FakeClock) -> None:
    sent(service)
    clock.set(datetime(2023, 11, 30, 22, 59, tzinfo=UTC))  # 23:59 in Stockholm
    assert service.queries.overview("STK-2023-137").counts[RecipientStatus.OVERDUE] == 0
    clock.set(datetime(2023, 11, 30, 23, 0, tzinfo=UTC))  # midnight in Stockholm
    assert service.queries.overview("STK-2023-137").counts[RecipientStatus.OVERDUE] == 4


def test_a_retried_delivery_is_claimed_once(service: UseCases) -> None:
    assert service.edge.claim_delivery("Ev123") is True
    assert service.edge.claim_delivery("Ev123") is False
    assert service.edge.claim_delivery("Ev124") is True


def test_nothing_is_saved_when_a_transition_is_refused(service: UseCases) -> None:
    sent(service)
    case = "STK-2023-137"
    service.answering.submit(service.actor("UTN1"), case, "tekniska-namnden", delegation("Svar"))
    before = service.queries.audit_trail(case)
    with pytest.raises(DomainError):
        service.answering.decline(service.actor("UTN1"), case, "tekniska-namnden", "Ångrat")
    assert service.queries.audit_trail(case) == before
    row = {r.organisation.key: r for r in service.queries.overview(case).rows}["tekniska-namnden"]
    assert [v.kind for v in row.recipient.responses] == [ResponseKind.DELEGATION]


def test_organisation_kinds_select_all_boards_or_all_companies(service: UseCases) -> None:
    d = service.directory.directory()
    assert len(d.of_kind(OrgKind.NAMND)) == 12
    assert [o.short_name for o in d.of_kind(OrgKind.BOLAG)] == ["MKB", "P-Malmö", "PÖMAB"]


def outbox(service: UseCases) -> list[tuple[str, str | None, str | None]]:
    with service.store.read() as repo:
        return [(m.kind.value, m.organisation_key, m.to_user) for m in repo.messages_for("STK-2023-137")]


def test_a_draft_records_nothing_to_send(service: UseCases) -> None:
    service.drafting.create_draft(coordinator(service), stk_2023_137())
    assert outbox(service) == []
    with service.store.read() as repo:
        assert repo.get_status("STK-2023-137") is None


def test_sending_records_one_dm_per_official_and_the_coordinators_thread_lines(service: UseCases) -> None:
    sent(service)
    recorded = outbox(service)
    dms = sorted((org, user) for kind, org, user in recorded if kind == "remiss")
    assert dms == [("miljonamnden", "UANNA"), ("mkb", "UMKB1"), ("mkb", "UMKB2"), ("tekniska-namnden", "UTN1")]
    assert [org for kind, org, _ in recorded if kind == "status_event"] == [None, "kulturnamnden"]
    with service.store.read() as repo:
        board = repo.get_status("STK-2023-137")
    assert board is not None
    assert (board.channel, board.stale) == (COORDINATOR, True)


def test_a_hand_over_records_the_remiss_for_the_colleague_and_a_notice_for_the_previous(service: UseCases) -> None:
    sent(service)
    service.answering.hand_over(service.actor("UTN1"), "STK-2023-137", "tekniska-namnden", "UTN2")
    recorded = outbox(service)
    assert ("remiss", "tekniska-namnden", "UTN2") in recorded
    assert ("handed_over", "tekniska-namnden", "UTN1") in recorded
    # Handing it back later is a new delivery, not a duplicate key.
    service.answering.hand_over(service.actor("UTN2"), "STK-2023-137", "tekniska-namnden", "UTN1")
    assert outbox(service).count(("remiss", "tekniska-namnden", "UTN1")) == 2


def test_members_of_the_coordinators_user_group_are_coordinators_and_slack_is_asked_once(clock: FakeClock) -> None:
    users = RecordingUsers({}, groups={"S0COORD": frozenset({"UGROUPED"})})
    service = build_use_cases(MemoryStore(), clock, users=users, coordinator_group="S0COORD")
    assert service.actor("UGROUPED").is_coordinator
    assert not service.actor("UOTHER").is_coordinator
    assert users.lookups == ["S0COORD"]


# -- meeting dates and inlämningsdag (issue 4) -----------------------------------------------------------
BOARD_MEETINGS = (date(2023, 12, 14), date(2023, 10, 19), date(2023, 11, 16))


def test_an_official_sets_their_boards_meetings_and_every_other_organisation_stays_as_it_was(
    service: UseCases,
) -> None:
    before = service.directory.directory()

    changed = service.directory.set_meetings(service.actor("UTN1"), "tekniska-namnden", BOARD_MEETINGS, 14)

    after = service.directory.directory()
    tn = after.require("tekniska-namnden")
    assert tn == changed
    assert tn.meetings == (date(2023, 10, 19), date(2023, 11, 16), date(2023, 12, 14))
    assert tn.submission_lead_days == 14
    old = before.require("tekniska-namnden")
    assert (tn.name, tn.kind, tn.contacts, tn.stand_ins, tn.aliases, tn.active) == (
        old.name, old.kind, old.contacts, old.stand_ins, old.aliases, old.active,
    )  # fmt: skip
    assert [o for o in after if o.key != "tekniska-namnden"] == [o for o in before if o.key != "tekniska-namnden"]
    assert [o.key for o in after] == [o.key for o in before]
    last = tn.last_meeting_on_or_before(date(2023, 11, 30))
    assert (last, tn.submission_date(last) if last else None) == (date(2023, 11, 16), date(2023, 11, 2))


def test_a_stand_in_an_email_contact_and_a_coordinator_may_set_meetings_too(
    service: UseCases, users: RecordingUsers
) -> None:
    service.directory.set_meetings(service.actor("UTNVICE"), "tekniska-namnden", BOARD_MEETINGS[:1], None)
    service.directory.set_meetings(service.actor("UANNA"), "miljonamnden", BOARD_MEETINGS[1:], 21)
    service.directory.set_meetings(coordinator(service), "mkb", (), 30)

    directory = service.directory.directory()
    assert directory.require("tekniska-namnden").meetings == (date(2023, 12, 14),)
    assert directory.require("miljonamnden").submission_lead_days == 21
    assert (directory.require("mkb").meetings, directory.require("mkb").submission_lead_days) == ((), 30)
    # Only Miljönämndens contact is written as an e-mail address; it was looked up once.
    assert users.lookups == ["anna.miljo@malmo.se"]


def test_clearing_the_meetings_and_the_lead_time_leaves_them_unknown(service: UseCases) -> None:
    service.directory.set_meetings(service.actor("UTN1"), "tekniska-namnden", BOARD_MEETINGS, 14)
    service.directory.set_meetings(service.actor("UTN1"), "tekniska-namnden", (), None)
    tn = service.directory.directory().require("tekniska-namnden")
    assert (tn.meetings, tn.submission_lead_days) == ((), None)


def test_only_the_organisations_own_officials_or_a_coordinator_set_its_meetings(service: UseCases) -> None:
    before = service.directory.directory()
    for outsider in ("UMKB1", "UANNA", "USOMEONE"):
        with pytest.raises(DomainError) as refused:
            service.directory.set_meetings(service.actor(outsider), "tekniska-namnden", BOARD_MEETINGS, 14)
        assert refused.value.code is ErrorCode.NOT_RECIPIENT_OFFICIAL
        assert refused.value.params == {"organisation": "Tekniska nämnden"}
    with pytest.raises(DomainError) as unknown:
        service.directory.set_meetings(coordinator(service), "finns-inte", BOARD_MEETINGS, 14)
    assert unknown.value.code is ErrorCode.UNKNOWN_ORGANISATION
    assert service.directory.directory() == before


def test_an_inactive_organisation_keeps_its_place_and_stays_inactive_when_its_meetings_change(
    clock: FakeClock,
) -> None:
    service = build_use_cases(MemoryStore(), clock, coordinators=[COORDINATOR])
    kn = directory().require("kulturnamnden")
    retired = Organisation(kn.key, kn.name, kn.short_name, kn.kind, active=False)
    service.directory.seed_directory(Directory(tuple(retired if o.key == kn.key else o for o in directory())))
    keys = [o.key for o in service.directory.directory()]

    service.directory.set_meetings(coordinator(service), "kulturnamnden", BOARD_MEETINGS, 10)

    after = service.directory.directory()
    assert [o.key for o in after] == keys
    assert not after.require("kulturnamnden").active
    assert after.require("kulturnamnden").submission_lead_days == 10

"""The reminder, the escalation and the digest as Block Kit: what they say, their buttons, and Slack's limits."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.adapters.rendering import Texts
from bot.core.domain.organisation import Organisation, OrgKind
from bot.core.domain.outbox import MessageKind, OutboxMessage
from bot.core.domain.recipient import Recipient
from bot.core.domain.reminders import MeetingAdvice, ReminderKind
from bot.core.domain.remiss import (
    Answer,
    Draft,
    Extension,
    QuestionKind,
    RecipientStatus,
    Remiss,
    ResponseContent,
    ResponseKind,
)
from bot.core.usecases.results import Delivery, RecipientRow, ReminderDelivery, RemissOverview
from devtools.sandbox.block_kit import block_text_length, message_block_errors
from handlers import ids
from handlers.blocks import MESSAGE_BLOCK_LIMIT, MESSAGE_TEXT_BUDGET
from handlers.outbound.messages import (
    digest_message,
    due_this_week,
    escalation_message,
    reminder_message,
)
from handlers.reminder_blocks import ref_of_block

NOW = datetime(2023, 10, 2, 8, 0, tzinfo=UTC)
TEXTS = Texts()
HOSTILE = "<!channel> & <@U0EVIL>"


def remiss(case: str = "STK-2023-137", title: str = "Områdeslyft", deadline: date = date(2023, 11, 30)) -> Remiss:
    r = Remiss.draft(
        case_number=case,
        title=title,
        description="",
        sender_key="stadskontoret",
        coordinators=("U0MIA",),
        contact="Mia Idestrom",
        questions=[(f"Fråga {n}?", QuestionKind.FREE_TEXT) for n in range(1, 5)],
        deadline=deadline,
        created_by="U0MIA",
        created_at=NOW,
        today=NOW.date(),
    )
    r.mark_sent(NOW)
    return r


def organisation(key: str = "tekniska-namnden", name: str = "Tekniska nämnden", short: str = "TN") -> Organisation:
    return Organisation(key, name, short, OrgKind.NAMND, contacts=("U0TN",))


def reminder(
    kind: ReminderKind,
    left: int,
    *,
    r: Remiss | None = None,
    org: Organisation | None = None,
    answered: tuple[int, ...] | None = None,
    meeting: MeetingAdvice | None = None,
    today: date = date(2023, 11, 16),
) -> tuple[str, list[dict[str, object]]]:
    r = r or remiss()
    org = org or organisation()
    recipient = Recipient(r.case_number, org.key, ("U0TN",), r.deadline)
    if answered is not None:
        content = ResponseContent(ResponseKind.YTTRANDE, tuple(Answer(n, "Utkast") for n in answered))
        recipient.draft = Draft(content, "U0TN", NOW)
    missing = [q.number for q in r.questions if answered is None or q.number not in answered]
    d = Delivery(
        message=OutboxMessage("k", MessageKind.REMINDER, r.case_number, NOW, "U0TN", org.key),
        remiss=r,
        sender_name="Stadskontoret",
        today=today,
        organisation=org,
        recipient=recipient,
        reminder=ReminderDelivery(kind, left, recipient.deadline, missing, meeting),
    )
    return reminder_message(TEXTS, d)


def element_ids(blocks: list[dict[str, object]]) -> list[str]:
    found: list[str] = []
    for block in blocks:
        if block["type"] == "actions":
            found += [str(e["action_id"]) for e in block["elements"]]  # type: ignore[attr-defined]
    return found


def test_a_reminder_says_the_working_days_left_what_is_missing_and_offers_every_button() -> None:
    text, blocks = reminder(ReminderKind.BEFORE_DEADLINE, 10, answered=(1, 2))
    assert text == (
        ":bell: Påminnelse: *STK-2023-137 Områdeslyft* ska besvaras senast torsdag 30 november (10 arbetsdagar "
        "kvar).\nNi svarar för Tekniska nämnden. Fråga 3 och 4 saknar svar."
    )
    assert element_ids(blocks) == [ids.ANSWER, ids.DECLINE, ids.REQUEST_EXTENSION, ids.SNOOZE_TOMORROW, ids.SNOOZE_DATE]
    snooze = blocks[-1]
    assert ref_of_block(str(snooze["block_id"])) == ids.RecipientRef("STK-2023-137", "tekniska-namnden")
    assert message_block_errors(blocks) == []


def test_the_wording_follows_the_draft_and_the_days_left() -> None:
    assert "Vi har inget svar från er än; remissen har 4 frågor." in reminder(ReminderKind.BEFORE_DEADLINE, 5)[0]
    assert "Fråga 4 saknar svar." in reminder(ReminderKind.BEFORE_DEADLINE, 5, answered=(1, 2, 3))[0]
    complete = reminder(ReminderKind.BEFORE_DEADLINE, 1, answered=(1, 2, 3, 4))[0]
    assert (
        "(1 arbetsdag kvar).\nNi svarar för Tekniska nämnden. "
        "Alla frågor har svar i ert utkast; det som återstår är att skicka in det." in complete
    )


def test_the_nudge_asks_for_intent_and_the_last_reminders_offer_no_snooze() -> None:
    _, nudge = reminder(ReminderKind.NUDGE_UNOPENED, 40)
    assert element_ids(nudge) == [ids.INTEND_TO_ANSWER, ids.DECLINE, ids.REQUEST_EXTENSION]
    for kind, left in ((ReminderKind.DEADLINE_MORNING, 0), (ReminderKind.OVERDUE, -1)):
        assert element_ids(reminder(kind, left)[1]) == [ids.ANSWER, ids.DECLINE, ids.REQUEST_EXTENSION]


def test_the_board_meeting_is_named_and_when_none_fits_the_alternatives_are() -> None:
    fits = MeetingAdvice(date(2023, 11, 16), date(2023, 11, 2), no_meeting_fits=False)
    before = reminder(ReminderKind.NUDGE_UNOPENED, 40, meeting=fits, today=date(2023, 10, 5))[0]
    assert (
        "Er sista nämnd före svarsdatum är torsdag 16 november; ärendet ska vara klart för inlämning torsdag 2 november"
        in before
    )
    after = reminder(ReminderKind.BEFORE_DEADLINE, 5, meeting=fits, today=date(2023, 11, 23))[0]
    assert "Er sista nämnd före svarsdatum var torsdag 16 november. Har nämnden inte behandlat ärendet" in after
    none = reminder(ReminderKind.BEFORE_DEADLINE, 10, meeting=MeetingAdvice(None, None, no_meeting_fits=True))[0]
    assert "Ingen nämnd hinner behandla ärendet före svarsdatum. Ni kan svara via delegation" in none


def test_the_inlamningsdag_reminder_names_the_meeting_and_the_day_once() -> None:
    fits = MeetingAdvice(date(2023, 11, 16), date(2023, 11, 2), no_meeting_fits=False)
    text, blocks = reminder(ReminderKind.BEFORE_SUBMISSION, 21, meeting=fits, today=date(2023, 10, 31))
    assert text.startswith(
        ":spiral_calendar_pad: *STK-2023-137 Områdeslyft*: ärendet ska vara klart för inlämning torsdag 2 november.\n"
        "Då hinner det till nämndens sammanträde torsdag 16 november."
    )
    assert text.count("16 november") == 1  # not repeated by the meeting line the other reminders carry
    assert element_ids(blocks)[:3] == [ids.ANSWER, ids.DECLINE, ids.REQUEST_EXTENSION]
    assert message_block_errors(blocks) == []


def test_user_text_is_escaped() -> None:
    text, blocks = reminder(
        ReminderKind.BEFORE_DEADLINE, 3, r=remiss(title=HOSTILE), org=organisation(name=f"Nämnd {HOSTILE}")
    )
    assert "<!channel>" not in text and "<@U0EVIL>" not in text
    assert "&lt;!channel&gt; &amp; &lt;@U0EVIL&gt;" in str(blocks[0])


def test_a_closed_remiss_gets_no_buttons() -> None:
    r = remiss()
    r.close(NOW)
    assert element_ids(reminder(ReminderKind.OVERDUE, -1, r=r)[1]) == []


def late_rows(r: Remiss, n: int) -> list[RecipientRow]:
    rows = []
    for i in range(n):
        org = Organisation(f"org-{i}", f"Organisation {i} {HOSTILE}", f"O{i}", OrgKind.NAMND)
        officials = ("U0X",) if i % 2 == 0 else ()
        rows.append(
            RecipientRow(org, Recipient(r.case_number, org.key, officials, r.deadline), RecipientStatus.OVERDUE, None)
        )
    return rows


def escalation(r: Remiss, rows: list[RecipientRow]) -> tuple[str, list[dict[str, object]]]:
    d = Delivery(
        message=OutboxMessage("escalation:k", MessageKind.ESCALATION, r.case_number, NOW, "U0MIA"),
        remiss=r,
        sender_name="Stadskontoret",
        today=date(2023, 12, 4),
        reminder=ReminderDelivery(ReminderKind.ESCALATION, -1, r.deadline, [], None, rows),
    )
    return escalation_message(TEXTS, d)


def test_the_escalation_lists_who_is_late_with_one_button_each_when_someone_can_be_reminded() -> None:
    r = remiss()
    text, blocks = escalation(r, late_rows(r, 3))
    assert "3 remissinstanser har inte svarat" in text
    buttons = [b["accessory"]["value"] for b in blocks if "accessory" in b]  # type: ignore[index]
    assert buttons == [f"org-0|{r.case_number}", f"org-2|{r.case_number}"]
    assert "Ingen kontaktperson i Slack att påminna." in str(blocks[2])
    assert "<!channel>" not in text
    assert message_block_errors(blocks) == []


def test_a_long_escalation_keeps_within_slacks_limits_and_says_what_it_left_out() -> None:
    r = remiss()
    _, blocks = escalation(r, late_rows(r, 120))
    assert len(blocks) == MESSAGE_BLOCK_LIMIT
    assert block_text_length(blocks) <= MESSAGE_TEXT_BUDGET
    assert blocks[-1]["type"] == "context" and "/remiss status STK-2023-137" in str(blocks[-1])
    assert message_block_errors(blocks) == []


def overview(r: Remiss, rows: list[RecipientRow]) -> RemissOverview:
    return RemissOverview(r, rows)


def test_this_weeks_deadlines_include_recipients_own_after_anstand() -> None:
    this_week = remiss("STK-2023-137", deadline=date(2023, 11, 30))
    earlier = remiss("STK-2023-140", deadline=date(2023, 11, 20))
    tn, mn = organisation(), organisation("miljonamnden", "Miljönämnden", "MN")
    extended = Recipient(earlier.case_number, tn.key, ("U0TN",), earlier.deadline)
    extended.extensions.append(Extension(earlier.deadline, date(2023, 12, 1), "U0MIA", NOW))
    found = due_this_week(
        [
            overview(this_week, [RecipientRow(tn, Recipient(this_week.case_number, tn.key, (), date(2023, 11, 30)),
                                              RecipientStatus.OPENED, None),
                                 RecipientRow(mn, Recipient(this_week.case_number, mn.key, (), date(2023, 11, 30)),
                                              RecipientStatus.OPENED, None)]),
            overview(earlier, [RecipientRow(tn, extended, RecipientStatus.OPENED, None)]),
        ],
        date(2023, 11, 27),
    )  # fmt: skip
    assert [(f.day, f.remiss.case_number, [o.key for o in f.organisations], f.extended) for f in found] == [
        (date(2023, 11, 30), "STK-2023-137", ["tekniska-namnden", "miljonamnden"], False),
        (date(2023, 12, 1), "STK-2023-140", ["tekniska-namnden"], True),
    ]
    d = Delivery(
        message=OutboxMessage("digest:k", MessageKind.DIGEST, "", NOW, "U0MIA"),
        remiss=this_week,
        sender_name="Stadskontoret",
        today=date(2023, 11, 27),
        digest=[overview(this_week, []), overview(earlier, [RecipientRow(tn, extended, RecipientStatus.OPENED, None)])],
    )
    text, _ = digest_message(TEXTS, d)
    assert "• fredag 1 december: *STK-2023-140 Områdeslyft* för Tekniska nämnden (anstånd)" in text


def test_a_digest_of_many_remisses_keeps_within_slacks_limits() -> None:
    overviews = [
        overview(remiss(f"STK-2023-{n:03d}", title=f"{HOSTILE} " + "lång rubrik " * 15), late_rows(remiss(), 30))
        for n in range(200)
    ]
    d = Delivery(
        message=OutboxMessage("digest:k", MessageKind.DIGEST, "", NOW, "U0MIA"),
        remiss=remiss(),
        sender_name="Stadskontoret",
        today=date(2023, 11, 27),
        digest=overviews,
    )
    text, blocks = digest_message(TEXTS, d)
    assert len(blocks) <= MESSAGE_BLOCK_LIMIT
    assert block_text_length(blocks) <= 12_000
    assert "… och fler remisser" in str(blocks[-1])
    assert "<!channel>" not in text
    assert message_block_errors(blocks) == []


def test_the_digest_lists_the_remisses_closed_in_the_last_week_under_avslutade() -> None:
    closed = remiss("STK-2023-140", title=HOSTILE)
    closed.close(NOW, by="U0MIA")
    d = Delivery(
        message=OutboxMessage("digest:k", MessageKind.DIGEST, "", NOW, "U0MIA"),
        remiss=remiss(),
        sender_name="Stadskontoret",
        today=date(2023, 11, 27),
        digest=[overview(remiss(), [])],
        closed=[closed],
    )
    text, blocks = digest_message(TEXTS, d)
    assert "*Avslutade den senaste veckan (1)*" in text
    assert "• *STK-2023-140 &lt;!channel&gt; &amp; &lt;@U0EVIL&gt;*: avslutad" in text
    assert message_block_errors(blocks) == []

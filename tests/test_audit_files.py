"""The audit trail, readable: a sentence for every action, people's names, and the CSV and JSON files."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

import pytest

from bot.adapters.audit_files import (
    CSV_COLUMNS,
    SENTENCES,
    AuditRow,
    PeopleNames,
    audit_csv,
    audit_json,
    audit_rows,
    sentence,
)
from bot.adapters.rendering import Texts
from bot.core.clock import STOCKHOLM
from bot.core.domain.audit import AuditAction, audit
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.people import Person
from bot.core.usecases import UseCases
from devtools.clocks import FakeClock
from tests.service.support import CASE, COORDINATOR, RecordingUsers, delegation, fresh, sent

TEXTS = Texts()
NAMES = {COORDINATOR: "Mia Idestrom", "UTN1": "Tove Nilsson", "UTN2": "Teodor Nyberg"}
REASON = '=HYPERLINK("http://x") Bolaget; "berörs inte"\nAlls.'

# Details as the domain writes them, for each action (those without details need none).
SAMPLE_DETAILS: dict[AuditAction, dict[str, str]] = {
    AuditAction.SENT: {"reachable": "3"},
    AuditAction.DRAFTED: {"missing": "2"},
    AuditAction.SUBMITTED: {"kind": "yttrande", "late": "False", "version": "1"},
    AuditAction.EDITED: {"kind": "delegation", "late": "True", "version": "2"},
    AuditAction.DECLINED: {"reason": "Berör inte bolaget"},
    AuditAction.WITHDRAWN: {"kind": "yttrande", "version": "1"},
    AuditAction.HANDED_OVER: {"previous": "UTN1", "to": "UTN2", "note": "Du tar den"},
    AuditAction.EXTENDED: {"previous": "2023-11-30", "new": "2023-12-15", "reason": "Sammanträde"},
    AuditAction.UNREACHABLE: {"reason": "no_contact"},
    AuditAction.DEADLINE_CHANGED: {"previous": "2023-11-30", "new": "2023-12-08", "reason": ""},
    AuditAction.EXTENSION_REQUESTED: {"new": "2023-12-15", "reason": "Sammanträde"},
    AuditAction.EXTENSION_REFUSED: {"request": "1", "note": "Nej"},
    AuditAction.SNOOZED: {"to": "2023-10-03"},
    AuditAction.REGISTERED: {
        "subject": "remiss",
        "registry": "tekniska-namnden",
        "number": "TN-2023-1",
        "version": "0",
    },
}


def names(users: RecordingUsers | None = None) -> PeopleNames:
    return PeopleNames(users or RecordingUsers({}, names=NAMES), TEXTS)


@pytest.mark.parametrize("action", list(AuditAction))
def test_every_audit_action_has_its_own_plain_sentence(action: AuditAction) -> None:
    assert TEXTS.part(SENTENCES, action.value, org="Miljönämnden", actor="Mia", d={}, names={})
    said = sentence(TEXTS, action.value, "Miljönämnden", "Mia Idestrom", SAMPLE_DETAILS.get(action, {}), names())
    generic = TEXTS.part(SENTENCES, "other", action=action.value, org="Miljönämnden")
    assert said != generic
    assert said.endswith(".") and said[0].isupper()
    assert "*" not in said and "<@" not in said and "\n" not in said
    assert action.value not in said  # the words, never the code


def test_the_sentences_say_what_happened_with_names_and_swedish_dates() -> None:
    def said(action: AuditAction, org: str = "Tekniska nämnden") -> str:
        return sentence(TEXTS, action.value, org, "Mia Idestrom", SAMPLE_DETAILS.get(action, {}), names())

    assert said(AuditAction.SUBMITTED, "Miljönämnden") == "Miljönämnden skickade in sitt svar (yttrande, version 1)."
    # The coordinator reassigning (Tilldela om) is not the official handing over.
    assert said(AuditAction.HANDED_OVER) == (
        "Tekniska nämnden: Mia Idestrom tilldelade remissen till Teodor Nyberg (den låg hos Tove Nilsson),"
        " med meddelandet «Du tar den»."
    )
    handed = sentence(
        TEXTS, "handed_over", "Tekniska nämnden", "Tove Nilsson", SAMPLE_DETAILS[AuditAction.HANDED_OVER], names()
    )
    assert handed == (
        "Tekniska nämnden: Tove Nilsson lämnade över remissen till Teodor Nyberg, med meddelandet «Du tar den»."
    )
    assert said(AuditAction.EXTENDED) == (
        "Tekniska nämnden fick anstånd till 15 december 2023 (var 30 november 2023). Skäl: «Sammanträde»."
    )
    assert said(AuditAction.SENT) == "Remissen skickades till 3 remissinstanser."
    assert said(AuditAction.CREATED) == "Mia Idestrom skapade remissen som utkast."


def test_an_action_without_a_sentence_of_its_own_gets_a_generic_readable_one() -> None:
    said = sentence(TEXTS, "recipient_teleported", "Miljönämnden", "Mia", {"x": "1"}, names())
    assert said == "En händelse som historiken inte kan beskriva än (Miljönämnden)."


def test_people_are_named_the_bot_and_the_command_line_in_words_and_unknown_ids_kept() -> None:
    users = RecordingUsers({}, names=NAMES)
    people = names(users)
    assert people(COORDINATOR) == "Mia Idestrom"
    assert people(COORDINATOR) == "Mia Idestrom"
    assert users.lookups == [COORDINATOR]  # asked once
    assert people("remissbot") == "remissbot (automatiskt)"
    assert people("scheduler") == "remissbot (automatiskt)"
    assert people("cli:root") == "kommandoraden (root)"
    assert people("U0GONE") == "U0GONE"
    assert PeopleNames(None, TEXTS)(COORDINATOR) == COORDINATOR


class FailingUsers(RecordingUsers):
    def person(self, user_id: str) -> Person | None:
        self.lookups.append(user_id)
        raise ConnectionError("Slack is down")


def test_when_slack_cannot_be_asked_the_ids_are_shown_and_it_is_asked_only_once() -> None:
    users = FailingUsers({})
    people = PeopleNames(users, TEXTS)
    assert [people("UTN1"), people("UTN2")] == ["UTN1", "UTN2"]
    assert users.lookups == ["UTN1"]


# -- rows from a real trail ------------------------------------------------------------------------------------
@pytest.fixture
def service(clock: FakeClock) -> UseCases:
    """STK-2023-137 sent; MKB declines with text Excel would run; TN hands over and answers; the bot and the
    command line appear as actors."""
    service = fresh(clock, RecordingUsers({"anna.miljo@malmo.se": "UANNA"}, names=NAMES))
    sent(service)
    service.answering.decline(service.actor("UMKB1"), CASE, "mkb", REASON)
    service.answering.hand_over(service.actor("UTN1"), CASE, "tekniska-namnden", "UTN2", "Du tar den")
    service.answering.submit(service.actor("UTN2"), CASE, "tekniska-namnden", delegation("Bra förslag."))
    with service.store.transaction() as repo:
        repo.remisses.append_audit(audit(CASE, AuditAction.CLOSED, "remissbot", clock.now()))
        repo.remisses.append_audit(audit(CASE, AuditAction("registered"), "cli:root", clock.now(), "mkb"))
    return service


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2023, 10, 2, 7, 0, tzinfo=UTC))


def test_audit_rows_name_each_person_and_organisation_in_stockholm_time(service: UseCases) -> None:
    rows = audit_rows(service, TEXTS, CASE)
    assert [r.action for r in rows] == [
        "created",
        "sent",
        "unreachable",
        "declined",
        "handed_over",
        "submitted",
        "closed",
        "registered",
    ]
    assert all(r.at.tzinfo is not None and r.at.utcoffset() == STOCKHOLM.utcoffset(r.at) for r in rows)
    assert rows[0].at == datetime(2023, 10, 2, 9, 0, tzinfo=STOCKHOLM)
    created, _, unreachable, declined, handed, submitted, closed, registered = rows
    assert (created.actor_id, created.actor_name, created.organisation_key, created.organisation) == (
        COORDINATOR,
        "Mia Idestrom",
        "",
        "",
    )
    assert (unreachable.organisation_key, unreachable.organisation) == ("kulturnamnden", "Kulturnämnden")
    assert (declined.actor_id, declined.actor_name) == ("UMKB1", "UMKB1")  # Slack does not know the name
    assert declined.details == {"reason": REASON.strip()}
    assert handed.what == (
        "Tekniska nämnden: Tove Nilsson lämnade över remissen till Teodor Nyberg, med meddelandet «Du tar den»."
    )
    assert (submitted.actor_name, submitted.what) == (
        "Teodor Nyberg",
        "Tekniska nämnden skickade in sitt svar (via delegation, version 1).",
    )
    assert closed.actor_name == "remissbot (automatiskt)"
    assert registered.actor_name == "kommandoraden (root)"


def test_an_unknown_remiss_is_refused(service: UseCases) -> None:
    with pytest.raises(DomainError) as refused:
        audit_rows(service, TEXTS, "STK-2023-999")
    assert refused.value.code is ErrorCode.UNKNOWN_REMISS


def test_the_csv_opens_in_excel_with_swedish_characters_and_reads_back_with_the_csv_module(service: UseCases) -> None:
    rows = audit_rows(service, TEXTS, CASE)
    data = audit_csv(rows)
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel then reads UTF-8
    assert "Kulturnämnden".encode() in data
    assert b"\r\n" in data
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert table[0] == ["Tidpunkt", "Vem", "Användar-id", "Händelse", "Remissinstans", "Åtgärd", "Detaljer"]
    assert len(table[0]) == len(CSV_COLUMNS)
    assert len(table) == len(rows) + 1
    by_column = [dict(zip(CSV_COLUMNS, line, strict=True)) for line in table[1:]]
    for row, line in zip(rows, by_column, strict=True):
        assert datetime.fromisoformat(line["at"]) == row.at
        assert line["at"].endswith("+02:00")
        assert (line["actor_id"], line["actor_name"], line["action"], line["what"]) == (
            row.actor_id,
            row.actor_name,
            row.action,
            row.what,
        )
        assert line["organisation"] == row.organisation
        assert (json.loads(line["details"]) if line["details"] else {}) == row.details
    # The decline's reason starts with "=": the what-sentence quotes it, the details cell is JSON; neither runs.
    declined = next(line for line in by_column if line["action"] == "declined")
    assert json.loads(declined["details"])["reason"] == REASON.strip()
    assert not any(cell.startswith(("=", "+", "-", "@")) for line in table for cell in line)


def test_a_cell_excel_would_run_as_a_formula_is_marked_as_text() -> None:
    row = AuditRow(
        at=datetime(2023, 10, 2, 9, 0, tzinfo=STOCKHOLM),
        actor_id="U1",
        actor_name="=cmd|' /C calc'!A0",
        action="created",
        what="x",
        organisation_key="",
        organisation="",
    )
    line = list(csv.reader(io.StringIO(audit_csv([row]).decode("utf-8-sig")), delimiter=";"))[1]
    assert line[1] == "'=cmd|' /C calc'!A0"
    assert json.loads(audit_json([row]))[0]["actor_name"] == "=cmd|' /C calc'!A0"  # JSON keeps it exactly


def test_the_json_has_iso_times_with_offset_a_fixed_key_order_and_the_same_bytes_each_time(service: UseCases) -> None:
    rows = audit_rows(service, TEXTS, CASE)
    data = audit_json(rows)
    assert data == audit_json(audit_rows(service, TEXTS, CASE))
    items = json.loads(data.decode("utf-8"))
    assert len(items) == len(rows)
    assert all(
        list(item) == ["at", "actor_id", "actor_name", "action", "what", "organisation_key", "organisation", "details"]
        for item in items
    )
    first = items[0]
    assert first["at"] == "2023-10-02T09:00:00+02:00"
    assert (first["actor_id"], first["actor_name"], first["action"]) == (COORDINATOR, "Mia Idestrom", "created")
    assert "Kulturnämnden" in data.decode("utf-8")  # not \u00e4 escapes
    declined = next(i for i in items if i["action"] == "declined")
    assert declined["details"] == {"reason": REASON.strip()}
    assert (declined["organisation_key"], declined["organisation"]) == ("mkb", "MKB")
    for item, row in zip(items, rows, strict=True):
        assert datetime.fromisoformat(item["at"]) == row.at
        assert item["what"] == row.what
        assert item["details"] == row.details


def test_a_winter_entry_has_the_winter_offset() -> None:
    row = AuditRow(datetime(2023, 12, 1, 9, 0, tzinfo=STOCKHOLM), "U1", "A", "closed", "x", "", "")
    assert json.loads(audit_json([row]))[0]["at"] == "2023-12-01T09:00:00+01:00"
    assert date(2023, 12, 1) == datetime.fromisoformat(json.loads(audit_json([row]))[0]["at"]).date()


def test_a_reason_on_several_lines_still_gives_a_sentence_on_one_line(service: UseCases) -> None:
    declined = next(r for r in audit_rows(service, TEXTS, CASE) if r.action == "declined")
    assert "\n" not in declined.what
    assert declined.what.startswith("MKB avstod från att yttra sig: «=HYPERLINK")


def test_the_actions_other_parts_of_the_issue_add_have_sentences_ready() -> None:
    """Close/reopen/withdraw (lifecycle) and add/resend (recipients) write these actions and details."""

    def said(action: str, org: str, **details: str) -> str:
        return sentence(TEXTS, action, org, "Mia Idestrom", details, names())

    assert said("closed", "", automatic="True", working_days="10") == (
        "Remissen avslutades automatiskt, 10 arbetsdagar efter sista svarsdatum."
    )
    assert said("reopened", "", closed_by=COORDINATOR, closed_at="2023-12-15T09:00:00+01:00") == (
        "Remissen återöppnades; den hade avslutats av Mia Idestrom."
    )
    assert said("remiss_withdrawn", "", reason="Skickad av misstag.", was="sent") == (
        "Remissen återkallades: «Skickad av misstag.»"
    )
    assert said("recipient_added", "Kulturnämnden", deadline="2023-12-15", reachable="0", own_deadline="True") == (
        "Kulturnämnden lades till som remissinstans, med sista svarsdatum 15 december 2023."
        " Ingen kontaktperson i Slack kunde nås."
    )
    assert said("resent", "Kulturnämnden", previous="", new="UTN1,UTN2", sent_to="UTN1,UTN2") == (
        "Remissen skickades igen till Kulturnämnden (Tove Nilsson och Teodor Nyberg)."
    )
    late = {"kind": "yttrande", "version": "1", "late": "True", "after_close": "True"}
    assert said("submitted", "Miljönämnden", **late) == (
        "Miljönämnden skickade in sitt svar (yttrande, version 1) efter sista svarsdatum. Svaret inkom efter avslut."
    )

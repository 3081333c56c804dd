"""The directory file: the shipped Malmö directory, and broken files named line by line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.adapters.directory_file import (
    DirectoryFileError,
    load_directory_file,
    parse_directory,
    shipped_directory_text,
)
from bot.adapters.rendering import Texts
from bot.core.domain.organisation import OrgKind
from tests.importer.support import SEED_002_RECIPIENTS


def test_the_shipped_directory_has_stadskontoret_and_the_fifteen_recipients_of_stk_2023_137() -> None:
    directory = parse_directory(shipped_directory_text())
    names = [o.name for o in directory]
    assert names == ["Stadskontoret", *SEED_002_RECIPIENTS]
    assert len(directory.of_kind(OrgKind.NAMND)) == 12
    assert [o.name for o in directory.of_kind(OrgKind.BOLAG)] == SEED_002_RECIPIENTS[-3:]
    assert len({o.short_name for o in directory}) == 16


def test_every_problem_in_a_broken_file_is_named_with_its_line_and_field() -> None:
    text = (
        "organisations:\n"  # 1
        "  - key: Tekniska Nämnden\n"  # 2
        "    name: Tekniska nämnden\n"  # 3
        "    kind: nämnd\n"  # 4
        "  - key: mkb\n"  # 5
        "    kind: aktiebolag\n"  # 6
        "    contacts: [Anna Andersson]\n"  # 7
        "    colour: red\n"  # 8
    )
    with pytest.raises(DirectoryFileError) as refused:
        parse_directory(text, "katalog.yaml")
    found = [(p.line, p.field, p.code) for p in refused.value.problems]
    assert found == [
        (2, "key", "invalid_key"),
        (5, "name", "missing_field"),
        (6, "kind", "invalid_kind"),
        (7, "contacts", "invalid_contact"),
        (8, "colour", "unknown_field"),
    ]


def test_a_duplicate_key_names_both_lines() -> None:
    text = "organisations:\n  - {key: tn, name: A, kind: nämnd}\n  - {key: tn, name: B, kind: nämnd}\n"
    with pytest.raises(DirectoryFileError) as refused:
        parse_directory(text)
    problem = refused.value.problems[0]
    assert (problem.line, problem.code, problem.value) == (3, "duplicate_key", "tn (rad 2)")


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("organisations:\n  - key: [unclosed\n", "yaml_syntax", 3),
        ("organisations:\n  - key: tn\n    name: Tekniska\x07 nämnden\n", "forbidden_character", 3),
        ("- key: tn\n", "no_organisations_list", 1),
        ("organisations: ingen lista\n", "no_organisations_list", 1),
        ("organisations:\n  - tekniska nämnden\n", "entry_not_mapping", 2),
        ("organisations: []\n", "empty", 0),
        ("", "no_organisations_list", 0),
    ],
)
def test_files_without_the_expected_shape_are_refused(text: str, code: str, line: int) -> None:
    with pytest.raises(DirectoryFileError) as refused:
        parse_directory(text)
    assert (refused.value.problems[0].code, refused.value.problems[0].line) == (code, line)


def test_a_yaml_syntax_error_is_worded_by_the_pure_python_parser_whichever_parser_read_the_file() -> None:
    # libyaml (read first, when PyYAML has it) words this "did not find expected ',' or ']'".
    with pytest.raises(DirectoryFileError) as refused:
        parse_directory("organisations:\n  - key: tn\n    aliases: [Tekniska\n")
    problem = refused.value.problems[0]
    assert (problem.line, problem.code) == (4, "yaml_syntax")
    assert problem.value == "expected ',' or ']', but got '<stream end>'"


def test_a_missing_or_non_utf8_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DirectoryFileError) as missing:
        load_directory_file(tmp_path / "finns-inte.yaml")
    assert missing.value.problems[0].code == "file_not_found"
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes("organisations:\n  - {key: mn, name: Miljön\xe4mnden, kind: n\xe4mnd}\n".encode("latin-1"))
    with pytest.raises(DirectoryFileError) as not_utf8:
        load_directory_file(latin1)
    assert not_utf8.value.problems[0].code == "not_utf8"


def test_every_problem_code_has_a_swedish_message() -> None:
    texts = Texts()
    codes = [
        "file_too_large", "file_not_found", "not_utf8", "unreadable", "yaml_syntax", "forbidden_character",
        "no_organisations_list",
        "entry_not_mapping", "unknown_field", "missing_field", "invalid_key", "invalid_kind", "invalid_contact",
        "duplicate_key", "not_text", "not_list", "empty", "not_date_list", "invalid_date", "duplicate_date",
        "invalid_lead_days", "invalid_registry", "stand_in_is_contact",
    ]  # fmt: skip
    for code in codes:
        message = texts.message("dir_" + code, value="x")
        assert message and not message.startswith("Något gick fel"), code


def test_no_name_in_the_shipped_directory_was_cut_at_a_comma() -> None:
    """YAML flow lists split at commas: "Hälsa-, vård- och …" must be quoted or it becomes two names."""
    for org in parse_directory(shipped_directory_text()):
        for name in org.all_names:
            assert not name.endswith(("-", ",")), (org.key, name)
    hvo = parse_directory(shipped_directory_text()).require("halsa-vard-och-omsorgsnamnden")
    assert hvo.aliases == ("Hälsa-, vård- och omsorgsförvaltningen",)


def test_meetings_are_read_as_yaml_dates_or_quoted_strings_and_sorted() -> None:
    text = (
        "organisations:\n"
        "  - key: tekniska-namnden\n"
        "    name: Tekniska nämnden\n"
        "    kind: nämnd\n"
        '    meetings: [2023-11-16, "2023-10-19", 2023-12-14]\n'
        "    submission_lead_days: 14\n"
        "  - key: mkb\n"
        "    name: MKB\n"
        "    kind: bolag\n"
        "    meetings:\n"
        "      - 2023-11-30\n"
        '    submission_lead_days: "0"\n'
        "  - {key: miljonamnden, name: Miljönämnden, kind: nämnd, meetings: [], submission_lead_days: ~}\n"
    )
    directory = parse_directory(text)
    tn, mkb, mn = directory
    assert tn.meetings == (date(2023, 10, 19), date(2023, 11, 16), date(2023, 12, 14))
    assert tn.submission_lead_days == 14
    assert (mkb.meetings, mkb.submission_lead_days) == ((date(2023, 11, 30),), 0)
    assert (mn.meetings, mn.submission_lead_days) == ((), None)


def test_every_bad_meeting_date_and_lead_time_is_named_and_nothing_is_loaded() -> None:
    text = (
        "organisations:\n"  # 1
        "  - key: tekniska-namnden\n"  # 2
        "    name: Tekniska nämnden\n"  # 3
        "    kind: nämnd\n"  # 4
        "    meetings:\n"  # 5
        "      - 2023-11-16\n"  # 6
        "      - 16 november\n"  # 7
        "      - 2023-02-30\n"  # 8
        '      - "2023-11-16"\n'  # 9
        "      - 2023-11-16 13:00\n"  # 10
        "      - 20231214\n"  # 11
        "      - [2023-12-14]\n"  # 12
        "    submission_lead_days: 91\n"  # 13
        "  - key: mkb\n"  # 14
        "    name: MKB\n"  # 15
        "    kind: bolag\n"  # 16
        "    meetings: 2023-11-30\n"  # 17
        "    submission_lead_days: 14.5\n"  # 18
        "  - {key: sbn, name: Stadsbyggnadsnämnden, kind: nämnd, submission_lead_days: -1}\n"  # 19
        "  - {key: kn, name: Kulturnämnden, kind: nämnd, submission_lead_days: [14]}\n"  # 20
    )
    with pytest.raises(DirectoryFileError) as refused:
        parse_directory(text, "katalog.yaml")
    found = [(p.line, p.field, p.code, p.value) for p in refused.value.problems]
    assert found == [
        (7, "meetings", "invalid_date", "16 november"),
        (8, "meetings", "invalid_date", "2023-02-30"),
        (9, "meetings", "duplicate_date", "2023-11-16 (rad 6)"),
        (10, "meetings", "invalid_date", "2023-11-16 13:00"),
        (11, "meetings", "invalid_date", "20231214"),
        (12, "meetings", "not_date_list", ""),
        (13, "submission_lead_days", "invalid_lead_days", "91"),
        (17, "meetings", "not_date_list", ""),
        (18, "submission_lead_days", "invalid_lead_days", "14.5"),
        (19, "submission_lead_days", "invalid_lead_days", "-1"),
        (20, "submission_lead_days", "invalid_lead_days", ""),
    ]


def test_the_messages_for_meetings_and_lead_times_say_what_to_write() -> None:
    texts = Texts()
    assert texts.message("dir_invalid_date", value="16 november") == (
        "«16 november» är inget datum; skriv år-månad-dag, t.ex. 2023-11-16"
    )
    assert texts.message("dir_duplicate_date", value="2023-11-16 (rad 6)") == (
        "datumet står redan i listan: 2023-11-16 (rad 6)"
    )
    assert (
        texts.message("dir_invalid_lead_days", value="91") == "ska vara ett helt antal dagar från 0 till 90, inte «91»"
    )
    assert texts.message("dir_invalid_lead_days", value="") == "ska vara ett helt antal dagar från 0 till 90"
    assert "meetings, submission_lead_days" in texts.message("dir_unknown_field")


def test_the_shipped_directory_explains_meetings_but_invents_no_dates() -> None:
    text = shipped_directory_text()
    assert "#   meetings" in text and "#   submission_lead_days" in text
    assert "#     meetings: [2023-10-19, 2023-11-16, 2023-12-14]" in text
    assert all(o.meetings == () and o.submission_lead_days is None for o in parse_directory(text))


def test_a_registry_is_one_channel_or_the_registrators_user_ids() -> None:
    text = (
        "organisations:\n"
        "  - {key: stadskontoret, name: Stadskontoret, kind: förvaltning, registry: C0REGSTK}\n"
        "  - {key: tekniska-namnden, name: Tekniska nämnden, kind: nämnd, registry: [U0REG1, U0REG2]}\n"
        "  - {key: mkb, name: MKB, kind: bolag}\n"
    )
    directory = parse_directory(text)
    assert [o.registry for o in directory] == [("C0REGSTK",), ("U0REG1", "U0REG2"), ()]
    assert [o.registry_channel for o in directory] == ["C0REGSTK", None, None]


def test_a_registry_that_is_neither_is_named_and_nothing_is_loaded() -> None:
    text = (
        "organisations:\n"  # 1
        "  - key: stadskontoret\n"  # 2
        "    name: Stadskontoret\n"  # 3
        "    kind: förvaltning\n"  # 4
        "    registry: [C0REGSTK, U0REG1]\n"  # 5
        "  - {key: mkb, name: MKB, kind: bolag, registry: registrator@mkb.se}\n"  # 6
    )
    with pytest.raises(DirectoryFileError) as refused:
        parse_directory(text)
    assert [(p.line, p.field, p.code) for p in refused.value.problems] == [
        (5, "registry", "invalid_registry"),
        (6, "registry", "invalid_registry"),
    ]
    message = Texts().message("dir_invalid_registry", value="registrator@mkb.se")
    assert "Slack-kanal-id (C0123ABCD)" in message


def test_a_stand_in_who_is_also_the_official_is_named_with_its_line_and_nothing_is_loaded() -> None:
    text = (
        "organisations:\n"
        "  - key: tn\n"
        "    name: Tekniska nämnden\n"
        "    kind: nämnd\n"
        "    contacts: [U0TN1, anna@malmo.se]\n"
        "    stand_ins:\n"
        "      - U0VICE\n"
        "      - Anna@Malmo.se\n"
    )
    with pytest.raises(DirectoryFileError) as refused:
        parse_directory(text)
    found = [(p.line, p.field, p.code, p.value) for p in refused.value.problems]
    assert found == [(8, "stand_ins", "stand_in_is_contact", "Anna@Malmo.se")]
    message = Texts().message("dir_stand_in_is_contact", value="Anna@Malmo.se")
    assert "både som kontakt och som ersättare" in message and "ta bort" in message

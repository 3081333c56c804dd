"""The directory file: the shipped Malmö directory, and broken files named line by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.directory_file import (
    DirectoryFileError,
    load_directory_file,
    parse_directory,
    shipped_directory_text,
)
from bot.domain.organisation import OrgKind
from bot.rendering import Texts

SEED_002_RECIPIENTS = [
    "Tekniska nämnden",
    "Miljönämnden",
    "Funktionsstödsnämnden",
    "Förskolenämnden",
    "Grundskolenämnden",
    "Gymnasie- och vuxenutbildningsnämnden",
    "Hälsa-, vård- och omsorgsnämnden",
    "Arbetsmarknads- och socialnämnden",
    "Fritidsnämnden",
    "Kulturnämnden",
    "Servicenämnden",
    "Stadsbyggnadsnämnden",
    "MKB",
    "Parkering Malmö",
    "Parkeringsövervakning i Malmö AB",
]


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
        "file_too_large", "file_not_found", "not_utf8", "unreadable", "yaml_syntax", "no_organisations_list",
        "entry_not_mapping", "unknown_field", "missing_field", "invalid_key", "invalid_kind", "invalid_contact",
        "duplicate_key", "not_text", "not_list", "empty",
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

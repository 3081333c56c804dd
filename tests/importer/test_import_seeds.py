"""The reference remiss (seed 002) in full, and the answer document (seed 003) that must not become one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.adapters.importer import Confidence, Field, WarningCode, import_file
from bot.core.domain.organisation import Directory, OrgKind

SEED_002 = "002_fabd5ac619afef01.txt"
SEED_003 = "003_c7a0c7707e5bf79a.txt"


def test_seed_002_gives_every_field_of_the_reference_remiss(shared_dir: Path, directory: Directory) -> None:
    result = import_file(shared_dir / "seeds" / SEED_002, directory)

    assert result.case_number == "STK-2023-137"
    assert result.title is not None
    assert result.title.startswith("Uppdrag budget 2023 - Definiera och starta ett långsiktigt")
    assert "STK-2023-137" not in result.title
    assert result.sender_organisation is not None
    assert result.sender_organisation.key == "stadskontoret"
    assert result.contact is not None
    assert (result.contact.name, result.contact.email) == ("Mia Idestrom", "mia.idestrom@malmo.se")
    assert result.deadline == date(2023, 11, 30)
    assert result.missing == ()
    assert all(level is Confidence.HIGH for level in result.confidence.values())
    assert result.warnings == ()


def test_seed_002_sends_to_12_boards_and_3_companies_all_in_the_directory(
    shared_dir: Path, directory: Directory
) -> None:
    result = import_file(shared_dir / "seeds" / SEED_002, directory)

    organisations = [r.organisation for r in result.recipients]
    assert len(organisations) == 15
    assert result.unmatched_recipients == ()
    kinds = [o.kind for o in organisations if o is not None]
    assert (kinds.count(OrgKind.NAMND), kinds.count(OrgKind.BOLAG)) == (12, 3)
    # The 16th line, "Stadskontorets handläggare", is the sender's own staff.
    assert "stadskontoret" not in {o.key for o in organisations if o is not None}


def test_seed_002_has_four_questions_the_last_asking_who_should_coordinate(
    shared_dir: Path, directory: Directory
) -> None:
    result = import_file(shared_dir / "seeds" / SEED_002, directory)

    assert len(result.questions) == 4
    assert result.questions[0].startswith("Vilka pågående processer inom er nämnds/bolags ansvarsområde")
    assert result.questions[3] == (
        "Vilken nämnd eller bolag ser ni bör få den samordnande rollen för arbetet med hållbar lokal "
        "utveckling i de 14 geografiska områdena?"
    )


def test_seed_003_is_an_answer_with_its_case_number_and_nothing_invented(
    shared_dir: Path, directory: Directory
) -> None:
    result = import_file(shared_dir / "seeds" / SEED_003, directory)

    assert result.case_number == "ASN-2020-11022"
    assert result.deadline is None
    assert result.questions == ()
    assert {Field.DEADLINE, Field.QUESTIONS} <= set(result.missing)
    assert WarningCode.LOOKS_LIKE_ANSWER in {w.code for w in result.warnings}

"""Saving the summary: file names, all or nothing, and the `remissbot summary` command's function."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path

import pytest

import bot.adapters.summary.files as files_module
import bot.core.domain.summary_check as summary_module
from bot.adapters.rendering import Texts
from bot.adapters.summary import FORMATS, file_name, render_files, render_problems, summary_command, write_summary_files
from bot.core.domain.errors import DomainError
from bot.core.domain.summary import Summary, build_summary
from bot.core.domain.summary_check import SummaryIncomplete, check_completeness
from bot.core.usecases import UseCases
from tests.service.support import RecordingUsers
from tests.summary.round import CASE_NUMBER, Round, round_service, stk_2023_137


def test_files_are_named_after_the_case_number_even_one_with_a_slash(texts: Texts) -> None:
    assert file_name(texts, "STK-2023-137", "docx") == "STK-2023-137 Sammanställning av remissvar.docx"
    assert file_name(texts, "KS 2021/123", "md") == "KS 2021-123 Sammanställning av remissvar.md"
    assert file_name(texts, "N2015/08441/RS", "html") == "N2015-08441-RS Sammanställning av remissvar.html"


def test_every_format_is_written_and_progress_is_reported(summary: Summary, texts: Texts, tmp_path: Path) -> None:
    progress: list[str] = []
    paths = write_summary_files(replace(summary, case_number="KS 2021/123"), texts, tmp_path, FORMATS, progress.append)
    assert [p.name for p in paths] == [
        "KS 2021-123 Sammanställning av remissvar.docx",
        "KS 2021-123 Sammanställning av remissvar.html",
        "KS 2021-123 Sammanställning av remissvar.md",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)
    assert progress == ["Skriver Word-dokumentet …", "Skriver webbsidan …", "Skriver Markdown-filen …"]
    assert paths[0].read_bytes()[:2] == b"PK"
    assert paths[1].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_an_unknown_format_writes_nothing(summary: Summary, texts: Texts, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="rtf"):
        write_summary_files(summary, texts, tmp_path, ["md", "rtf"])
    assert list(tmp_path.iterdir()) == []


def test_a_format_that_fails_leaves_no_file_behind(
    summary: Summary, texts: Texts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(summary: Summary, texts: Texts) -> str:
        raise RuntimeError("disk of templates on fire")

    monkeypatch.setitem(files_module._RENDERERS, "md", broken)
    with pytest.raises(RuntimeError):
        write_summary_files(summary, texts, tmp_path, FORMATS)
    assert list(tmp_path.iterdir()) == []


def test_the_reasons_for_not_publishing_are_written_in_swedish(summary: Summary, stk: Round, texts: Texts) -> None:
    problems = check_completeness(replace(summary, annex=summary.annex[1:]), stk.recipients)
    message = render_problems(SummaryIncomplete(CASE_NUMBER, problems), texts)
    assert message.splitlines()[0] == (
        "Sammanställningen av STK-2023-137 publicerades inte: kontrollen av att alla svar finns med hittade 2 fel."
    )
    assert "• Svaret från Tekniska nämnden saknas i bilagan." in message
    assert "• Antalet svar i bilagan stämmer inte: 9 i sammanställningen, 10 enligt svaren." in message


# -- the command's function, on the real service over an in-memory store ---------------------------------
@pytest.fixture
def service() -> UseCases:
    return round_service(stk_2023_137())


def test_the_summary_command_writes_the_files_and_says_where(service: UseCases, texts: Texts, tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = summary_command(service, texts, "STK-2023-137", ["docx", "md"], tmp_path, out, err)
    assert code == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["STK-2023-137 Sammanställning av remissvar.docx", "STK-2023-137 Sammanställning av remissvar.md"]
    assert out.getvalue().splitlines() == [
        "Sammanställningen är sparad:",
        f"  {tmp_path / written[0]}",
        f"  {tmp_path / written[1]}",
    ]
    assert err.getvalue().splitlines()[0] == "Kontrollerar att alla svar i STK-2023-137 finns med …"
    markdown = (tmp_path / written[1]).read_text(encoding="utf-8")
    assert "| Fritidsnämnden | 2 | Grundskolenämnden, Fritidsnämnden (sig själv) |" in markdown


def test_the_summary_command_names_people_never_slack_ids(texts: Texts, tmp_path: Path) -> None:
    """Who submitted each answer: Slack's name for the id stored with it; an id Slack cannot name is not
    printed either. The document is dated by the service's clock (20 December 2023), not the machine's."""
    users = RecordingUsers({}, names={"U000": "Anna Andersson", "U001": "Bo Berg"})
    service = round_service(stk_2023_137(), users=users)
    out, err = io.StringIO(), io.StringIO()
    assert summary_command(service, texts, "STK-2023-137", ["md"], tmp_path, out, err) == 0
    markdown = next(tmp_path.iterdir()).read_text(encoding="utf-8")
    assert "- **Inlämnat av:** Anna Andersson" in markdown
    assert "- **Inlämnat av:** Bo Berg" in markdown
    assert "- **Inlämnat av:** namnet okänt" in markdown  # U002 and on: Slack knows no name
    assert re.search(r"(?<!@)\bU\d{3}\b", markdown) is None  # <@U123> is an answer's own text
    assert "- **Sammanställd:** 20 december 2023" in markdown


def test_the_summary_command_publishes_nothing_when_the_check_fails(
    service: UseCases, texts: Texts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # compile_summary builds the summary with the function its own module imported: patch it there.
    real = build_summary
    monkeypatch.setattr(summary_module, "build_summary", lambda *a, **k: replace(real(*a, **k), missing=()))
    out, err = io.StringIO(), io.StringIO()
    code = summary_command(service, texts, "STK-2023-137", FORMATS, tmp_path, out, err)
    assert code == 1
    assert not tmp_path.exists() or list(tmp_path.iterdir()) == []
    assert out.getvalue() == ""
    assert "• Gymnasie- och vuxenutbildningsnämnden har inte svarat men saknas bland saknade svar." in err.getvalue()


def test_an_unknown_case_number_is_a_domain_error(service: UseCases, texts: Texts, tmp_path: Path) -> None:
    with pytest.raises(DomainError):
        summary_command(service, texts, "STK-1999-1", FORMATS, tmp_path, io.StringIO(), io.StringIO())


def test_the_files_can_be_rendered_without_touching_the_disk(summary: Summary, texts: Texts) -> None:
    files = render_files(summary, texts, ["md", "html"])
    assert [name for name, _ in files] == [
        "STK-2023-137 Sammanställning av remissvar.md",
        "STK-2023-137 Sammanställning av remissvar.html",
    ]
    assert files[0][1].decode("utf-8").startswith("# Sammanställning av remissvar")

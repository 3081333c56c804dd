"""Writing the summary's files: loaded, checked for completeness, rendered in every format, then saved."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TextIO

from bot.adapters.audit_files import PeopleNames
from bot.adapters.pdf import SYSTEM_PACKAGES, PdfUnavailable, html_to_pdf
from bot.adapters.rendering import Texts
from bot.adapters.summary._common import FORMATS, Words, document_files, file_name
from bot.adapters.summary.html import render_html
from bot.adapters.summary.markdown import render_markdown
from bot.adapters.summary.word import render_docx
from bot.core.domain.organisation import is_slack_user_id
from bot.core.domain.remiss import normalise_case_number
from bot.core.domain.summary import Summary
from bot.core.domain.summary_check import SummaryIncomplete, compile_summary
from bot.core.usecases import UseCases

PROBLEMS_TEMPLATE = "summary/problems.j2"
WRITTEN_TEMPLATE = "summary/files_written.j2"

Progress = Callable[[str], None]

# Asked for by name (`remissbot summary --format pdf`) and published in Slack where Pango is present; not one
# of the default FORMATS, since a machine without Pango must still write the others.
PDF = "pdf"


def render_pdf(summary: Summary, texts: Texts) -> bytes:
    """The web page printed as a PDF/A (A4, numbered pages, see the print CSS in the HTML template), dated
    the day the summary was compiled, so the same summary gives the same bytes. PdfUnavailable without Pango."""
    compiled = datetime.combine(summary.compiled_on, time(), tzinfo=UTC)
    return html_to_pdf(render_html(summary, texts), created=compiled)


_RENDERERS: dict[str, Callable[[Summary, Texts], str | bytes]] = {
    "docx": render_docx,
    "html": render_html,
    "md": render_markdown,
    PDF: render_pdf,
}


def load_summary(
    service: UseCases, case_number: str, names: Mapping[str, str] | None = None, *, today: date | None = None
) -> Summary:
    """The checked summary of a remiss as it stands today (or on `today`: the archive's is the case as it
    ended); SummaryIncomplete if anything is missing from it."""
    case = service.queries.case_record(case_number)
    return compile_summary(
        case.remiss,
        case.recipients,
        case.directory,
        today=today or service.today(),
        names=names,
        tz=service.config.tz,
    )


def render_files(
    summary: Summary, texts: Texts, formats: Sequence[str] = FORMATS, progress: Progress | None = None
) -> list[tuple[str, bytes]]:
    """Every asked format as (file name, content), for saving or for Slack's files_upload_v2."""
    unknown = [f for f in formats if f not in _RENDERERS]
    if unknown:
        raise ValueError(f"unknown summary format(s): {', '.join(unknown)}; choose from {', '.join(_RENDERERS)}")
    words = Words(texts)
    rendered: list[tuple[str, bytes]] = []
    for fmt in dict.fromkeys(formats):
        if progress is not None:
            progress(words("progress_writing", fmt))
        content = _RENDERERS[fmt](summary, texts)
        data = content.encode("utf-8") if isinstance(content, str) else content
        rendered.append((file_name(texts, summary.case_number, fmt), data))
    return rendered


def published_files(summary: Summary, texts: Texts) -> tuple[list[tuple[str, bytes]], PdfUnavailable | None]:
    """What is published in Slack: every default format and the PDF; without Pango the others alone, and why
    the PDF is missing (for the coordinator, in Swedish, via `pdf_missing`)."""
    files = render_files(summary, texts, FORMATS)
    try:
        files += render_files(summary, texts, [PDF])
    except PdfUnavailable as missing:
        return files, missing
    return files, None


def write_summary_files(
    summary: Summary,
    texts: Texts,
    out_dir: Path,
    formats: Sequence[str] = FORMATS,
    progress: Progress | None = None,
) -> list[Path]:
    """Render every asked format, then save them as `<diarienummer> Sammanställning av remissvar.<ext>`.

    Everything is rendered before the first file is saved, and each file is saved whole (written beside
    its final name, then renamed), so a failure never leaves a half-written summary behind.
    """
    rendered = render_files(summary, texts, formats, progress)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in rendered:
        _save(out_dir / name, data)
        paths.append(out_dir / name)
    return paths


def write_case_summary(
    service: UseCases,
    texts: Texts,
    case_number: str,
    out_dir: Path,
    formats: Sequence[str] = FORMATS,
    progress: Progress | None = None,
    names: Mapping[str, str] | None = None,
) -> list[Path]:
    """Load, check and write the summary of one remiss (what `remissbot summary` and the demo do)."""
    if progress is not None:
        progress(Words(texts)("progress_checking", normalise_case_number(case_number)))
    summary = load_summary(service, case_number, names)
    paths = write_summary_files(summary, texts, out_dir, formats, progress)
    return paths + write_documents(service, summary, out_dir)


def stored_documents(service: UseCases, summary: Summary) -> list[tuple[str, bytes]]:
    """The annex's stored files as (path relative to the summary, bytes): the files its links point to."""
    found = []
    for (_, sha256), path in document_files(summary).items():
        content = service.answering.document_content(sha256)
        if content is None:  # an attachment names bytes the store lacks: say so rather than link to nothing
            raise FileNotFoundError(f"stored document {sha256} is missing from the database")
        found.append((path, content))
    return found


def write_documents(service: UseCases, summary: Summary, out_dir: Path) -> list[Path]:
    """Write the answers' stored files into the folder beside the summary (`STK-2023-137-bilagor/`)."""
    paths = []
    for relative, content in stored_documents(service, summary):
        path = out_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        _save(path, content)
        paths.append(path)
    return paths


def render_problems(error: SummaryIncomplete, texts: Texts) -> str:
    """Why the summary was not published, in Swedish, one problem a line (Slack mrkdwn-safe)."""
    return texts.render(PROBLEMS_TEMPLATE, case_number=error.case_number, problems=error.problems)


def summary_command(
    service: UseCases,
    texts: Texts,
    case_number: str,
    formats: Sequence[str],
    out_dir: Path,
    out: TextIO,
    err: TextIO,
) -> int:
    """`remissbot summary <diarienummer> --format … --out DIR`: progress on `err`, the files on `out`.

    Returns 0 when the files are written, 1 when the completeness check stopped them (the reasons on `err`),
    2 when a PDF was asked for on a machine without Pango (what to install on `err`; nothing is written).
    A DomainError (an unknown case number) is left to the command line's own handler.
    """
    try:
        paths = write_case_summary(
            service,
            texts,
            case_number,
            out_dir,
            formats,
            progress=lambda line: print(line, file=err, flush=True),
            names=PersonNames(service, texts),
        )
    except SummaryIncomplete as error:
        print(render_problems(error, texts), file=err)
        return 1
    except PdfUnavailable:
        print(Words(texts)("pdf_unavailable", " ".join(SYSTEM_PACKAGES)), file=err)
        return 2
    out.write(texts.render(WRITTEN_TEMPLATE, paths=[str(p) for p in paths]) + "\n")
    return 0


class PersonNames(Mapping[str, str]):
    """People's names for the ids stored with each action (who submitted, who granted an anstånd): Slack's
    name for a user, the bot and the command line in words. A Slack id whose name cannot be found is never
    printed: it reads "namnet okänt" (the audit trail keeps the id)."""

    def __init__(self, service: UseCases, texts: Texts) -> None:
        self._names = PeopleNames(service.shared.users, texts)
        self._unknown = Words(texts)("unknown_person")

    def __getitem__(self, ref: str) -> str:
        name = self._names(ref)
        return self._unknown if is_slack_user_id(name) else name

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __contains__(self, ref: object) -> bool:
        return isinstance(ref, str)


def _save(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

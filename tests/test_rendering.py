"""Texts: Swedish dates, and user text that can never turn into a Slack mention or markup."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
import pytest
from jinja2 import meta, nodes

from bot.adapters import directory_file
from bot.adapters.importer.model import DocumentErrorCode, WarningCode
from bot.adapters.importer.wording import Wording
from bot.adapters.rendering import (
    MissingText,
    Texts,
    file_size,
    grouped_number,
    slack_escape,
    swedish_date,
    swedish_datetime,
    swedish_weekday_date,
)
from bot.adapters.summary._common import Words
from bot.core.domain.errors import DomainError, ErrorCode

ROOT = Path(__file__).resolve().parents[1]


def test_dates_are_written_the_swedish_way_in_stockholm_time() -> None:
    assert swedish_date(date(2023, 11, 30)) == "30 november 2023"
    assert swedish_weekday_date(date(2023, 11, 30)) == "torsdag 30 november 2023"
    # 23:30 UTC on 30 November is already 1 December in Stockholm.
    assert swedish_datetime(datetime(2023, 11, 30, 23, 30, tzinfo=UTC)) == "1 december 2023 kl. 00:30"


def test_slack_escaping_neutralises_mentions_and_links_but_leaves_quotes_alone() -> None:
    assert slack_escape("<!channel> & <@U123> \"citat\" 'x'") == "&lt;!channel&gt; &amp; &lt;@U123&gt; \"citat\" 'x'"


def test_user_text_inside_a_message_is_escaped_and_never_evaluated_as_a_template() -> None:
    texts = Texts()
    message = texts.error(DomainError(ErrorCode.UNKNOWN_REMISS, case_number="{{ 7*7 }} <!here>"))
    assert "{{ 7*7 }}" in message
    assert "49" not in message
    assert "&lt;!here&gt;" in message


def test_every_error_code_has_its_own_swedish_message() -> None:
    texts = Texts()
    fallback = texts.message("unknown_error", code="x")
    params: dict[str, object] = {
        "key": "k", "contact": "c", "case_number": "X", "limit": 1, "length": 2, "url": "u",
        "deadline": date(2024, 1, 1), "status": "closed", "organisation": "O", "number": 3, "kind": "yttrande",
        "name": "yttrande.pdf",
        "planned": date(2023, 12, 7), "due": date(2023, 12, 21), "remiss_deadline": date(2023, 11, 30),
        "paragraph": "x", "by": "U1", "registry": "x", "at": datetime(2024, 1, 1, 9, tzinfo=UTC),
        "owner": "cli:root", "missing": ("recipients", "questions"),
        "office": "Stadsbyggnadskontoret", "ask": ("U1",),
        "start": date(2024, 2, 1), "end": date(2024, 1, 1),
    }  # fmt: skip
    for code in ErrorCode:
        message = texts.error(DomainError(code, field="title", **params))
        assert message and message != fallback, code


def test_file_sizes_are_written_the_swedish_way() -> None:
    sizes = [850, 340 * 1024, 1_258_291, 25 * 1024 * 1024]
    assert [file_size(s) for s in sizes] == ["850\u00a0byte", "340\u00a0kB", "1,2\u00a0MB", "25\u00a0MB"]


def test_numbers_are_grouped_in_thousands_by_a_no_break_space() -> None:
    assert grouped_number(1_234_567) == "1\u00a0234\u00a0567" and grouped_number(999) == "999"


def test_the_bot_never_says_jag_in_any_template() -> None:
    templates = Path(__file__).parent.parent / "templates"
    found = [
        f"{path.relative_to(templates)}:{number}"
        for path in sorted(templates.rglob("*.j2"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\bjag\b", line, re.IGNORECASE)
    ]
    assert found == []


def test_a_part_label_message_or_template_that_does_not_exist_raises_never_renders_empty() -> None:
    texts = Texts()
    assert texts.part("slack/create_form.j2", "deadline_hint").startswith("Skriv datumet")
    with pytest.raises(MissingText, match="deadline_hintt"):
        texts.part("slack/create_form.j2", "deadline_hintt")
    with pytest.raises(MissingText, match="nothing_here"):
        texts.part("slack/nothing_here.j2", "deadline_hint")
    with pytest.raises(MissingText, match="answerr"):
        texts.label("answerr")
    with pytest.raises(MissingText, match="no_such_message"):
        texts.message("no_such_message")


def test_a_template_of_parts_is_never_rendered_whole_by_mistake() -> None:
    with pytest.raises(TypeError, match=r"Texts\.part"):
        Texts().render("slack/create_form.j2", part="deadline_hint")  # the old way: refused, never rendered whole


def test_a_top_level_name_that_is_not_a_macro_is_no_part() -> None:
    # reminders.j2 sets helpers at the top; none of them may be read as a part.
    with pytest.raises(MissingText):
        Texts().part("ui_labels.j2", "__name__")


def test_every_error_code_has_its_message() -> None:
    module = Texts().text_env.get_template("messages.j2").module
    assert [code.value for code in ErrorCode if not hasattr(module, code.value)] == []


def test_every_importer_warning_and_document_error_has_its_text() -> None:
    wording = Wording()
    names = [f"warning_{code.value}" for code in WarningCode] + [f"error_{code.value}" for code in DocumentErrorCode]
    names += ["error_import_failed", "save_refused", "saved"]
    assert [name for name in names if not wording.has(name)] == []
    with pytest.raises(MissingText, match="warning_nothing"):
        wording._message("warning_nothing", {})


def test_every_directory_file_problem_has_its_message() -> None:
    module = Texts().text_env.get_template("messages.j2").module
    source = Path(directory_file.__file__).read_text(encoding="utf-8")
    codes = set(re.findall(r'Problem\([^,]+, [^,]+, "(\w+)"', source))
    # What the domain itself refuses in an organisation, reported with the line it came from.
    codes |= {ErrorCode.INVALID_ORG_KEY.value, ErrorCode.FIELD_REQUIRED.value, ErrorCode.INVALID_CONTACT.value}
    assert len(codes) > 15
    assert sorted(code for code in codes if not hasattr(module, "dir_" + code)) == []


def _parts_templates(texts: Texts) -> list[tuple[str, nodes.Template]]:
    """Templates that only define parts (macros, constants, imports): their top level writes nothing."""
    found = []
    for path in sorted((ROOT / "templates").rglob("*.j2")):
        name = path.relative_to(ROOT / "templates").as_posix()
        tree = texts.text_env.parse(path.read_text(encoding="utf-8"))
        writes = [
            node
            for node in tree.body
            if isinstance(node, nodes.Output)
            and any(not isinstance(n, nodes.TemplateData) or n.data.strip() for n in node.nodes)
        ]
        if not writes and not name.startswith("importer/"):
            found.append((name, tree))
    return found


def test_every_part_names_the_values_it_uses_as_its_arguments() -> None:
    """A part's module is built once without parameters, so a value a part reads from anywhere but its
    arguments (or the template's constants and helpers) would be undefined when it is shown."""
    texts = Texts()
    templates = _parts_templates(texts)
    assert {"ui_labels.j2", "messages.j2", "slack/create_form.j2", "slack/reminders.j2"} <= {t for t, _ in templates}
    loose = []
    for name, tree in templates:
        top = set()
        for node in tree.body:
            if isinstance(node, nodes.Macro):
                top.add(node.name)
            elif isinstance(node, nodes.Assign):
                top |= {t.name for t in [node.target, *node.target.find_all(nodes.Name)] if isinstance(t, nodes.Name)}
            elif isinstance(node, nodes.FromImport):
                top |= {a if isinstance(a, str) else a[1] for a in node.names}
        for macro in (n for n in tree.body if isinstance(n, nodes.Macro)):
            alone = nodes.Template([macro])
            alone.set_environment(texts.text_env)
            free = meta.find_undeclared_variables(alone) - top - {a.name for a in macro.args}
            loose += [f"{name} {macro.name}: {variable}" for variable in sorted(free)]
    assert loose == []


def test_a_new_texts_uses_the_templates_already_compiled_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each build_core and CLI command makes a Texts; the templates never change while the process runs,
    so only the first one compiles them."""
    at = datetime(2023, 11, 30, 23, 30, tzinfo=UTC)
    first = Texts()
    said = first.message("already_registered", by="U1", at=at, number="")
    words = Words(first)("file_stem", "KS 2023/1")
    first.html_env.get_template("export/answer.html.j2")

    def compile_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("a template was compiled again")

    monkeypatch.setattr(jinja2.Environment, "compile", compile_again)
    again = Texts()
    assert again.message("already_registered", by="U1", at=at, number="") == said
    assert Words(again)("file_stem", "KS 2023/1") == words
    again.html_env.get_template("export/answer.html.j2")
    with pytest.raises(MissingText):
        again.message("no_such_message")


def test_texts_in_another_timezone_say_its_own_time() -> None:
    at = datetime(2023, 11, 30, 23, 30, tzinfo=UTC)
    stockholm = Texts().message("already_registered", by="U1", at=at, number="")
    utc = Texts(ZoneInfo("UTC")).message("already_registered", by="U1", at=at, number="")
    assert "fredag 1 december 2023 kl. 00.30" in stockholm
    assert "torsdag 30 november 2023 kl. 23.30" in utc
    assert "kl. 00.30" in Texts().message("already_registered", by="U1", at=at, number="")


def test_a_bot_process_compiles_what_it_says_to_slack_before_its_first_request() -> None:
    texts = Texts()
    names = texts.compile_templates("slack")
    # The status message's template and the parts it imports; not the command line's or the HTML reports'.
    assert {"slack/status_event.j2", "slack/answer_form.j2", "messages.j2", "labels.j2"} <= set(names)
    assert not [name for name in names if name.startswith("cli/") or name.endswith(".html.j2")]
    cache = texts.text_env.cache
    assert cache is not None and set(names) <= {template.name for template in cache.values()}

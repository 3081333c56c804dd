"""The summary's web page in a real browser (headless Chromium) on a phone (420 px), a tablet (800 px) and a
desktop (1200 px): it never scrolls sideways, as a whole or in any part, no name or label in a table is split
mid-word, and the screenshot is a real image of that width."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from bot.adapters.rendering import Texts
from bot.adapters.summary import render_html
from bot.core.domain.remiss import Answer, Attachment, Position, ResponseContent, ResponseKind
from bot.core.domain.summary_check import compile_summary
from tests.summary.browser import Look, chromium_or_skip, look_at, png_size
from tests.summary.round import COORDINATOR, LONG_URL, LONG_WORD, TODAY, Round, at, stk_2023_137

pytestmark = pytest.mark.slow

PHONE, TABLET, DESKTOP = 420, 800, 1200
WIDTHS = (PHONE, TABLET, DESKTOP)
# Where a test run leaves the screenshots to look at (REMISSBOT_SCREENSHOTS=dir keeps them).
SCREENSHOTS_ENV = "REMISSBOT_SCREENSHOTS"


@pytest.fixture(scope="module")
def chromium() -> str:
    # Like LibreOffice and PostgreSQL: a developer without it is told why; CI must look at the page.
    return chromium_or_skip()


def unbreakable_everywhere() -> Round:
    """The round with long unbroken text in every kind of place the page shows user text: a table cell of
    each table, a name, a decision, a file name, an organisation proposed that the directory does not know."""
    found = stk_2023_137()
    remiss = found.remiss
    found.recipient("gymnasie-och-vuxenutbildningsnamnden").extend(
        remiss, date(2024, 1, 20), COORDINATOR, at(date(2023, 11, 28)), f"Se {LONG_URL} och {LONG_WORD}."
    )
    found.recipient("parkeringsovervakning").decline(remiss, f"{LONG_WORD} {LONG_URL}", "U014", at(date(2023, 11, 29)))
    servicenamnden = found.recipient("servicenamnden")
    content = ResponseContent(
        ResponseKind.DELEGATION,
        (
            Answer(1, f"{LONG_URL}\n\n{LONG_WORD}", Position.TILLSTYRKER),
            Answer(2, "\t".join([LONG_WORD] * 3), Position.AVSTYRKER),
            Answer(3, "x" * 2000, Position.FORESLAR_ANDRINGAR),
            Answer(4, LONG_WORD, Position.TILLSTYRKER),
        ),
        decided_by=f"Servicedirektör {LONG_WORD}",
        attachments=(Attachment("F0LONG", f"{LONG_WORD}.pdf", LONG_URL),),
    )
    servicenamnden.submit(remiss, content, servicenamnden.officials[0], at(date(2023, 12, 1)), date(2023, 12, 1))
    return found


def page_of(found: Round, tmp_path: Path, name: str) -> Path:
    summary = compile_summary(found.remiss, found.recipients, found.directory, today=TODAY)
    page = tmp_path / f"{name}.html"
    page.write_text(render_html(summary, Texts()), encoding="utf-8")
    return page


def assert_nothing_scrolls_sideways(look: Look) -> None:
    assert look.inner_width == look.width, "the browser zoomed the page out to fit something too wide"
    assert look.scroll_width <= look.width, look.sticking_out
    assert look.scroll_width <= look.client_width, look.sticking_out
    assert look.sticking_out == []
    assert look.scrolling == [], "a part of the page scrolls sideways on its own"
    assert look.broken_words == [], "a name or a label in a table is split across lines"


def assert_real_screenshot(look: Look, keep_as: str) -> None:
    assert png_size(look.screenshot) == (look.width, 900)
    assert len(look.screenshot) > 10_000, "the screenshot is (nearly) empty"
    folder = os.environ.get(SCREENSHOTS_ENV)
    if folder:
        (Path(folder) / f"{keep_as}.png").write_bytes(look.screenshot)


@pytest.mark.parametrize("name", ["stk-2023-137", "unbreakable"])
def test_the_summary_never_scrolls_sideways_on_a_phone_or_a_desktop(chromium: str, tmp_path: Path, name: str) -> None:
    found = stk_2023_137() if name == "stk-2023-137" else unbreakable_everywhere()
    page = page_of(found, tmp_path, name)
    looks = look_at(chromium, page, WIDTHS)
    for look in looks:
        assert_real_screenshot(look, f"{name}-{look.width}")
        assert_nothing_scrolls_sideways(look)
    phone, _, desktop = looks
    # The same page is laid out for each: stacked cards make the phone's page much longer.
    assert phone.height > desktop.height * 1.3


def test_the_browser_check_sees_a_page_that_is_too_wide(chromium: str, tmp_path: Path) -> None:
    """The check itself can fail: a word that cannot break, in a page without the summary's CSS."""
    page = tmp_path / "wide.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        f'<body><p>{LONG_WORD}</p><div style="overflow-x:auto"><table><tr><td style="white-space:nowrap">'
        f"{LONG_WORD}</td></tr></table></div></body></html>",
        encoding="utf-8",
    )
    [look] = look_at(chromium, page, [PHONE])
    with pytest.raises(AssertionError):
        assert_nothing_scrolls_sideways(look)
    assert look.scroll_width > PHONE
    assert any(LONG_WORD[:40] in line for line in look.sticking_out)
    assert len(look.scrolling) == 1


def test_without_chromium_ci_fails_and_a_developer_is_told_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="apt-get install chromium"):
        chromium_or_skip()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        chromium_or_skip()

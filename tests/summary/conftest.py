"""Fixtures for the summary tests: the STK-2023-137 round, its summary, and the rendered formats."""

from __future__ import annotations

import pytest

from bot.adapters.rendering import Texts
from bot.adapters.summary import render_docx, render_html, render_markdown
from bot.core.domain.summary import Summary
from bot.core.domain.summary_check import compile_summary
from tests.summary.round import TODAY, Round, stk_2023_137


@pytest.fixture(scope="session")
def texts() -> Texts:
    return Texts()


@pytest.fixture
def round_() -> Round:
    """A fresh round for tests that change it."""
    return stk_2023_137()


@pytest.fixture(scope="session")
def stk() -> Round:
    """The round, shared by tests that only read it."""
    return stk_2023_137()


@pytest.fixture(scope="session")
def summary(stk: Round) -> Summary:
    return compile_summary(stk.remiss, stk.recipients, stk.directory, today=TODAY)


@pytest.fixture(scope="session")
def markdown(summary: Summary, texts: Texts) -> str:
    return render_markdown(summary, texts)


@pytest.fixture(scope="session")
def html(summary: Summary, texts: Texts) -> str:
    return render_html(summary, texts)


@pytest.fixture(scope="session")
def docx_bytes(summary: Summary, texts: Texts) -> bytes:
    return render_docx(summary, texts)

"""The annex says what the registry needs of each answer: the deciding body with the decision, and the
answering organisation's own diarienummer."""

from __future__ import annotations

import io

import docx

from tests.summary.test_summary_formats import ANNEX, after

DECISION = "Sammanträde 16 november 2023, § 312 (nämnden, Tekniska nämnden)"


def test_markdown_annex_names_the_deciding_body_and_their_diarienummer(markdown: str) -> None:
    annex = after(markdown, f"## {ANNEX}")
    assert f"- **Beslut:** {DECISION}" in annex
    assert "- **Deras diarienummer:** TN-2023-1234" in annex


def test_html_annex_names_the_deciding_body_and_their_diarienummer(html: str) -> None:
    assert f"<dd>{DECISION}</dd>" in html
    assert "<dt>Deras diarienummer</dt><dd>TN-2023-1234</dd>" in html


def test_word_annex_names_the_deciding_body_and_their_diarienummer(docx_bytes: bytes) -> None:
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(docx_bytes)).paragraphs)
    assert DECISION in text
    assert "TN-2023-1234" in text


def test_the_overview_lists_each_answer_with_their_diarienummer_and_decision(markdown: str, html: str) -> None:
    overview = markdown[: markdown.index("## 2.")]
    assert "### Remissinstanserna och deras svar" in overview
    # The deciding body's name is not repeated after "nämnden" when it is the organisation itself.
    assert "| Tekniska nämnden | yttrande | TN-2023-1234 | nämnden 16 november 2023 § 312 | ej angivet |" in overview
    # An answer without their number says so rather than leaving the cell empty; a delegate is named.
    assert "| Miljönämnden | via delegation | – | Miljödirektör &lt;Katarina&gt; &amp; co | ej angivet |" in overview
    # A late answer is marked, a preliminary one says when the board decides; no answer is a row too.
    assert "| Arbetsmarknads- och socialnämnden | yttrande (kom in sent) | – | 1 december 2023 § 201 |" in overview
    assert "| Förskolenämnden | preliminärt svar | – | preliminärt; nämnden behandlar 14 december 2023 |" in overview
    assert "| Servicenämnden | inget svar | – | – | – |" in overview
    assert "Ställningstagande till förslaget som helhet: 10 ej angivet." in overview
    assert '<td class="case-number" data-label="Deras dnr">TN-2023-1234</td>' in html


def test_word_overview_has_the_registry_table(docx_bytes: bytes) -> None:
    document = docx.Document(io.BytesIO(docx_bytes))
    rows = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    assert ["Tekniska nämnden", "yttrande", "TN-2023-1234", "nämnden 16 november 2023 § 312", "ej angivet"] in rows

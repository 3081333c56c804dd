"""The summary of STK-2023-137 in Markdown, HTML and Word: complete, in order, and with user text kept as text."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import replace
from html import escape
from html.parser import HTMLParser

import docx
import pytest
from docx.oxml.ns import qn

from bot.adapters.rendering import Texts
from bot.adapters.summary import md_block, render_docx, render_html, render_markdown, render_slack_preview
from bot.adapters.summary._common import paragraphs
from bot.core.domain.remiss import QuestionKind
from bot.core.domain.summary import Summary
from tests.summary.round import CASE_NUMBER, LONG_URL, LONG_WORD, MARKDOWN_LOOKALIKE, TRICKY, Round

SECTION_HEADINGS = [
    "Sammanfattning",
    "1. Översikt",
    "2. Ställningstaganden i överblick",
    "3. Fråga för fråga",
    "4. Avstår och saknade svar",
    "5. Bilaga: remissvaren i sin helhet",
]
ANNEX = SECTION_HEADINGS[5]


def every_answer(summary: Summary) -> Iterator[tuple[str, int, str]]:
    """(organisation, question, text) for every answer in the round."""
    for entry in summary.annex:
        for answer in entry.answers:
            if answer.text:
                yield entry.organisation.name, answer.question_number, answer.text


def after(text: str, marker: str) -> str:
    return text[text.index(marker) :]


# -- Markdown ----------------------------------------------------------------------------------------------
def test_markdown_has_every_answer_exactly_once_in_the_annex(summary: Summary, markdown: str) -> None:
    annex = after(markdown, f"## {ANNEX}")
    for organisation, number, text in every_answer(summary):
        as_paragraphs = f"\n\n{md_block(text)}\n"
        assert annex.count(as_paragraphs) == 1, (organisation, number)
        # …and nowhere else: section 3 quotes its start (see test_summary_excerpts).
        assert markdown.count(as_paragraphs) == 1, (organisation, number)


def test_markdown_shows_the_counts_extensions_and_the_tally(markdown: str) -> None:
    assert "| Yttrande (beslut i nämnd eller styrelse) | 6 |" in markdown
    assert "| Avstår | 2 |" in markdown
    assert "| Inget svar | 3 |" in markdown
    assert "| **Totalt** | **15** |" in markdown
    assert "| Varav inkomna efter sista svarsdatum | 1 |" in markdown
    assert "| Servicenämnden | 30 november 2023 | 15 januari 2024 |" in markdown
    assert (
        "| Stadsbyggnadsnämnden | 4 | Tekniska nämnden, Miljönämnden, Arbetsmarknads- och socialnämnden, "
        "Stadsbyggnadsnämnden (sig själv) |" in markdown
    )
    assert "| MKB | 3 | Förskolenämnden, Arbetsmarknads- och socialnämnden, MKB (sig själv) |" in markdown
    assert "| Fritidsnämnden | 2 | Grundskolenämnden, Fritidsnämnden (sig själv) |" in markdown
    assert "| en ny stiftelse | 1 | Hälsa-, vård- och omsorgsnämnden |" in markdown


def test_markdown_keeps_the_sections_in_order(markdown: str) -> None:
    positions = [markdown.index(f"## {heading}") for heading in SECTION_HEADINGS]
    assert positions == sorted(positions)


def test_user_text_makes_no_markdown(markdown: str) -> None:
    assert r"Vi ser \*stora\* möjligheter i &lt;samverkan&gt; &amp; \_dialog\_ 🌱🏙️" in markdown
    assert r"se \`budget\` \| tabell 3 och \[bilaga\](javascript:alert(1))" in markdown
    assert "{{ 7\\*7 }} {% if x %}mall{% endif %} &lt;!channel&gt; &lt;@U123&gt;" in markdown
    lookalike = md_block(MARKDOWN_LOOKALIKE)
    assert lookalike.splitlines() == [
        "\\# Inte en rubrik\\",
        "&gt; inte ett citat\\",
        "\\- inte en lista\\",
        "1\\. inte numrerad\\",
        "\u00a0\u00a0\u00a0\u00a0inte kod\\",
        "\\---\\",
        "Slut på raden med två mellanslag\\",
        "och tabb\tinne.",
    ]
    assert "Ingen &lt;b&gt;kapacitet&lt;/b&gt; &amp; \\*resurser\\* just\\_nu 🙏" in markdown
    # The only links are the ones the summary makes, to web addresses.
    assert re.findall(r"(?<!\\)\](\(\w+):", markdown) == ["(https", "(https"]
    assert not any(line.startswith("<") for line in markdown.splitlines())


def test_long_answers_words_and_urls_are_kept_whole_in_markdown(summary: Summary, markdown: str) -> None:
    ten_thousand = next(e for e in summary.annex if e.organisation.key == "grundskolenamnden").answers[0].text
    assert len(ten_thousand) == 10_000
    assert markdown.count(md_block(ten_thousand)) == 1  # in the annex; section 3 quotes its start
    assert markdown.count(LONG_WORD) == 1
    assert markdown.count(LONG_URL.replace("&", "&amp;")) == 1


def test_the_slack_preview_escapes_user_text_and_tallies_the_question(summary: Summary, texts: Texts) -> None:
    preview = render_slack_preview(summary, texts)
    assert "10 av 15 har svarat" in preview
    assert "Stadsbyggnadsnämnden 4, MKB 3, Fritidsnämnden 2" in preview
    assert "”en ny stiftelse” 1" in preview
    assert "<" not in preview.replace("&lt;", "")
    assert len(preview) < 3000  # fits one Slack section block


# -- HTML --------------------------------------------------------------------------------------------------
class _Outline(HTMLParser):
    """The parts of a page accessibility depends on."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = ""
        self.headings: list[int] = []
        self.th_without_scope = 0
        self.tables = 0
        self.captions = 0
        self.links: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang") or ""
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "th" and attributes.get("scope") not in ("col", "row"):
            self.th_without_scope += 1
        self.tables += tag == "table"
        self.captions += tag == "caption"
        if tag == "a":
            self.links.append(attributes.get("href") or "")
        if tag in ("script", "link", "img", "iframe") or attributes.get("src"):
            self.external.append(tag)


def outline(html: str) -> _Outline:
    parser = _Outline()
    parser.feed(html)
    return parser


def test_the_page_is_swedish_with_headings_in_order_and_headed_tables(html: str) -> None:
    page = outline(html)
    assert page.lang == "sv"
    assert page.headings[0] == 1 and page.headings.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:], strict=False))
    assert page.tables == page.captions > 0
    assert page.th_without_scope == 0
    assert '<meta name="viewport"' in html


def test_the_page_is_self_contained_and_links_only_to_the_web_or_itself(html: str) -> None:
    page = outline(html)
    assert page.external == []
    assert "@import" not in html and "url(" not in html
    assert all(link.startswith(("https://", "#")) for link in page.links), page.links


def test_the_page_has_every_answer_exactly_once_in_the_annex(summary: Summary, html: str) -> None:
    annex = after(html, f'<h2 id="bilaga">{escape(ANNEX)}</h2>')
    for organisation, number, text in every_answer(summary):
        for paragraph in paragraphs(text):
            assert annex.count(f'<p class="text">{escape(paragraph)}</p>') == 1, (organisation, number)


def test_user_text_on_the_page_is_text(html: str) -> None:
    assert escape(TRICKY) in html
    assert "<samverkan>" not in html and "<b>kapacitet" not in html and "<!channel>" not in html
    assert "{{ 7*7 }}" in html
    assert "Miljödirektör &lt;Katarina&gt; &amp; co" in html


def test_the_page_wraps_long_words_and_prints_with_the_case_number(html: str) -> None:
    assert "overflow-wrap: anywhere" in html
    assert escape(LONG_URL) in html and LONG_WORD in html
    assert "@media print" in html
    assert f'@top-right {{ content: "{CASE_NUMBER} · Sammanställning av remissvar"' in html


def test_the_page_shows_counts_and_tally(html: str) -> None:
    assert '<tr class="total"><th scope="row">Totalt</th><td class="num">15</td></tr>' in html
    assert '<th scope="row">Stadsbyggnadsnämnden</th><td class="num" data-label="Antal">4</td>' in html
    assert '<th scope="row" class="free">en ny stiftelse</th><td class="num" data-label="Antal">1</td>' in html


def test_on_a_phone_every_wide_table_stacks_into_one_card_per_row(html: str) -> None:
    """No table is wider than a 420 px screen: those given a min-width (wide, matrix) stack into rows with
    each value under its column's name, and the narrow-screen rules drop that min-width."""
    tables = re.findall(r'<table class="([^"]*)">(.*?)</table>', html, re.DOTALL)
    assert {"matrix", "stack"} <= {c for classes, _ in tables for c in classes.split()}
    for classes, body in tables:
        if {"wide", "matrix"} & set(classes.split()):
            assert "stack" in classes.split(), classes
        if "stack" in classes.split():
            cells = re.findall(r"<td[^>]*>", body)
            assert cells and all("data-label=" in cell for cell in cells), classes
    matrix = next(body for classes, body in tables if "matrix" in classes)
    assert '<td data-label="Fråga 4">MKB (sig själv)</td>' in matrix
    # Below a desktop's width, not only on a phone (tests/summary/test_summary_browser.py looks at 420-1200 px).
    narrow = html[html.index("@media screen and (max-width: 60rem)") :]
    assert "min-width: 0" in narrow[: narrow.index("\n}")]


# -- Word --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def document(docx_bytes: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(docx_bytes))


def test_the_word_document_uses_real_heading_styles(document: docx.document.Document) -> None:
    styled = [(p.style.name, p.text) for p in document.paragraphs if p.style is not None]
    assert styled[0] == ("Title", "Sammanställning av remissvar")
    assert [text for style, text in styled if style == "Heading 1"] == SECTION_HEADINGS
    questions = [text for style, text in styled if style == "Heading 2" and text.startswith("Fråga")]
    assert questions == ["Fråga 1", "Fråga 2", "Fråga 3", "Fråga 4"]
    annex_start = [text for _, text in styled].index(ANNEX)
    annexed = [text for style, text in styled[annex_start:] if style == "Heading 2"]
    assert len(annexed) == 10 and annexed[0] == "Svar 1: Tekniska nämnden"


def test_every_word_table_has_a_repeating_header_row(document: docx.document.Document) -> None:
    assert len(document.tables) == 8  # the overview's table of recipients follows the counts
    for table in document.tables:
        header = table.rows[0]._tr
        assert header.trPr is not None and header.trPr.find(qn("w:tblHeader")) is not None
        assert all(run.bold for cell in table.rows[0].cells for run in cell.paragraphs[0].runs)
        assert table._tbl.tblPr.find(qn("w:tblCaption")) is not None
    counts = document.tables[0]
    assert [c.text for c in counts.rows[0].cells] == ["Typ av svar", "Antal"]
    assert [c.text for c in counts.rows[6].cells] == ["Totalt", "15"]
    matrix = document.tables[3]
    assert [c.text for c in matrix.rows[0].cells] == [
        "Remissinstans",  # the kind of answer is in the overview's table
        "Fråga 1",
        "Fråga 2",
        "Fråga 3",
        "Fråga 4",
    ]
    assert len(matrix.rows) == 16


def test_the_word_document_has_the_case_number_in_its_header_and_page_numbers_in_its_footer(
    document: docx.document.Document,
) -> None:
    section = document.sections[0]
    assert CASE_NUMBER in section.header.paragraphs[0].text
    instructions = [e.text.strip() for e in section.footer._element.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert section.page_width is not None and round(section.page_width.cm, 1) == 21.0
    assert document.core_properties.title == f"{CASE_NUMBER} Sammanställning av remissvar"
    assert document.core_properties.language == "sv-SE"


def test_the_word_document_has_every_answer_exactly_once_in_the_annex(
    summary: Summary, document: docx.document.Document
) -> None:
    texts = [p.text for p in document.paragraphs]
    annex = texts[texts.index(ANNEX) :]
    for organisation, number, text in every_answer(summary):
        for paragraph in paragraphs(text):
            assert annex.count(paragraph) == 1, (organisation, number, paragraph[:40])


def test_user_text_in_word_is_kept_exactly_as_written(document: docx.document.Document) -> None:
    texts = [p.text for p in document.paragraphs]
    assert texts.count(TRICKY) == 1  # in the annex; its excerpt in section 3 is on one line, quoted
    assert sum(TRICKY in t for t in texts) == 2
    assert texts.count(MARKDOWN_LOOKALIKE) == 1  # line breaks and the tab are kept
    assert sum(LONG_WORD in t for t in texts) == 1
    declined = document.tables[6]
    assert declined.rows[2].cells[2].text == "Ingen <b>kapacitet</b> & *resurser* just_nu 🙏"


def test_the_word_document_links_attached_files(document: docx.document.Document) -> None:
    links = [r.target_ref for r in document.part.rels.values() if r.is_external]
    assert "https://files.slack.com/files-pri/T1-F0MKB/mkb.pdf" in links
    assert "https://malmo.se/remiss/STK-2023-137.pdf" in links


def test_characters_word_cannot_store_are_dropped_not_fatal(round_: Round, texts: Texts) -> None:
    from bot.adapters.summary import render_docx
    from bot.core.domain.remiss import Answer, Position, ResponseContent, ResponseKind
    from bot.core.domain.summary_check import compile_summary
    from tests.summary.round import TODAY, at

    recipient = round_.recipient("parkeringsovervakning")
    content = ResponseContent(
        ResponseKind.DELEGATION,
        (Answer(1, "Rad ett\x0brad två\x00 slut\x1b.", Position.TILLSTYRKER),),
        decided_by="VD",
    )
    recipient.submit(round_.remiss, content, "U014", at(TODAY), TODAY)
    summary = compile_summary(round_.remiss, round_.recipients, round_.directory, today=TODAY)
    document = docx.Document(io.BytesIO(render_docx(summary, texts)))
    assert "Rad ett\nrad två slut." in [p.text for p in document.paragraphs]


def test_a_title_in_the_slack_preview_can_neither_mention_nor_format(summary: Summary, texts: Texts) -> None:
    preview = render_slack_preview(replace(summary, title="<!channel> *fet* & _kursiv_ `kod`"), texts)
    first_line = preview.splitlines()[0]
    assert "&lt;!channel&gt;" in first_line and "&amp;" in first_line
    assert (
        "*\u200bfet*\u200b" in first_line and "_\u200bkursiv_\u200b" in first_line and "`\u200bkod`\u200b" in first_line
    )


# -- The table of positions: only questions with something to put in a cell -------------------------------
def _with_kinds(summary: Summary, kinds: list[QuestionKind]) -> Summary:
    return replace(summary, questions=tuple(replace(q, kind=k) for q, k in zip(summary.questions, kinds, strict=True)))


def _matrix_headers(document: bytes) -> list[str]:
    """The column names of the Word summary's table of positions (the one whose first column is Remissinstans
    and whose other columns are questions)."""
    tables = docx.Document(io.BytesIO(document)).tables
    headers = [[c.text for c in t.rows[0].cells] for t in tables]
    return next((h for h in headers if h[1:] and all(x.startswith("Fråga") for x in h[1:])), [])


def test_the_table_of_positions_leaves_out_fritext_questions_in_every_format(summary: Summary, texts: Texts) -> None:
    free, position, choice = QuestionKind.FREE_TEXT, QuestionKind.POSITION, QuestionKind.ORGANISATION_CHOICE
    mixed = _with_kinds(summary, [free, free, position, choice])
    assert mixed.position_columns == (2, 3)
    assert _matrix_headers(render_docx(mixed, texts)) == ["Remissinstans", "Fråga 3", "Fråga 4"]
    page = render_html(mixed, texts)
    matrix = page[page.index('id="matrix-caption"') : page.index("</table>", page.index('id="matrix-caption"'))]
    assert re.findall(r'<th scope="col">(Fråga \d)</th>', matrix) == ["Fråga 3", "Fråga 4"]
    assert 'data-label="Fråga 1"' not in matrix and 'data-label="Fråga 4"' in matrix
    text = render_markdown(mixed, texts)
    assert "| Remissinstans | Fråga 3 | Fråga 4 |" in text


def test_without_a_question_asking_a_position_or_an_organisation_there_is_no_table_and_it_says_so(
    summary: Summary, texts: Texts
) -> None:
    only_free = _with_kinds(summary, [QuestionKind.FREE_TEXT] * len(summary.questions))
    assert only_free.position_columns == ()
    said = "Ingen fråga ber om ett ställningstagande eller om en organisation, så här finns ingen tabell."
    assert said in render_markdown(only_free, texts)
    page = render_html(only_free, texts)
    assert said in page and 'id="matrix-caption"' not in page
    assert _matrix_headers(render_docx(only_free, texts)) == []
    assert said in "\n".join(p.text for p in docx.Document(io.BytesIO(render_docx(only_free, texts))).paragraphs)

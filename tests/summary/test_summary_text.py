"""The summary's reading aids: the Sammanfattning, a count line per question, excerpts pointing into the annex,
and the overview's row per organisation; and the annex that still holds every word of every answer."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from bot.adapters.rendering import Texts
from bot.adapters.summary import render_docx, render_html, render_markdown, render_slack_preview, summary_command
from bot.core.domain.recipient import Recipient
from bot.core.domain.remiss import Position, Question, QuestionKind, ResponseKind
from bot.core.domain.summary import Summary
from bot.core.domain.summary_check import compile_summary
from bot.core.domain.summary_text import EXCERPT_CHARS, Topic, compose, excerpt
from tests.summary.round import CASE_NUMBER, DEADLINE, RECIPIENT_KEYS, TODAY, Round, at, round_service, stk_2023_137

# Written with explicit kinds, so the counts hold whichever kinds shows_position() gives positions to: question 1
# asks for a position (ställningstagande), question 4 for an organisation.
KINDS = (QuestionKind.POSITION, QuestionKind.FREE_TEXT, QuestionKind.POSITION, QuestionKind.ORGANISATION_CHOICE)


def with_kinds(found: Round) -> Round:
    questions = tuple(Question(q.number, q.text, kind) for q, kind in zip(found.remiss.questions, KINDS, strict=True))
    return replace(found, remiss=replace(found.remiss, questions=questions))


@pytest.fixture(scope="module")
def round_kinds() -> Round:
    return with_kinds(stk_2023_137())


@pytest.fixture(scope="module")
def summary_kinds(round_kinds: Round) -> Summary:
    return compile_summary(round_kinds.remiss, round_kinds.recipients, round_kinds.directory, today=TODAY)


@pytest.fixture(scope="module")
def md_kinds(summary_kinds: Summary) -> str:
    return render_markdown(summary_kinds, Texts())


@pytest.fixture(scope="module")
def html_kinds(summary_kinds: Summary) -> str:
    return render_html(summary_kinds, Texts())


@pytest.fixture(scope="module")
def word_kinds(summary_kinds: Summary) -> docx.document.Document:
    return docx.Document(io.BytesIO(render_docx(summary_kinds, Texts())))


class _Text(HTMLParser):
    """A page's text, as a reader sees it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "".join(parser.parts)


def flat(text: str) -> str:
    return " ".join(text.split())


# -- excerpts --------------------------------------------------------------------------------------------
def test_a_short_answer_is_quoted_whole() -> None:
    assert excerpt("Nämnden tillstyrker.\n\nInga fler synpunkter.") == excerpt(
        "Nämnden tillstyrker. Inga fler synpunkter."
    )
    assert not excerpt("Nämnden tillstyrker.").cut


def test_a_long_answer_is_cut_after_its_last_whole_sentence_that_fits() -> None:
    first = "Tekniska nämnden tillstyrker att staden startar ett långsiktigt och strategiskt områdeslyft. "
    second = "Nämnden ansvarar för gator, parker, torg, renhållning och belysning i alla fjorton områden. "
    long = first + second + "Nedan redovisas de område för område. " * 10
    cut = excerpt(long)
    assert cut.cut
    assert cut.text.startswith((first + second).strip()) and cut.text.endswith("område för område.")
    assert len(cut.text) <= EXCERPT_CHARS < len(cut.text) + len(" Nedan redovisas de område för område.")
    assert long.startswith(cut.text + " ")


def test_a_numbered_item_is_not_taken_for_a_sentence_end() -> None:
    text = "1. " + "Seved får egna mål och en egen uppföljning " * 10
    cut = excerpt(text, limit=60)
    assert cut.cut and cut.text.startswith("1. Seved får egna mål och en egen uppföljning")


def test_a_first_sentence_longer_than_the_limit_is_cut_between_words() -> None:
    words = " ".join(f"ord{i}" for i in range(200))
    cut = excerpt(words)
    assert cut.cut and len(cut.text) <= EXCERPT_CHARS
    assert words.startswith(cut.text + " ")  # whole words only


# -- count lines -----------------------------------------------------------------------------------------
def test_a_position_question_counts_each_position_and_those_who_did_not_answer(
    md_kinds: str, html_kinds: str, word_kinds: docx.document.Document
) -> None:
    line = "7 tillstyrker, 1 föreslår ändringar, 1 avstyrker, 1 inga synpunkter; 2 avstod, 3 svarade inte"
    assert f"**{line}**" in md_kinds
    assert f"<strong>{line}</strong>" in html_kinds
    assert line in [p.text for p in word_kinds.paragraphs]
    # Question 3: one answered without a position ("ej angivet"), one left it blank.
    assert (
        "**3 tillstyrker, 2 föreslår ändringar, 1 avstyrker, 2 inga synpunkter, 1 ej angivet; "
        "1 lämnade frågan obesvarad, 2 avstod, 3 svarade inte**" in md_kinds
    )


def test_an_organisation_choice_question_counts_who_answered_it(md_kinds: str) -> None:
    assert "**9 svarade; 1 lämnade frågan obesvarad, 2 avstod, 3 svarade inte**" in md_kinds


# -- excerpts point into the annex -----------------------------------------------------------------------
def test_each_excerpt_is_quoted_and_points_to_the_answer_in_the_annex(
    summary_kinds: Summary, md_kinds: str, html_kinds: str, word_kinds: docx.document.Document
) -> None:
    grundskolan = next(e for e in summary_kinds.annex if e.organisation.key == "grundskolenamnden")
    number = grundskolan.number
    start = excerpt(grundskolan.answers[0].text)
    assert start.cut and start.text.startswith("Stycke 1. Grundskolenämnden arbetar")
    assert f"**Grundskolenämnden** *(tillstyrker)*: ”{start.text} …” (se bilaga, svar {number})" in md_kinds
    assert f"### Svar {number}: Grundskolenämnden" in md_kinds
    assert f'<a href="#svar-grundskolenamnden">se bilaga, svar {number}</a>' in html_kinds
    assert 'id="svar-grundskolenamnden"' in html_kinds
    body = word_kinds.element.body
    anchors = {a for link in body.iter(qn("w:hyperlink")) if (a := link.get(qn("w:anchor"))) is not None}
    bookmarks = {mark.get(qn("w:name")) for mark in body.iter(qn("w:bookmarkStart"))}
    assert f"svar_{number}" in anchors
    assert anchors <= bookmarks  # every link in the document leads somewhere
    assert len(bookmarks) == len(summary_kinds.annex)


def test_the_annex_keeps_every_word_of_every_answer_and_section_3_only_its_start(
    round_kinds: Round, md_kinds: str, html_kinds: str, word_kinds: docx.document.Document
) -> None:
    """Checked against the recipients' responses themselves, not the summary built from them."""
    annex_heading = "5. Bilaga: remissvaren i sin helhet"
    word = flat("\n".join(p.text for p in word_kinds.paragraphs))
    shown = {
        "docx": word[word.index(annex_heading) :],
        "html": flat(page_text(html_kinds).split(annex_heading)[-1]),
    }
    answers = [
        a.text for r in round_kinds.recipients if (c := r.current_response) is not None for a in c.content.answers
    ]
    assert len(answers) >= 35
    for fmt, annex in shown.items():
        for text in answers:
            assert flat(text) in annex, (fmt, text[:40])
            # No word is lost either: each word of the answer is in the annex as often as in the answer.
            for w in set(text.split()):
                assert annex.count(w) >= text.count(w), (fmt, w)
    long = next(t for t in answers if len(t) == 10_000)
    assert word.count(flat(long)) == 1  # the annex only: section 3 quotes its first sentences
    assert md_kinds.count("Stycke 40.") == 1


# -- the overview ----------------------------------------------------------------------------------------
def answered_with_overall_positions(found: Round) -> Round:
    """Tekniska nämnden and MKB state an overall position; the other answers leave it unstated."""
    for key, position in (("tekniska-namnden", Position.TILLSTYRKER), ("mkb", Position.AVSTYRKER)):
        recipient = found.recipient(key)
        current = recipient.current_response
        assert current is not None
        content = replace(current.content, overall_position=position)
        recipient.submit(found.remiss, content, recipient.officials[0], at(date(2023, 11, 28)), date(2023, 11, 28))
    return found


def test_the_overview_shows_each_overall_position_and_counts_them(texts: Texts) -> None:
    found = answered_with_overall_positions(with_kinds(stk_2023_137()))
    summary = compile_summary(found.remiss, found.recipients, found.directory, today=TODAY)
    markdown = render_markdown(summary, texts)
    assert "| MKB | yttrande | – | 24 november 2023 § 14 | avstyrker |" in markdown
    assert "Ställningstagande till förslaget som helhet: 1 tillstyrker, 1 avstyrker, 8 ej angivet." in markdown
    assert "1 tillstyrker förslaget: Tekniska nämnden." in markdown
    assert "1 avstyrker förslaget: MKB." in markdown
    # Up to eight organisations are named; more are pointed to in the overview.
    assert "8 anger inget ställningstagande till förslaget som helhet: Miljönämnden, Förskolenämnden, " in markdown
    assert (
        "10 av 15 remissinstanser har svarat, 6 med yttrande, 3 via delegation och 1 preliminärt (se översikten)."
        in markdown
    )
    assert "- **Ställningstagande till förslaget:** avstyrker" in markdown  # in MKB's answer in the annex


# -- the Sammanfattning ----------------------------------------------------------------------------------
def test_the_sammanfattning_says_only_what_the_answers_say_and_names_them(
    summary_kinds: Summary, md_kinds: str
) -> None:
    said = compose(summary_kinds).statements
    assert said == compose(summary_kinds).statements  # deterministic
    by_topic = {s.topic: s for s in said}
    assert [o.key for o in by_topic[Topic.DECLINED].organisations] == ["funktionsstodsnamnden", "kulturnamnden"]
    assert by_topic[Topic.ANSWERED].count == summary_kinds.counts.answered == 10
    intro = md_kinds[md_kinds.index("## Sammanfattning") : md_kinds.index("## 1. Översikt")]
    for sentence in (
        "10 av 15 remissinstanser har svarat, 6 med yttrande, 3 via delegation och 1 preliminärt (se översikten).",
        "I fråga 4 föreslår 4 remissinstanser Stadsbyggnadsnämnden, bland dem Stadsbyggnadsnämnden själv: "
        "Tekniska nämnden, Miljönämnden, Arbetsmarknads- och socialnämnden och Stadsbyggnadsnämnden.",
        "I fråga 4 föreslår 3 remissinstanser sig själva: Stadsbyggnadsnämnden, MKB och Fritidsnämnden.",
        "I fråga 4 har 1 remissinstans ett förslag som inte finns i organisationskatalogen: "
        "Hälsa-, vård- och omsorgsnämnden.",
        "2 remissinstanser avstår från att yttra sig: Funktionsstödsnämnden och Kulturnämnden.",
        "2 remissinstanser har inte svarat trots att sista svarsdatum har passerat: "
        "Gymnasie- och vuxenutbildningsnämnden och Parkeringsövervakning i Malmö AB.",
        "För 1 remissinstans har sista svarsdatum inte passerat än: Servicenämnden.",
        "2 remissinstanser har fått anstånd: Hälsa-, vård- och omsorgsnämnden och Servicenämnden.",
        "1 svar kom in efter sista svarsdatum: Arbetsmarknads- och socialnämnden.",
        "1 svar är preliminärt och väntar på ett slutligt beslut: Förskolenämnden.",
    ):
        assert sentence in intro, sentence


def test_in_html_each_statement_links_the_answers_it_rests_on(html_kinds: str) -> None:
    statements = re.findall(r'<p class="statement">(.*?)</p>', html_kinds)
    assert statements
    for statement in statements:
        for target in re.findall(r'href="#([^"]+)"', statement):
            assert f'id="{target}"' in html_kinds, target
    declined = next(s for s in statements if "avstår från att yttra sig" in s)
    # No answer in the annex: the link goes to the organisation's row in the overview.
    assert '<a href="#rad-kulturnamnden">Kulturnämnden</a>' in declined
    proposed = next(s for s in statements if "sig själva" in s)
    assert '<a href="#svar-mkb">MKB</a>' in proposed


# -- before anyone has answered ---------------------------------------------------------------------------
def nobody_answered() -> Round:
    found = stk_2023_137()
    fresh = [Recipient(CASE_NUMBER, key, (f"U{i:03d}",), DEADLINE) for i, key in enumerate(RECIPIENT_KEYS)]
    return replace(found, recipients=fresh)


def test_a_summary_before_anyone_answered_says_so_and_lists_who_was_asked(texts: Texts) -> None:
    found = nobody_answered()
    summary = compile_summary(found.remiss, found.recipients, found.directory, today=date(2023, 10, 10))
    markdown = render_markdown(summary, texts)
    assert (
        "Inga svar har kommit in än. Remissen har skickats till 15 remissinstanser (se översikten). "
        "Sista svarsdatum är 30 november 2023." in markdown
    )
    missing = markdown[markdown.index("### Inget svar") :]
    for key in RECIPIENT_KEYS:
        name = found.directory.get(key)
        assert name is not None and f"| {name.name} | 30 november 2023 | svarstiden löper |" in missing
    assert "Inga svar har kommit in än." in page_text(render_html(summary, texts))
    word = docx.Document(io.BytesIO(render_docx(summary, texts)))
    assert any(p.text.startswith("Inga svar har kommit in än.") for p in word.paragraphs)
    assert render_slack_preview(summary, texts).splitlines()[2].startswith("*Inga svar har kommit in än.*")


def test_the_summary_command_writes_a_summary_before_anyone_answered(texts: Texts, tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = summary_command(round_service(nobody_answered()), texts, CASE_NUMBER, ["md"], tmp_path, out, err)
    assert code == 0, err.getvalue()
    markdown = next(tmp_path.iterdir()).read_text(encoding="utf-8")
    assert "Inga svar har kommit in än." in markdown
    assert markdown.count("| försenad |") == 15  # on 20 December every deadline has passed


def test_kinds_of_answer_are_counted_in_the_first_statement(summary_kinds: Summary) -> None:
    answered = compose(summary_kinds).statements[0]
    assert answered.topic is Topic.ANSWERED
    assert dict(answered.kinds) == {
        ResponseKind.YTTRANDE: 6,
        ResponseKind.DELEGATION: 3,
        ResponseKind.PRELIMINARY: 1,
    }

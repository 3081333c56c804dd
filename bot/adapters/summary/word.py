"""The summary as an ordinary, editable Word document: real headings, real tables, page header and numbers."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from lxml.etree import SubElement  # python-docx builds on lxml

from bot.adapters.rendering import Texts
from bot.adapters.summary._common import Words, clean, is_web_link, one_line, paragraphs, statement_text
from bot.adapters.summary.word_xml import (
    Look,
    add_bookmark,
    add_internal_link,
    add_text,
    keep_row_together,
    set_default_language,
    set_table_caption,
    shade,
    text_with_fields,
)
from bot.core.domain.remiss import Position
from bot.core.domain.summary import AnnexEntry, AnswerEntry, DeclinedEntry, QuestionSection, Summary
from bot.core.domain.summary_text import Statement, SummaryText, compose, excerpt

A4_WIDTH, A4_HEIGHT = Cm(21.0), Cm(29.7)
MARGIN = Cm(2.2)
TEXT_WIDTH_CM = 21.0 - 2 * 2.2
LANDSCAPE_TEXT_WIDTH_CM = 29.7 - 2 * 2.2
# With more questions than this the table of positions gets its own landscape pages.
PORTRAIT_QUESTIONS = 5
HEADER_FILL = "DCE6F0"
BODY_FONT = "Arial"
BODY_PT = 10
PARAGRAPH_AFTER_PT = 5
LINE_SPACING = 1.08
HEADING_BEFORE_PT = (18, 10, 6, 6)  # space before headings of level 1–4
DATE_CM = 4.0  # "30 november 2023" on one line
AVERAGE_EM = 0.58  # an Arial character's width in em, on the wide side so a long word always fits
CELL_PADDING_CM = 0.45  # a table cell's left and right margins together, with some room
LINK_COLOUR = RGBColor(0x05, 0x63, 0xC1)
MUTED = RGBColor(0x4A, 0x4A, 0x4A)
_W_P, _W_PPR, _W_PSTYLE, _W_VAL = qn("w:p"), qn("w:pPr"), qn("w:pStyle"), qn("w:val")
_SOFT_HYPHEN = "\u00ad"


@dataclass(frozen=True)
class _Column:
    heading: str
    width_cm: float
    numeric: bool = False


def render_docx(summary: Summary, texts: Texts) -> bytes:
    """The whole summary as a .docx file's bytes."""
    builder = _Builder(summary, Words(texts))
    builder.build()
    out = io.BytesIO()
    builder.doc.save(out)
    return out.getvalue()


class _Builder:
    """Lays the summary out in python-docx structures; every word comes from the templates."""

    def __init__(self, summary: Summary, words: Words) -> None:
        self.s = summary
        self.w = words
        self.t: SummaryText = compose(summary)
        self._bookmarks = 0
        # The next plain paragraph follows a table: it gets room above, so a note never touches the table.
        self._after_table = False
        self.doc: DocumentObject = Document()
        styles = ("Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Heading 4", "Caption", "List Bullet")
        self._style_ids = {name: self.doc.styles[name].style_id for name in styles}
        self._table_style = self.doc.styles["Table Grid"]
        self._body = self.doc._body
        self._end_of_body = self.doc.element.body.get_or_add_sectPr()

    # -- the document ----------------------------------------------------------------------------------
    def build(self) -> None:
        self._set_up_page()
        self._front()
        self._summary_statements()
        self._overview()
        self._positions()
        self.heading(self.w("section_questions"), 1)
        for section in self.s.sections:
            self._question(section)
        self._declined_and_missing()
        self._annex()

    def _set_up_page(self) -> None:
        s, w, doc = self.s, self.w, self.doc
        section = doc.sections[0]
        section.page_width, section.page_height = A4_WIDTH, A4_HEIGHT
        section.left_margin = section.right_margin = MARGIN
        section.top_margin = section.bottom_margin = MARGIN
        header = section.header.paragraphs[0]
        header.text = w("page_header", s.case_number)
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        text_with_fields(footer, w("page_footer"))
        props = doc.core_properties
        props.title = w("file_stem", s.case_number)
        props.subject = one_line(s.title)
        props.author = one_line(s.sender)
        props.language = "sv-SE"
        props.keywords = one_line(s.case_number)
        set_default_language(doc, "sv-SE")
        # Arial is on every office computer and has a metric twin in LibreOffice (Liberation Sans), so the
        # tables' column widths, worked out from it, hold wherever the document is opened.
        normal = doc.styles["Normal"].font
        normal.name = BODY_FONT
        normal.size = Pt(BODY_PT)
        # Word's defaults (10 pt after each paragraph, 1.15 lines) spread a summary of short answers over
        # twice the pages it needs; these keep it airy and about half as long.
        spacing = doc.styles["Normal"].paragraph_format
        spacing.space_after = Pt(PARAGRAPH_AFTER_PT)
        spacing.line_spacing = LINE_SPACING
        for level, before in enumerate(HEADING_BEFORE_PT, start=1):
            doc.styles[f"Heading {level}"].paragraph_format.space_before = Pt(before)

    def _front(self) -> None:
        self.paragraph(self.w("document_title"), "Title")
        self.paragraph(self.w("subtitle", self.s.case_number, one_line(self.s.title)), "Subtitle")
        if self.s.still_open:
            self.paragraph(self.w("early_note", len(self.s.still_open)), look=Look(bold=True))

    def _overview(self) -> None:
        s, w = self.s, self.w
        self.heading(w("section_overview"), 1)
        facts = [
            ("case_number", s.case_number),
            ("title", one_line(s.title)),
            ("sender", one_line(s.sender)),
            *([("contact", one_line(s.contact))] if s.contact else []),
            ("sent", self._date(s.sent_at) if s.sent_at else w("not_sent")),
            ("deadline", self._date(s.deadline)),
            ("compiled", self._date(s.compiled_on)),
            ("recipients", str(s.counts.recipients)),
        ]
        for name, value in facts:
            self.labelled(w("fact_label", name), value)
        if s.documents:
            self.labelled_links(w("fact_label", "documents"), [(d.title, d.url) for d in s.documents])

        self.heading(w("questions_heading"), 2)
        for q in s.questions:
            self.labelled(w("question_label", q.number), one_line(q.text) + w("question_kind_note", q.kind.value))

        self.heading(w("counts_heading"), 2)
        rows = [
            [w("count_label", name), str(getattr(s.counts, name))]
            for name in ("yttrande", "delegation", "preliminary", "declined", "no_answer", "recipients", "late")
        ]
        self.table(
            w("counts_caption"),
            [_Column(w("counts_column", "kind"), 11.0), _Column(w("counts_column", "count"), 3.0, numeric=True)],
            rows,
            bold_rows={5},
        )

        self._overview_table()
        self.heading(w("extensions_heading"), 2)
        if not s.extensions:
            self.paragraph(w("no_extensions"))
            return
        columns = [
            _Column(w("extension_column", "organisation"), 3.8),
            _Column(w("extension_column", "previous"), 2.6),
            _Column(w("extension_column", "new"), 2.6),
            _Column(w("extension_column", "granted"), 3.2),
            _Column(w("extension_column", "reason"), TEXT_WIDTH_CM - 12.2),
        ]
        self.table(
            w("extensions_caption"),
            columns,
            [
                [
                    e.organisation.name,
                    self._date(e.previous_deadline),
                    self._date(e.new_deadline),
                    w("extension_granted", e.granted_at, one_line(e.granted_by)),
                    one_line(e.reason),
                ]
                for e in s.extensions
            ],
        )

    def _summary_statements(self) -> None:
        """The Sammanfattning: one paragraph per statement, naming the organisations it rests on."""
        w = self.w
        self.heading(w("section_summary"), 1)
        self.muted(w("summary_intro"))
        for statement in self.t.statements:
            self.paragraph(self._statement(statement))

    def _statement(self, statement: Statement) -> str:
        return statement_text(self.w, statement)

    def _overview_table(self) -> None:
        """One row per recipient: how it answered, its own diarienummer, who decided when, its overall position."""
        w = self.w
        self.heading(w("overview_heading"), 2)
        columns = [
            _Column(w("overview_column", "organisation"), 4.4),
            _Column(w("overview_column", "kind"), 2.6),
            _Column(w("overview_column", "their"), 2.6),
            _Column(w("overview_column", "decision"), TEXT_WIDTH_CM - 12.0),
            _Column(w("overview_column", "position"), 2.4),
        ]
        rows = [
            [
                row.organisation.name,
                w("overview_kind", row.kind.value if row.kind else "", row.late),
                one_line(row.their_case_number) or "–",
                w(
                    "overview_decision",
                    row.kind.value if row.kind else "",
                    row.deciding_body.value if row.deciding_body else "",
                    one_line(row.decided_by),
                    row.decision_date,
                    one_line(row.paragraph),
                    row.planned_board_date,
                )
                if row.annex_number is not None
                else "–",
                w("overview_position", row.overall_position.value if row.overall_position else ""),
            ]
            for row in self.t.overview
        ]
        self.table(w("overview_caption"), columns, rows, font_size=Pt(9))
        self.paragraph(w("overall_positions_line", self.t.overall_positions))

    def _positions(self) -> None:
        s, w = self.s, self.w
        shown = s.position_columns
        wide = len(shown) > PORTRAIT_QUESTIONS
        if wide:
            self._new_section(landscape=True)
        self.heading(w("section_positions"), 1)
        if not shown:
            self.paragraph(w("no_position_questions"))
            return
        self.paragraph(w("positions_intro"))
        width = LANDSCAPE_TEXT_WIDTH_CM if wide else TEXT_WIDTH_CM
        # The kind of answer is in the overview's table; here only the questions share the width.
        name_cm = 4.4
        question_cm = (width - name_cm) / len(shown)
        columns = [
            _Column(w("positions_column", "organisation"), name_cm),
            *(_Column(w("question_label", s.questions[i].number), question_cm) for i in shown),
        ]
        rows = [
            [
                row.organisation.name,
                *(
                    ", ".join(w("proposal", c.written, c.own) for c in row.proposals_to(i))
                    or _position_cell(w, row.positions[i], row.in_document)
                    for i in shown
                ),
            ]
            for row in s.positions
        ]
        self.table(w("positions_caption"), columns, rows, font_size=Pt(9))
        self.paragraph(w("positions_legend"))
        if wide:
            self._new_section(landscape=False)

    def _question(self, section: QuestionSection) -> None:
        w = self.w
        self.heading(w("question_label", section.question.number), 2)
        for p in paragraphs(section.question.text):
            self.paragraph(p, look=Look(italic=True))
        self.paragraph(w("question_count", self.t.count_of(section.question.number)), look=Look(bold=True))
        if not section.answers and not section.in_document:
            self.paragraph(w("no_answers_to_question"))
        for answer in section.answers:
            self._excerpt(answer)
        if section.in_document:
            self.muted(w("answered_in_document", ", ".join(o.name for o in section.in_document)))
        if section.not_answered:
            self.muted(w("not_answered", ", ".join(o.name for o in section.not_answered)))
        if section.tally is None:
            return
        tally = section.tally
        self.heading(w("tally_heading"), 3)
        self.paragraph(w("tally_intro"))
        columns = [
            _Column(w("tally_column", "organisation"), 5.0),
            _Column(w("tally_column", "count"), 1.8, numeric=True),
            _Column(w("tally_column", "named_by"), TEXT_WIDTH_CM - 6.8),
        ]
        if tally.matched:
            rows = [
                [
                    line.written,
                    str(line.count),
                    ", ".join(w("proposal", o.name, line.is_self_nomination(o)) for o in line.named_by),
                ]
                for line in tally.matched
            ]
            self.table(w("tally_caption"), columns, rows)
        else:
            self.paragraph(w("tally_none"))
        if tally.unmatched:
            self.heading(w("unmatched_heading"), 4)
            columns[0] = _Column(w("unmatched_column", "written"), 5.0)
            rows = [
                [one_line(line.written), str(line.count), ", ".join(o.name for o in line.named_by)]
                for line in tally.unmatched
            ]
            self.table(w("unmatched_caption"), columns, rows, show_caption=False)

    def _excerpt(self, answer: AnswerEntry) -> None:
        """The answer's start, quoted, after its organisation, with a link to the answer in full in the annex."""
        w = self.w
        line = self.paragraph()
        line.paragraph_format.space_after = Pt(4)
        add_text(line._p, answer.organisation.name, Look(bold=True))
        position = answer.position.value if answer.position else ""
        meta = w("excerpt_meta", position, answer.late, answer.after_close, answer.from_document)
        if meta:
            add_text(line._p, f" ({meta})", Look(italic=True, colour=MUTED))
        cut = excerpt(answer.text)
        add_text(line._p, ": " + w("excerpt_text", cut.text, cut.cut) + " (")
        number = self.t.annex_number(answer.organisation.key)
        self.internal_link(line, w("annex_pointer", number), _bookmark(number))
        add_text(line._p, ")")

    def _declined_and_missing(self) -> None:
        s, w = self.s, self.w
        self.heading(w("section_declined_missing"), 1)
        declined = [
            [d.organisation.name, self._declined_on(d), one_line(d.reason) or w("no_reason")] for d in s.declined
        ]
        self._table_or_none("declined", [("organisation", 5.0), ("date", DATE_CM)], "reason", declined)
        missing = [
            [m.organisation.name, self._date(m.deadline), w("missing_state", m.overdue, m.withdrawn_version)]
            for m in s.missing
        ]
        self._table_or_none("missing", [("organisation", 6.0), ("deadline", DATE_CM)], "state", missing)

    def _table_or_none(
        self, name: str, fixed: Sequence[tuple[str, float]], last: str, rows: Sequence[Sequence[str]]
    ) -> None:
        """Under the heading `{name}_heading`: a table of `rows` (columns `fixed` wide, and `last` taking the
        rest of the text width), or the sentence `none_{name}` when there are none."""
        w = self.w
        self.heading(w(f"{name}_heading"), 2)
        if not rows:
            self.paragraph(w(f"none_{name}"))
            return
        columns = [_Column(w(f"{name}_column", key), width) for key, width in fixed]
        columns.append(_Column(w(f"{name}_column", last), TEXT_WIDTH_CM - sum(width for _, width in fixed)))
        self.table(w(f"{name}_caption"), columns, rows)

    def _annex(self) -> None:
        w = self.w
        self.heading(w("section_annex"), 1)
        self.paragraph(w("annex_intro"))
        for entry in self.s.annex:
            self._annex_entry(entry)

    def _annex_entry(self, entry: AnnexEntry) -> None:
        w = self.w
        content = entry.response.content
        heading = self.heading(w("annex_entry_heading", entry.number, entry.organisation.name), 2)
        self.bookmark(heading, _bookmark(entry.number))
        # Short facts share a line (the annex is most of the document's pages); each keeps its label.
        facts = [
            (w("annex_label", "kind"), w("response_kind_label", entry.kind.value)),
            (w("annex_label", "overall_position"), w("position_label", content.overall_position.value)),
        ]
        if content.their_case_number:
            facts.append((w("annex_label", "their_case_number"), one_line(content.their_case_number)))
        self.labelled_line(facts)
        decision = w(
            "decision",
            entry.kind.value,
            content.meeting_date,
            one_line(content.paragraph),
            one_line(content.decided_by),
            content.planned_board_date,
            content.deciding_body.value if content.deciding_body else "",
        )
        self.labelled(w("annex_label", "decision"), decision)
        if (p := entry.replaced_preliminary) is not None:
            replaced = w("replaced_preliminary", p.version, p.submitted_at, p.changed_questions)
            self.labelled(w("annex_label", "preliminary"), replaced)
        submitted = w(
            "submitted", entry.response.submitted_at, entry.response.version, entry.late, entry.response.after_close
        )
        self.labelled_line(
            [(w("annex_label", "submitted"), submitted), (w("annex_label", "author"), one_line(entry.author))]
        )
        if entry.attachments:
            self.labelled_links(w("annex_label", "attachments"), [(a.name, a.url) for a in entry.attachments])
            for a in entry.attachments:
                if a.is_stored:
                    self.paragraph(w("stored_file", one_line(a.name), a.size, a.sha256), "List Bullet")
        # One version is the one just described; the history lists them when there are more.
        if len(entry.history) > 1:
            self.labelled(w("annex_label", "history"), "")
        for v in entry.history if len(entry.history) > 1 else ():
            line = w(
                "version_line",
                v.version,
                v.submitted_at,
                one_line(v.author),
                v.kind.value,
                v.changed_questions,
                one_line(v.change_reason),
            )
            self.paragraph(line, "List Bullet")
        for answer in entry.answers:
            position = answer.position.value if answer.text and answer.position is not None else ""
            self.heading(w("annex_question_heading", answer.question_number, position), 3)
            if answer.text:
                if answer.from_document:
                    self.muted(w("from_document"))
                self.user_text(answer.text)
            else:
                self.muted(w("in_document" if answer.in_document else "blank_answer"))
        for name, text in entry.document_texts:
            self.heading(w("document_text_heading", one_line(name)), 3)
            self.user_text(text)
        for name in entry.unreadable_documents:
            self.muted(w("unreadable_document", one_line(name)))

    # -- building blocks -------------------------------------------------------------------------------
    def _date(self, value: date | datetime) -> str:
        return self.w("date", value)

    def _declined_on(self, declined: DeclinedEntry) -> str:
        """The day it declined, marked when that was after the remiss was closed."""
        day = self._date(declined.declined_at)
        return f"{day} ({self.w('after_close_mark')})" if declined.after_close else day

    def paragraph(self, text: str = "", style: str | None = None, look: Look | None = None) -> Paragraph:
        # Inserted right before the body's closing section properties: python-docx's add_paragraph looks
        # that element up among all the body's children every time, which grows with the square of the
        # document's length.
        element = self._end_of_body.makeelement(_W_P, {})
        self._end_of_body.addprevious(element)
        if style is not None:
            properties = SubElement(element, _W_PPR)
            SubElement(properties, _W_PSTYLE).set(_W_VAL, self._style_ids[style])
        if text:
            add_text(element, text, look)
        paragraph = Paragraph(element, self._body)
        if self._after_table and style is None:
            paragraph.paragraph_format.space_before = Pt(6)
        self._after_table = False
        return paragraph

    def heading(self, text: str, level: int, *, new_page: bool = False) -> Paragraph:
        """A real heading style, so Word's navigation pane and table of contents see it."""
        p = self.paragraph(one_line(text), f"Heading {level}")
        if new_page:
            p.paragraph_format.page_break_before = True
        return p

    def muted(self, text: str) -> None:
        self.paragraph(text, look=Look(italic=True, colour=MUTED))

    def labelled(self, label: str, value: str) -> Paragraph:
        p = self.paragraph()
        p.paragraph_format.space_after = Pt(2)
        add_text(p._p, f"{label}: ", Look(bold=True))
        if value:
            add_text(p._p, value)
        return p

    def labelled_line(self, facts: Sequence[tuple[str, str]]) -> None:
        """Several `label: value` on one line, separated by a middle dot."""
        p = self.labelled(*facts[0])
        for label, value in facts[1:]:
            add_text(p._p, " · ")
            add_text(p._p, f"{label}: ", Look(bold=True))
            add_text(p._p, value)

    def user_text(self, text: str) -> None:
        """User text as written: a paragraph per paragraph, its line breaks and tabs kept."""
        for p in paragraphs(text):
            self.paragraph(p)

    def bookmark(self, paragraph: Paragraph, name: str) -> None:
        self._bookmarks += 1
        add_bookmark(paragraph, self._bookmarks, name)

    def internal_link(self, paragraph: Paragraph, text: str, bookmark: str) -> None:
        add_internal_link(paragraph, text, bookmark, LINK_COLOUR)

    def labelled_links(self, label: str, links: Sequence[tuple[str, str]]) -> None:
        """`label`, then each (text, url) as a link, separated by commas."""
        p = self.labelled(label, "")
        for i, (text, url) in enumerate(links):
            if i:
                add_text(p._p, ", ")
            self.link(p, one_line(text), url)

    def link(self, paragraph: Paragraph, text: str, url: str) -> None:
        """A clickable link for http(s) addresses; anything else stays text."""
        if not is_web_link(url):
            add_text(paragraph._p, text)
            return
        r_id = paragraph.part.relate_to(clean(url).strip(), RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        hyperlink = OxmlElement("w:hyperlink")
        hyperlink.set(qn("r:id"), r_id)
        run = OxmlElement("w:r")
        properties = OxmlElement("w:rPr")
        colour = OxmlElement("w:color")
        colour.set(qn("w:val"), str(LINK_COLOUR))
        underline = OxmlElement("w:u")
        underline.set(qn("w:val"), "single")
        properties.append(colour)
        properties.append(underline)
        run.append(properties)
        text_element = OxmlElement("w:t")
        text_element.text = text
        text_element.set(qn("xml:space"), "preserve")
        run.append(text_element)
        hyperlink.append(run)
        paragraph._p.append(hyperlink)

    def table(
        self,
        caption: str,
        columns: Sequence[_Column],
        rows: Sequence[Sequence[str]],
        *,
        bold_rows: set[int] | None = None,
        font_size: Pt | None = None,
        show_caption: bool = True,
    ) -> None:
        """A real table: caption above, a header row that repeats on every page, fixed column widths.

        Fixed widths make Word and LibreOffice keep the table's width; each column is made at least as wide
        as its longest word (see _fitted_widths), so they wrap only between words, never inside one.
        """
        if show_caption:
            self.paragraph(caption, "Caption").paragraph_format.keep_with_next = True
        table = self.doc.add_table(rows=1 + len(rows), cols=len(columns))
        table.style = self._table_style
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        table.autofit = False
        set_table_caption(table, caption)
        widths = [Cm(cm) for cm in _fitted_widths(columns, rows, font_size)]
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        for index, row in enumerate(table.rows):
            is_header = index == 0
            values = [c.heading for c in columns] if is_header else rows[index - 1]
            bold = is_header or (bold_rows is not None and index - 1 in bold_rows)
            look = Look(bold=bold, size=font_size)
            for cell, value, width, column in zip(row.cells, values, widths, columns, strict=True):
                cell.width = width
                paragraph = cell.paragraphs[0]
                if column.numeric:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                add_text(paragraph._p, value, look)
                if is_header:
                    shade(cell._tc, HEADER_FILL)
            keep_row_together(row._tr, repeat=is_header)
        self._after_table = True

    def _new_section(self, *, landscape: bool) -> None:
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (A4_HEIGHT, A4_WIDTH) if landscape else (A4_WIDTH, A4_HEIGHT)


def _fitted_widths(columns: Sequence[_Column], rows: Sequence[Sequence[str]], font_size: Pt | None) -> list[float]:
    """Column widths (cm) summing to the table's planned width, each at least its longest word's width.

    A word is estimated at AVERAGE_EM em per character (generous for Calibri, the default font), plus the
    cell's left and right margins; columns wider than their longest word give up width to the narrower.
    """
    size_cm = (font_size.pt if font_size is not None else BODY_PT) / 72 * 2.54
    longest = [max((len(word) for word in _words(c.heading)), default=0) for c in columns]
    for row in rows:
        for i, value in enumerate(row):
            longest[i] = max(longest[i], max((len(word) for word in _words(value)), default=0))
    needed = [n * AVERAGE_EM * size_cm + CELL_PADDING_CM for n in longest]
    planned = [c.width_cm for c in columns]
    total = sum(planned)
    widths = [max(p, n) for p, n in zip(planned, needed, strict=True)]
    excess = sum(widths) - total
    slack = [w - n if w > n else 0.0 for w, n in zip(widths, needed, strict=True)]
    if excess > 0 and sum(slack) > 0:
        give = min(1.0, excess / sum(slack))
        widths = [w - s * give for w, s in zip(widths, slack, strict=True)]
    return widths


def _bookmark(number: int) -> str:
    """The bookmark of answer `number` in the annex."""
    return f"svar_{number}"


def _words(text: str) -> list[str]:
    """The pieces a line may break between: words, and the parts of a word with a soft hyphen."""
    return text.replace(_SOFT_HYPHEN, " ").split()


def _position_cell(w: Words, position: Position | None, in_document: bool) -> str:
    """A cell of the positions table: the position, or where the answer is when it has none."""
    if position is not None:
        return w("position_label", position.value)
    return w("in_document_position" if in_document else "no_position")

"""The Word XML that python-docx has no API for: runs with a look, fields, bookmarks, table row and cell details."""

from __future__ import annotations

import re
from dataclasses import dataclass

from docx.document import Document as DocumentObject
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row, CT_Tc
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml.etree import SubElement  # python-docx builds on lxml

from bot.adapters.summary._common import clean, one_line

_W_R, _W_RPR, _W_T, _W_BR, _W_TAB, _W_VAL = qn("w:r"), qn("w:rPr"), qn("w:t"), qn("w:br"), qn("w:tab"), qn("w:val")
_W_B, _W_I, _W_COLOR, _W_SZ, _W_PPR = qn("w:b"), qn("w:i"), qn("w:color"), qn("w:sz"), qn("w:pPr")
_XML_SPACE = qn("xml:space")
_FIELD = re.compile(r"\[(PAGE|NUMPAGES)\]")
_FIELD_PLACEHOLDER = "1"


@dataclass(frozen=True)
class Look:
    """How a run looks, written as w:rPr (its children in the order the schema wants)."""

    bold: bool = False
    italic: bool = False
    colour: RGBColor | None = None
    size: Pt | None = None

    def apply(self, run: BaseOxmlElement) -> None:
        if not (self.bold or self.italic or self.colour or self.size):
            return
        properties = SubElement(run, _W_RPR)
        if self.bold:
            SubElement(properties, _W_B)
        if self.italic:
            SubElement(properties, _W_I)
        if self.colour is not None:
            SubElement(properties, _W_COLOR).set(_W_VAL, str(self.colour))
        if self.size is not None:
            SubElement(properties, _W_SZ).set(_W_VAL, str(round(self.size.pt * 2)))


# -- XML details python-docx has no API for --------------------------------------------------------------
def add_text(p: BaseOxmlElement, text: str, look: Look | None = None) -> None:
    """A run of text at the end of a paragraph: lines become line breaks, tabs become tabs.

    Built with lxml directly: python-docx's run.text handles one character at a time, too slow for a
    summary of hundreds of long answers.
    """
    run = SubElement(p, _W_R)
    if look is not None:
        look.apply(run)
    for i, line in enumerate(clean(text).split("\n")):
        if i:
            SubElement(run, _W_BR)
        for j, piece in enumerate(line.split("\t")):
            if j:
                SubElement(run, _W_TAB)
            if piece:
                t = SubElement(run, _W_T)
                t.text = piece
                if piece[0].isspace() or piece[-1].isspace():
                    t.set(_XML_SPACE, "preserve")


def text_with_fields(paragraph: Paragraph, text: str) -> None:
    """Text where [PAGE] and [NUMPAGES] become Word fields, updated by Word and LibreOffice on display."""
    position = 0
    for match in _FIELD.finditer(text):
        if match.start() > position:
            add_text(paragraph._p, text[position : match.start()])
        add_field(paragraph, match.group(1))
        position = match.end()
    if position < len(text):
        add_text(paragraph._p, text[position:])


def add_field(paragraph: Paragraph, instruction: str) -> None:
    def char(kind: str) -> object:
        run = OxmlElement("w:r")
        field_char = OxmlElement("w:fldChar")
        field_char.set(qn("w:fldCharType"), kind)
        run.append(field_char)
        return run

    code = OxmlElement("w:r")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    code.append(instr)
    result = OxmlElement("w:r")
    result_text = OxmlElement("w:t")
    result_text.text = _FIELD_PLACEHOLDER
    result.append(result_text)
    for element in (char("begin"), code, char("separate"), result, char("end")):
        paragraph._p.append(element)


def keep_row_together(tr: CT_Row, *, repeat: bool) -> None:
    """w:cantSplit keeps a row on one page; w:tblHeader repeats the header row on every page of the table."""
    properties = tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if repeat:
        properties.append(OxmlElement("w:tblHeader"))


def shade(tc: CT_Tc, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    tc.get_or_add_tcPr().append(shading)


def set_table_caption(table: Table, caption: str) -> None:
    """The table's title for screen readers (Word's "Alternativ text")."""
    element = OxmlElement("w:tblCaption")
    element.set(qn("w:val"), one_line(caption))
    table._tbl.tblPr.append(element)


def set_default_language(doc: DocumentObject, language: str) -> None:
    """Swedish spelling and hyphenation for the whole document."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        return
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:
        return
    properties = run_defaults.find(qn("w:rPr"))
    if properties is None:
        return
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        properties.append(lang)
    lang.set(qn("w:val"), language)
    lang.set(qn("w:eastAsia"), language)


def add_bookmark(paragraph: Paragraph, bookmark_id: int, name: str) -> None:
    """A Word bookmark around the paragraph's text, for internal links (and Word's Go To)."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(bookmark_id))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(bookmark_id))
    properties = paragraph._p.find(_W_PPR)
    if properties is not None:
        properties.addnext(start)
    else:
        paragraph._p.insert(0, start)
    paragraph._p.append(end)


def add_internal_link(paragraph: Paragraph, text: str, bookmark: str, colour: RGBColor) -> None:
    """A link to a bookmark in the same document (Ctrl+click in Word), underlined in `colour`."""
    hyperlink = OxmlElement("w:hyperlink")
    hyperlink.set(qn("w:anchor"), bookmark)
    hyperlink.set(qn("w:history"), "1")
    run = SubElement(hyperlink, _W_R)
    properties = SubElement(run, _W_RPR)
    SubElement(properties, _W_COLOR).set(_W_VAL, str(colour))
    SubElement(properties, qn("w:u")).set(_W_VAL, "single")
    SubElement(run, _W_T).text = text
    paragraph._p.append(hyperlink)

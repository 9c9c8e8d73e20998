"""Word's built-in styles restyled from the theme: names by heading level and list depth, fonts
for every script slot, sizes and the document language."""

from __future__ import annotations

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from pipeline.render.docx.oxml import (_RPR_AFTER_LANG, _THEME_FONT_ATTRIBUTES, _copy_numbering, _insert_before,
                                       _set_paragraph_border)


class _StyleSetUp:
    """The part of the writer (pipeline.render.docx.document._DocxWriter) that restyles Word's
    built-in styles from the theme."""

    def _adopt_reference_styles(self) -> None:
        """The reference's styles, page set-up, headers and footers stay as they are; a style the
        writer needs and the reference lacks is copied from the built-in template, with a warning."""
        import copy

        missing = [name for name in USED_STYLES if name not in self.style_ids]
        if not missing:
            return
        template = docx.Document()
        template_ids = {style.name: style for style in template.styles}
        for name in missing:
            style = template_ids[name]
            element = copy.deepcopy(style.element)
            num_pr = element.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            if num_pr is not None:
                _copy_numbering(template, self.document, num_pr)
            self.document.styles.element.append(element)
            self.style_ids[name] = style.style_id
        self.job.warn(f"DOCX: the reference document {self.reference.name} has no "
                      f"{', '.join(repr(n) for n in missing)} style; brief's own is used")

    # -- headers and footers ---------------------------------------------------------------------------

    def _set_up_styles(self, language: str) -> None:
        theme, styles = self.theme, self.document.styles
        # The template's styles name theme fonts (Calibri, Cambria), which win over named fonts.
        _remove_theme_fonts(styles.element)
        # The house style has no italics (they are hard to read): Word's Quote style is italic.
        _remove_italics(styles.element)

        normal = styles["Normal"]
        _set_font_size(normal, theme.body_size_pt)
        normal.font.color.rgb = self._colour("text")
        normal.paragraph_format.line_spacing = theme.line_spacing
        _set_font_slots(normal.element.get_or_add_rPr(), theme.body_fonts[0])
        _set_language(normal.element.get_or_add_rPr(), language)

        if theme.heading_fonts:
            for name in ("Title", "Heading 1", "Heading 2", DEEPEST_HEADING_STYLE):
                _set_font_slots(styles[name].element.get_or_add_rPr(), theme.heading_fonts[0])

        title = styles["Title"]
        _set_font_size(title, theme.title_size_pt)
        title.font.bold = True  # as the PDF's title
        title.font.color.rgb = self._colour("title")
        # Word's Title has a rule under it and wide spacing; the PDF's title has neither.
        _remove_paragraph_border(title.element.get_or_add_pPr())
        title.paragraph_format.space_after = Pt(theme.title_size_pt * 0.4)

        footer = styles["Footer"]  # the page number and footer text, small and muted as in the PDF
        _set_font_size(footer, max(theme.body_size_pt * 0.75, 6))
        footer.font.color.rgb = self._colour("muted")

        for name, size in (("Heading 1", theme.heading1_size_pt), ("Heading 2", theme.heading2_size_pt),
                           (DEEPEST_HEADING_STYLE, None)):
            heading = styles[name]
            heading.font.color.rgb = self._colour("heading")
            if size is not None:
                _set_font_size(heading, size)

        quote = styles["Quote"]
        # Quoted words in the text colour and the attribution muted under them, as in the PDF.
        quote.font.color.rgb = self._colour("text")
        quote.paragraph_format.space_before = Pt(theme.body_size_pt * 0.5)
        quote.paragraph_format.space_after = Pt(0)
        quote.paragraph_format.left_indent = Mm(4)
        quote.paragraph_format.right_indent = Mm(0)
        quote.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        _set_paragraph_border(quote.element.get_or_add_pPr(), "left", theme.colour("quote_bar"),
                              eighths_of_a_point=18, space_pt=8)


# Heading level 1 is the document title; deeper levels shift down one Word heading.
HEADING_STYLES = {1: "Title", 2: "Heading 1", 3: "Heading 2"}
DEEPEST_HEADING_STYLE = "Heading 3"
DEEPEST_LIST_STYLE_LEVEL = 3  # the template has List Bullet/Number/Continue 1-3

def _heading_style(level: int) -> str:
    return HEADING_STYLES.get(max(level, 1), DEEPEST_HEADING_STYLE)


def _list_style(ordered: bool, depth: int) -> str:
    return _numbered_style_name("List Number" if ordered else "List Bullet", depth)


def _list_continue_style(depth: int) -> str:
    """The style of a list item's second and later paragraphs: indented, no bullet."""
    return _numbered_style_name("List Continue", depth)


def _numbered_style_name(base: str, depth: int) -> str:
    depth = min(max(depth, 1), DEEPEST_LIST_STYLE_LEVEL)
    return base if depth == 1 else f"{base} {depth}"


# The styles the writer uses; a reference document without one of them gets ours.
USED_STYLES = ("Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "List Bullet 2", "List Bullet 3",
               "List Number", "List Number 2", "List Number 3", "List Continue", "List Continue 2",
               "List Continue 3", "Quote", "Table Grid", "Header", "Footer", "Caption")
TOC_STYLE = "TOC 1"
def _remove_theme_fonts(styles_element) -> None:
    for rFonts in list(styles_element.iter(qn("w:rFonts"))):
        for attribute in _THEME_FONT_ATTRIBUTES:
            rFonts.attrib.pop(qn(attribute), None)
        if not rFonts.attrib:
            rFonts.getparent().remove(rFonts)


def _remove_paragraph_border(pPr) -> None:
    for border in pPr.findall(qn("w:pBdr")):
        pPr.remove(border)


def _remove_italics(styles_element) -> None:
    for tag in ("w:i", "w:iCs"):
        for element in list(styles_element.iter(qn(tag))):
            element.getparent().remove(element)


def _set_font_size(style, points: float) -> None:
    """Size for every script: python-docx sets w:sz, complex scripts read w:szCs."""
    style.font.size = Pt(points)
    rPr = style.element.get_or_add_rPr()
    for old in rPr.findall(qn("w:szCs")):
        rPr.remove(old)
    size = OxmlElement("w:szCs", {qn("w:val"): str(round(points * 2))})
    rPr.find(qn("w:sz")).addnext(size)


def _set_font_slots(rPr, font: str) -> None:
    """Name the font for every script slot: Latin (ascii, hAnsi), East Asian and complex scripts."""
    rFonts = rPr.get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rFonts.set(qn(slot), font)


def _set_language(rPr, language: str) -> None:
    for old in rPr.findall(qn("w:lang")):
        rPr.remove(old)
    lang = OxmlElement("w:lang", {qn("w:val"): language, qn("w:eastAsia"): language,
                                  qn("w:bidi"): language})
    _insert_before(rPr, lang, _RPR_AFTER_LANG)

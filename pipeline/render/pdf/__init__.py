"""PDF writer: walks the block model into reportlab platypus flowables.

This package is the only place in the project that imports reportlab: `document` walks the
blocks into flowables, `tables` lays out tables, `fonts` loads the theme's fonts and their
fallbacks, `furniture` draws the page (header, footer, classification band, page numbers, cover). Everything it draws comes from
the document (text) and the theme (fonts, sizes, colours, page); nothing else.

Text is data, never markup: every piece of document text is escaped before it reaches a
reportlab Paragraph, and the only tags in a paragraph are the ones built here (<font face>,
<b>, <i>, <br/>, and <a href> for links `is_safe_link` accepts). Theme colours reach markup
only after the theme loader has checked them as #RRGGBB.

Fonts: the first font of the theme's fonts.body that is found sets the text; the others supply,
one character at a time, what it lacks. Fallback fonts are loaded only when a character needs
them, because parsing a TrueType file costs about 20 ms.
"""

from __future__ import annotations

from reportlab.lib.units import mm

from pipeline.render import RenderJob
from pipeline.render.pdf.furniture import PAGE_SIZES, _build_pdf
from pipeline.render.pdf.fonts import _FontBook
from pipeline.render.pdf.document import MOST_TAGGED_ELEMENTS, _StoryBuilder, _Styles
from pipeline.render.pdf.tagging import Untagged


def render(job: RenderJob) -> bytes:
    theme = job.theme
    fonts = _FontBook(theme, job.warn)
    styles = _Styles(theme, fonts)
    page_size = PAGE_SIZES[theme.page_size]
    frame_width = page_size[0] - (theme.margin_left_mm + theme.margin_right_mm) * mm
    builder = _StoryBuilder(fonts, styles, theme, job)
    story = builder.story(job.document.blocks, frame_width)
    tagger = builder.tagger
    if isinstance(tagger, Untagged):
        job.warn(f"PDF: not tagged for screen readers: its {builder.elements:,} structure elements are more than "
                 f"the {MOST_TAGGED_ELEMENTS:,} tagged here (about 260 articles); give screen-reader users the DOCX "
                 "or HTML, or split the pack")
        tagger = None
    pdf, facts = _build_pdf(job.document, theme, story, styles, builder.markup, tagger)
    job.page_facts = facts
    fonts.report_missing_glyphs()
    return pdf

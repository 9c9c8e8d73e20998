"""DOCX writer: walks the block model into a Word document.

The document starts from python-docx's default template and uses only Word's built-in styles
(Title, Heading 1-3, List Bullet/Number, Quote, Table Grid), restyled from the theme, so a
reader can restyle it in Word. The output is byte-for-byte deterministic for a given input.

This package is the only place that imports python-docx: `document` holds the writer, `styles`
restyles the built-in styles and sets fonts, `tables` writes tables, `furniture` the page
(header, footer, marking, page numbers), `oxml` the raw XML python-docx has no API for.
"""

from __future__ import annotations

from pipeline.render import RenderJob
from pipeline.render.docx.document import _DocxWriter


def render(job: RenderJob) -> bytes:
    return prepare(job).finish()


def prepare(job: RenderJob) -> "_DocxWriter":
    """The document built, all but the numbers that come from laying it out (the contents' page
    numbers and the page count): `finish()` fills them in from `job.page_facts` as they are
    then, so the DOCX can be built while the PDF is laid out elsewhere."""
    writer = _DocxWriter(job)
    writer.write(job.document)
    return writer

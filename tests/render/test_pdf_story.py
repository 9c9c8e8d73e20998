"""The PDF's story made as the drawing reaches it (pipeline.render.pdf.furniture.Later): the same
file as a story made whole, with few flowables waiting at any time."""

from __future__ import annotations

import pytest
from reportlab.lib.units import mm

from pipeline.compose.blocks import (BlockQuote, Contents, Document, Heading, ListBlock, Meta, PageBreak, Paragraph,
                                     Span, Table)
from pipeline.render import RenderJob
from pipeline.render.pdf import furniture, render
from pipeline.render.pdf.document import _StoryBuilder, _Styles
from pipeline.render.pdf.fonts import _FontBook
from pipeline.render.pdf.furniture import PAGE_SIZES, LATER_FLOWABLES, Later, _build_pdf


def text(words: str) -> list[Span]:
    return [Span(words)]


def long_document(sections: int) -> Document:
    """A pack-like document: contents, then sections whose headings keep with tables, lists and
    quotations, so that pieces made later meet keep-with-next runs and tables kept under headings."""
    blocks: list = [Heading(1, text("Morning pack")), Contents(level=2), PageBreak()]
    for n in range(sections):
        blocks.append(Heading(2, text(f"Section {n}: ministers agree plan {n}")))
        blocks.append(Paragraph(text(f"Ministers met on day {n} and agreed a plan. " * (1 + n % 4))))
        if n % 3 == 0:
            blocks.append(Heading(3, text("People")))
            blocks.append(Table(header=[text("Name"), text("Role")],
                                rows=[[text(f"Person {n}-{r}"), text("Minister " * (1 + r % 3))] for r in range(2 + n % 5)]))
        if n % 3 == 1:
            blocks.append(Heading(3, text("Commitments")))
            blocks.append(ListBlock(ordered=False, items=[[Paragraph(text(f"Commitment {n}.{i}"))] for i in range(3)]))
        if n % 3 == 2:
            blocks.append(BlockQuote(blocks=[Paragraph(text(f"We will publish plan {n} by the summer."))],
                                     attribution=text("A minister")))
    return Document(meta=Meta(title="Morning pack"), blocks=blocks)


def made_whole(job: RenderJob) -> bytes:
    """The PDF from a story made all before drawing, as pipeline.render.pdf.render made it before."""
    theme = job.theme
    fonts = _FontBook(theme, job.warn)
    styles = _Styles(theme, fonts)
    width = PAGE_SIZES[theme.page_size][0] - (theme.margin_left_mm + theme.margin_right_mm) * mm
    builder = _StoryBuilder(fonts, styles, theme, job)
    story = builder.flowables(job.document.blocks, width)
    assert not any(isinstance(flowable, Later) for flowable in story)
    data, _ = _build_pdf(job.document, theme, story, styles, builder.markup, builder.tagger)
    return data


@pytest.fixture
def waiting(monkeypatch) -> list[int]:
    """The story's length each time the drawing takes its next flowable."""
    lengths: list[int] = []
    expand = furniture._Template.filterFlowables

    def counted(self, flowables):
        expand(self, flowables)
        lengths.append(len(flowables))

    monkeypatch.setattr(furniture._Template, "filterFlowables", counted)
    return lengths


@pytest.mark.parametrize("piece", [1, 7, LATER_FLOWABLES])
def test_a_story_made_while_drawing_gives_the_same_file(theme, monkeypatch, piece):
    # Pieces of one flowable end inside every run of keep-with-next flowables.
    monkeypatch.setattr(furniture, "LATER_FLOWABLES", piece)
    document = long_document(120 if piece == LATER_FLOWABLES else 40)
    whole = made_whole(RenderJob(document=document, markdown="", theme=theme))
    later = render(RenderJob(document=document, markdown="", theme=theme))
    assert later == whole


def test_few_flowables_wait_to_be_drawn(theme, waiting):
    render(RenderJob(document=long_document(400), markdown="", theme=theme))
    assert len(waiting) > 10 * LATER_FLOWABLES  # the document is many times one piece
    # Made whole, the story held every flowable before the first was drawn.
    assert max(waiting) < 3 * LATER_FLOWABLES


@pytest.mark.parametrize("blocks", [[], [Paragraph(text(""))], [Paragraph(text("One line."))]])
def test_short_and_empty_stories(theme, blocks):
    document = Document(meta=Meta(title="Short"), blocks=blocks)
    job = RenderJob(document=document, markdown="", theme=theme)
    assert render(job) == made_whole(RenderJob(document=document, markdown="", theme=theme))
    assert job.page_facts["pages"] == 1


def test_a_later_drawn_unexpanded_is_an_error():
    with pytest.raises(RuntimeError, match="expanded"):
        Later(iter([])).wrap(100, 100)

"""A long DOCX's body is serialised in batches as it is written, so that the whole document is
never one lxml tree: the file must be the one the whole tree would have made, byte for byte,
with its contents still given their page numbers once the PDF has them."""

from __future__ import annotations

import io

import docx
from docx.oxml.ns import qn

import pipeline.render.docx.document as docx_document
from pipeline.compose.blocks import (BlockQuote, CodeBlock, Contents, Document, Heading, ListBlock, Meta, PageBreak,
                                     Paragraph, Rule, Span, Table, contents_entries)
from pipeline.render import RenderJob
from pipeline.render.docx import prepare


def article(n: int) -> list:
    return [
        Heading(2, [Span(f"Article {n} & <more>")]),
        Paragraph([Span(f"Text of article {n} "), Span("bold", strong=True), Span(" "),
                   Span("a link", href=f"https://example.org/{n}"), Span("\n"), Span("  spaced  ")]),
        ListBlock(ordered=n % 2 == 0, items=[[Paragraph([Span(f"Item {n}.{i}")])] for i in range(3)]),
        BlockQuote([Paragraph([Span(f"\u201cQuoted {n}.\u201d")])], attribution=[Span("\u2014 Someone")]),
        Table(header=[[Span("Name")], [Span("Role")]], rows=[[[Span(f"Person {n}")], [Span("Minister")]]]),
        CodeBlock(f"code {n}\n  indented"),
        Rule(),
        PageBreak(),
    ]


def long_document(articles: int = 40) -> Document:
    blocks = [Heading(1, [Span("A long pack")]), Paragraph([Span("Cover text.")]), Contents()]
    for n in range(articles):
        blocks.extend(article(n))
    return Document(meta=Meta(title="A long pack"), blocks=blocks)


def page_facts(document: Document) -> dict:
    return {"pages": 99, "headings": {e.anchor: 3 + e.index for e in contents_entries(document)}}


def made(document: Document, theme, batch: int, monkeypatch) -> tuple[bytes, int]:
    """The DOCX's bytes, and how many paragraphs and tables its body's tree held once written, with the
    page numbers given after it was prepared (as when the PDF is made in another process)."""
    monkeypatch.setattr(docx_document, "SERIALISE_EVERY", batch)
    job = RenderJob(document=document, markdown="", theme=theme)
    writer = prepare(job)
    held = sum(1 for element in writer.document.element.body if element.tag in (qn("w:p"), qn("w:tbl")))
    job.page_facts = page_facts(document)
    return writer.finish(), held


def test_a_body_written_in_batches_is_the_file_the_whole_tree_makes(theme, monkeypatch):
    document = long_document()
    whole, whole_held = made(document, theme, 10**9, monkeypatch)
    for batch in (1, 7, 500):
        data, held = made(document, theme, batch, monkeypatch)
        assert data == whole, f"batches of {batch}"
        if batch == 7:
            # The tree keeps the contents (their page numbers come later) and the last blocks.
            assert held <= 40 + 7 + len(article(0)) + 3 < whole_held / 5


def test_the_contents_of_a_body_written_in_batches_get_their_page_numbers(theme, monkeypatch):
    document = long_document()
    data, _ = made(document, theme, 7, monkeypatch)
    read = docx.Document(io.BytesIO(data))
    entries = [p.text for p in read.paragraphs if p.style.name == "TOC 1"]
    assert entries == [f"Article {n} & <more>\t{4 + n}" for n in range(40)]  # heading 0 is the title
    headings = [p.text for p in read.paragraphs if p.style.name == "Heading 1"]
    assert headings == [f"Article {n} & <more>" for n in range(40)]
    # Every entry still links to the bookmark of its heading, across the batches.
    body = read.element.body
    anchors = [h.get(qn("w:anchor")) for h in body.iter(qn("w:hyperlink")) if h.get(qn("w:anchor"))]
    bookmarks = {b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))}
    assert len(anchors) == 40 and set(anchors) <= bookmarks
    assert b"briefWritten" not in read.part.blob


def test_a_short_document_is_the_same_however_it_is_batched(sample_document, theme, monkeypatch):
    whole, _ = made(sample_document, theme, 10**9, monkeypatch)
    assert made(sample_document, theme, 1, monkeypatch)[0] == whole

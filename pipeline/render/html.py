"""HTML output: one self-contained page with the theme's colours and fonts."""

from __future__ import annotations

import base64
from html import escape

from pipeline.compose.blocks import (Block, BlockQuote, CodeBlock, Contents, Heading, Image, ListBlock, PageBreak,
                                     Paragraph, Rule, Span, Table, contents_entries, is_safe_link, outline)
from pipeline.render import RenderJob
from pipeline.compose.theme import Theme


def render(job: RenderJob) -> bytes:
    doc = job.document
    writer = _Writer(job)
    body = "\n".join(writer.block(block) for block in doc.blocks)
    meta = doc.meta
    if meta.marking:
        marking = f'<p class="marking">{escape(meta.marking)}</p>'
        body = f"{marking}\n{body}\n{marking}"
    head = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(meta.title)}</title>",
        '<meta name="generator" content="brief">',
    ]
    if meta.subject:
        head.append(f'<meta name="description" content="{escape(meta.subject)}">')
    if meta.keywords:
        head.append(f'<meta name="keywords" content="{escape(", ".join(meta.keywords))}">')
    head.append(f"<style>{_css(job.theme)}</style>")
    page = (f'<!DOCTYPE html>\n<html lang="{escape(meta.language)}">\n<head>\n' + "\n".join(head)
            + f"\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n")
    return page.encode("utf-8")


def _css(theme: Theme) -> str:
    fonts = ", ".join(f'"{f}"' for f in theme.body_fonts if "/" not in f) or "sans-serif"
    mono = ", ".join(f'"{f}"' for f in theme.mono_fonts if "/" not in f) or "monospace"
    c = theme.colour
    return (
        f"body{{font-family:{fonts},sans-serif;font-size:{theme.body_size_pt}pt;color:#{c('text')};"
        f"line-height:{theme.line_spacing};max-width:46em;margin:2em auto;padding:0 1em}}"
        f"h1{{font-size:{theme.title_size_pt}pt;color:#{c('title')}}}"
        f"h2{{font-size:{theme.heading1_size_pt}pt;color:#{c('heading')}}}"
        f"h3,h4,h5,h6{{font-size:{theme.heading2_size_pt}pt;color:#{c('heading')}}}"
        f"a{{color:#{c('link')}}}"
        f"table{{border-collapse:collapse;width:100%}}"
        f"th,td{{border:1px solid #{c('table_border')};padding:.3em .5em;text-align:left;vertical-align:top}}"
        f"th{{background:#{c('table_header_fill')}}}"
        f"blockquote{{border-left:3px solid #{c('quote_bar')};margin:1em 0;padding:.2em 1em}}"
        f".attribution{{color:#{c('muted')}}}"
        # The house style has no italics (hard to read), as in the DOCX and the PDF.
        f"em,i,cite,blockquote{{font-style:normal}}"
        f"pre,code{{font-family:{mono},monospace}}"
        f"hr{{border:0;border-top:1px solid #{c('rule')}}}"
        f"hr.page-break{{border:0;margin:2em 0;break-after:page}}"
        f".marking{{text-align:center;font-weight:bold;letter-spacing:.05em}}"
        f"nav.contents ol{{list-style:none;padding-left:0}}"
    )


class _Writer:
    """Blocks to HTML; headings are numbered in document order so the contents can link to them."""

    def __init__(self, job: RenderJob) -> None:
        self.job = job
        self.anchors = iter([entry.anchor for entry in outline(job.document)])

    def block(self, block: Block) -> str:
        if isinstance(block, Heading):
            level = min(max(block.level, 1), 6)
            return f'<h{level} id="{next(self.anchors)}">{_spans(block.spans)}</h{level}>'
        if isinstance(block, Contents):
            items = "".join(f'<li><a href="#{e.anchor}">{escape(e.text)}</a></li>'
                            for e in contents_entries(self.job.document))
            return f'<nav class="contents" aria-label="Contents"><ol>{items}</ol></nav>'
        if isinstance(block, Image):
            return self.image(block)
        return _block(block)

    def image(self, block: Image) -> str:
        path = self.job.theme.path(self.job.theme.logo)
        if path is None:
            return ""
        data = path.read_bytes()
        kind = "png" if data.startswith(b"\x89PNG") else "jpeg"
        source = f"data:image/{kind};base64,{base64.b64encode(data).decode('ascii')}"
        width = f"{self.job.theme.logo_width_mm:g}mm"
        return f'<p><img src="{source}" alt="{escape(block.alt, quote=True)}" style="width:{width}"></p>'


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        level = min(max(block.level, 1), 6)
        return f"<h{level}>{_spans(block.spans)}</h{level}>"
    if isinstance(block, Paragraph):
        return f"<p>{_spans(block.spans)}</p>"
    if isinstance(block, ListBlock):
        tag = "ol" if block.ordered else "ul"
        start = f' start="{block.start}"' if block.ordered and block.start != 1 else ""
        items = "".join(f"<li>{_item(item)}</li>" for item in block.items)
        return f"<{tag}{start}>{items}</{tag}>"
    if isinstance(block, BlockQuote):
        attribution = (f'<p class="attribution">{_spans(block.attribution)}</p>'
                       if block.attribution is not None else "")
        return "<blockquote>" + "".join(_block(b) for b in block.blocks) + attribution + "</blockquote>"
    if isinstance(block, Table):
        head = "".join(f'<th scope="col">{_spans(cell)}</th>' for cell in block.header)
        rows = "".join("<tr>" + "".join(f"<td>{_spans(cell)}</td>" for cell in row) + "</tr>"
                       for row in block.rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    if isinstance(block, CodeBlock):
        return f"<pre><code>{escape(block.text)}</code></pre>"
    if isinstance(block, Rule):
        return "<hr>"
    if isinstance(block, PageBreak):
        return '<hr class="page-break">'
    if isinstance(block, (Contents, Image)):
        return ""  # only at the top level, where _Writer draws them
    raise TypeError(f"unknown block {block!r}")


def _item(blocks: list[Block]) -> str:
    # A tight list item holds one paragraph: print it without <p> so bullets sit on the text.
    if len(blocks) == 1 and isinstance(blocks[0], Paragraph):
        return _spans(blocks[0].spans)
    return "".join(_block(b) for b in blocks)


def _spans(spans: list[Span]) -> str:
    return "".join(_span(s) for s in spans)


def _span(span: Span) -> str:
    if span.text == "\n":
        return "<br>"
    html = escape(span.text)
    if span.code:
        html = f"<code>{html}</code>"
    if span.emphasis:
        html = f"<em>{html}</em>"
    if span.strong:
        html = f"<strong>{html}</strong>"
    if span.href and is_safe_link(span.href):
        html = f'<a href="{escape(span.href)}">{html}</a>'
    return html

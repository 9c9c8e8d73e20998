"""HTML pages: the article a news page carries, without its menus, adverts, captions and comments.

trafilatura finds the main text (it is the maintained, evaluated tool for exactly this) and
htmldate, through it, the publication date from the page's markup. Around them, this module
decides what is safe to parse and what counts as visible:

- The page is parsed by lxml's HTML parser, which never fetches anything and never expands
  entities declared in a DTD. An XML declaration or a DOCTYPE with an internal subset
  (`<!DOCTYPE html [<!ENTITY ...>]>`) is removed first, so its text cannot leak into the
  article either.
- Scripts, styles, templates, form controls, `noscript` and embedded SVG/MathML never reach the
  text. A <form> itself is kept: some sites wrap the whole page in one.
- Hidden text is not article text: elements with the `hidden` attribute or an inline style of
  `display: none` or `visibility: hidden` are dropped, whatever they hold. `aria-hidden` is not
  hiding (a page saved with a dialog open marks the whole article so).
- A page nested deeper than lxml's limit keeps what the parser kept; a page with no article
  text found is an error, not an empty brief.
"""

from __future__ import annotations

import codecs
import datetime as dt
import itertools
import json
import re
from typing import Any

from pipeline.errors import BriefError
from pipeline.model import Article, Source
from pipeline.readers.common import RawBlock, assemble, block_text, shorten, TITLE_MAX_CHARS, TITLE_SHORT_CHARS
from pipeline.readers.decode import _NOT_FILE_ENCODINGS, MAX_INPUT_BYTES, _refuse_known_binary, _refuse_oversized
from pipeline.text import is_blank, replace_illegal

_DOCTYPE = re.compile(r"<!DOCTYPE", re.IGNORECASE)
_DECLARATION_MARK = re.compile(r"[\"'\[\]>]")
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"(?:display\s*:\s*none|visibility\s*:\s*hidden)", re.IGNORECASE)
_NEVER_TEXT = ("script", "style", "template", "noscript", "iframe", "object", "embed", "button",
               "select", "textarea", "svg", "math", "canvas", "video", "audio", "base")
_BLOCK_KINDS = {"p": "paragraph", "head": "heading", "item": "item", "quote": "paragraph"}

__all__ = ["decode_html", "read_html", "read_summary", "html_to_text"]


# --------------------------------------------------------------------------- decoding


def decode_html(data: bytes, name: str, encoding: str | None = None, warnings: list[str] | None = None,
                max_bytes: int = MAX_INPUT_BYTES, charset: str | None = None) -> str:
    """The text of an HTML page. The encoding is, in order: the one asked for, the byte-order
    mark, the server's charset, the page's own `<meta charset>`, then UTF-8; a page that is
    not valid UTF-8 and names no charset is read as windows-1252, as browsers do, with a warning."""
    warnings = [] if warnings is None else warnings
    _refuse_oversized(data, name, max_bytes)
    _refuse_known_binary(data, name)
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF16_BE, "utf-16-be")):
        if encoding is None and data.startswith(bom):
            return _decode(data[len(bom):], codec, name, warnings)
    for label in (encoding, charset, _meta_charset(data)):
        if label:
            codec = _codec(label)
            if codec is not None:
                return _decode(data, codec, name, warnings)
            warnings.append(f"unknown charset {label!r}; read as UTF-8")
            break
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        warnings.append("the page is not valid UTF-8 and names no charset; read as windows-1252")
        return data.decode("cp1252", errors="replace")


def _meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def _codec(label: str) -> str | None:
    """The codec a charset label names, by the WHATWG encoding rules browsers follow; None for
    a label that names no text encoding (rot13, base64, idna ...)."""
    try:
        info = codecs.lookup(label.strip().lower())
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_FILE_ENCODINGS:
        return None
    # A page labelled latin-1 or ascii is windows-1252 in practice; a page that says it is
    # UTF-16 or UTF-32 in its own ASCII-compatible markup cannot be, and is UTF-8.
    if info.name in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"
    if info.name.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return info.name


def _decode(data: bytes, codec: str, name: str, warnings: list[str]) -> str:
    try:
        text = data.decode(codec, errors="replace")
        bad = text.count("\ufffd") - data.decode(codec, errors="ignore").count("\ufffd")
    except (UnicodeError, LookupError, ValueError):
        warnings.append(f"the page cannot be decoded as {codec}; read as UTF-8")
        return data.decode("utf-8", errors="replace")
    if bad:
        warnings.append(f"{bad} characters are not valid {codec} and were replaced with U+FFFD")
    return text


# --------------------------------------------------------------------------- parsing


MAX_DEPTH = 2048  # libxml2's nesting limit with huge_tree


def parse_page(text: str, name: str = "-") -> Any:
    """The page as an lxml tree, with everything that is never article text removed. A page
    nested deeper than the parser's limit is refused: what is left of it would be a guess."""
    import lxml.html
    from lxml import etree

    markup = strip_doctypes(text)
    if is_blank(markup):
        return None
    # huge_tree: libxml2 otherwise drops a text node over 10 MB without a word; the input is
    # already capped, so the cap this lifts is not needed.
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True,
                                  collect_ids=False, default_doctype=False, huge_tree=True)
    try:
        root = lxml.html.document_fromstring(markup, parser=parser)
    except (etree.ParserError, ValueError):
        return None
    if any("Excessive depth" in entry.message for entry in parser.error_log):
        raise BriefError(name, f"the page is nested more than {MAX_DEPTH:,} elements deep, which no news page is",
                         "save the article's text as .txt instead")
    _drop_invisible(root)
    return root


def strip_doctypes(text: str) -> str:
    """The markup without any DOCTYPE declaration, internal subset included: the HTML parser
    does not understand internal subsets and would keep their entity declarations as text.
    Quoted strings inside the declaration are skipped as units, so a "]>" inside an entity's
    value does not end it. One pass: linear in the length of the page."""
    pieces = []
    position = 0
    for match in _DOCTYPE.finditer(text):
        if match.start() < position:
            continue
        pieces.append(text[position:match.start()])
        position = _declaration_end(text, match.end())
    pieces.append(text[position:])
    return "".join(pieces)


def _declaration_end(text: str, index: int) -> int:
    depth = 0
    length = len(text)
    while True:
        match = _DECLARATION_MARK.search(text, index)
        if match is None:
            return length
        char, index = match.group(), match.end()
        if char in "\"'":
            close = text.find(char, index)
            if close < 0:
                return length
            index = close + 1
        elif char == "[":
            depth += 1
        elif char == "]":
            depth = max(0, depth - 1)
        elif depth == 0:  # ">"
            return index


def _drop_invisible(root: Any) -> None:
    doomed = []
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        local = tag.rsplit("}", 1)[-1].lower()
        if (local in _NEVER_TEXT or element.get("hidden") is not None
                or _HIDDEN_STYLE.search(element.get("style") or "")):
            doomed.append(element)
    for element in doomed:
        parent = element.getparent()
        if parent is not None:
            _remove_keeping_tail(element)


def _remove_keeping_tail(element: Any) -> None:
    parent = element.getparent()
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


# --------------------------------------------------------------------------- metadata


def page_metadata(root: Any) -> dict[str, str]:
    """Headline, standfirst, author, publisher, date and canonical address the page's meta tags
    (Open Graph, article:, Dublin Core) and canonical link declare. `read_html` prefers what
    schema.org JSON-LD says, where a page has both."""
    found: dict[str, str] = {}

    def keep(key: str, value: Any) -> None:
        if isinstance(value, str) and value.strip() and key not in found:
            found[key] = block_text(value)

    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        value = meta.get("content")
        target = {"og:title": "title", "twitter:title": "title", "og:description": "description",
                  "description": "description", "og:site_name": "publisher", "application-name": "publisher",
                  "article:published_time": "published", "datepublished": "published",
                  "date": "published", "dc.date": "published", "author": "author", "article:author": "author",
                  "og:url": "url"}.get(key)
        if target:
            keep(target, value)
    for link in root.iter("link"):
        if (link.get("rel") or "").strip().lower() == "canonical":
            keep("url", link.get("href"))
    return found


_JSON_LD_OPEN = re.compile(r"<script\b[^>]{0,200}?application/ld\+json[^>]{0,100}>", re.IGNORECASE)
_SCRIPT_CLOSE = re.compile(r"</script", re.IGNORECASE)
_JSON_LD_BLOCKS = 8
_JSON_LD_CHARS = 200_000
_ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "blogposting",
                  "opinionnewsarticle", "webpage"}


def json_ld_metadata(text: str) -> dict[str, str]:
    """Headline, author, publisher and date from schema.org JSON-LD, the markup news sites give
    search engines. Bounded: at most eight blocks of 200,000 characters, nesting 20 deep."""
    found: dict[str, str] = {}
    for opener in itertools.islice(_JSON_LD_OPEN.finditer(text), _JSON_LD_BLOCKS):
        close = _SCRIPT_CLOSE.search(text, opener.end(), opener.end() + _JSON_LD_CHARS)
        if close is None:
            continue
        try:
            data = json.loads(text[opener.end():close.start()])
        except (ValueError, RecursionError):
            continue
        for node in _ld_nodes(data, 0):
            kind = node.get("@type")
            kinds = {k.lower() for k in (kind if isinstance(kind, list) else [kind]) if isinstance(k, str)}
            if not kinds & _ARTICLE_TYPES:
                continue
            for key, target in (("headline", "title"), ("datePublished", "published"),
                                ("description", "description"), ("url", "url")):
                value = node.get(key)
                if isinstance(value, str) and value.strip():
                    found.setdefault(target, block_text(value))
            for key, target in (("author", "author"), ("publisher", "publisher")):
                name = _ld_name(node.get(key))
                if name:
                    found.setdefault(target, name)
    return found


def _ld_nodes(data: Any, depth: int):
    if depth > 20:
        return
    if isinstance(data, list):
        for item in data[:50]:
            yield from _ld_nodes(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if graph is not None:
            yield from _ld_nodes(graph, depth + 1)


def _ld_name(value: Any, depth: int = 0) -> str | None:
    if depth > 3:
        return None  # an author is a name, a list of names, or a record with one
    if isinstance(value, list):
        names = [n for n in (_ld_name(v, depth + 1) for v in value[:10]) if n]
        return ", ".join(names) if names else None
    if isinstance(value, dict):
        value = value.get("name")
    return block_text(value) if isinstance(value, str) and value.strip() else None


def iso_date(value: str | None) -> str | None:
    """The calendar date an ISO 8601 timestamp (or a bare date) names, or None."""
    if not value:
        return None
    match = re.match(r"\s*(\d{4}-\d{2}-\d{2})", value)
    if not match:
        return None
    try:
        return dt.date.fromisoformat(match.group(1)).isoformat()
    except ValueError:
        return None


# --------------------------------------------------------------------------- the article


def read_html(text: str, source: Source, warnings: list[str]) -> Article:
    """The article of a whole HTML page."""
    name = source.url or source.path or "-"
    root = parse_page(text, name)
    if root is None:
        raise BriefError(name, "the page holds no HTML elements", "check that this is the saved article page")
    meta = json_ld_metadata(text)
    for key, value in page_metadata(root).items():
        meta.setdefault(key, value)
    found = _main_text(root)
    blocks = _blocks(found.body) if found is not None and found.body is not None else []
    if not blocks:
        raise BriefError(name, "no article text found in the page",
                         "save the article's own page (not a section front or a search page), or its text as .txt")
    title = _title(found, meta, blocks, warnings)
    blocks = [b for b in blocks if b.text != title]
    standfirst = meta.get("description")
    body_start = blocks[0].text if blocks else ""
    if standfirst and (standfirst == title or body_start.startswith(standfirst.rstrip(".\u2026 "))):
        standfirst = None
    if standfirst:
        standfirst = shorten(standfirst, TITLE_SHORT_CHARS) if len(standfirst) > TITLE_MAX_CHARS else standfirst
    # Only a publisher the page declares: trafilatura's fallback guesses one from host names.
    source.publisher = source.publisher or _clean(meta.get("publisher"))
    source.author = source.author or _clean(meta.get("author") or getattr(found, "author", None))
    source.published = source.published or iso_date(meta.get("published")) or iso_date(getattr(found, "date", None))
    if source.url is None:
        source.url = _web_address(meta.get("url"))
    article = assemble(title, blocks, source, warnings)
    if standfirst and article.standfirst is None:
        article.standfirst = standfirst
    return article


def read_summary(text: str, source: Source, warnings: list[str]) -> Article:
    """An article from a short page with no furniture, such as a feed item's summary: the
    <title> and every paragraph and list item, with no main-text detection."""
    root = parse_page(text, source.url or source.path or "-")
    blocks = _fragment_blocks(root) if root is not None else []
    title_element = root.find(".//title") if root is not None else None
    title = _clean(title_element.text_content()) if title_element is not None else None
    if not blocks:
        raise BriefError(source.url or source.path or "-", "the summary holds no text", "fetch the article's page")
    if not title:
        title, blocks = blocks[0].text, blocks[1:]
    return assemble(title, blocks, source, warnings)


def html_to_text(text: str) -> str:
    """The visible text of an HTML fragment on one line (feed titles, summaries)."""
    try:
        root = parse_page(f"<html><body>{text}</body></html>")
    except BriefError:
        return ""
    return block_text(" ".join(root.itertext())) if root is not None else ""


def _main_text(root: Any) -> Any:
    import trafilatura

    return trafilatura.bare_extraction(
        root, with_metadata=True, include_comments=False, include_tables=False, include_images=False,
        include_links=False, favor_precision=True,
        # Only dates the page declares, never one guessed from its free text; the upper bound is
        # fixed so that the same page gives the same date whatever day it is read.
        date_extraction_params={"extensive_search": False, "original_date": True, "max_date": "2100-12-31"})


def _blocks(body: Any) -> list[RawBlock]:
    blocks: list[RawBlock] = []
    for element in body.iter("p", "head", "item", "quote"):
        if element.tag == "p" and _inside(element, ("item", "quote")):
            continue  # the list item or quotation carries it
        if element.tag == "quote" and _inside(element, ("quote",)):
            continue
        text = _text_of(element)
        if not is_blank(text):
            blocks.append(RawBlock(_BLOCK_KINDS[element.tag], [text], nested=element.tag == "quote"))
    return blocks


def _fragment_blocks(root: Any) -> list[RawBlock]:
    """Paragraphs, headings and list items in document order; loose text between them is a
    paragraph where it stands."""
    body = root.find("body")
    if body is None:
        return []
    blocks: list[RawBlock] = []
    loose: list[str] = [body.text or ""]

    def flush() -> None:
        text = block_text(" ".join(loose))
        if text:
            blocks.append(RawBlock("paragraph", [replace_illegal(text)[0]]))
        loose.clear()

    for child in body:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _FRAGMENT_BLOCKS:
            flush()
            for item in (child.findall(".//li") if tag in ("ul", "ol") else [child]):
                text = _text_of(item)
                if not is_blank(text):
                    kind = "item" if item.tag == "li" else "heading" if re.fullmatch(r"h[1-6]", item.tag) else "paragraph"
                    blocks.append(RawBlock(kind, [text]))
        else:
            loose.append(_text_of(child))
        loose.append(child.tail or "")
    flush()
    return blocks


_FRAGMENT_BLOCKS = {"p", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "section",
                    "article"}


def _inside(element: Any, tags: tuple[str, ...]) -> bool:
    return any(ancestor.tag in tags for ancestor in element.iterancestors())


def _text_of(element: Any) -> str:
    # A line break inside a paragraph is a space; inline elements join without one.
    for line_break in element.iter("lb", "br"):
        line_break.text = " "
    return replace_illegal(block_text("".join(element.itertext())))[0]


def _title(found: Any, meta: dict[str, str], blocks: list[RawBlock], warnings: list[str]) -> str:
    for candidate in (meta.get("title"), getattr(found, "title", None)):
        title = _clean(candidate)
        if title:
            return shorten(title, TITLE_SHORT_CHARS) if len(title) > TITLE_MAX_CHARS else title
    for block in blocks:
        if block.kind == "heading":
            return block.text
    warnings.append("the page names no headline; the first sentence is used as the title")
    return shorten(blocks[0].text, TITLE_SHORT_CHARS) if len(blocks[0].text) > TITLE_SHORT_CHARS else blocks[0].text


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = replace_illegal(block_text(value))[0]
    return text or None


def _web_address(value: str | None) -> str | None:
    from pipeline.text import is_safe_link

    if value and re.match(r"https?://", value, re.IGNORECASE) and is_safe_link(value):
        return value
    return None

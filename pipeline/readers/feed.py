"""RSS (0.9x, 1.0, 2.0) and Atom feeds: the list of items, read safely.

feedparser reads every dialect and tolerates the broken feeds publishers serve. It is only
ever given bytes (a string would be taken for a file name or an address), and before it sees
them, expat checks the document: a feed that declares entities is refused, because no feed
needs them and they are how XXE and "billion laughs" attacks work. feedparser does not raise
on broken feeds; it sets `bozo`, which is checked here.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import io
import re
import urllib.parse
import warnings as python_warnings
import xml.parsers.expat
from dataclasses import dataclass

from pipeline.errors import BriefError
from pipeline.readers.common import block_text
from pipeline.text import replace_illegal

MAX_ITEMS = 200


@dataclass
class FeedItem:
    key: str  # the GUID, else the link, else a digest of the title and summary
    title: str
    link: str | None
    published: dt.datetime | None  # UTC
    summary: str | None  # HTML, sanitised by feedparser


@dataclass
class Feed:
    title: str
    link: str | None
    items: list[FeedItem]


class _Refused(Exception):
    pass


_DECLARATION = re.compile(rb"""\A(\xef\xbb\xbf)?<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")
# What expat reads itself; any other declared encoding is decoded here first.
_EXPAT_ENCODINGS = {"utf-8", "utf8", "utf-16", "utf-16-le", "utf-16-be", "us-ascii", "ascii", "iso-8859-1",
                    "latin-1", "latin1"}


def as_expat_input(data: bytes, name: str) -> bytes:
    """The feed in an encoding expat and feedparser both read: one declared as Shift JIS, GB2312,
    Big5 or any other encoding Python knows is re-encoded as UTF-8 (declaration included)."""
    match = _DECLARATION.match(data[:300])
    if match is None or match.group(2).decode("ascii").lower() in _EXPAT_ENCODINGS:
        return data
    label = match.group(2).decode("ascii")
    import codecs

    try:
        info = codecs.lookup(label)
        if not getattr(info, "_is_text_encoding", True) or info.name in ("idna", "punycode", "rot-13"):
            raise LookupError(label)
        text = data.decode(info.name, errors="replace")
    except (LookupError, ValueError, UnicodeError):
        raise BriefError(name, f"the feed declares an encoding brief does not know ({label!r})",
                         "ask the publisher for a feed in UTF-8") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    text = re.sub(r"""\A<\?xml[^>]{0,200}?\?>""", '<?xml version="1.0" encoding="utf-8"?>', text, count=1)
    return text.encode("utf-8")


def refuse_entities(data: bytes, name: str) -> None:
    """Raise BriefError if the XML document declares entities or refers to external ones."""
    parser = xml.parsers.expat.ParserCreate()

    def refuse(*_args) -> None:
        raise _Refused

    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except _Refused:
        raise BriefError(name, "the document declares XML entities, which feeds never need "
                               "(they are how XXE and entity-expansion attacks work)",
                         "ask the publisher for a plain RSS or Atom feed") from None
    except xml.parsers.expat.ExpatError as exc:
        if "amplification" in str(exc) or "entity" in str(exc).lower() and "undefined" not in str(exc):
            raise BriefError(name, f"the document expands entities beyond safe limits ({exc})",
                             "ask the publisher for a plain RSS or Atom feed") from None
        # Other errors: a broken feed, which feedparser's lenient reading may still manage.
    except (ValueError, LookupError, UnicodeError, RecursionError) as exc:
        raise BriefError(name, f"the feed cannot be read as XML ({type(exc).__name__}: {str(exc)[:80]})",
                         "ask the publisher for a feed in UTF-8") from None


_PROLOG_ITEM = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)", re.DOTALL | re.IGNORECASE)
_ROOT = re.compile(rb"\s*<(?:[A-Za-z_][\w.-]*:)?(rss|feed|RDF)[\s>/]", re.IGNORECASE)


def looks_like_feed(data: bytes) -> bool:
    """True if the document's root element, after any declaration, comments and DOCTYPE, is
    rss, feed (Atom) or rdf:RDF. Only the first 4 KB are looked at."""
    head = data[:4096]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    position = 0
    while True:
        match = _PROLOG_ITEM.match(head, position)
        if match is None or match.end() == position:
            break
        position = match.end()
    return _ROOT.match(head, position) is not None


def parse_feed(data: bytes, name: str, warnings: list[str], base: str | None = None,
               content_type: str | None = None) -> Feed:
    """The feed's title, link and items (at most MAX_ITEMS, in the feed's order, each key once).
    `content_type` is the server's Content-Type header, which may name the encoding."""
    import feedparser

    converted = as_expat_input(data, name)
    refuse_entities(converted, name)
    # A re-encoded feed's charset is its new declaration's, not the server's. No
    # content-location: feedparser would resolve GUIDs against it, and GUIDs are names, not
    # addresses. Links are resolved here, against `base`.
    headers = {"content-type": "application/xml" if converted is not data else (content_type or "application/xml")}
    data = converted
    try:
        result = feedparser.parse(io.BytesIO(data), response_headers=headers, sanitize_html=True,
                                  resolve_relative_uris=False)
    except Exception as exc:  # feedparser promises not to raise; a bug there must not stop a run
        raise BriefError(name, f"the feed cannot be read ({type(exc).__name__})",
                         "check the feed in a browser, or ask the publisher") from None
    if not result.get("version") and not result.entries:
        problem = f" ({_exception_line(result.get('bozo_exception'))})" if result.get("bozo") else ""
        raise BriefError(name, f"is not an RSS or Atom feed{problem}",
                         "check the address; a feed's address usually ends in /rss, /feed or .xml")
    # A feed served as text/xml, or with a charset that its own declaration contradicts, is read
    # correctly all the same: not worth a warning.
    benign = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
    if result.get("bozo") and not isinstance(result.get("bozo_exception"), benign):
        warnings.append(f"the feed is not well formed ({_exception_line(result.get('bozo_exception'))}); "
                        f"read it leniently")
    items: list[FeedItem] = []
    keys: set[str] = set()
    for index, entry in enumerate(result.entries, 1):
        if len(items) == MAX_ITEMS:
            warnings.append(f"the feed has more than {MAX_ITEMS} items; only the first {MAX_ITEMS} are read")
            break
        item = _item(entry, index, warnings, base)
        if item is None:
            continue
        if item.key in keys:
            warnings.append(f"item {index} repeats the id of an earlier item; only the first is read")
            continue
        keys.add(item.key)
        items.append(item)
    channel = result.get("feed", {})
    return Feed(title=_text(channel.get("title_detail"), channel.get("title")) or name,
                link=_web_link(channel.get("link")), items=items)


def _item(entry, index: int, warnings: list[str], base: str | None = None) -> FeedItem | None:
    title = _text(entry.get("title_detail"), entry.get("title"))
    summary = _summary(entry)
    raw_link = entry.get("link")
    if entry.get("guidislink"):
        # feedparser made the link from an RSS GUID: an address only if it is a whole one.
        link = _web_link(raw_link)
    else:
        link = _web_link(urllib.parse.urljoin(base, raw_link) if base and raw_link else raw_link)
        if raw_link and link is None:
            warnings.append(f"item {index}: its link is not an http(s) address and is ignored")
    if not title and not summary:
        warnings.append(f"item {index} has neither a title nor a summary; skipped")
        return None
    published = _date(entry, index, warnings)
    key = block_text(entry.get("id") or "") or link
    if not key:
        key = "sha256:" + hashlib.sha256(f"{title}\0{summary}".encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return FeedItem(key=key[:2000], title=title or _first_words(summary or ""), link=link,
                    published=published, summary=summary)


def _date(entry, index: int, warnings: list[str]) -> dt.datetime | None:
    with python_warnings.catch_warnings():
        # feedparser warns that "updated" will stop standing in for "published": both are read.
        python_warnings.simplefilter("ignore", DeprecationWarning)
        parsed = entry.get("published_parsed") or entry.get("updated_parsed")
        written = entry.get("published") or entry.get("updated")
    if parsed:
        try:
            return dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.timezone.utc)
        except (ValueError, OverflowError, OSError):
            pass  # a year feedparser parsed but datetime cannot hold (0, 10000)
    if written:
        warnings.append(f"item {index}: date unknown ({block_text(written)[:60]!r} is not a date)")
    return None


def _text(detail, value) -> str:
    """A title as plain text on one line: feed titles may be text or HTML."""
    from pipeline.readers.html import html_to_text

    if not value:
        return ""
    kind = (detail or {}).get("type", "text/plain") if isinstance(detail, dict) else "text/plain"
    text = html_to_text(value) if "html" in kind else block_text(value)
    return replace_illegal(text)[0]


def _summary(entry) -> str | None:
    candidates = [c.get("value") for c in entry.get("content", []) if isinstance(c, dict)]
    candidates.append(entry.get("summary"))
    texts = [c for c in candidates if isinstance(c, str) and c.strip()]
    return max(texts, key=len) if texts else None


def _first_words(summary: str) -> str:
    from pipeline.readers.html import html_to_text

    text = html_to_text(summary)
    return text if len(text) <= 80 else text[:79].rsplit(" ", 1)[0] + "\u2026"


def _web_link(value) -> str | None:
    if isinstance(value, str) and value.strip()[:8].lower().startswith(("http://", "https://")):
        link = value.strip()
        if not any(ord(c) < 33 or ord(c) == 127 for c in link):
            return link
    return None


def _exception_line(exc) -> str:
    text = block_text(str(exc)) if exc is not None else "unknown problem"
    return text[:120]

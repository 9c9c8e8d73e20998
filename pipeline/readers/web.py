"""Sources on the web: an article's address, or a feed whose items are each fetched and read.

`load` turns one source (an address, `feed:` and an address or file, or a feed file) into the
articles it stands for, fetched but not yet read, so that callers can keep exactly the bytes
that were read beside the brief made from them. `read` turns one of them into an Article.

A feed item whose page cannot be fetched or read is made from the item's own summary, and the
brief says so (Source.note). A source that fails as a whole (an unreachable feed, a page that
is not an article) raises BriefError; an item that fails is returned with its error, so the
rest of the feed goes on.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import html
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from pipeline.errors import BriefError
from pipeline.model import Article, Source
from pipeline.readers import FEED_PREFIX, is_web_source
from pipeline.readers.feed import Feed, FeedItem, looks_like_feed, parse_feed
from pipeline.readers.url import (ANY_ARTICLE, FEED_TYPES, PAGE_TYPES, TEXT_TYPES, FetchLimits, Fetched, fetch,
                                  mask_credentials,
                                  is_web_address)

SUMMARY_FORMAT = "feed-summary"
ITEM_FETCHES = 4  # pages of one feed fetched at once: quick, and gentle with one publisher
_EXTENSIONS = {"html": ".html", "text": ".txt", "markdown": ".md", SUMMARY_FORMAT: ".html"}

__all__ = ["FEED_PREFIX", "SUMMARY_FORMAT", "WebArticle", "WebSettings", "is_web_source", "load", "parse_since",
           "read", "saved_name"]

LAST_RUN = "last-run"
LAST_RUN_MARGIN = dt.timedelta(hours=12)
_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_since(value: str) -> str:
    """A feed window as written by the user, checked: a duration ("90m", "24h", "7d", "2w"),
    "last-run" (since the pack's previous run) or "all". Raises ValueError with the reason."""
    text = value.strip().lower().replace(" ", "")
    if text in ("all", LAST_RUN):
        return text
    number, unit = text[:-1], text[-1:]
    if unit in _UNITS and number.isdigit() and 0 < int(number) <= 100_000:
        return text
    raise ValueError(f"{value!r} is not a window: use a duration such as 24h, 90m or 7d, or \"last-run\" or \"all\"")


@dataclass(frozen=True)
class WebSettings:
    """How web sources are fetched, and which feed items count."""

    limits: FetchLimits = FetchLimits()
    since: str = "all"  # as parse_since accepts

    def since_time(self, now: dt.datetime | None = None, last_run: dt.datetime | None = None,
                   first_run: str = "24h") -> dt.datetime | None:
        """The start of the window; None for every item. "last-run" with no previous run uses
        `first_run`."""
        now = now or dt.datetime.now(dt.timezone.utc)
        window = self.since
        if window == LAST_RUN:
            if last_run is not None:
                # Items already in a pack are left out by their GUID and link; the margin keeps
                # the ones dated before they reached the feed, or fetched as the last run began.
                return last_run - LAST_RUN_MARGIN
            window = first_run
        if window == "all":
            return None
        return now - dt.timedelta(seconds=int(window[:-1]) * _UNITS[window[-1]])


@dataclass
class WebArticle:
    """One article from the web, fetched and ready to read, or the reason it could not be."""

    name: str  # the address, as shown in messages and the pack's appendix
    data: bytes | None
    fmt: str | None
    charset: str | None = None
    source: Source = field(default_factory=Source)
    published: str | None = None  # the feed's date for the item, used when the page gives none
    published_at: str | None = None  # the feed's date and time for the item (ISO 8601), for a pack's stories
    feed: str | None = None
    keys: tuple[str, ...] = ()  # the feed item's GUID and link
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    # The article as read while choosing between the page and the summary, kept so that the
    # page is not read a second time; with the warnings reading it gave.
    article: Article | None = None
    read_warnings: list[str] = field(default_factory=list)

    @property
    def sha256(self) -> str | None:
        return hashlib.sha256(self.data).hexdigest() if self.data is not None else None


def saved_name(item: WebArticle) -> str:
    """Where the bytes that were read are kept, relative to the outputs: named by their digest,
    so the same page is kept once and a brief names exactly what it was made from."""
    return f"sources/{(item.sha256 or '')[:20]}{_EXTENSIONS.get(item.fmt or '', '.html')}"


def load(spec: str, limits: FetchLimits = FetchLimits(), *, since: dt.datetime | None = None,
         seen: frozenset[str] | set[str] = frozenset(), warnings: list[str] | None = None,
         progress: Callable[[int, int], None] | None = None) -> list[WebArticle]:
    """The articles a web source stands for. Feed items published before `since`, or whose key is
    in `seen` (read on an earlier day), are left out. `progress(done, total)` is called as each
    of a feed's items is fetched."""
    warnings = [] if warnings is None else warnings
    forced_feed = spec.lower().startswith(FEED_PREFIX)
    target = spec[len(FEED_PREFIX):].strip() if forced_feed else spec
    if not target or target == "-":
        raise BriefError(mask_credentials(spec), "names no feed", "write feed: and then the feed's address or file")
    if not is_web_address(target):
        data = _read_feed_file(target, limits.max_bytes)
        feed = parse_feed(data, target, warnings)
        # A saved feed's items were chosen by its publisher: they get the same rule as a
        # public feed's, and may not point into a private network.
        return _feed_items(feed, os.path.basename(target), limits, since, seen, warnings, trusted_private=False,
                           linked_from="a saved feed file", progress=progress)
    fetched = fetch(target, limits, ANY_ARTICLE | {"application/octet-stream"})
    # Feeds are often served as text/html, text/plain or octet-stream: the document decides.
    is_feed = looks_like_feed(fetched.data)
    if forced_feed or is_feed or fetched.content_type in FEED_TYPES:
        if not forced_feed and not is_feed:
            raise BriefError(mask_credentials(target), "is an XML document, not an RSS or Atom feed",
                             "give the address of the article's web page, or of a feed")
        feed = parse_feed(fetched.data, mask_credentials(target), warnings, base=fetched.final_url,
                          content_type=fetched.content_type_header or None)
        return _feed_items(feed, fetched.final_url, limits, since, seen, warnings,
                           trusted_private=_private_allowed(fetched, limits), progress=progress)
    return [_page(fetched, mask_credentials(target))]


def read(item: WebArticle, encoding: str | None = None, warnings: list[str] | None = None) -> Article:
    """The article in a fetched item, its source filled in: address, feed, note, saved copy."""
    from pipeline.readers import read_bytes

    if item.data is None:
        raise BriefError(item.name, item.error or "nothing was fetched", "try again later")
    warnings = [] if warnings is None else warnings
    if item.article is not None and encoding is None:
        warnings.extend(item.read_warnings)
        return copy.deepcopy(item.article)
    source = Source(path=saved_name(item), url=item.source.url, feed=item.feed, note=item.source.note,
                    publisher=item.source.publisher)
    article = read_bytes(item.data, item.name, item.fmt, encoding if item.fmt != SUMMARY_FORMAT else None,
                         warnings, max_bytes=len(item.data) + 1, charset=item.charset, source=source)
    if not article.source.published and item.published:
        article.source.published = item.published
    return article


# --------------------------------------------------------------------------- pages and feeds


def _page(fetched: Fetched, name: str) -> WebArticle:
    if fetched.content_type in TEXT_TYPES:
        fmt = "markdown" if "markdown" in fetched.content_type else "text"
    elif fetched.content_type in PAGE_TYPES or not fetched.content_type:
        fmt = "html"
    else:
        raise BriefError(name, f"is {fetched.content_type}, not a news page",
                         "give the address of the article's web page")
    return WebArticle(name=name, data=fetched.data, fmt=fmt, charset=fetched.charset,
                      source=Source(url=_safe_url(fetched.final_url)))


def _feed_items(feed: Feed, feed_name: str, limits: FetchLimits, since: dt.datetime | None,
                seen: frozenset[str] | set[str], warnings: list[str], trusted_private: bool,
                linked_from: str = "a public address", progress=None) -> list[WebArticle]:
    # An item is known by its GUID and by its link: publishers change one or the other, and
    # the same article reaches a pack through two feeds with different GUIDs.
    chosen = [item for item in feed.items
              if not (set(item_keys(item, feed_name)) & seen)
              and not (since is not None and item.published is not None and item.published < since)]
    left = len(feed.items) - len(chosen)
    if left:
        warnings.append(f"{left} of the {len(feed.items)} items of {feed_name} are older than the window or "
                        f"were in an earlier pack")
    return _in_parallel(lambda item: _feed_item(item, feed, feed_name, limits, trusted_private, linked_from),
                        chosen, ITEM_FETCHES, progress)


def _in_parallel(work, items: list, workers: int, progress: Callable[[int, int], None] | None = None) -> list:
    """work(item) for each item, `workers` at a time, results in order. The threads are daemons
    and the caller waits in short steps, so Ctrl-C stops a run at once, without waiting out the
    fetches under way."""
    results: list = [None] * len(items)
    position = iter(range(len(items)))
    lock = threading.Lock()
    done = [0]

    def worker() -> None:
        while True:
            with lock:
                index = next(position, None)
            if index is None:
                return
            results[index] = work(items[index])
            if progress is not None:
                with lock:
                    done[0] += 1
                    progress(done[0], len(items))

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(min(workers, len(items)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        while thread.is_alive():
            thread.join(0.1)
    return results


def item_keys(item: FeedItem, feed_name: str = "") -> tuple[str, ...]:
    """How an item is known across runs: its link, and its GUID within its feed (two feeds may
    use the same GUID for different articles)."""
    guid = f"{feed_name} {item.key}" if feed_name and item.key != item.link else item.key
    return tuple(dict.fromkeys(k for k in (guid, item.link) if k))


def _feed_item(item: FeedItem, feed: Feed, feed_name: str, limits: FetchLimits, trusted_private: bool,
               linked_from: str = "a public address") -> WebArticle:
    published = item.published.date().isoformat() if item.published else None
    base = dict(feed=_safe_url(feed_name) or feed_name, keys=item_keys(item, feed_name), published=published,
                published_at=item.published.isoformat() if item.published else None)
    if item.link is not None:
        try:
            fetched = fetch(item.link, limits, PAGE_TYPES | TEXT_TYPES, trusted_private=trusted_private,
                            linked_from=linked_from)
            page = _page(fetched, mask_credentials(item.link))
            page.source.publisher = None
            page.feed, page.keys, page.published = base["feed"], base["keys"], published
            page.published_at = base["published_at"]
            _check_readable(page)
            return page
        except BriefError as exc:
            reason = exc.problem
        except Exception as exc:  # one page's surprise must not cost the rest of the feed
            reason = f"internal error reading the page ({type(exc).__name__})"
    else:
        reason = "the item has no web address"
    name = mask_credentials(item.link or f"{feed_name} ({item.title})")
    if not item.summary:
        return WebArticle(name=name, data=None, fmt=None, error=f"{reason}, and the item has no summary", **base)
    document = (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{html.escape(item.title)}</title>"
                f"</head><body>{item.summary}</body></html>").encode("utf-8", "replace")
    note = f"From the feed's summary: the page could not be read ({reason})."
    return WebArticle(name=name, data=document, fmt=SUMMARY_FORMAT, charset="utf-8",
                      source=Source(url=mask_credentials(item.link) if item.link else None, note=note), **base)


def _check_readable(page: WebArticle) -> None:
    """Read the page now, so a page with no article text falls back to the item's summary."""
    page.article = read(page, warnings=page.read_warnings)


def _private_allowed(fetched: Fetched, limits: FetchLimits) -> bool:
    from pipeline.readers.url import _is_private_host  # the same rule as for the feed itself
    import urllib.parse

    if limits.allow_private is not None:
        return limits.allow_private
    host = urllib.parse.urlsplit(fetched.url)
    return _is_private_host(host.hostname or "", host.port, fetched.url)


def _read_feed_file(path: str, max_bytes: int) -> bytes:
    from pipeline.readers import _read_regular_file

    return _read_regular_file(Path(path), max_bytes)


def _safe_url(url: str | None) -> str | None:
    from pipeline.text import is_safe_link

    return url if url and is_web_address(url) and is_safe_link(url) else None

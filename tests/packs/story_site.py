"""A small news site written for the story tests: two feeds, the same Paris summit from three
outlets (the wire copy, a near-copy under a new headline, a rewrite with a quote of its own)
and two unrelated stories, served by tests.web_server on 127.0.0.1."""

from __future__ import annotations

import html

from tests.stories.articles import REWRITE_BODY, WIRE_BODY
from tests.web_server import Route

# (path, outlet, headline, published, body)
WIRE = ("/wire/summit.html", "Wire Service", "Starmer and Macron agree plan for Ukraine peacekeeping force",
        "2026-01-06T06:55:00Z", WIRE_BODY)
COPY = ("/courier/troops.html", "Daily Courier", "UK and France to send troops to Ukraine after ceasefire, leaders say",
        "2026-01-06T07:10:00Z", WIRE_BODY.rsplit("\n\n", 1)[0])
REWRITE = ("/post/commit.html", "Evening Post", "Britain and France commit troops to Ukraine peacekeeping force",
           "2026-01-06T09:00:00Z", REWRITE_BODY)
FLOOD = ("/echo/flood.html", "Northern Echo", "Flood warnings issued across Yorkshire as rivers rise",
         "2026-01-06T08:00:00Z",
         "The Environment Agency issued eleven flood warnings across Yorkshire on Tuesday 6 January 2026 as "
         "heavy rain pushed the rivers Ouse and Aire over their banks.\n\nResidents in York were told to move "
         "valuables upstairs, and sandbags were handed out at the city's barbican. \"We expect the river to "
         "peak overnight,\" said Priya Natarajan, the agency's area manager.")
RATES = ("/city/rates.html", "City Journal", "Bank of England holds interest rates at 4 per cent",
         "2026-01-06T10:00:00Z",
         "The Bank of England held interest rates at 4 per cent on Tuesday 6 January 2026, with the Monetary "
         "Policy Committee split five to four.\n\nGovernor Andrew Bailey said inflation was falling more "
         "slowly than hoped. \"Cuts will come, but gradually,\" Mr Bailey said.")
HEALEY_QUOTE = "This is the most serious commitment of British forces to European security in a generation."


def page(outlet: str, headline: str, published: str, body: str) -> bytes:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>\n" for p in body.split("\n\n"))
    return (f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{html.escape(headline)}</title>'
            f'<meta property="og:site_name" content="{html.escape(outlet)}">'
            f'<meta property="og:title" content="{html.escape(headline)}">'
            f'<meta property="article:published_time" content="{published}">'
            f'</head><body><article><h1>{html.escape(headline)}</h1>\n{paragraphs}</article></body></html>'
            ).encode("utf-8")


def feed(base: str, title: str, articles) -> bytes:
    from email.utils import format_datetime
    import datetime as dt

    items = "".join(
        f"<item><title>{html.escape(headline)}</title><link>{base}{path}</link><guid>{base}{path}</guid>"
        f"<pubDate>{format_datetime(dt.datetime.fromisoformat(published.replace('Z', '+00:00')), usegmt=True)}</pubDate>"
        f"</item>" for path, _, headline, published, _ in articles)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{html.escape(title)}</title>'
            f"<link>{base}/</link><description>News</description>{items}</channel></rss>").encode("utf-8")


def serve(server) -> tuple[str, str]:
    """Put the site on `server`; the addresses of its two feeds."""
    base = server.url("")
    for path, outlet, headline, published, body in (WIRE, COPY, REWRITE, FLOOD, RATES):
        server.routes[path] = Route(body=page(outlet, headline, published, body))
    server.routes["/one.xml"] = Route(body=feed(base, "Feed one", [WIRE, REWRITE, FLOOD]),
                                      content_type="application/rss+xml")
    server.routes["/two.xml"] = Route(body=feed(base, "Feed two", [COPY, RATES]), content_type="application/rss+xml")
    return server.url("/one.xml"), server.url("/two.xml")

"""Articles written for these tests: three outlets' versions of one summit, and others."""

from __future__ import annotations

import datetime as dt
import hashlib

from pipeline.model import Brief, Commitment, Organisation, Person, Quote, Source
from pipeline.stories import Item

T0 = dt.datetime(2026, 1, 6, 9, 0, tzinfo=dt.timezone.utc)

WIRE_BODY = """\
Prime Minister Keir Starmer met President Emmanuel Macron in Paris on Tuesday to agree a joint \
plan for a peacekeeping force in Ukraine once a ceasefire is reached.

The two leaders said Britain and France would each contribute troops to a multinational \
reassurance force, to be based away from the front line, and would ask other members of the \
coalition of the willing to join them.

"We will not leave Ukraine to face this alone," Sir Keir told reporters at the Elysee Palace \
after the talks, which lasted more than three hours.

Mr Macron said the plan would be presented to Nato defence ministers in Brussels next week, \
and that the United States had been briefed on its outline.

The Ministry of Defence in London said planning teams from both countries would meet in \
Northwood later this month to work out the size and the command of the force."""


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def item(title: str, body: str, outlet: str, when: dt.datetime, *, people=(), orgs=(), places=(),
         quotes=(), commitments=(), event_date=None, feed=None) -> Item:
    brief = Brief(
        title=title, event_date=event_date, locations=list(places),
        people=list(people), organisations=[Organisation(o) for o in orgs], quotes=list(quotes),
        commitments=list(commitments),
        source=Source(url=f"https://{outlet.lower().replace(' ', '')}.example/{_sha(title)[:8]}",
                      publisher=outlet, sha256=_sha(outlet + title + body), feed=feed,
                      published=when.date().isoformat()))
    return Item(brief, body, when, outlet)


STARMER = Person("Keir Starmer", role="Prime Minister", affiliation="United Kingdom",
                 aliases=["Sir Keir"])
MACRON = Person("Emmanuel Macron", role="President", affiliation="France", aliases=["Mr Macron"])
HEALEY = Person("John Healey", role="Defence Secretary", affiliation="United Kingdom")


def wire() -> Item:
    return item("Starmer and Macron agree plan for Ukraine peacekeeping force", WIRE_BODY, "Wire Service",
                T0, people=[STARMER, MACRON], orgs=["Nato", "Ministry of Defence"],
                places=["Paris", "Brussels", "Northwood"], event_date="2026-01-06",
                quotes=[Quote("We will not leave Ukraine to face this alone", "Keir Starmer",
                              "\"We will not leave Ukraine to face this alone,\" Sir Keir told reporters.")],
                commitments=[Commitment("Britain and France", "contribute troops to a reassurance force",
                                        "The two leaders said Britain and France would each contribute troops.")])


def near_copy() -> Item:
    """The wire copy republished under a new headline, last paragraph trimmed."""
    body = WIRE_BODY.rsplit("\n\n", 1)[0]
    return item("UK and France to send troops to Ukraine after ceasefire, leaders say", body,
                "Daily Courier", T0 + dt.timedelta(hours=2), people=[STARMER, MACRON],
                orgs=["Nato"], places=["Paris", "Brussels"], event_date="2026-01-06")


REWRITE_BODY = """\
Britain and France have agreed to put troops into Ukraine as part of a reassurance force \
after any ceasefire, Keir Starmer and Emmanuel Macron announced in Paris.

Speaking after talks at the Elysee, the prime minister said the force would protect Ukraine's \
skies and seas as well as its land. Defence Secretary John Healey, who joined the talks, said: \
"This is the most serious commitment of British forces to European security in a generation."

Critics in Westminster questioned how many soldiers the army could spare."""


def rewrite() -> Item:
    return item("Britain and France commit troops to Ukraine peacekeeping force", REWRITE_BODY,
                "Evening Post", T0 + dt.timedelta(hours=5), people=[STARMER, MACRON, HEALEY],
                orgs=["Elysee"], places=["Paris"], event_date="2026-01-06",
                quotes=[Quote("This is the most serious commitment of British forces to European "
                              "security in a generation.", "John Healey",
                              "Defence Secretary John Healey, who joined the talks, said: ...")])


def flood() -> Item:
    return item("Flood warnings issued across Yorkshire as rivers rise",
                "The Environment Agency issued eleven flood warnings across Yorkshire on Tuesday as "
                "heavy rain pushed the rivers Ouse and Aire over their banks. Residents in York were "
                "told to move valuables upstairs, and sandbags were handed out at the city's barbican.",
                "Northern Echo", T0 + dt.timedelta(hours=1), orgs=["Environment Agency"],
                places=["York", "Yorkshire"], event_date="2026-01-06")


def rates() -> Item:
    return item("Bank of England holds interest rates at 4 per cent",
                "The Bank of England held interest rates at 4 per cent on Tuesday, with the Monetary "
                "Policy Committee split five to four. Governor Andrew Bailey said inflation was "
                "falling more slowly than hoped and that cuts would come gradually.",
                "City Journal", T0 + dt.timedelta(hours=3), orgs=["Bank of England"],
                people=[Person("Andrew Bailey", role="Governor", aliases=["Mr Bailey"])],
                places=["London"], event_date="2026-01-06")

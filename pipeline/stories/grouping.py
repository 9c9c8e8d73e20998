"""Group a pack's articles into stories across outlets.

Two kinds of link join articles:

* near-copies (syndicated wire copy, a page republished under a new headline): the Jaccard
  similarity of their sets of word shingles is at least `GroupSettings.near_copy`. Candidate
  pairs come from a bottom-k sketch of each article's shingles, so the work stays near-linear;
  the Jaccard itself is then computed exactly on the full shingle sets.
* different write-ups of one event: published within `window_hours` of each other, no
  conflicting event dates, titles that do not each name someone or something the other
  article never mentions (how look-alike events read: "Klitschko stops Thompson" and "Klitschko
  beats Rahman"), and either a high TF-IDF cosine of their titles, leads and the names further
  down, or a moderate cosine together with enough shared people, organisations and places.

Links are applied strongest first; two groups are only merged when the result still spans
at most `window_hours`, holds no two event dates further apart than `date_tolerance_days`
and no two articles whose titles conflict as above, so a chain of weak links cannot drag
different events together. Everything is computed from
the inputs alone: the same articles, in any order, give the same stories in the same order.

Pure functions: no I/O, no clock, no randomness.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import dataclasses
from dataclasses import dataclass
from typing import Iterable, Sequence

from pipeline.errors import BriefError
from pipeline.model import Brief, Commitment, Person, Quote

_WORD = re.compile(r"\w+", re.UNICODE)
_NAME_WORD = re.compile(r"(?<=[\w,;] )([A-Z][\w'’-]*[a-z][\w'’-]*)")
_HONORIFICS = frozenset("""mr mrs ms miss mx dr sir dame lord lady prof professor rev president
    prime minister general gen col colonel capt captain king queen prince princess""".split())
_STOPWORDS = frozenset("""a an and are as at be been but by for from has have he her his i in is it
    its of on or that the their they this to was were will with would said says say after
    over into about than then there what when which who whom why how not no new more most
    also can could may might one two three up down out off we you our us them she him
    mr mrs ms dr sir""".split())
# Last words of names that say what kind of body or place it is, not which one.
_GENERIC = frozenset("""center centre court department service services office police university
    hospital council party club company group news agency association committee house ministry
    board city county state school team""".split())


@dataclass(frozen=True)
class GroupSettings:
    """Thresholds of `group`. Frozen, so a pack file can carry one and runs can compare them.

    near_copy: shingle Jaccard at or above which two texts are the same copy.
    copy_min_words: shorter texts (a headline and a line from a feed) are never near-copies:
    "Live updates" or "Letters" over two different pages would be.
    copy_words: only the first words of a text are compared (a copy keeps most of them; the
    cost of a long text stays bounded). shingle_words: words per shingle. sketch_size: shingles per article kept for candidates.
    window_hours: articles further apart in time are never the same story (0: no window).
    strong_cosine: title-and-lead TF-IDF cosine that joins two write-ups on its own.
    event_cosine, min_shared: a lower cosine joins them when they also share at least
    `min_shared` people, organisations or places of which one is a person, or one more than
    that of which one is not a place. (A shared organisation and place alone, on the same day,
    are common to different events: measured in benchmarks/stories_bench.py.)
    min_shared_terms: write-ups sharing fewer title-and-lead terms are never joined.
    date_tolerance_days: event dates further apart than this keep articles apart.
    lead_words: words of the body read as the lead, besides title and standfirst.
    index_terms: an article's heaviest lead terms that propose candidate pairs (speed only).
    name_words: capitalised words (names) up to this far into the body count as terms too (0: none).
    """

    near_copy: float = 0.5
    copy_min_words: int = 40
    copy_words: int = 400
    shingle_words: int = 4
    sketch_size: int = 48
    window_hours: float = 72.0
    strong_cosine: float = 0.35
    event_cosine: float = 0.15
    min_shared: int = 2
    min_shared_terms: int = 3
    date_tolerance_days: int = 1
    lead_words: int = 100
    index_terms: int = 12
    name_words: int = 400

    @classmethod
    def from_mapping(cls, values: dict, where: str = "stories") -> "GroupSettings":
        """Settings from a pack file's table: unknown names and values of the wrong type or
        out of range raise BriefError naming `where`."""
        known = {f.name: f for f in dataclasses.fields(cls)}
        out = {}
        for name, value in values.items():
            if name not in known:
                raise BriefError(where, f"unknown setting {name!r}", "known: " + ", ".join(known))
            kind = known[name].type
            ok = (isinstance(value, (int, float)) and not isinstance(value, bool)
                  and (kind == "float" or isinstance(value, int)) and value >= 0)
            if not ok:
                raise BriefError(where, f"{name} must be a number of at least 0"
                                        + ("" if kind == "float" else ", a whole one"), f"got {value!r}")
            out[name] = float(value) if kind == "float" else value
        return cls(**out)


@dataclass(frozen=True)
class Item:
    """One article to group: its brief, its text, when it appeared and where.

    `text` is the article's body (for near-copy shingles); `time` is when it was published or
    fetched, a timezone-aware datetime (naive ones are read as UTC) or None; `outlet` defaults
    to the brief's publisher, then the host of its address.
    """

    brief: Brief
    text: str = ""
    time: _dt.datetime | None = None
    outlet: str | None = None

    @property
    def source_name(self) -> str:
        if self.outlet:
            return self.outlet
        src = self.brief.source
        if src.publisher:
            return src.publisher
        if src.url:
            host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", src.url, flags=re.I).split("/", 1)[0]
            return host.rsplit("@", 1)[-1].lower().removeprefix("www.")
        return src.path or ""

    @property
    def url(self) -> str | None:
        return self.brief.source.url

    @property
    def key(self) -> str:
        """A stable identity: the sha256 of the input, else the address, else the title."""
        src = self.brief.source
        return src.sha256 or src.url or src.path or self.brief.title

    @property
    def when(self) -> _dt.datetime | None:
        if self.time is not None:
            return self.time if self.time.tzinfo else self.time.replace(tzinfo=_dt.timezone.utc)
        published = self.brief.source.published
        if published:
            try:
                value = _dt.datetime.fromisoformat(published)
            except ValueError:
                return None
            return value if value.tzinfo else value.replace(tzinfo=_dt.timezone.utc)
        return None

    @property
    def extracted(self) -> int:
        b = self.brief
        return (len(b.people) + len(b.organisations) + len(b.quotes) + len(b.commitments)
                + len(b.locations) + (1 if b.event_date else 0))


@dataclass(frozen=True)
class Also:
    """Another outlet's version of the story: "also reported by"."""

    outlet: str
    time: _dt.datetime | None
    url: str | None
    title: str


@dataclass(frozen=True)
class Extra:
    """A quote, commitment or person another article has and the lead lacks.
    `kind` is "quote", "commitment" or "person"; `outlet` and `url` name where it comes from."""

    kind: str
    item: Quote | Commitment | Person
    outlet: str
    url: str | None


@dataclass(frozen=True)
class Link:
    """Why two articles (by index in `Story.items`) are in one story."""

    a: int
    b: int
    kind: str      # "near-copy" or "same event"
    score: float
    reason: str


@dataclass(frozen=True)
class Story:
    """Articles of one story. `items[0]` is the lead: the fullest article — the most extracted
    items (people, organisations, quotes, commitments, places, event date), then the longest
    text — with ties broken by the earliest time, then the smallest key (sha256). The others
    follow by time, then key; `also` lists them as "also reported by"."""

    items: tuple[Item, ...]
    also: tuple[Also, ...] = ()
    extras: tuple[Extra, ...] = ()
    links: tuple[Link, ...] = ()

    @property
    def lead(self) -> Item:
        return self.items[0]

    @property
    def id(self) -> str:
        return self.lead.key

    @property
    def outlets(self) -> list[str]:
        seen: dict[str, None] = {}
        for item in self.items:
            seen.setdefault(item.source_name.casefold(), None)
        return list(seen)

    @property
    def time(self) -> _dt.datetime | None:
        times = [i.when for i in self.items if i.when is not None]
        return min(times) if times else None

    def to_dict(self) -> dict:
        """Plain JSON-ready data: the lead's sha256 and title, also reported by, extras and links
        (articles by sha256). Enough for a pack file or a review page to show and keep."""

        def when(value: _dt.datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "id": self.id,
            "title": self.lead.brief.title,
            "lead": {"outlet": self.lead.source_name, "time": when(self.lead.when), "url": self.lead.url,
                     "sha256": self.lead.brief.source.sha256},
            "also": [{"outlet": a.outlet, "time": when(a.time), "url": a.url, "title": a.title,
                      "sha256": i.brief.source.sha256} for a, i in zip(self.also, self.items[1:])],
            "extras": [{"kind": e.kind, "outlet": e.outlet, "url": e.url, "item": dataclasses.asdict(e.item)}
                       for e in self.extras],
            "links": [{"a": self.items[l.a].key, "b": self.items[l.b].key, "kind": l.kind,
                       "score": round(l.score, 4), "reason": l.reason} for l in self.links],
        }


# --------------------------------------------------------------------------- features


def normalise_name(name: str) -> str:
    """Casefolded words of a name without honorifics: "Sir Keir Starmer" -> "keir starmer"."""
    words = [w for w in _WORD.findall(name.casefold())]
    while len(words) > 1 and words[0] in _HONORIFICS:
        words.pop(0)
    return " ".join(words)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _shingles(ids: list[int], n: int) -> frozenset[tuple[int, ...]]:
    """Runs of n word ids. Tuples of ints hash the same in every process (unlike strings),
    so the sketch, and with it the grouping, never depends on PYTHONHASHSEED."""
    if len(ids) < n:
        return frozenset([tuple(ids)]) if ids else frozenset()
    return frozenset(zip(*(ids[i:] for i in range(n))))


def _full_text(item: Item, chars: int | None = None) -> str:
    b = item.brief
    return "\n".join(part for part in (b.title, b.standfirst or "", item.text[:chars]) if part)


def _entities(brief: Brief) -> dict[str, str]:
    """Entity keys ("p:keir starmer", "o:nato", "l:paris") to their display names."""
    found: dict[str, str] = {}
    for person in brief.people:
        key = normalise_name(person.name)
        if key:
            found.setdefault("p:" + key, person.name)
    for org in brief.organisations:
        key = normalise_name(org.name)
        if key:
            found.setdefault("o:" + key, org.name)
    for place in brief.locations:
        key = normalise_name(place)
        if key:
            found.setdefault("l:" + key, place)
    return found


@dataclass
class _Features:
    item: Item
    words: int
    shingles: frozenset[tuple[int, ...]]
    sketch: tuple[tuple[int, ...], ...]
    terms: dict[str, float]     # TF-IDF, unit length
    entities: dict[str, str]
    date: _dt.date | None
    when: _dt.datetime | None
    headline: frozenset[str] = frozenset()   # words by which the title names people, organisations, places
    known: frozenset[str] = frozenset()      # words of the title and of every name


def _event_date(brief: Brief) -> _dt.date | None:
    try:
        return _dt.date.fromisoformat(brief.event_date) if brief.event_date else None
    except ValueError:
        return None


def _names(item: Item, settings: GroupSettings) -> list[tuple[int, str]]:
    """Capitalised words inside a sentence of the body's first `name_words` words (about seven
    characters each), with where they start: names, which the extractor does not always find."""
    if not settings.name_words:
        return []
    text = item.text[: settings.name_words * 7]
    return [(m.start(), m.group(1).casefold()) for m in _NAME_WORD.finditer(text)]


def _lead_terms(item: Item, settings: GroupSettings, names: list[tuple[int, str]]) -> list[str]:
    b = item.brief
    lead = _words(item.text[: settings.lead_words * 20])[: settings.lead_words]
    # The title counts twice: it says what the story is about.
    words = _words(b.title) * 2 + _words(b.standfirst or "") + lead
    # Names further down say which event it is when the lead only says what kind.
    after = settings.lead_words * 5
    words += sorted({name for at, name in names if at >= after})
    return [w for w in words if w not in _STOPWORDS and len(w) > 1 and not w.isdigit()]


def _features(items: Sequence[Item], settings: GroupSettings) -> list[_Features]:
    names = [_names(item, settings) for item in items]
    term_lists = [_lead_terms(item, settings, found) for item, found in zip(items, names)]
    df: dict[str, int] = {}
    for terms in term_lists:
        for t in set(terms):
            df[t] = df.get(t, 0) + 1
    n = len(items)
    feats = []
    vocabulary: dict[str, int] = {}
    for item, terms, found in zip(items, term_lists, names):
        tf: dict[str, int] = {}
        for t in terms:
            tf[t] = tf.get(t, 0) + 1
        vec = {t: (1 + math.log(c)) * math.log((1 + n) / (1 + df[t]) + 1) for t, c in tf.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        words = _words(_full_text(item, settings.copy_words * 12))[: settings.copy_words]
        ids = [vocabulary.setdefault(w, len(vocabulary)) for w in words]
        shingles = _shingles(ids, settings.shingle_words)
        heads, known = _headline(item.brief)
        # A name the extractor missed still counts as mentioned.
        known |= {name for _, name in found}
        feats.append(_Features(
            item=item, words=len(words), shingles=shingles,
            sketch=tuple(sorted(shingles, key=hash)[: settings.sketch_size]),
            terms={t: v / norm for t, v in vec.items()}, entities=_entities(item.brief),
            date=_event_date(item.brief), when=item.when, headline=heads, known=known))
    return feats


def _headline(brief: Brief) -> tuple[frozenset[str], frozenset[str]]:
    """The words by which the title names people, organisations and places (the last telling
    word of each name: "Bush placed on injured reserve" names Reggie Bush, "Colts beat Chiefs"
    the Kansas City Chiefs), and every word of the title and of every name the article holds."""
    title = set(_words(brief.title))
    names = [p.name for p in brief.people] + [o.name for o in brief.organisations] + list(brief.locations)
    heads, known = set(), set(title)
    for name in names:
        words = _words(normalise_name(name))
        known.update(words)
        telling = [w for w in words if len(w) > 2 and w not in _STOPWORDS and w not in _GENERIC]
        if telling and telling[-1] in title:
            heads.add(telling[-1])
    return frozenset(heads), frozenset(known)


def _conflict(fa: "_Features", fb: "_Features") -> str | None:
    """Why two articles tell of different events, or None: each title names someone or
    something the other article never mentions ("Klitschko stops Thompson" and "Klitschko beats
    Rahman"; a quake in Aceh and one in West Papua). Write-ups of one event name its
    protagonists alike, or one names more than the other; both naming one of their own that
    the other lacks is how two look-alike events read (measured in benchmarks/stories_eval_events.py)."""
    only_a = sorted(fa.headline - fb.known)
    only_b = sorted(fb.headline - fa.known)
    if only_a and only_b:
        return f"titles name {only_a[0]} and {only_b[0]}"
    return None


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b[t] for t, v in a.items() if t in b)


def _jaccard(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def _hours_apart(a: _dt.datetime | None, b: _dt.datetime | None) -> float:
    if a is None or b is None:
        return 0.0
    return abs((a - b).total_seconds()) / 3600


# --------------------------------------------------------------------------- pair scores


def _score(fa: _Features, fb: _Features, settings: GroupSettings, copy: bool = True) -> Link | None:
    """The link between two articles, or None. Indices in the Link are filled in by callers.
    `copy`: whether the two may be near-copies (else the shingles are not compared)."""
    if _conflict(fa, fb):
        return None  # each title names someone or somewhere of its own: two look-alike events
    long_enough = min(fa.words, fb.words) >= settings.copy_min_words
    jac = _jaccard(fa.shingles, fb.shingles) if copy and long_enough else 0.0
    if jac >= settings.near_copy:
        return Link(0, 0, "near-copy", 1.0 + jac, f"shingle Jaccard {jac:.2f}")
    if settings.window_hours and _hours_apart(fa.when, fb.when) > settings.window_hours:
        return None
    if fa.date and fb.date and abs((fa.date - fb.date).days) > settings.date_tolerance_days:
        return None
    cos = _cosine(fa.terms, fb.terms)
    if cos < min(settings.event_cosine, settings.strong_cosine):
        return None
    shared = sorted(set(fa.entities) & set(fb.entities), key=lambda k: ("pol".index(k[0]), k))
    not_places = [k for k in shared if not k.startswith("l:")]
    names = [fa.entities[k] for k in shared]
    if fa.date and fb.date and fa.date == fb.date:
        names.append(fa.date.isoformat())
    people = [k for k in shared if k.startswith("p:")]
    if len(fa.terms.keys() & fb.terms.keys()) < settings.min_shared_terms:
        return None  # two headlines of a word or two ("Live updates") prove nothing
    strong = cos >= settings.strong_cosine
    backed = cos >= settings.event_cosine and (
        (len(shared) >= settings.min_shared and people)
        or (len(shared) > settings.min_shared and not_places))
    if not (strong or backed):
        return None
    reason = (f"shared: {', '.join(names)}; " if names else "") + f"title cosine {cos:.2f}"
    return Link(0, 0, "same event", cos + 0.05 * len(shared), reason)


def explain(a: Item, b: Item, settings: GroupSettings = GroupSettings()) -> str:
    """Why `group` would join two articles ("shingle Jaccard 0.91", "shared: Keir Starmer,
    Paris, 2026-01-06; title cosine 0.62"), or why not. The cosine's IDF weights come from
    these two articles alone, so the figure can differ from the one stored in a Story."""
    fa, fb = _features([a, b], settings)
    link = _score(fa, fb, settings)
    if link is not None:
        return link.reason
    jac = _jaccard(fa.shingles, fb.shingles)
    why = []
    if jac >= settings.near_copy and min(fa.words, fb.words) < settings.copy_min_words:
        why.append(f"under {settings.copy_min_words} words")
    if settings.window_hours and _hours_apart(fa.when, fb.when) > settings.window_hours:
        why.append(f"{_hours_apart(fa.when, fb.when):.0f} hours apart")
    if fa.date and fb.date and abs((fa.date - fb.date).days) > settings.date_tolerance_days:
        why.append(f"event dates {fa.date} and {fb.date}")
    conflict = _conflict(fa, fb)
    if conflict:
        why.append(conflict)
    why.append(f"shingle Jaccard {jac:.2f}, title cosine {_cosine(fa.terms, fb.terms):.2f}")
    return "not joined: " + "; ".join(why)


# --------------------------------------------------------------------------- grouping


def _candidates(feats: list[_Features], settings: GroupSettings) -> dict[tuple[int, int], bool]:
    """Pairs worth scoring, each with whether they share a sketch shingle (only those can be
    near-copies): pairs sharing a sketch shingle, an entity, or a rare lead term. A key shared
    by many articles (boilerplate, a common word, a much-named place) says little and would
    cost n² pairs, so it proposes none."""
    n = len(feats)
    rare = max(3, int(math.sqrt(n)) * 2)
    index: dict[object, list[int]] = {}
    for i, f in enumerate(feats):
        for s in f.sketch:
            index.setdefault(s, []).append(i)
        for e in f.entities:
            index.setdefault(e, []).append(i)
        # An article's heaviest terms: two write-ups close enough to join share some of them.
        for t in sorted(f.terms, key=lambda t: (-f.terms[t], t))[: settings.index_terms]:
            index.setdefault(("t", t), []).append(i)
    pairs: dict[tuple[int, int], bool] = {}
    for key, members in index.items():
        if len(members) < 2 or len(members) > rare:
            continue
        copy = isinstance(key, tuple) and key[0] != "t"
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                pair = (members[x], members[y])
                if copy or pair not in pairs:
                    pairs[pair] = copy or pairs.get(pair, False)
    return pairs


def _canonical(items: Iterable[Item]) -> list[Item]:
    far = _dt.datetime.max.replace(tzinfo=_dt.timezone.utc)
    return sorted(items, key=lambda i: (i.when or far, i.key, i.brief.title, i.source_name))


def _lead_key(item: Item):
    far = _dt.datetime.max.replace(tzinfo=_dt.timezone.utc)
    return (-item.extracted, -len(_full_text(item)), item.when or far, item.key)


def group(articles: Iterable[Item], settings: GroupSettings = GroupSettings()) -> list[Story]:
    """Group articles into stories, earliest story first (by its earliest article, then lead key).

    Every input appears in exactly one story; an article like no other is a story of one.
    """
    items = _canonical(articles)
    feats = _features(items, settings)
    scored = []
    for (i, j), copy in _candidates(feats, settings).items():
        link = _score(feats[i], feats[j], settings, copy)
        if link is not None:
            scored.append((-link.score, i, j, link))
    scored.sort(key=lambda s: (s[0], s[1], s[2]))

    parent = list(range(len(items)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(items))}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    # Root pairs found incompatible: a group only grows, which never mends that.
    apart_in_time: set[tuple[int, int]] = set()
    apart_by_titles: set[tuple[int, int]] = set()

    def compatible(ra: int, rb: int, copy: bool) -> bool:
        """Whether two groups may merge: for a same-event link, the result must fit the time
        window and the event dates; for any link, no two of its articles may have conflicting
        titles (a template filled in for two events reads as a near-copy)."""
        key = (min(ra, rb), max(ra, rb))
        if key in apart_by_titles or (not copy and key in apart_in_time):
            return False
        group_ = members[ra] + members[rb]
        if not copy:
            times = [feats[k].when for k in group_ if feats[k].when is not None]
            dates = [feats[k].date for k in group_ if feats[k].date is not None]
            if ((settings.window_hours and times
                 and (max(times) - min(times)).total_seconds() / 3600 > settings.window_hours)
                    or (dates and (max(dates) - min(dates)).days > settings.date_tolerance_days)):
                apart_in_time.add(key)
                return False
        # One pair whose titles tell of different events keeps the two groups apart, however
        # many other links a chain of look-alike write-ups would offer.
        named_a = [k for k in members[ra] if feats[k].headline]
        named_b = [k for k in members[rb] if feats[k].headline]
        if any(_conflict(feats[x], feats[y]) for x in named_a for y in named_b):
            apart_by_titles.add(key)
            return False
        return True

    kept: list[tuple[int, int, Link]] = []
    for _, i, j, link in scored:
        ri, rj = find(i), find(j)
        if ri == rj:
            kept.append((i, j, link))
            continue
        if not compatible(ri, rj, link.kind == "near-copy"):
            continue
        if ri > rj:
            ri, rj = rj, ri
        parent[rj] = ri
        members[ri].extend(members.pop(rj))
        kept.append((i, j, link))

    links_of: dict[int, list[tuple[int, int, Link]]] = {}
    for i, j, link in kept:
        links_of.setdefault(find(i), []).append((i, j, link))

    stories = [_story([items[k] for k in sorted(group_)], group_, links_of.get(root, []))
               for root, group_ in members.items()]
    far = _dt.datetime.max.replace(tzinfo=_dt.timezone.utc)
    stories.sort(key=lambda s: (s.time or far, s.id))
    return stories


def _story(items: list[Item], indices: list[int], links: list[tuple[int, int, Link]]) -> Story:
    lead = min(items, key=_lead_key)
    rest = [i for i in items if i is not lead]  # already in time, key order
    ordered = [lead, *rest]
    place = {id(item): n for n, item in enumerate(ordered)}
    position = {idx: place[id(item)] for idx, item in zip(sorted(indices), items)}
    story_links = tuple(sorted(
        (Link(position[i], position[j], link.kind, link.score, link.reason) for i, j, link in links),
        key=lambda l: (min(l.a, l.b), max(l.a, l.b))))
    also = tuple(Also(i.source_name, i.when, i.url, i.brief.title) for i in rest)
    return Story(tuple(ordered), also, _extras(lead, rest), story_links)


# --------------------------------------------------------------------------- extras


def _squash(text: str) -> str:
    return " ".join(_words(text))


def _person_keys(person: Person) -> set[str]:
    keys = {normalise_name(person.name)}
    keys.update(normalise_name(a) for a in person.aliases)
    return {k for k in keys if k}


def _extras(lead: Item, rest: list[Item]) -> tuple[Extra, ...]:
    """Quotes, commitments and people of the other articles the lead lacks, first source wins."""
    lead_text = _squash(_full_text(lead) + " " + " ".join(q.text for q in lead.brief.quotes))
    quotes = {_squash(q.text) for q in lead.brief.quotes}
    commitments = {_squash(f"{c.actor or ''} {c.action}") for c in lead.brief.commitments}
    people: set[str] = set()
    for p in lead.brief.people:
        people |= _person_keys(p)
    extras: list[Extra] = []
    for item in rest:
        for q in item.brief.quotes:
            key = _squash(q.text)
            if key and key not in quotes and key not in lead_text:
                quotes.add(key)
                extras.append(Extra("quote", q, item.source_name, item.url))
        for c in item.brief.commitments:
            key = _squash(f"{c.actor or ''} {c.action}")
            if key and key not in commitments:
                commitments.add(key)
                extras.append(Extra("commitment", c, item.source_name, item.url))
        for p in item.brief.people:
            keys = _person_keys(p)
            if keys and not keys & people:
                people |= keys
                extras.append(Extra("person", p, item.source_name, item.url))
    return tuple(extras)

"""Article to brief: pure functions, no I/O, no network, no model download.

Each field has its own module; this one runs them in order (people first, because quotes and
commitments refer to people) and records, for every item, the rule that produced it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pipeline import collector
from pipeline.errors import BriefError
from pipeline.extract import commitments as commitments_rules
from pipeline.extract import confidence as confidence_rules
from pipeline.extract import context as context_rules
from pipeline.extract import dates as date_rules
from pipeline.extract import facts as fact_rules
from pipeline.extract import organisations as organisation_rules
from pipeline.extract import places as place_rules
from pipeline.extract.people import attended, cluster, find_mentions
from pipeline.extract.quotes import QuoteSpan, drop_nested, find_quotes, is_quoted_term
from pipeline.extract.sentences import Sentence, article_sentences, block_text
from pipeline.extract.summary import choose_summary, key_sentence
from pipeline.extract.speakers import Attribution, SpeakerResolver, attribute_quote, speaker_lead_in
from pipeline.extract.weights import confidence
from pipeline.model import Article, Brief, Commitment, Organisation, Person, Quote


@dataclass(frozen=True)
class TraceItem:
    """Why an item is in the brief: the field, the item, the rule, the sentence."""

    field: str
    item: str
    rule: str
    evidence: str


@dataclass
class Extraction:
    brief: Brief
    trace: list[TraceItem] = field(default_factory=list)
    # The evidence each confidence was computed from, per item kind ("quote", "commitment", "role"),
    # in the order of the brief's items: what benchmarks/extract_learn.py learns the weights from.
    features: dict[str, list[dict[str, float]]] = field(default_factory=dict)


def extract(article: Article) -> Brief:
    return extract_with_trace(article).brief


def extract_with_trace(article: Article) -> Extraction:
    # An article's sentences, tokens and mentions live until its brief is made, and extraction
    # makes no reference cycles (tests/extract/test_scale.py): the collector's passes over them
    # freed nothing, and took 2-4% of a 10,000-sentence article's time, more the longer it was.
    with collector.paused():
        return _extract_with_trace(article)


def _extract_with_trace(article: Article) -> Extraction:
    trace: list[TraceItem] = []
    features: dict[str, list[dict[str, float]]] = {"quote": [], "commitment": [], "role": []}
    sentences = article_sentences(article)
    texts = {i: block.text for i, block in enumerate(article.blocks)}
    texts[-1] = article.title
    texts[-2] = article.standfirst or ""

    people = cluster(find_mentions(sentences, texts))
    resolver = SpeakerResolver(people, sentences)
    quotes, quoted_spans, speech_spans = _quotes(article, sentences, texts, resolver, trace, features["quote"])
    organisations = _organisations(sentences, trace)
    main_actor = _main_actor(sentences)
    found_commitments = _commitments(article, sentences, main_actor, _pronoun_resolver(resolver), quoted_spans,
                                     trace)
    commitment_features = [confidence_rules.commitment_features(c, resolver) for c in found_commitments]
    features["commitment"] = commitment_features
    published = _published(article)
    found_dates = date_rules.find_dates(sentences, published)
    first_body = next((s for s in sentences if s.block >= 0), None)
    dateline = place_rules.dateline(texts[first_body.block]) if first_body is not None else None
    event = (date_rules.dateline_date(dateline.date, first_body) if dateline and dateline.date else None
             ) or date_rules.event_date(found_dates)
    if event is not None:
        trace.append(TraceItem("event_date", event.date.isoformat(), event.rule, event.sentence.text))
    places = place_rules.find_places(sentences, texts)
    locations = place_rules.ordered_locations(places)
    if dateline is not None and dateline.place not in locations:
        # Where the story was filed, as its dateline gives it, comes first ("PHOENIX" and "Phoenix"
        # are one place).
        same = dateline.place.split(",")[0].casefold()
        locations = [dateline.place] + [name for name in locations if name.casefold() != same]
        trace.append(TraceItem("locations", dateline.place, "dateline", first_body.text))
    for name in locations:
        first = next((p for p in places if p.name == name), None)
        if first is None:
            continue  # the dateline, traced above
        trace.append(TraceItem("locations", name, first.rule + (" (event)" if first.event else ""),
                               first.sentence.text))
    ranking = context_rules.ContextRanking(sentences, speech_spans, article.title)
    chosen = ranking.choose()
    for s in chosen:
        trace.append(TraceItem("context", s.text, "lead-and-central-sentences", s.text))
    summary = choose_summary(ranking)
    for s in summary:
        trace.append(TraceItem("summary", s.text, "lead-and-central-sentences", s.text))

    brief_people = []
    mention_counts = []
    for person in people:
        mention_counts.append(len(person.mentions))
        was_there = attended(person)
        first = person.mentions[0]
        role_features = confidence_rules.role_features(person)
        features["role"].append(role_features)
        brief_people.append(Person(name=person.display, role=person.role, affiliation=person.affiliation,
                                   aliases=person.aliases(), attended=was_there,
                                   evidence=first.sentence.text,
                                   confidence=confidence("role", role_features)))
        trace.append(TraceItem("people", person.display, person.rule + (", attended" if was_there else ""),
                               first.sentence.text))

    found_commitment_items = [Commitment(_resolve_actor(c.actor, organisations), c.action, c.evidence, c.deadline,
                                         confidence("commitment", f))
                              for c, f in zip(found_commitments, commitment_features)]
    place = None
    if locations:
        place = next((TraceItem("", "", "", t.evidence) for t in trace
                      if t.field == "locations" and t.item == locations[0]), None)
    _check_size(article, len(brief_people), len(quotes), len(organisations), len(found_commitment_items))
    facts = fact_rules.key_facts(
        key_sentence(ranking),
        list(zip(brief_people, mention_counts)),
        [(o.name, o.sentence.text) for o in organisations],
        (event.date.isoformat(), event.sentence.text) if event else None,
        (locations[0], place.evidence) if place else None,
        found_commitment_items, sentences)
    for fact in facts:
        trace.append(TraceItem("key_facts", f"{fact.kind}: {fact.value}" + (f" ({fact.detail})" if fact.detail else ""),
                               "key-fact-" + fact.kind, fact.evidence))

    brief = Brief(
        title=article.title,
        standfirst=article.standfirst,
        event_date=event.date.isoformat() if event else None,
        locations=locations,
        summary=[s.text for s in summary],
        key_facts=facts,
        context=[s.text for s in chosen],
        commitments=found_commitment_items,
        people=brief_people,
        organisations=[Organisation(o.name, o.sentence.text) for o in organisations],
        quotes=quotes,
        source=article.source,
    )
    return Extraction(brief, trace, features)


# The most people, quotes, organisations and commitments one brief holds: its DOCX and PDF take
# about a second a thousand, and a file under the text cap can name a hundred thousand
# (reports, lists and feeds gone wrong are not news).
MOST_ITEMS = 10_000


def _check_size(article: Article, people: int, quotes: int, organisations: int, commitments: int) -> None:
    if people + quotes + organisations + commitments <= MOST_ITEMS:
        return
    counts = [f"{n:,} {what}" for n, what in ((people, "people"), (quotes, "quotes"),
                                             (organisations, "organisations"), (commitments, "commitments")) if n]
    named = counts[0] if len(counts) == 1 else f"{', '.join(counts[:-1])} and {counts[-1]}"
    raise BriefError(article.source.path or "the article",
                     f"names {named}: more than the {MOST_ITEMS:,} items a brief holds",
                     "brief its parts as separate articles")


def _published(article: Article) -> dt.date | None:
    if not article.source.published:
        return None
    try:
        return dt.date.fromisoformat(article.source.published[:10])
    except ValueError:
        return None


def _sentence_at(sentences: list[Sentence], block: int, offset: int) -> Sentence | None:
    best = None
    for s in sentences:
        if s.block == block and s.start <= offset:
            best = s
        elif s.block == block and s.start > offset:
            break
    return best


def _pronoun_resolver(resolver: SpeakerResolver):
    """"he" or "she" at a place in the article, as the name of the person meant."""
    def resolve(sentence: Sentence, offset: int, pronoun: str) -> str | None:
        gender = {"he": "m", "she": "f"}.get(pronoun.lower())
        if gender is None:
            return None
        ranked = resolver.rank_pronoun(sentence.block, offset, gender)
        return ranked[0][1].display if ranked and ranked[0][1] is not None else None
    return resolve


def _sentence_before(sentences: list[Sentence], sentence: Sentence) -> Sentence | None:
    """The article's sentence before `sentence`: its neighbour in the list, which holds the
    sentences in order of `index`."""
    position = sentence.index
    if 0 <= position < len(sentences) and sentences[position] is sentence:
        return sentences[position - 1] if position > 0 else None
    return next((s for s in reversed(sentences) if s.index < sentence.index), None)


def _quotes(article: Article, sentences: list[Sentence], texts: dict[int, str], resolver: SpeakerResolver,
            trace: list[TraceItem], features: list[dict[str, float]]) -> tuple[list[Quote], dict[int, list[tuple[int, int]]],
                                             dict[int, list[tuple[int, int]]]]:
    """The quotes, and per block the offsets of every quotation and of those that are speech
    (attributed, or longer than a short phrase)."""
    out: list[Quote] = []
    spans_by_block: dict[int, list[tuple[int, int]]] = {}
    quoted_speech: dict[int, list[tuple[int, int]]] = {}
    previous: tuple[QuoteSpan, Attribution] | None = None
    pending: list[tuple[Attribution, QuoteSpan, str, str | None, str, dict[str, float]]] = []
    blocks = [(-2, article.standfirst)] if article.standfirst else []
    blocks += [(i, b.text) for i, b in enumerate(article.blocks) if b.kind != "heading"]
    # Names inside quotations are never speaker candidates: the resolver knows where they are.
    found_spans = {block: drop_nested(find_quotes(text, block)) for block, text in blocks}
    resolver.quoted = {block: [(q.open_at, q.outer_end) for q in spans] for block, spans in found_spans.items()}
    lead: Attribution | None = None  # "Professor X, director of Y, said:" before unmarked paragraphs
    carried = 0
    # Each block's sentences, found once: a long article has thousands of each.
    sentences_of: dict[int, list[Sentence]] = {}
    for s in sentences:
        sentences_of.setdefault(s.block, []).append(s)
    for block, text in blocks:
        spans = found_spans[block]
        kind = article.blocks[block].kind if block >= 0 else "standfirst"
        block_lead = None
        if (not spans and lead is not None and carried < BLOCK_QUOTE_PARAGRAPHS and kind == "paragraph"
                and not text.rstrip().endswith(":") and not _names_in_third_person(lead, resolver, block)):
            # GOV.UK style: the paragraphs after "X said:" are X's words, set without marks.
            start, end = len(text) - len(text.lstrip()), len(text.rstrip())
            spans = [QuoteSpan(block, start, start, end, None, "block")]
            block_lead, carried = lead, carried + 1
        else:
            lead, carried = None, 0
        spans_by_block[block] = [(q.start, q.end) for q in spans]
        quoted_speech.setdefault(block, [])
        block_sentences = sentences_of.get(block, [])
        if kind == "paragraph" and not spans and text.rstrip().endswith(":"):
            lead = speaker_lead_in(resolver, block, text)
        for k, span in enumerate(spans):
            first = _sentence_at(block_sentences, block, span.open_at)
            last = _sentence_at(block_sentences, block, max(span.open_at, span.outer_end - 1)) or first
            if first is None:
                continue
            region_start = max(first.start, spans[k - 1].outer_end if k else 0)
            region_end = min(last.end, spans[k + 1].open_at if k + 1 < len(spans) else len(text))
            prev_sentence = _sentence_before(sentences, first)
            if block_lead is not None:
                attribution = Attribution(block_lead.person, "paragraph-after-lead-in")
            else:
                attribution = attribute_quote(resolver, span, texts, region_start, region_end, previous,
                                              prev_sentence, (first.start, max(last.end, first.end)))
            previous = (span, attribution)
            evidence = text[first.start:max(last.end, first.end)]
            quote_text = text[span.start:span.end]
            speaker = attribution.person.display if attribution.person else None
            if not is_quoted_term(quote_text, speaker):
                quoted_speech[block].append((span.start, span.end))
            found = confidence_rules.quote_features(attribution, span, text, first.start, max(last.end, first.end),
                                                    resolver)
            pending.append((attribution, span, quote_text, speaker, evidence, found))
    speakers = {(span.block, span.start): speaker for _, span, _, speaker, _, _ in pending}
    for block, items in spans_by_block.items():
        # The quotations of each block with their speakers: a pledge in a speaker's own words
        # ("we will ...") is a commitment of the speaker.
        spans_by_block[block] = [(a, b, speakers.get((block, a))) for a, b in items]
    for k, (attribution, span, quote_text, speaker, evidence, found) in enumerate(pending):
        if (attribution.rule == "continues-previous-quote" and k + 1 < len(pending) and k > 0
                and pending[k - 1][1].block != span.block):
            # A paragraph that is only a quotation, carried over from the previous paragraph's
            # speaker, while the next quotation names someone else: the words may be theirs (news
            # copy sometimes names the speaker only after the first quote).
            nxt = pending[k + 1][0]
            if (pending[k + 1][1].block - span.block <= 1 and nxt.person is not None
                    and nxt.person is not attribution.person and confidence_rules.explicit(nxt)):
                found["next_speaker_differs"] = 1.0
        if is_quoted_term(quote_text, speaker):
            continue
        features.append(found)
        sure = confidence("quote", found)
        out.append(Quote(text=quote_text, speaker=speaker, evidence=evidence, confidence=sure))
        rule = attribution.rule + ("" if span.terminated else ", unterminated")
        trace.append(TraceItem("quotes", quote_text, f"{span.family} marks; speaker by {rule}; confidence {sure:.2f}"
                               + confidence_rules.candidate_table(attribution), evidence))
    return out, spans_by_block, quoted_speech


# Paragraphs set as a quotation after one "X said:" (GOV.UK style), at most.
BLOCK_QUOTE_PARAGRAPHS = 3


def _names_in_third_person(lead: Attribution, resolver: SpeakerResolver, block: int) -> bool:
    """A paragraph that names the lead-in's speaker ("Professor Fenton added that ...") is the
    writer's again, not the speaker's words."""
    return lead.person is not None and any(p is lead.person for _, p in resolver.by_block.get(block, []))


def _organisations(sentences: list[Sentence], trace: list[TraceItem]):
    found = organisation_rules.unique(organisation_rules.find_organisations(sentences))
    for org in found:
        trace.append(TraceItem("organisations", org.name, org.rule, org.sentence.text))
    return found


def _resolve_actor(actor: str | None, organisations) -> str | None:
    """"coalition" -> "Coalition of the Willing" when the article names exactly one such body."""
    if not actor or " " in actor or not actor.islower():
        return actor
    matches = [o.name for o in organisations if o.name.split()[0].casefold() == actor.casefold()]
    return matches[0] if len(matches) == 1 else actor


def _main_actor(sentences: list[Sentence]) -> str | None:
    """The actor of the first commitment that names one: who a document ("the declaration")
    or a bare list of measures speaks for."""
    for s in sentences:
        found = commitments_rules.sentence_commitment(s, None)
        if found is not None and found.actor:
            return found.actor
    return None


def _commitments(article: Article, sentences: list[Sentence], main_actor: str | None, resolve,
                 quoted: dict[int, list[tuple[int, int]]], trace: list[TraceItem]
                 ) -> list[commitments_rules.FoundCommitment]:
    found: list[commitments_rules.FoundCommitment] = []
    by_block: dict[int, list[Sentence]] = {}
    for s in sentences:
        by_block.setdefault(s.block, []).append(s)
    for s in sentences:
        if s.kind == "item":
            continue
        c = commitments_rules.sentence_commitment(s, main_actor, resolve, quoted.get(s.block, []))
        if c is not None:
            found.append(c)
    # Lists under a lead-in: the items of one list follow the paragraph that ends with ":".
    blocks = article.blocks
    i = 0
    while i < len(blocks):
        if blocks[i].kind == "item" and i > 0 and blocks[i - 1].kind == "paragraph" and by_block.get(i - 1):
            j = i
            while j < len(blocks) and blocks[j].kind == "item":
                j += 1
            items = [s for b in range(i, j) for s in by_block.get(b, [])[:1]]
            lead_in = by_block[i - 1][-1]
            found.extend(commitments_rules.list_commitments(lead_in, items, main_actor))
            i = j
        else:
            i += 1
    found.sort(key=lambda c: c.sentence.index)
    for c in found:
        trace.append(TraceItem("commitments", f"{c.actor or '?'}: {c.action}", c.rule, c.evidence))
    return found


__all__ = ["extract", "extract_with_trace", "Extraction", "TraceItem", "block_text"]

"""Who said a quotation: the reporting clause before, inside or after it ("X said:", "said X",
"he added", "the minister said"), resolved to a person; a quote that continues the previous one
keeps its speaker; otherwise the speaker stays unknown."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract.lexicon import PRONOUNS_FEMALE, PRONOUNS_MALE, SPEECH_VERBS
from pipeline.extract.people import Mention, Person
from pipeline.extract.quotes import QuoteSpan
from pipeline.extract.sentences import Sentence

_SKIPPABLE = frozenset("also later then has had have previously again further once earlier yesterday today "
                       "would will could should may might must had already repeatedly recently simply just "
                       "only quickly then, however, immediately subsequently publicly privately".split())
_WORD = re.compile(r"[\w'’-]+")


@dataclass
class Attribution:
    person: Person | None
    rule: str


class SpeakerResolver:
    """Answers "who is meant here" from the people found in the article."""

    def __init__(self, people: list[Person], sentences: list[Sentence]) -> None:
        self.people = people
        self.sentences = sentences
        self.by_block: dict[int, list[tuple[Mention, Person]]] = {}
        for person in people:
            for m in person.mentions:
                self.by_block.setdefault(m.sentence.block, []).append((m, person))
        for items in self.by_block.values():
            items.sort(key=lambda mp: mp[0].start)

    def mention_ending_at(self, block: int, end: int) -> Person | None:
        for m, person in self.by_block.get(block, []):
            if m.end == end:
                return person
        return None

    def mention_starting_at(self, block: int, start: int) -> Person | None:
        for m, person in self.by_block.get(block, []):
            if start <= m.start <= start + 1:
                return person
        return None

    def recent_person(self, block: int, pos: int, gender: str | None) -> Person | None:
        """The person most recently mentioned before `pos`, agreeing with the pronoun's gender
        where the article tells it."""
        for b in range(block, -3, -1):
            items = [mp for mp in self.by_block.get(b, []) if b != block or mp[0].end <= pos]
            for m, person in reversed(items):
                if gender and person.gender and person.gender != gender:
                    continue
                return person
        return None


def _gender_of(pronoun: str) -> str | None:
    if pronoun in PRONOUNS_MALE:
        return "m"
    if pronoun in PRONOUNS_FEMALE:
        return "f"
    return None


def _subject_before(resolver: SpeakerResolver, block: int, text: str, verb_start: int) -> Attribution | None:
    """The subject right before a reporting verb, skipping adverbs and auxiliaries."""
    pos = verb_start
    head = text[:pos]
    for _ in range(4):
        stripped = head.rstrip()
        word = re.search(r"([\w'’-]+)$", stripped)
        if word is None:
            return None
        token = word.group(1)
        end = len(stripped)
        person = resolver.mention_ending_at(block, end)
        if person is not None:
            return Attribution(person, "subject-of-reporting-verb")
        gender = _gender_of(token)
        if gender or token.lower() in ("they",):
            if token.lower() == "they":
                return Attribution(None, "plural-subject")
            return Attribution(resolver.recent_person(block, word.start(), gender), "pronoun-subject")
        if token.lower() in _SKIPPABLE:
            head = stripped[:word.start()]
            continue
        return Attribution(None, "subject-not-a-person")
    return None


def _speaker_after_verb(resolver: SpeakerResolver, block: int, text: str, verb_end: int) -> Attribution | None:
    """"said Sir Keir" / "said the minister": the speaker right after an inverted verb."""
    m = re.match(r"\s+", text[verb_end:])
    start = verb_end + (m.end() if m else 0)
    person = resolver.mention_starting_at(block, start)
    if person is not None:
        return Attribution(person, "inverted-reporting-verb")
    word = _WORD.match(text, start)
    if word and _gender_of(word.group(0)):
        return Attribution(resolver.recent_person(block, start, _gender_of(word.group(0))), "pronoun-after-verb")
    return None


def attribute_quote(resolver: SpeakerResolver, quote: QuoteSpan, text: str, sentence: Sentence,
                    region_start: int, region_end: int, previous: tuple[QuoteSpan, Attribution] | None,
                    previous_sentence: Sentence | None) -> Attribution:
    block = quote.block
    after = text[quote.outer_end:region_end]
    before = text[region_start:quote.open_at]

    # ... ," said X.   /   ... ," X said.   /   ... ," he added.
    m = re.match(r"\s*[,.!?]?\s*([\w'’-]+)", after)
    if m and m.group(1) in SPEECH_VERBS:
        found = _speaker_after_verb(resolver, block, text, quote.outer_end + m.end())
        if found and found.person:
            return found
    m = re.match(r"\s*[,.!?]?\s*(.{1,80}?)\s+(?:\w+ly\s+)?([\w'’-]+)\b", after)
    if m and m.group(2) in SPEECH_VERBS:
        found = _subject_before(resolver, block, text, quote.outer_end + m.start(2))
        if found and found.person:
            return Attribution(found.person, "reporting-clause-after")

    # X said: "..."   /   X told the BBC: "..."   /   He emphasised the purpose was "..."
    verbs = [v for v in _WORD.finditer(before) if v.group(0) in SPEECH_VERBS or v.group(0).lower() == "according"]
    for verb in reversed(verbs):
        start = region_start + verb.start()
        if verb.group(0).lower() == "according":
            found = _speaker_after_verb(resolver, block, text, start + len("according to"))
        else:
            found = _subject_before(resolver, block, text, start)
            if found is None or (found.person is None and found.rule == "subject-not-a-person"):
                inverted = _speaker_after_verb(resolver, block, text, start + len(verb.group(0)))
                found = inverted or found
        if found is not None:
            return found

    # A quote that stands alone continues the previous speaker's words.
    if not re.search(r"\w", before) and previous is not None and previous[1].person is not None:
        if previous[0].block in (block, block - 1):
            return Attribution(previous[1].person, "continues-previous-quote")

    # He told the newspaper:  "..."  (the reporting clause ends the previous sentence)
    if not re.search(r"\w", before) and previous_sentence is not None and previous_sentence.text.rstrip().endswith(":"):
        prev_text = previous_sentence.text
        verbs = [v for v in _WORD.finditer(prev_text) if v.group(0) in SPEECH_VERBS]
        if verbs:
            found = _subject_before(resolver, previous_sentence.block, text,
                                    previous_sentence.start + verbs[-1].start())
            if found is not None:
                return found
    return Attribution(None, "no-reporting-clause")

"""Who said a quotation: the reporting clause before, inside or after it ("X said:", "said X",
"he added", "the minister said", "according to X"), resolved to a person; a quote that
continues the previous one keeps its speaker; otherwise the speaker stays unknown.

A reporting clause whose subject is not a person ("a Cosla spokesman said", "the party says")
settles the question: the speaker is not a named person, and no other rule overrides it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from pipeline.extract.lexicon import PRONOUNS_FEMALE, PRONOUNS_MALE, SPEECH_VERBS
from pipeline.extract.morphology import verb_forms
from pipeline.extract.weights import WEIGHTS
from pipeline.extract.names import is_role_word
from pipeline.extract.people import Mention, PersonEntity
from pipeline.extract.quotes import QuoteSpan
from pipeline.extract.sentences import Sentence

# Words that may stand between a subject and its reporting verb ("he later told", "she is
# quoted as saying", "Mr Smith, who chairs the committee, has since said").
_BETWEEN = frozenset("also later then has had have previously again further once earlier yesterday today "
                     "would will could should may might must already repeatedly recently simply just only "
                     "quickly immediately subsequently publicly privately since is was were are been being "
                     "quoted reported as herself himself themselves itself".split())
_WORD = re.compile(r"[\w'’-]+")
_MAX_STEPS = 6
_ELIDING = frozenset({"and", "but", "or", "to", "nor", "then"})
_PASSIVE_BEFORE = re.compile(r"\b(?:is|are|was|were|be|been|being)\s+(?:\w+ly\s+)?$", re.I)


@dataclass
class Attribution:
    person: PersonEntity | None
    rule: str
    # The people a pronoun may mean, best first, as (score, person, why); empty for other rules.
    candidates: list = field(default_factory=list)

    @property
    def decided(self) -> bool:
        """A reporting clause was found, whether or not its speaker is a named person."""
        return self.person is not None or self.rule in ("subject-not-a-person", "plural-subject",
                                                        "pronoun-unnamed-source")


class SpeakerResolver:
    """Answers "who is meant here" from the people found in the article."""

    def __init__(self, people: list[PersonEntity], sentences: list[Sentence] = ()) -> None:
        self.quoted: dict[int, list[tuple[int, int]]] = {}  # quotation spans per block, once known
        self.sentence_starts: dict[int, list[tuple[int, int]]] = {}
        self.sentence_texts: dict[int, list[tuple[int, int, str]]] = {}
        for sentence in sentences:
            self.sentence_starts.setdefault(sentence.block, []).append((sentence.start, sentence.index))
            self.sentence_texts.setdefault(sentence.block, []).append((sentence.start, sentence.index, sentence.text))
        self.by_block: dict[int, list[tuple[Mention, PersonEntity]]] = {}
        for person in people:
            for m in person.mentions:
                self.by_block.setdefault(m.sentence.block, []).append((m, person))
        for items in self.by_block.values():
            items.sort(key=lambda mp: mp[0].start)

    def pronoun(self, block: int, pos: int, gender: str | None, rule: str) -> Attribution:
        ranked = self.rank_pronoun(block, pos, gender)
        if ranked and ranked[0][1] is None:
            return Attribution(None, "pronoun-unnamed-source", ranked)
        return Attribution(ranked[0][1] if ranked else None, rule, ranked)

    def mention_ending_at(self, block: int, end: int) -> PersonEntity | None:
        """A mention whose name, letters after it ("MSP") or appositive ends at `end`."""
        for m, person in self.by_block.get(block, []):
            if end in (m.end, m.extent_end):
                return person
        return None

    def mention_starting_at(self, block: int, start: int) -> PersonEntity | None:
        """A mention whose name or role phrase ("Diageo North America president Ivan Menezes")
        starts at `start`."""
        for m, person in self.by_block.get(block, []):
            if start in (m.start, m.role_start):
                return person
        return None

    def rank_pronoun(self, block: int, pos: int, gender: str | None) -> list[tuple[float, PersonEntity, str]]:
        """The people a pronoun at `pos` may mean, best first, as (score, person, why). Evidence:
        agreement in gender, how many sentences back the mention is, whether it was the subject
        of its clause (not the object of a verb or preposition), and whether it is the paragraph's
        current speaker, the latest subject of a reporting verb ("he said" after "Mr X said" is Mr X)."""
        weights = WEIGHTS["pronoun"]
        here = self._sentence_index(block, pos)
        best: dict[int, tuple[float, PersonEntity, str]] = {}
        speaker_seen = subject_seen = False
        unnamed = self._unnamed_source(block, pos, gender)
        for b in range(block, max(block - 3, -3), -1):
            quoted = self.quoted.get(b, ())
            items = [mp for mp in self.by_block.get(b, []) if (b != block or mp[0].end <= pos)
                     and not any(a < mp[0].start < z for a, z in quoted)]
            for m, person in reversed(items):
                if gender and person.gender and person.gender != gender:
                    continue
                if unnamed is not None and not subject_seen and (b, m.start) < unnamed[:2]:
                    # "A spokeswoman said ... she added": the unnamed source spoke after this mention.
                    subject_seen = speaker_seen = True
                    distance = max(0, here - unnamed[2]) if here is not None else 0
                    score = (-weights["per_sentence"] * min(distance, 6) - weights["previous_block"] * (unnamed[0] != block)
                             + weights["subject"] + weights["latest_subject"] + weights["current_speaker"])
                    best[0] = (round(score, 3), None, f"{distance} sentence(s) back, unnamed source "
                                                      f"({unnamed[3]}), latest subject, current speaker")
                distance = max(0, here - m.sentence.index) if here is not None else 0
                score = -weights["per_sentence"] * min(distance, 6) - weights["previous_block"] * (b != block)
                why = [f"{distance} sentence(s) back"]
                if _subject_position(m):
                    score += weights["subject"]
                    why.append("subject")
                    if not subject_seen:
                        subject_seen = True
                        score += weights["latest_subject"]
                        why.append("latest subject")
                if not speaker_seen and _reporting_subject(m):
                    speaker_seen = True
                    score += weights["current_speaker"]
                    why.append("current speaker")
                if gender and person.gender == gender:
                    score += weights["gender_known"]
                    why.append("gender agrees")
                score = round(score, 3)
                if id(person) not in best or score > best[id(person)][0]:
                    best[id(person)] = (score, person, ", ".join(why))
        if unnamed is not None and not subject_seen:
            distance = max(0, here - unnamed[2]) if here is not None else 0
            score = (-weights["per_sentence"] * min(distance, 6) - weights["previous_block"] * (unnamed[0] != block)
                     + weights["subject"] + weights["latest_subject"] + weights["current_speaker"])
            best[0] = (round(score, 3), None, f"{distance} sentence(s) back, unnamed source ({unnamed[3]}), "
                                              "latest subject, current speaker")
        return sorted(best.values(), key=lambda t: -t[0])

    def _unnamed_source(self, block: int, pos: int, gender: str | None) -> tuple[int, int, int, str] | None:
        """The latest unnamed source that spoke before `pos` in this paragraph or the one before
        ("a spokeswoman for the council said", "officials said"), as (block, offset, sentence
        index, words), when its gender does not contradict the pronoun's."""
        found = None
        for b in (block - 1, block):
            for start, index, text in self.sentence_texts.get(b, []):
                if b == block and start >= pos:
                    break
                for m in _UNNAMED_SOURCE.finditer(text):
                    at = start + m.start()
                    if b == block and at >= pos:
                        break
                    noun = m.group("noun").lower()
                    if gender and _NOUN_GENDER.get(noun, gender) != gender:
                        continue
                    found = (b, at, index, m.group(0).split(" ", 1)[0] + " " + noun)
        return found

    def _sentence_index(self, block: int, pos: int) -> int | None:
        starts = self.sentence_starts.get(block)
        if not starts:
            return None
        k = bisect.bisect_right(starts, (pos, 1 << 30)) - 1
        return starts[max(k, 0)][1]

    def recent_person(self, block: int, pos: int, gender: str | None, since: int | None = None) -> PersonEntity | None:
        """The person most recently mentioned before `pos`, agreeing with the pronoun's gender
        where the article tells it; with `since`, only mentions in this block after it."""
        for b in ([block] if since is not None else range(block, -3, -1)):
            items = [mp for mp in self.by_block.get(b, [])
                     if b != block or (mp[0].end <= pos and (since is None or mp[0].start >= since))]
            for m, person in reversed(items):
                if gender and person.gender and person.gender != gender:
                    continue
                return person
        return None


# A source the article does not name, as the subject of a reporting verb.
_UNNAMED_SOURCE = re.compile(
    r"\b(?:[Aa]n?|[Tt]he|[Tt]wo|[Ss]everal|[Oo]ne)\s+(?:[\w’'-]+\s+){0,3}?(?P<noun>spokeswoman|spokesman|spokesperson|"
    r"official|officials|source|sources|aide|aides|representative)(?:\s+(?:for|at|of|from)\s+(?:the\s+)?"
    r"[\w’'-]+(?:\s+[\w’'-]+){0,4}?)?(?:,\s+[^,]{1,60},)?\s+(?:\w+ly\s+)?(?:said|says|told|added|stated|explained)\b")
_NOUN_GENDER = {"spokeswoman": "f", "spokesman": "m"}

_AUXILIARY_AFTER = frozenset("has had have is was were are will would could should may might must can did does "
                             "also later then previously earlier".split())


def _subject_position(m: Mention) -> bool:
    """A mention that is the subject of its clause: first in its sentence (after an opening
    phrase and its comma), or followed by a verb ("Mr Brown said", "Ms Ode, the mayor, has")."""
    text = m.sentence.text
    start = m.start - m.sentence.start
    if m.role_start >= 0:
        start = min(start, m.role_start - m.sentence.start)
    before = text[:max(0, start)].rstrip()
    before = re.sub(r"(?:\b(?:the|a|an)\s*)$", "", before, flags=re.I).rstrip()
    if not before or before.endswith((",", ":", ";", "\"", "”")) and len(before.split()) <= 8:
        return True
    words = [w.lower() for w in _WORD.findall(before)]
    if words and words[-1] in ("and", "or", "nor"):
        return False  # "he and the prime minister": part of someone else's subject
    if any(w in SPEECH_VERBS for w in words):
        return False  # "Mr Brown said the prime minister would": inside what was said
    end = max(m.end, m.extent_end) - m.sentence.start
    nxt = _WORD.search(text, end)
    if nxt is None:
        return False
    word = nxt.group(0).lower()
    return (word in SPEECH_VERBS or word in _AUXILIARY_AFTER or (word.endswith("ed") and len(word) > 3)
            or (word.endswith("s") and not word.endswith("ss") and text[end:nxt.start()].strip() == ""
                and word not in ("his", "is", "as", "was", "has", "this", "its")))


def _reporting_subject(m: Mention) -> bool:
    """"Mr Brown said", "Ms Ode, the mayor, told", "said Mr Blair": the mention speaks."""
    text = m.sentence.text
    end = max(m.end, m.extent_end) - m.sentence.start
    for k, word in enumerate(_WORD.finditer(text, end)):
        low = word.group(0).lower()
        if low in SPEECH_VERBS:
            return True
        if k >= 2 or low not in _BETWEEN:
            break
    before = re.search(r"([\w'’-]+)\s+$", text[:max(0, m.start - m.sentence.start)])
    return bool(before and before.group(1).lower() in _INVERTING_VERBS)


def _gender_of(pronoun: str) -> str | None:
    if pronoun in PRONOUNS_MALE:
        return "m"
    if pronoun in PRONOUNS_FEMALE:
        return "f"
    return None


def _is_speech_verb(word: str) -> bool:
    return word.lower() in SPEECH_VERBS


def subject_before(resolver: SpeakerResolver, block: int, text: str, verb_start: int) -> Attribution | None:
    """The subject right before a reporting verb: a person's name (with its letters or an
    appositive between commas), a pronoun, or a role noun; skipping adverbs and auxiliaries."""
    head = text[:verb_start]
    for _ in range(_MAX_STEPS):
        stripped = head.rstrip()
        if stripped.endswith(","):
            return _subject_before_comma(resolver, block, stripped[:-1].rstrip())
        word = re.search(r"([\w'’-]+)$", stripped)
        if word is None:
            return None
        person = resolver.mention_ending_at(block, len(stripped))
        if person is None:
            # "Sen. Dale Whitcomb of Wyoming called ...": the name before its place or body.
            of = _OF_PLACE.search(stripped)
            if of is not None:
                person = resolver.mention_ending_at(block, of.start())
        if person is not None:
            return Attribution(person, "subject-of-reporting-verb")
        token = word.group(1)
        if token.lower() in _ELIDING:
            return Attribution(None, "elided-subject")  # "... and would say", "... used a speech to say"
        if token.lower() == "they":
            return Attribution(None, "plural-subject")
        gender = _gender_of(token)
        if gender:
            return resolver.pronoun(block, word.start(), gender, "pronoun-subject")
        if token.lower() not in _BETWEEN and not (token.lower().endswith("ly") and len(token) > 4):
            return Attribution(None, "subject-not-a-person")
        head = stripped[:word.start()]
    return None


_OF_PLACE = re.compile(r"\s+(?:of|from)\s+(?:the\s+)?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}$")


def _subject_before_comma(resolver: SpeakerResolver, block: int, before: str) -> Attribution:
    """"Theresa May, said" or "Massoud Shadjareh, from the Muslim Safety Forum, said"."""
    person = resolver.mention_ending_at(block, len(before))
    if person is None:
        comma = before.rfind(",", max(0, len(before) - 120))
        if comma != -1:
            person = resolver.mention_ending_at(block, len(before[:comma].rstrip()))
    if person is not None:
        return Attribution(person, "subject-of-reporting-verb")
    return Attribution(None, "subject-not-a-person")


# Verbs that put their subject after them ("said Sir Keir", "added the minister"); not "accused X"
# or "told X", whose next noun is the one spoken to or about.
_INVERTING_VERBS = frozenset(
    {f for lemma in "say add ask continue explain insist reply warn note recall write conclude argue counter remark "
                    "stress declare".split() for f in verb_forms(lemma)[1:3]} | {"according"})


# Reporting verbs whose next noun is the one spoken to or about ("told reporters", "accused
# Labour"): never inverted, even right after a quotation.
_TAKES_OBJECT = frozenset(f for lemma in "tell accuse ask urge attack condemn criticise criticize brand label dub "
                          "call hail welcome dismiss reject describe question beg assure reassure mock promise "
                          "pledge".split() for f in verb_forms(lemma))


def speaker_after_verb(resolver: SpeakerResolver, block: int, text: str, verb_end: int,
                       after_quote: bool = False) -> Attribution | None:
    """"said Sir Keir" / "said the minister": the speaker right after an inverted verb. Right
    after a quotation any reporting verb may be inverted ("...," fumes Joan Pratt) but one that
    takes an object."""
    verb = re.search(r"([\w'’-]+)(?:\s+to)?$", text[:verb_end])
    if verb is None:
        return None
    word = verb.group(1).lower()
    if word not in _INVERTING_VERBS and not (after_quote and word in SPEECH_VERBS and word not in _TAKES_OBJECT):
        return None
    m = re.match(r"\s+", text[verb_end:])
    start = verb_end + (m.end() if m else 0)
    person = resolver.mention_starting_at(block, start) or _mention_after_phrase(resolver, block, text, start)
    if person is not None:
        return Attribution(person, "inverted-reporting-verb")
    word = _WORD.match(text, start)
    if word and _gender_of(word.group(0)):
        return resolver.pronoun(block, start, _gender_of(word.group(0)), "pronoun-after-verb")
    return None


# Words that make what follows a reporting verb something other than a description of the speaker
# ("said in a letter to Abbott", "told reporters that Smith").
_NOT_IN_DESCRIPTION = frozenset("in to at on for with by from about after before during that who which when where "
                                "last this next yesterday today reporters journalists".split())


def _mention_after_phrase(resolver: SpeakerResolver, block: int, text: str, start: int) -> PersonEntity | None:
    """"said the President's National Climate Adviser Ali Zaidi": a named mention a few words on,
    with no punctuation between (a descriptive phrase in front of the name)."""
    for m, person in resolver.by_block.get(block, []):
        if m.start > start + 80:
            break
        if m.start > start and not m.role_only and not re.search(r"[,.;:!?\"“”()]", text[start:m.start]):
            between = _WORD.findall(text[start:m.start])
            if between and is_role_word(between[-1]) and not any(w.lower() in _NOT_IN_DESCRIPTION for w in between):
                return person
            return None
    return None


def attribute_quote(resolver: SpeakerResolver, quote: QuoteSpan, texts: dict[int, str], region_start: int,
                    region_end: int, previous: tuple[QuoteSpan, Attribution] | None,
                    previous_sentence: Sentence | None, sentence: tuple[int, int] | None = None) -> Attribution:
    """The speaker of `quote`. The reporting clause is looked for between `region_start` and
    `region_end` (the quote's sentences, bounded by the quotes beside it); `sentence` is the
    (start, end) of the quote's sentences, for a clause that closes the sentence or its subject."""
    block = quote.block
    text = texts[block]
    sentence = sentence or (region_start, region_end)
    after_end = region_end if not _ends_sentence(text, quote) else quote.outer_end
    found = (_clause_after(resolver, block, text, quote.outer_end, after_end, text[quote.start:quote.end])
             or _clause_before(resolver, block, text, region_start, quote.open_at))
    if found is not None and found.rule == "participle-subject":
        # "Mr Blair dismissed the claims, saying: ...": the sentence's subject speaks.
        return _sentence_subject(resolver, block, text, sentence[0], quote.open_at) or Attribution(
            None, "no-reporting-clause")
    if found is not None:
        return found
    # ... "demonising" Alastair Campbell, Peter Mandelson has said.
    closing = _clause_closing_sentence(resolver, block, text, quote.outer_end, sentence[1])
    if closing is not None:
        return closing
    before = text[region_start:quote.open_at]
    if re.search(r"\w", before):
        # He said he was "confident" the patrols would make sabotage "far more costly".
        if (previous is not None and previous[1].person is not None and previous[0].block == block
                and previous[0].outer_end == region_start):
            return Attribution(previous[1].person, "same-sentence-as-previous-quote")
        # Liam Fox likened the two men to "self-obsessed schoolboys". Not a title in quotation marks
        # ("his book "Sight Unseen""): a name, not words someone said.
        words = re.findall(r"[^\W\d_][\w'’-]*", text[quote.start:quote.end])
        if words and len(words) <= 6 and all(w[0].isupper() for w in words):
            return Attribution(None, "no-reporting-clause")
        return (_sentence_subject(resolver, block, text, sentence[0], quote.open_at)
                or Attribution(None, "no-reporting-clause"))
    # A quote that stands alone continues the previous speaker's words.
    if previous is not None and previous[1].person is not None and previous[0].block in (block, block - 1):
        return Attribution(previous[1].person, "continues-previous-quote")
    # He told the newspaper:  "..."  (the reporting clause ends the previous sentence)
    if previous_sentence is not None and previous_sentence.text.rstrip().endswith(":"):
        verbs = [v for v in _WORD.finditer(previous_sentence.text) if _is_speech_verb(v.group(0))]
        if verbs:
            found = subject_before(resolver, previous_sentence.block, texts[previous_sentence.block],
                                   previous_sentence.start + verbs[-1].start())
            if found is not None:
                return found
    return Attribution(None, "no-reporting-clause")


def _clause_closing_sentence(resolver: SpeakerResolver, block: int, text: str, start: int, end: int
                             ) -> Attribution | None:
    """", Peter Mandelson has said." / ", the agency said on Friday.": a reporting clause that
    closes the sentence speaks for all of it."""
    tail = text[start:end]
    comma = tail.rfind(",")
    if comma == -1:
        return None
    clause = tail[comma:]
    if len(clause.split()) > 12 or re.search(r"[\"“”«»]", clause):
        return None
    for verb in _WORD.finditer(clause):
        if _is_speech_verb(verb.group(0)) and not verb.group(0).lower().endswith("ing"):
            at = start + comma + verb.start()
            found = subject_before(resolver, block, text, at) or speaker_after_verb(
                resolver, block, text, at + len(verb.group(0)))
            if found is not None and found.decided:
                return Attribution(found.person, "reporting-clause-closing-sentence" if found.person else found.rule,
                                   found.candidates)
            return None
    return None


def _sentence_subject(resolver: SpeakerResolver, block: int, text: str, start: int, quote_at: int
                      ) -> Attribution | None:
    """The person who is the subject of the quote's sentence, when the quotation sits in what
    they did or said ("Liam Fox likened the two men to "..."", "He has apologised for "..."")."""
    head = text[start:quote_at]
    # A reporting verb with another subject in front of the quote settles it elsewhere.
    lead = re.match(r"\s*(?:[^,]{0,40},\s+)?", head)
    for m, person in resolver.by_block.get(block, []):
        if start <= m.start < quote_at and _subject_position(m) and not m.role_only or (
                m.role_only and start <= m.start < quote_at and m.start - start <= lead.end()):
            runs_in = not text[max(m.end, m.extent_end):quote_at].strip()
            return Attribution(person, "subject-runs-into-quote" if runs_in else "subject-of-sentence")
        if m.start >= quote_at:
            break
    pronoun = re.match(r"(?:[^,]{0,40},\s+)?(he|she)\b", head, re.I)
    if pronoun:
        return resolver.pronoun(block, start + pronoun.start(1), _gender_of(pronoun.group(1).lower()),
                                "subject-of-sentence")
    return None


def _ends_sentence(text: str, quote: QuoteSpan) -> bool:
    """A quote ending with a full stop, followed by a capitalised word, ends its sentence: the
    words after it are the next sentence, not its reporting clause ("... a year." And ...).
    "... ever." Smith said. is the exception: a name and a reporting verb."""
    if not re.search(r"[.!?…]$", text[quote.start:quote.end]):
        return False
    following = re.match(r"\s*([\w'’-]+)(?:\s+([\w'’-]+))?(?:\s+([\w'’-]+))?", text[quote.outer_end:])
    if following is None or not following.group(1)[0].isupper():
        return False
    return not any(word and _is_speech_verb(word) for word in following.groups()[1:])


def _clause_after(resolver: SpeakerResolver, block: int, text: str, start: int, end: int,
                  quote_text: str) -> Attribution | None:
    """... ," said X.   /   ... ," X said.   /   ... ," he added.   /   ... ," a spokesman said.
    Only when the quotation ends its clause: a comma or a stop inside the marks, or a comma or
    dash after them. "... « taking hostages » and said ..." is not a reporting clause."""
    after = text[start:end]
    if not (re.search(r"[,!?.…:;—–-]\s*$", quote_text) or re.match(r"\s*[,—–]", after)):
        return None
    m = re.match(r"\s*[,.!?]?\s*([\w'’-]+)", after)
    if m and _is_speech_verb(m.group(1)):
        return speaker_after_verb(resolver, block, text, start + m.end(), after_quote=True)
    for verb in _WORD.finditer(after, 0, min(len(after), 120)):
        if _is_speech_verb(verb.group(0)):
            found = subject_before(resolver, block, text, start + verb.start())
            if found is not None and found.decided:
                if found.candidates and found.person is not None:
                    return Attribution(found.person, "pronoun-clause-after", found.candidates)
                return Attribution(found.person, "reporting-clause-after" if found.person else found.rule,
                                   found.candidates)
            return None
    return None


def _clause_before(resolver: SpeakerResolver, block: int, text: str, start: int, end: int) -> Attribution | None:
    """X said: "..."   /   X told the BBC: "..."   /   He emphasised the purpose was "..."."""
    before = text[start:end]
    verbs = [v for v in _WORD.finditer(before) if _is_speech_verb(v.group(0)) or v.group(0).lower() == "according"]
    elided_at = None
    for verb in reversed(verbs):
        at = start + verb.start()
        if _PASSIVE_BEFORE.search(text, max(0, at - 30), at):
            continue  # "farmers were being asked to ...": not who is speaking
        if verb.group(0).lower().endswith("ing") and re.search(r",\s*$", text[max(0, at - 3):at]):
            return Attribution(None, "participle-subject")
        if verb.group(0).lower() == "according":
            found = speaker_after_verb(resolver, block, text, at + len("according to"))
        else:
            found = subject_before(resolver, block, text, at)
            if found is not None and found.rule == "elided-subject":
                elided_at = at if elided_at is None else elided_at
                continue  # the subject is the earlier verb's: look further back
            if found is None or found.person is None:
                found = speaker_after_verb(resolver, block, text, at + len(verb.group(0))) or found
        if found is not None:
            return found
    if elided_at is not None:
        # "Mr Kennedy used a speech to say ...": no earlier reporting verb; the person the
        # clause is about is the one before it.
        person = resolver.recent_person(block, elided_at, None, since=start)
        return Attribution(person, "subject-of-clause") if person else None
    return None


def speaker_lead_in(resolver: SpeakerResolver, block: int, text: str) -> Attribution | None:
    """A paragraph that ends "X said:" (or "said X:"), introducing paragraphs of X's words set
    without quotation marks: who X is, or a decided "no named speaker" ("A spokesperson said:")."""
    head = text.rstrip()[:-1]
    verbs = [v for v in _WORD.finditer(head[-200:]) if _is_speech_verb(v.group(0))]
    if not verbs:
        return None
    at = len(head) - len(head[-200:]) + verbs[-1].start()
    found = subject_before(resolver, block, text, at)
    if found is None or found.person is None:
        found = speaker_after_verb(resolver, block, text, at + len(verbs[-1].group(0)), after_quote=True) or found
    if found is None or not found.decided:
        return None
    return found

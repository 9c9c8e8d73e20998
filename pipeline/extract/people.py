"""People: every named person once, with role, affiliation, aliases and whether the article
places them at the event.

Mentions are found sentence by sentence (a capitalised run, with the role phrase or honorific
in front of it, or an appositive beside it), then clustered: "Sir Keir", "Mr Starmer",
"Starmer" and "the Prime Minister" join "Sir Keir Starmer" when the article makes that clear.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from pipeline.extract.lexicon import (CITIES, COUNTRY_FORMS, EVENT_CUES, FEMALE_HONORIFICS, HONORIFICS,
                                      MALE_HONORIFICS, NOT_NAME_WORDS, PEERAGES, ROLE_HEADS, ROLE_MODIFIERS,
                                      SPEECH_VERBS)
from pipeline.extract.names import (PARTICLES, Token, capitalised_runs, country_of, is_acronym,
                                    is_org_word, is_role_head, is_role_word, tokens)
from pipeline.extract.sentences import Sentence

# Last words that make a capitalised run a place or a thing, not a person.
PLACE_WORDS = frozenset(
    "Street Road Avenue Lane Square Bay Green Park Bridge Hill Hills Island Islands River Lake Mountain "
    "Mountains Valley East West North South Central Gulf Sea Ocean Airport Station Hall House Palace Castle "
    "Tower Centre Center Stadium Abbey Cathedral Prison Camp Channel Coast Strait Peninsula Kingdom Republic "
    "States Province County City Town Village District Borough Region Territory Heights Estate Wharf Quay "
    "Gate Cross Market Place Way Row Close Drive Circus Arena Garden Gardens Common Heath Moor Forest Wood "
    "Woods Beach Harbour Port Dock Docks Canal Pass Desert Plain Plains Delta Basin Reef Cape Point".split())

CONNECTORS = frozenset({"and", "of", "for", "the", "to", "on", "at", "in", "&"})
_APPOSITIVE_STOP = re.compile(r",|;|:|\s[-–—]\s|\s(?:who|which|said|says|told|has|have|had|is|was|were|are|will|would)\b")


@dataclass
class Mention:
    sentence: Sentence
    start: int                      # offsets in the block text
    end: int
    name: tuple[str, ...]           # name words without honorifics; empty for a role-only mention
    honorific: str | None = None
    role: str | None = None
    affiliation: str | None = None
    rule: str = ""
    surface: str = ""
    extent_end: int = -1            # end of an appositive after the name, if any

    @property
    def role_only(self) -> bool:
        return not self.name


@dataclass
class Person:
    name: tuple[str, ...]
    mentions: list[Mention] = field(default_factory=list)
    role: str | None = None
    affiliation: str | None = None
    gender: str | None = None
    rule: str = ""

    @property
    def display(self) -> str:
        return " ".join(self.name)

    @property
    def surname(self) -> str:
        return self.name[-1]

    @property
    def first(self) -> str:
        return self.name[0]

    def aliases(self) -> list[str]:
        seen: list[str] = []
        for m in self.mentions:
            if m.surface and m.surface != self.display and m.surface not in seen:
                seen.append(m.surface)
        return seen


# --------------------------------------------------------------------------- mentions


def find_mentions(sentences: list[Sentence], texts: dict[int, str]) -> list[Mention]:
    mentions: list[Mention] = []
    for sentence in sentences:
        if sentence.kind in ("heading", "title"):
            continue
        text = texts[sentence.block]
        toks = tokens(sentence.text, sentence.start)
        mentions.extend(_sentence_mentions(sentence, text, toks))
        mentions.extend(_role_only_mentions(sentence, text, mentions))
    return mentions


def _sentence_mentions(sentence: Sentence, text: str, toks: list[Token]) -> list[Mention]:
    out: list[Mention] = []
    index_of = {id(t): i for i, t in enumerate(toks)}
    for run in capitalised_runs(text, toks):
        mention = _mention_from_run(sentence, text, toks, index_of[id(run[0])], run)
        if mention is not None:
            out.append(mention)
    return out


def _split_run(run: list[Token]) -> tuple[list[Token], list[Token], list[Token]]:
    """(role words, honorifics, name words) of a capitalised run, choosing the last role head
    after which a plausible name follows ("Metropolitan Police Commissioner Sir John Stevens")."""
    words = [t.bare for t in run]
    for h in range(len(run) - 1, -1, -1):
        if not is_role_head(words[h]) or h == len(run) - 1:
            continue
        rest = run[h + 1:]
        honorifics = _leading_honorifics(rest)
        name = rest[len(honorifics):]
        if name and _plausible_name([t.bare for t in name]):
            return run[:h + 1], honorifics, name
    start = 0
    while start < len(run) and words[start] in NOT_NAME_WORDS and words[start] not in HONORIFICS:
        start += 1
    honorifics = _leading_honorifics(run[start:])
    return [], honorifics, run[start + len(honorifics):]


def _leading_honorifics(run: list[Token]) -> list[Token]:
    out = []
    for tok in run:
        if tok.bare in HONORIFICS and len(out) < 2:
            out.append(tok)
        else:
            break
    return out


def _plausible_name(words: list[str]) -> bool:
    if not 1 <= len(words) <= 4:
        return False
    for w in words:
        if w.lower() in PARTICLES:
            continue
        if any(part in COUNTRY_FORMS or is_acronym(part) for part in w.split("-")):
            return False
        if (w in NOT_NAME_WORDS or w in COUNTRY_FORMS or w in CITIES or is_org_word(w) or is_acronym(w)
                or w in PLACE_WORDS or not w[0].isupper() or any(ch.isdigit() for ch in w)):
            return False
        if w.lower() in ROLE_HEADS or w.lower() in ROLE_MODIFIERS:
            return False
    return " ".join(words) not in CITIES and " ".join(words) not in COUNTRY_FORMS


def _mention_from_run(sentence: Sentence, text: str, toks: list[Token], first: int,
                      run: list[Token]) -> Mention | None:
    role_toks, honorifics, name_toks = _split_run(run)
    if not name_toks:
        return None
    name = tuple(t.bare for t in name_toks)
    honorific = honorifics[-1].bare if honorifics else None
    # Peerages are part of the name: "Lord Woolf" is how the man is known.
    if honorific is None and name[0] in PEERAGES and len(name) >= 2:
        honorific = name[0]
    elif not _plausible_name(list(name)) and not (honorific and _plausible_name(list(name[:1]))):
        return None
    name_start = name_toks[0].start
    role_words = _role_before(text, toks, first, role_toks)
    rule = "role-prefix" if role_words else ("honorific" if honorifics else "capitalised-run")
    role, affiliation = _role_and_affiliation(role_words)
    extent_end = name_toks[-1].end
    if role is None:
        appositive = _appositive_after(text, name_toks[-1].end, sentence.end)
        if appositive is not None:
            role, affiliation, extent_end = appositive
            rule = "appositive"
        else:
            before = _appositive_before(text, sentence.start, (honorifics or name_toks)[0].start,
                                        name_toks[-1].end)
            if before is not None:
                role, affiliation = before
                rule = "appositive"
    if honorific is None and role is None and len(name) < 2:
        return None
    start = (honorifics[0].start if honorifics else name_start)
    surface = text[start:name_toks[-1].end]
    if name_toks[-1].possessive:
        surface = surface[:len(surface) - (len(name_toks[-1].text) - len(name_toks[-1].bare))]
    return Mention(sentence, start, name_toks[-1].end, name, honorific, role, affiliation, rule, surface,
                   extent_end)


def _role_before(text: str, toks: list[Token], first: int, role_toks: list[Token]) -> list[str]:
    """The role phrase in front of a name: role words inside its capitalised run plus role-ish
    words before the run ("the Trade and Industry Secretary", "Shadow home secretary")."""
    words: list[Token] = list(role_toks)
    i = first - 1
    anchor = role_toks[0] if role_toks else toks[first]
    while i >= 0 and len(words) < 10:
        tok = toks[i]
        if text[tok.end:anchor.start] != " ":
            break
        low = tok.text.lower()
        role_ish = (is_role_word(tok.text) or low in CONNECTORS
                    or (tok.capitalised and tok.text not in NOT_NAME_WORDS and not tok.possessive))
        if not role_ish or tok.text in HONORIFICS:
            break
        # "Trade and Industry Secretary" continues over "and"; "Sir Keir Starmer and French
        # President" does not: the word before "and" must itself be a role word.
        if low in ("and", "&") and (i == 0 or not is_role_word(toks[i - 1].text)):
            break
        words.insert(0, tok)
        anchor = tok
        i -= 1
    while words and (words[0].text.lower() in CONNECTORS or words[0].text in NOT_NAME_WORDS):
        words.pop(0)
    texts = [w.text for w in words]
    if not any(is_role_head(w) for w in texts):
        return []
    return texts


def _role_and_affiliation(words: list[str]) -> tuple[str | None, str | None]:
    if not words:
        return None, None
    country = country_of(words)
    role_words = [w for w in words if not (w in COUNTRY_FORMS and COUNTRY_FORMS[w] == country)]
    # A leading run of capitalised words that are neither role words nor countries names the
    # organisation ("Diageo chief executive", "Liberal Democrat spokeswoman").
    org: list[str] = []
    for w in role_words:
        if w[0].isupper() and w.lower() not in ROLE_HEADS and w.lower() not in ROLE_MODIFIERS:
            org.append(w)
        else:
            break
    role = " ".join(role_words[len(org):]) or " ".join(role_words)
    affiliation = country or (" ".join(org) if org else None)
    return role or None, affiliation


def _appositive_after(text: str, name_end: int, sentence_end: int) -> tuple[str, str | None, int] | None:
    """", the son-in-law of the US President," after a name: (role, affiliation, end offset)."""
    rest = text[name_end:sentence_end]
    match = re.match(r",\s+(?:(?:the|a|an)\s+)?", rest)
    if not match:
        return None
    phrase = rest[match.end():]
    stop = _APPOSITIVE_STOP.search(phrase)
    phrase = phrase[:stop.start()] if stop else phrase.rstrip(".!?\"”'’")
    words = phrase.split()
    if not 1 <= len(words) <= 12 or not any(is_role_head(w.strip(".,")) for w in words[:4]):
        return None
    role, affiliation = _phrase_role(words)
    return role, affiliation, name_end + match.end() + len(phrase)


def _appositive_before(text: str, sentence_start: int, name_start: int, name_end: int
                       ) -> tuple[str, str | None] | None:
    """"The Shadow Secretary of State for the Family, Theresa May, said" before a name."""
    before = text[sentence_start:name_start]
    if not before.endswith(", ") or not re.match(r"\s*,", text[name_end:name_end + 2] or " "):
        return None
    segment = before[:-2]
    segment = re.split(r"[,;:]", segment)[-1].strip()
    segment = re.sub(r"^(?:(?:but|and|as|while|meanwhile)\s+)?(?:the|a|an)\s+", "", segment, flags=re.I)
    words = segment.split()
    if not 1 <= len(words) <= 10 or not any(is_role_head(w) for w in words):
        return None
    if words[0][0].islower() and words[0].lower() not in ROLE_MODIFIERS and words[0].lower() not in ROLE_HEADS:
        return None
    return _phrase_role(words)


def _phrase_role(words: list[str]) -> tuple[str, str | None]:
    clean = [w.strip(".,\"“”'’") for w in words]
    role = " ".join(clean)
    affiliation = country_of(clean)
    of = re.search(r"\bof (?:the )?((?:[A-Z][\w'’&-]*(?: (?:of|for|and|the|&))? ?)+)", role)
    if affiliation is None and of:
        candidate = of.group(1).strip()
        if any(is_org_word(w) for w in candidate.split()):
            affiliation = candidate
    return role, affiliation


def _role_only_mentions(sentence: Sentence, text: str, found: list[Mention]) -> list[Mention]:
    """"the Prime Minister", "the home secretary": a role standing for a person named elsewhere."""
    out = []
    pattern = re.compile(r"\b[Tt]he\s+((?:[\w-]+\s+){0,3}?([\w-]+))\b(?!\s+[A-Z][a-z])")
    segment = text[sentence.start:sentence.end]
    for match in pattern.finditer(segment):
        words = match.group(1).split()
        if not is_role_head(words[-1]) or words[-1].lower() in ("member", "staff", "worker", "employee",
                                                                "resident", "citizen", "voter", "head"):
            continue
        if not all(is_role_word(w) for w in words[:-1]):
            continue
        start = sentence.start + match.start()
        end = sentence.start + match.end()
        if any(m.start <= start < max(m.end, m.extent_end) or start <= m.start < end
               for m in found if m.sentence is sentence):
            continue
        role = " ".join(words)
        out.append(Mention(sentence, start, end, (), None, role, None, "role-noun", text[start:end]))
    return out


# --------------------------------------------------------------------------- clustering


def _key(word: str) -> str:
    return unicodedata.normalize("NFC", word).casefold()


def cluster(mentions: list[Mention]) -> list[Person]:
    people: list[Person] = []
    full = [m for m in mentions if len(m.name) >= 2]
    for m in full:
        person = _find_full(people, m.name)
        if person is None:
            person = Person(m.name, rule=m.rule)
            people.append(person)
        elif len(m.name) > len(person.name):
            person.name = m.name
        _attach(person, m)
    for m in mentions:
        if len(m.name) == 1:
            person = _find_partial(people, m)
            if person is None:
                if m.honorific is None and m.role is None:
                    continue
                name = (m.honorific, *m.name) if m.honorific in PEERAGES else m.name
                person = Person(tuple(name), rule=m.rule)
                people.append(person)
            _attach(person, m)
    for m in mentions:
        if m.role_only:
            person = _find_by_role(people, m)
            if person is not None:
                person.mentions.append(m)
    for person in people:
        person.mentions.sort(key=lambda m: (m.sentence.index, m.start))
    people.sort(key=lambda p: (p.mentions[0].sentence.index, p.mentions[0].start))
    return people


def _attach(person: Person, m: Mention) -> None:
    person.mentions.append(m)
    if m.role and person.role is None:
        person.role, person.affiliation = m.role, m.affiliation or person.affiliation
    elif m.affiliation and person.affiliation is None:
        person.affiliation = m.affiliation
    if person.gender is None and m.honorific:
        person.gender = ("m" if m.honorific in MALE_HONORIFICS else
                         "f" if m.honorific in FEMALE_HONORIFICS else None)


def _find_full(people: list[Person], name: tuple[str, ...]) -> Person | None:
    keys = [_key(w) for w in name]
    for person in people:
        pkeys = [_key(w) for w in person.name]
        if pkeys == keys:
            return person
        # "George Bush" and "George W. Bush": same first and last word.
        if pkeys[0] == keys[0] and pkeys[-1] == keys[-1]:
            return person
    return None


def _find_partial(people: list[Person], m: Mention) -> Person | None:
    word = _key(m.name[0])
    before = [p for p in people if p.mentions and _first_index(p) <= m.sentence.index] or people
    by_surname = [p for p in before if _key(p.surname) == word]
    # Knights and dames are called by their first name: "Sir Keir".
    by_first = [p for p in before if _key(p.first) == word]
    if m.honorific in ("Sir", "Dame"):
        candidates = by_first or by_surname
    elif m.honorific:
        candidates = by_surname
    else:
        candidates = by_surname or by_first
    if not candidates:
        return None
    return max(candidates, key=_last_index_before(m))


def _first_index(person: Person) -> int:
    return min(x.sentence.index for x in person.mentions)


def _last_index_before(m: Mention):
    def score(person: Person) -> int:
        earlier = [x.sentence.index for x in person.mentions if x.sentence.index <= m.sentence.index]
        return max(earlier) if earlier else -1
    return score


def _find_by_role(people: list[Person], m: Mention) -> Person | None:
    wanted = set(_key(w) for w in (m.role or "").split())
    candidates = []
    for person in people:
        roles = [x.role for x in person.mentions if x.role] + ([person.role] if person.role else [])
        for role in roles:
            # Only the role's own words count: "son-in-law of the US President" is not a president.
            own = re.split(r"\b(?:of|to|for|at|in|on)\b", role)[0]
            if wanted <= set(_key(w) for w in own.split()):
                candidates.append(person)
                break
    if not candidates:
        return None
    return max(candidates, key=_last_index_before(m))


# --------------------------------------------------------------------------- attendance


def attended(person: Person) -> bool:
    """The article places the person at the event: a mention in a sentence about attending,
    meeting, leading or signing."""
    for m in person.mentions:
        words = {w.lower() for w in re.findall(r"[\w-]+", m.sentence.text)}
        if words & EVENT_CUES:
            return True
    return False


def speech_adjacent(mention: Mention, text: str) -> bool:
    after = re.match(r"\s+(\w+)", text[mention.end:])
    before = re.search(r"(\w+)\s+$", text[:mention.start])
    return bool((after and after.group(1) in SPEECH_VERBS) or (before and before.group(1) in SPEECH_VERBS))

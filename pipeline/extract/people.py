"""People: every named person once, with role, affiliation, aliases and whether the article
places them at the event.

Mentions are found sentence by sentence (a capitalised run, with the role phrase or honorific
in front of it, or an appositive beside it), then clustered: "Sir Keir", "Mr Starmer",
"Starmer" and "the Prime Minister" join "Sir Keir Starmer" when the article makes that clear.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline.extract.lexicon import (CITIES, COMPASS_WORDS, FIRST_NAMES_ALSO_WORDS, COUNTRY_FORMS, EVENT_CUES, FEMALE_HONORIFICS,
                                      FIRM_OR_PERSON_HEADS,
                                      FUNCTION_WORDS, HONORIFICS, KINSHIP_ROLES, MALE_HONORIFICS, MEDIA_NOUNS,
                                      NOT_NAME_WORDS, ORG_DESCRIPTORS, PEERAGES, POST_NOMINALS, ROLE_HEADS,
                                      ROLE_MODIFIERS, SPEECH_VERBS, SUBNATIONAL, TITLE_ABBREVIATIONS)
from pipeline.extract.names import (_DOTTED_INITIALS, _PARTICLE_NAME, PARTICLES, Token, capitalised_runs, country_of, is_acronym,
                                    is_org_word, is_role_head, is_role_word)
from pipeline.extract.sentences import Sentence

# Last words that make a capitalised run a place or a thing, not a person.
PLACE_WORDS = frozenset(
    "Street Road Avenue Lane Square Bay Green Park Bridge Hill Hills Island Islands River Lake Mountain "
    "Mountains Valley East West North South Central Gulf Sea Ocean Airport Station Hall House Palace Castle "
    "Tower Centre Center Stadium Abbey Cathedral Prison Camp Channel Coast Strait Peninsula Kingdom Republic "
    "States Province County City Town Village District Borough Region Territory Heights Estate Wharf Quay "
    "Gate Cross Market Place Way Row Close Drive Circus Arena Garden Gardens Common Heath Moor Forest Wood "
    "Woods Beach Harbour Port Dock Docks Canal Pass Desert Plain Plains Delta Basin Reef Cape Point".split())

PLACE_PREFIXES = frozenset("River Lake Mount Mt Port Fort Cape Isle Loch Glen Lough Bay Gulf Strait Point "
                           "Camp Lac Rio Monte".split())
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
    extent_end: int = -1            # end of the name's letters or appositive after it, if any
    role_start: int = -1            # start of a role phrase in front of the name, if any
    weak: bool = False              # a lone capitalised word: a person only if it names one found elsewhere

    @property
    def role_only(self) -> bool:
        return not self.name


@dataclass
class PersonEntity:
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
    organisations: set[tuple[str, ...]] = set()
    for sentence in sentences:
        if sentence.kind in ("heading", "title"):
            continue
        text = texts[sentence.block]
        toks = sentence.tokens
        named = _sentence_mentions(sentence, text, toks, organisations)
        mentions.extend(named)
        mentions.extend(_role_only_mentions(sentence, text, named))
    # A name the article uses for a company anywhere ("Pemberton Hale's chief executive") is not a
    # person anywhere else in it, unless the article also gives it as a person's, with a title or a
    # role ("President Yoon Suk Yeol" ... "Yoon's chief of staff").
    people_words = {_key(w) for m in mentions if m.name and (m.honorific or m.role) for w in m.name}
    organisations = {o for o in organisations if not (len(o) == 1 and o[0] in people_words)}
    return [m for m in mentions if not (m.name and m.honorific is None and m.role is None
                                        and tuple(_key(w) for w in m.name) in organisations)]


def _sentence_mentions(sentence: Sentence, text: str, toks: tuple[Token, ...],
                       organisations: set[tuple[str, ...]]) -> list[Mention]:
    out: list[Mention] = []
    index_of = {id(t): i for i, t in enumerate(toks)}
    for run in capitalised_runs(text, toks):
        first = index_of[id(run[0])]
        role_toks, honorifics, name_toks = _split_run(run)
        if not honorifics and (_after_descriptor(toks, first) or (
                not role_toks and _company_context(text, toks, first, run))):
            organisations.add(tuple(_key(t.bare) for t in name_toks or run))
            continue
        if not honorifics and _continues_a_name(toks, first):
            continue  # "Center for Health and Human Rights": the rest of an organisation's name
        if not honorifics and not role_toks and _names_a_thing(text, run[-1].end):
            organisations.add(tuple(_key(t.bare) for t in name_toks or run))
            continue  # "Next Generation Delivery Vehicles (NGDV)", "the Heart Age tool"
        mention = _mention_from_run(sentence, text, toks, first, run, (role_toks, honorifics, name_toks))
        if mention is not None:
            out.append(mention)
    # "Former cabinet ministers Saviour Kasukuwere and Jonathan Moyo": a plural role before names
    # joined by "and" (or commas) is each one's, in the singular.
    for k, m in enumerate(out):
        if m.role and m.rule == "role-prefix" and _plural_head(m.role):
            m.role = _singular_role(m.role)
            end = m.end
            for nxt in out[k + 1:]:
                if nxt.role is None and re.fullmatch(r"\s*(?:,|,?\s+and)\s+", text[end:nxt.start]):
                    nxt.role, nxt.affiliation, nxt.rule = m.role, m.affiliation, "shared-role"
                    end = nxt.end
                else:
                    break
    return out


_THING_NOUNS = frozenset("tool tools app apps website site scheme programme program campaign initiative project "
                         "system service quiz model vehicle vehicles aircraft fund plan report bill act index "
                         "award prize brand range product products engine device".split())


def _names_a_thing(text: str, end: int) -> bool:
    """A run defined by an acronym in brackets ("... Vehicles (NGDV)") or followed by a noun for a
    thing ("the Heart Age tool") names that thing, not a person."""
    after = text[end:end + 24]
    if re.match(r"\s+\([A-Z]{2,}\)", after):
        return True
    nxt = re.match(r"\s+([a-z]+)\b", after)
    return bool(nxt) and nxt.group(1) in _THING_NOUNS


def _continues_a_name(toks: tuple[Token, ...], first: int) -> bool:
    """A run after "and", "for", "of" or "&" that follows an organisation's capitalised words."""
    if first < 2 or toks[first - 1].text.lower() not in ("and", "for", "of", "&"):
        return False
    k = first - 2
    while k >= 0 and (toks[k].capitalised or toks[k].text.lower() in ("and", "for", "of", "&")):
        if is_org_word(toks[k].bare):
            return True
        k -= 1
    return False


def _plural_head(role: str) -> bool:
    head = role.split()[-1]
    single = _singular_word(head)
    return head.lower() != single.lower() and (is_role_head(single) or (head.islower() and len(single) > 3))


def _singular_word(word: str) -> str:
    low = word.lower()
    if low.endswith("men"):
        return word[:-3] + ("man" if word[-3:].islower() else "MAN")
    if low.endswith("ies"):
        return word[:-3] + "y"
    if low.endswith("s") and not low.endswith("ss"):
        return word[:-1]
    return word


def _singular_role(role: str) -> str:
    words = role.split()
    return " ".join(words[:-1] + [_singular_word(words[-1])])


def _split_run(run: list[Token]) -> tuple[list[Token], list[Token], list[Token]]:
    """(role words, honorifics, name words) of a capitalised run, choosing the last role head
    after which a plausible name follows ("Metropolitan Police Commissioner Sir John Stevens")."""
    while len(run) > 1 and run[-1].bare in POST_NOMINALS:
        run = run[:-1]  # "Tom McCabe MSP"
    words = [t.bare for t in run]
    for h in range(len(run) - 2, -1, -1):
        # "Professor Aisha Rahman": an honorific, not a role.
        if not is_role_head(words[h]) or (words[h] in HONORIFICS and words[h] not in TITLE_ABBREVIATIONS):
            continue
        rest = run[h + 1:]
        honorifics = _leading_honorifics(rest)
        name = rest[len(honorifics):]
        if name and _plausible_name([t.bare for t in name]):
            return run[:h + 1], honorifics, name
    start = 0
    while (start < len(run) and words[start] in NOT_NAME_WORDS and words[start] not in HONORIFICS
           and not (words[start] in FIRST_NAMES_ALSO_WORDS and _plausible(tuple(words[start:])))):
        start += 1
    # "Health Carys Llewelyn" after "Cabinet Secretary for": role words lead into the name.
    role_start = start
    while start < len(run) - 1 and is_role_word(words[start]) and words[start] not in HONORIFICS:
        start += 1
    honorifics = _leading_honorifics(run[start:])
    if start > role_start and not honorifics and len(run) - start < 2:
        # "Minister for Defence Procurement": one word after the role words is the role's own end.
        return run[role_start:], [], []
    return run[role_start:start], honorifics, run[start + len(honorifics):]


def _leading_honorifics(run: list[Token]) -> list[Token]:
    out = []
    for tok in run:
        if tok.bare in HONORIFICS and len(out) < 2:
            out.append(tok)
        else:
            break
    return out


# Words that cannot stand inside a name even after its first word.
_INNER_STOP = frozenset("The A An And Of In On At For To By From Or But With As".split())


def _plausible_name(words: list[str]) -> bool:
    """Could these capitalised words be a person's name? Not a country, city, organisation,
    institution or event, and no word that only starts sentences."""
    return _plausible(tuple(words))


@functools.lru_cache(maxsize=4096)
def _plausible(words: tuple[str, ...]) -> bool:
    if not 1 <= len(words) <= 4:
        return False
    for i, w in enumerate(words):
        if w.lower() in PARTICLES or (i > 0 and (_PARTICLE_NAME.match(w) or _DOTTED_INITIALS.fullmatch(w))):
            continue  # "de", "van", "al-Bashir", "H.W"
        if any(part in COUNTRY_FORMS or is_acronym(part) for part in w.split("-")):
            return False
        if (w in COUNTRY_FORMS or w in CITIES or is_org_word(w) or is_acronym(w)
                or (w in PLACE_WORDS and i == len(words) - 1 and len(words) > 1)
                or not w[0].isupper() or any(ch.isdigit() for ch in w)):
            return False
        if i == 0 and len(words) >= 2 and w in FIRST_NAMES_ALSO_WORDS:
            continue  # "Bill Shorten"
        if w in (NOT_NAME_WORDS if i == 0 else _INNER_STOP) or (i > 0 and w in NOT_NAME_WORDS - FUNCTION_WORDS):
            return False
        if i == 0 and len(words) > 1 and (w in PLACE_PREFIXES or w.lower() in COMPASS_WORDS):
            return False  # "River Calder", "Lake Geneva", "Western Balkans", "East Asian"
        if i == 0 and len(words) > 1 and w in PLACE_PREFIXES:
            return False  # "River Calder", "Lake Geneva", "Mount Kenya"
        if w.lower() in ROLE_HEADS or w.lower() in ROLE_MODIFIERS:
            return False
    # "United States Embassies", "New York Times": a place inside the run makes it no one's name.
    return not any(" ".join(words[i:j]) in CITIES or " ".join(words[i:j]) in COUNTRY_FORMS
                   for i in range(len(words)) for j in range(i + 1, len(words) + 1))


def _mention_from_run(sentence: Sentence, text: str, toks: tuple[Token, ...], first: int, run: list[Token],
                      split: tuple[list[Token], list[Token], list[Token]]) -> Mention | None:
    role_toks, honorifics, name_toks = split
    if not name_toks:
        return None
    name = tuple(t.bare for t in name_toks)
    honorific = honorifics[-1].bare if honorifics else None
    # Peerages are part of the name: "Lord Woolf" is how the man is known.
    if honorific is None and name[0] in PEERAGES and len(name) >= 2 and _peerage_title(name[1:]):
        honorific = name[0]
    elif not _plausible_name(list(name)) and not (honorific and _plausible_name(list(name[:1]))):
        return None
    # A common noun before a name heads a role only for a full or titled name: "aircraft maker
    # Boeing" is a company.
    role_tokens = _role_before(text, toks, first, role_toks, len(name) >= 2 or honorific is not None)
    if role_toks and not role_tokens:
        return None  # words in front of the name that do not make a role: not a name after all
    role_words = [t.text for t in role_tokens]
    rule = "role-prefix" if role_words else ("honorific" if honorifics else "capitalised-run")
    role, affiliation = _role_and_affiliation(role_words)
    extent_end = _after_post_nominals(text, name_toks[-1].end)
    # A full name or a titled one may take any noun phrase as its description; a lone capitalised
    # word ("Darfur, the region") only a known role.
    open_np = len(name) >= 2 or honorific is not None
    appositive = _appositive_after(text, extent_end, sentence.end, open_np)
    if appositive is not None and (role is None or _is_kinship(role) or len(role.split()) == 1):
        # "Councillor Priya Chandrasekar, executive member for transport": both say who she is.
        title = role if role and not _is_kinship(role) else None
        role, affiliation, extent_end = appositive
        role = f"{title}, {role}" if title else role
        affiliation = affiliation or (appositive[1] if appositive else None)
        rule = "appositive"
    serves = _WHO_SERVES.match(text, extent_end)
    if serves is not None:
        # "X, who chairs the Local Government Association,": affiliation from the article's words.
        affiliation = affiliation or serves.group("org")
        if role is None and _SERVING_ROLE.get(serves.group("verb")):
            role, rule = f"{_SERVING_ROLE[serves.group('verb')]} of {serves.group('org')}", "who-clause"
    elif role is None:
        before = _appositive_before(text, sentence.start, (honorifics or name_toks)[0].start, open_np,
                                    _after_post_nominals(text, name_toks[-1].end))
        if before is not None:
            role, affiliation = before
            rule = "appositive"
    weak = honorific is None and role is None and len(name) < 2
    if weak and not _plausible_name(list(name)):
        return None
    start = (honorifics[0].start if honorifics else name_toks[0].start)
    surface = text[start:name_toks[-1].start] + name_toks[-1].bare
    role_start = role_tokens[0].start if role_tokens else -1
    return Mention(sentence, start, name_toks[-1].end, name, honorific, role, affiliation,
                   "surname-only" if weak else rule, surface, extent_end, role_start, weak)


def _peerage_title(words: tuple[str, ...]) -> bool:
    """"Woolf" of "Lord Woolf", "Scotland" of "Baroness Scotland" (titles are often places), but
    not "Chancellor" of "Lord Chancellor", a role."""
    if len(words) == 1:
        w = words[0]
        return w[:1].isupper() and not is_role_head(w) and w not in NOT_NAME_WORDS
    return _plausible_name(list(words))


_POST_NOMINALS = re.compile(r"(?:\s+(?:" + "|".join(re.escape(p) for p in sorted(POST_NOMINALS, key=len, reverse=True))
                            + r"))+\b")


def _after_post_nominals(text: str, end: int) -> int:
    """The end of a name with its letters: "Tom McCabe MSP" ends after "MSP"."""
    match = _POST_NOMINALS.match(text, end)
    return match.end() if match else end


def _after_descriptor(toks: tuple[Token, ...], first: int) -> bool:
    """"the newspaper Le Monde", "environmental group Hutan Kita": a publication or an
    organisation, not a person."""
    if first == 0:
        return False
    before = toks[first - 1]
    if before.capitalised or before.end + 1 != toks[first].start:
        return False  # "the Commonwealth Club, Mr Kennedy": a name ends there, no descriptor
    return before.text in MEDIA_NOUNS or before.text in ORG_DESCRIPTORS


_BUSINESS_NOUNS = frozenset("shares share profits profit sales revenue revenues results stake business unit "
                            "division board bid offer deal takeover merger subsidiary brand brands stores "
                            "customers subscribers earnings losses turnover products factory plant".split())


def _company_context(text: str, toks: list[Token], first: int, run: list[Token]) -> bool:
    """Contexts that fit a company, not a person: "at Warner Bros", "Diageo Chateau & Estate
    Wines", "Time Warner's fourth quarter profits"."""
    before = toks[first - 1].text.lower() if first > 0 else ""
    if before == "at" and not run[-1].possessive:
        return True
    if text[run[-1].end:run[-1].end + 3] == " & " or text[max(0, run[0].start - 3):run[0].start] == " & ":
        return True
    following = [t.text.lower() for t in toks[first + len(run):first + len(run) + 6]]
    if run[-1].possessive:
        # "Time Warner's profits", "Pemberton Hale's chief executive", "Dock Workers' Union"
        return (any(word in _BUSINESS_NOUNS or is_role_head(word) for word in following[:3])
                or (len(toks) > first + len(run) and is_org_word(toks[first + len(run)].text)))
    if following[:2] in (["was", "founded"], ["is", "listed"], ["was", "listed"]):
        return True
    # "Time Warner said on Friday that it now owns": what speaks of itself as "it" is not a person.
    if following and following[0] in SPEECH_VERBS:
        for k in range(1, len(following) - 1):
            if following[k] == "it" and (following[k - 1] == "that" or _finite_verb(following[k + 1])):
                return True
    return False


def _finite_verb(word: str) -> bool:
    """"owns", "expects", "reported": a verb form that agrees with "it" ("now" may come first)."""
    return word == "now" or (word.isalpha() and len(word) > 3 and word.endswith(("s", "ed"))
                             and not word.endswith(("ss", "us", "is")) and word not in ("this", "was", "has"))


def _is_kinship(role: str) -> bool:
    return role.split()[-1].lower() in KINSHIP_ROLES


def _role_before(text: str, toks: list[Token], first: int, role_toks: list[Token], open_np: bool = True
                 ) -> list[Token]:
    """The role phrase in front of a name: role words inside its capitalised run plus role-ish
    words before the run ("the Trade and Industry Secretary", "Shadow home secretary")."""
    words: list[Token] = list(role_toks)
    i = first - 1
    anchor = role_toks[0] if role_toks else toks[first]
    open_head = False
    while i >= 0 and len(words) < 10:
        tok = toks[i]
        if text[tok.end:anchor.start] != " ":
            break
        low = tok.text.lower()
        if not words and open_np and _open_role_head(tok):
            # "Tory frontbencher John Redwood", "election supremo Alan Milburn": a common noun
            # right before a name heads a role when a modifier precedes it (checked below).
            open_head = True
            words.insert(0, tok)
            anchor = tok
            i -= 1
            continue
        role_ish = (is_role_word(tok.text) or is_role_head(tok.text) or low in CONNECTORS
                    or (tok.capitalised and tok.text not in FUNCTION_WORDS and not tok.possessive)
                    or _noun_modifier(tok, words, open_head))
        if not role_ish or tok.text in HONORIFICS:
            break
        # "Trade and Industry Secretary" continues over "and"; "Sir Keir Starmer and French
        # President" does not: the word before "and" must itself be a role word.
        if low in ("and", "&") and (i == 0 or not is_role_word(toks[i - 1].text)):
            break
        words.insert(0, tok)
        anchor = tok
        i -= 1
    while words and (words[0].text.lower() in CONNECTORS or words[0].text in FUNCTION_WORDS):
        words.pop(0)
    texts = [w.text for w in words]
    # The phrase must end in the role itself, right before the name: not "director general of the
    # British Chambers of" before "Commerce".
    if not texts or texts[-1].lower() in CONNECTORS or (is_org_word(texts[-1])
                                                        and (not is_role_head(texts[-1]) or len(texts) < 2)):
        return []  # ("Chief Executive" ends in a role even though "Executive" may name a body)
    if not any(is_role_head(w) for w in texts) and not (open_head and len(words) >= 2):
        return []
    if not open_np and texts[-1].lower() in FIRM_OR_PERSON_HEADS:
        return []
    return words


_TIME_NOUNS = frozenset("year years week weeks month months day days night morning afternoon evening time season "
                        "decade century weekend today yesterday tomorrow".split())


def _open_role_head(tok: Token) -> bool:
    """A lower-case common noun that may head a role before a name: not a function word, verb form,
    adverb, time word or abstract noun."""
    w = tok.text
    return (w.isalpha() and w.islower() and len(w) >= 4 and w not in _NOT_MODIFIERS and w not in _TIME_NOUNS
            and not w.endswith(("ed", "ly", "ing", "'s")) and not w.endswith(_ABSTRACT_SUFFIXES)
            and w not in ROLE_MODIFIERS)


_NOT_MODIFIERS = frozenset(w.lower() for w in FUNCTION_WORDS) | SPEECH_VERBS | frozenset(
    "by with without said says told is was are were has had have be been being who which that".split())


def _noun_modifier(tok: Token, words: list[Token], open_head: bool = False) -> bool:
    """"café owner", "property analyst": one plain word right before the role head."""
    return (bool(words) and (is_role_head(words[0].text) or open_head) and not tok.capitalised and tok.text.replace("-", "").isalpha()
            and not tok.text.endswith(("ly", "ed"))
            and tok.text.lower() not in _NOT_MODIFIERS and len(words) == 1)


def _role_and_affiliation(words: list[str]) -> tuple[str | None, str | None]:
    """The role as the article words it ("Liberal Democrat spokeswoman for women"), and the
    country or organisation it names."""
    if not words:
        return None, None
    affiliation = country_of(words)
    # "French President": the country is the affiliation, the title is the role. "UK investment
    # banker" and "Scottish Finance Minister" keep their words.
    if (affiliation and len(words) > 1 and COUNTRY_FORMS.get(words[0]) == affiliation
            and words[0] not in SUBNATIONAL and words[1][:1].isupper() and is_role_word(words[1])):
        words = words[1:]
    words = [TITLE_ABBREVIATIONS.get(w, w) for w in words]
    if affiliation is None:
        # A leading run of capitalised words that are not role words names the organisation
        # ("Diageo chief executive", "Metropolitan Police Commissioner").
        org = []
        for w in words:
            if w[0].isupper() and not is_role_head(w) and w.lower() not in ROLE_MODIFIERS:
                org.append(w)
            else:
                break
        affiliation = " ".join(org) or None
    return " ".join(words), affiliation


def _appositive_after(text: str, name_end: int, sentence_end: int, open_np: bool = True
                      ) -> tuple[str, str | None, int] | None:
    """", the son-in-law of the US President," after a name: (role, affiliation, end offset)."""
    rest = text[name_end:sentence_end]
    # ", the son-in-law of ...," or a dash pair: "Sarah Payne – adviser to ... – to lead".
    match = re.match(r"(?:,|\s+[–—])\s+(?:(?:the|a|an)\s+)?", rest)
    if not match:
        return None
    phrase = rest[match.end():]
    stop = _APPOSITIVE_STOP.search(phrase)
    phrase = phrase[:stop.start()] if stop else phrase.rstrip(".!?\"”'’")
    words = phrase.split()
    determined = bool(re.search(r"\b(?:the|a|an)\s+$", rest[:match.end()], re.I))
    if not 1 <= len(words) <= 16 or not (any(is_role_head(w.strip(".,")) for w in words[:4])
                                         or (determined and open_np and _role_like_np(words))):
        return None
    # "LinkedIn, Corvane's chief officer, Park Min-jun, said": the role is the next name's.
    if re.match(r",\s+(?:[A-Z][\w'’-]*\s+){0,3}[A-Z][\w'’-]*\s*,", rest[match.end() + len(phrase):]):
        return None
    heads = [k for k, w in enumerate(words) if is_role_head(w.strip(".,"))]
    after_head = re.match(r"((?:[A-Z][\w'’-]*\s*){2,4})", " ".join(words[heads[-1] + 1:])) if heads else None
    if after_head and _plausible_name(after_head.group(1).split()):
        return None  # "Governor Tokunbo Ajayi-Bello": a role and a name, not an appositive
    role, affiliation = _phrase_role(words)
    return role, affiliation, name_end + match.end() + len(phrase)


def _appositive_before(text: str, sentence_start: int, name_start: int, open_np: bool, name_end: int
                       ) -> tuple[str, str | None] | None:
    """"The Shadow Secretary of State for the Family, Theresa May, said" before a name."""
    before = text[sentence_start:name_start]
    if not before.endswith(", ") or not re.match(r"\s*[,.;]", text[name_end:name_end + 2] or " "):
        return None
    segment = before[:-2]
    segment = re.split(r"[,;:]", segment)[-1].strip()
    words = segment.split()
    # "the court acted against Sudan's president": the noun phrase after the last verb or
    # preposition ("of" and "for" stay: "director of the agency", "spokeswoman for women").
    cut = [k for k, w in enumerate(words) if w.lower() in _NP_BREAKS or (w.islower() and w.endswith("ed"))]
    if cut:
        words = words[cut[-1] + 1:]
    owner = [k for k, w in enumerate(words) if w.endswith(("'s", "’s")) and w[:1].isupper()]
    if owner:
        # "... Sudan's president": the phrase starts with its owner's name.
        k = owner[0]
        while k > 0 and words[k - 1][:1].isupper() and words[k - 1].lower() not in ("the", "a", "an"):
            k -= 1
        words = words[k:] if k > 0 and words[k - 1][:1].islower() else words
    # "according to the state's Commissioner for Transportation": the noun phrase at the end.
    while words and words[0][0].islower() and not _starts_role_phrase(words[0]):
        words.pop(0)
    determined = bool(words) and (words[0].lower() in ("the", "a", "an", "his", "her", "their")
                                  or words[0].endswith(("'s", "’s")) or (len(words) > 1 and words[1].endswith(("'s", "’s"))))
    while words and words[0].lower() in ("the", "a", "an", "its", "his", "her", "their"):
        words.pop(0)
    if not 1 <= len(words) <= 10 or not (any(is_role_head(w) for w in words)
                                         or (determined and open_np and _role_like_np(words))):
        return None
    if words[-1] in ORG_DESCRIPTORS:
        return None  # "director of the city's water agency, Sacmex": the agency's name
    return _phrase_role(words)


_NP_BREAKS = frozenset("against to by with from about on at and as than that said says told is was were are "
                       "has had have met meets joined include included including like into over under".split())
_ABSTRACT_SUFFIXES = ("ness", "ity", "tion", "sion", "ment", "ism", "ance", "ence", "ing", "ship", "hood", "ure")
_NOT_ROLE_NOUNS = frozenset("man woman people person one time year years day week month way thing part "
                            "country city town party group company firm government council family".split())


def _role_like_np(words: list[str]) -> bool:
    """A short noun phrase after a determiner whose head is a common noun: in an appositive beside
    a name it says who the person is ("his former nanny", "a publisher", "the watchdog"), whether
    or not the noun is in the role lexicon."""
    clean = [w.strip(".,\"“”'’") for w in words]
    core: list[str] = []
    for w in clean:
        if w.lower() in ("of", "for", "at", "to", "in", "on", "with", "from"):
            break
        core.append(w)
    if not core or len(core) > 6:
        return False
    head = core[-1]
    if (not head.isalpha() or not head.islower() or head in _NOT_ROLE_NOUNS or len(head) < 3
            or head.endswith(_ABSTRACT_SUFFIXES)):
        return False
    return not any(w.lower() in _NOT_MODIFIERS - {"the", "a", "an"} for w in core[:-1] if w.islower())


def _starts_role_phrase(word: str) -> bool:
    return (word.lower() in ("the", "a", "an", "its", "his", "her", "their") or word.endswith(("'s", "’s"))
            or word.lower() in ROLE_MODIFIERS or is_role_head(word))


def _phrase_role(words: list[str]) -> tuple[str, str | None]:
    clean = [w.strip(".,\"“”'’") for w in words]
    role = " ".join(clean)
    affiliation = country_of(clean)
    of = re.search(r"\b(?:of|at|for) (?:the )?((?:[A-Z][\w'’&-]*(?: (?:of|for|and|the|&))? ?)+)", role)
    if of:
        candidate = of.group(1).strip()
        if any(is_org_word(w) for w in candidate.split()) or affiliation is None and len(candidate.split()) > 1:
            affiliation = candidate
    # "the Liberal Democrats' environment spokesperson": the owner speaks for its members.
    owner = re.match(r"(?:the )?((?:[A-Z][\w&-]*\s)*[A-Z][\w&-]*?)(?:['’]s?)\s", " ".join(words).strip(".,\"“”"))
    if owner and affiliation is None and not _is_person_like(owner.group(1)):
        affiliation = owner.group(1)
    return role, affiliation


def _is_person_like(words: str) -> bool:
    """"Mr Blunkett", "Blair": an owner who is a person, not a body one speaks for."""
    first = words.split()[0]
    return first in HONORIFICS or first in PEERAGES or (len(words.split()) == 1 and words not in COUNTRY_FORMS
                                                         and not is_org_word(words) and not words.isupper())


# ", who chairs the Local Government Association": a relative clause that says whom one serves.
_WHO_SERVES = re.compile(r",\s+who\s+(?:now\s+|also\s+|currently\s+)?(?P<verb>chairs|leads|heads|runs|directs|"
                         r"represents|founded|co-founded|works for|advises|speaks for)\s+(?:the\s+)?"
                         r"(?P<org>(?:[A-Z][\w'’&-]*)(?:\s+(?:of|for|and|&|the|on)?\s*[A-Z][\w'’&-]*)*)")
_SERVING_ROLE = {"chairs": "chair", "leads": "leader", "heads": "head", "runs": "head", "directs": "director",
                 "founded": "founder", "co-founded": "co-founder", "advises": "adviser", "works for": None,
                 "represents": None, "speaks for": "spokesperson"}


def _role_only_mentions(sentence: Sentence, text: str, found: list[Mention]) -> list[Mention]:
    """"the Prime Minister", "the home secretary": a role standing for a person named elsewhere.
    `found`: the sentence's other mentions (those of earlier sentences cannot overlap it)."""
    out = []
    toks = sentence.tokens
    for i, tok in enumerate(toks):
        if tok.text not in ("the", "The"):
            continue
        for j in range(i + 1, min(i + 5, len(toks))):
            word = toks[j].bare
            if text[toks[j - 1].end:toks[j].start] != " ":
                break
            # The longest role: "the chief executive", not "the chief".
            while (is_role_head(word) and j + 1 < len(toks) and is_role_head(toks[j + 1].bare)
                   and toks[j + 1].capitalised == toks[j].capitalised
                   and text[toks[j].end:toks[j + 1].start] == " "):
                j += 1
                word = toks[j].bare
            if is_role_head(word) and not (j + 1 < len(toks) and toks[j + 1].capitalised
                                           and text[toks[j].end:toks[j + 1].start] == " "):
                start, end = tok.start, toks[j].end
                if not any(m.start <= start < max(m.end, m.extent_end) or start <= m.start < end for m in found):
                    role = " ".join(t.bare for t in toks[i + 1:j + 1])
                    out.append(Mention(sentence, start, end, (), None, role, None, "role-noun", text[start:end]))
                break
            if not is_role_word(word):
                break
    return out


# --------------------------------------------------------------------------- clustering


def _key(word: str) -> str:
    return unicodedata.normalize("NFC", word).casefold()


def cluster(mentions: list[Mention]) -> list[PersonEntity]:
    people: list[PersonEntity] = []
    known = _Known(people)
    for m in mentions:
        if len(m.name) >= 2:
            person = known.by_full_name(m.name)
            if person is None:
                person = PersonEntity(m.name, rule=m.rule)
                known.add(person)
            elif len(m.name) > len(person.name):
                person.name = m.name  # the same first and last word: "George W. Bush" for "George Bush"
            known.attach(person, m)
    known.index_words()
    known.sweep()
    single: dict[str, PersonEntity] = {}  # people known by one word only, by that word
    for m in mentions:
        if len(m.name) == 1:
            person = _find_partial(m, known) or single.get(_key(m.name[0]))
            if person is None:
                if m.weak:
                    continue
                name = (m.honorific, *m.name) if m.honorific in PEERAGES else m.name
                person = PersonEntity(tuple(name), rule=m.rule)
                known.add(person)
                single[_key(m.name[0])] = person
            known.attach(person, m)
    known.index_named()
    known.sweep()
    for m in mentions:
        if m.role_only:
            person = _find_by_role(m, known) or _roleless_antecedent(m, known)
            if person is not None:
                known.attach(person, m)
    for person in people:
        person.mentions.sort(key=lambda m: (m.sentence.index, m.start))
    people.sort(key=lambda p: (p.mentions[0].sentence.index, p.mentions[0].start))
    return people


class _Known:
    """The people found so far, indexed for what clustering asks of them. Asking it of every
    person and every mention, for every mention, made a long article's clustering grow with the
    square of its length (of its people, and of their mentions).

    Per person: its position in the list of people (`people`, which this appends to), the
    sentence indexes of its mentions (sorted), and the first sentence of each role it was given.
    Per first and last word of a name, per surname and per word of a role: the people with it,
    in their order. Once the names are all attached: each sentence's named mentions."""

    def __init__(self, people: list[PersonEntity]) -> None:
        self.people = people
        self._position: dict[int, int] = {}
        self._indexes: dict[int, list[int]] = {}
        self._roles: dict[int, dict[str, int]] = {}
        self._holders: dict[str, set[int]] = {}
        self._by_ends: dict[tuple[str, str], list[PersonEntity]] = {}
        self._by_last: dict[str, list[PersonEntity]] = {}
        self._words: dict[str, dict[str, list[PersonEntity]]] | None = None
        self._word_ids: dict[str, dict[str, set[int]]] = {"surname": {}, "inner": {}, "first": {}}
        self.named: dict[int, list[tuple[PersonEntity, Mention]]] = {}
        self.recent: _Recent | None = None
        # Role words nobody held when last asked -> the first sentence at which someone may (a
        # role noted since that they name drops the entry). See unheld().
        self._unheld: dict[frozenset[str], int] = {}

    def add(self, person: PersonEntity) -> None:
        """A new person, with no mentions yet."""
        key = id(person)
        self._position[key] = len(self.people)
        self.people.append(person)
        self._indexes[key] = []
        self._roles[key] = {}
        keys = [_key(w) for w in person.name]
        self._by_ends.setdefault((keys[0], keys[-1]), []).append(person)
        self._by_last.setdefault(keys[-1], []).append(person)
        if self._words is not None:
            self._index_words_of(person)

    def by_full_name(self, name: tuple[str, ...]) -> PersonEntity | None:
        """The first person with this name; or with its first and last word ("George Bush",
        "George W. Bush"); or, for a name starting with a particle, ending with it ("Mr Le Goff"
        after "Yannick Le Goff")."""
        keys = [_key(w) for w in name]
        found = self._by_ends.get((keys[0], keys[-1]), [])
        best = found[0] if found else None  # a longer name keeps its first and last word
        if keys[0] in PARTICLES:
            for person in self._by_last.get(keys[-1], []):
                if best is not None and self._position[id(person)] >= self._position[id(best)]:
                    break
                own = [_key(w) for w in person.name]
                if len(keys) < len(own) and own[-len(keys):] == keys:
                    best = person
                    break
        return best

    def index_words(self) -> None:
        """Index the people by surname, by the words after their first and by their first word,
        once the full names are settled."""
        self._words = {"surname": {}, "inner": {}, "first": {}}
        for person in self.people:
            self._index_words_of(person)

    def _index_words_of(self, person: PersonEntity) -> None:
        if len(person.name) < 2:
            return
        surname = _key(person.surname)
        for word in dict.fromkeys((surname, surname.split("-", 1)[-1])):
            self._index_word("surname", word, person)
        if len(person.name) > 2:
            for word in dict.fromkeys(_key(w) for w in person.name[1:]):
                self._index_word("inner", word, person)
        self._index_word("first", _key(person.first), person)

    def _index_word(self, kind: str, word: str, person: PersonEntity) -> None:
        self._words[kind].setdefault(word, []).append(person)
        self._word_ids[kind].setdefault(word, set()).add(id(person))

    def with_word(self, kind: str, word: str) -> list[PersonEntity]:
        """The people with `word` as their surname (or its part after a hyphen), as a word after
        their first ("inner") or as their first word, in their order."""
        return self._words[kind].get(word, [])

    def has_word(self, kind: str, word: str, person: PersonEntity) -> bool:
        return id(person) in self._word_ids[kind].get(word, ())

    def attach(self, person: PersonEntity, m: Mention) -> None:
        _attach(person, m)
        bisect.insort(self._indexes[id(person)], m.sentence.index)
        self._note_role(person, m)
        if self.recent is not None:
            self.recent.touch(person, m.sentence.index)

    def sweep(self) -> None:
        """Start a pass over the mentions in the article's order (see _Recent), from the mentions
        attached so far."""
        mentioned: dict[int, list[PersonEntity]] = {}
        for person in self.people:
            for x in person.mentions:
                mentioned.setdefault(x.sentence.index, []).append(person)
        self.recent = _Recent(mentioned, self._position)

    def last_mentioned(self, candidates: list[PersonEntity], qualifies: Callable[[PersonEntity], bool],
                       index: int) -> PersonEntity | None:
        """Of `candidates` (in the order of the people, each of which `qualifies`), the one with
        the last mention up to sentence `index`; of those mentioned there, the first; the first
        of them all when none is mentioned by then. Asked of the people mentioned last, then, if
        it is none of them, of each candidate."""
        if self.recent is not None and self.recent.advance(index):
            answered, person = self.recent.last_of(qualifies)
            if answered:
                return person if person is not None else (candidates[0] if candidates else None)
        if not candidates:
            return None
        return max(candidates, key=lambda person: self.last_before(person, index))

    def unheld(self, wanted: frozenset[str], index: int) -> bool:
        """Whether no one was found holding a role these words name when last asked, and no one
        can have been given one since: a role noun that names no one, asked after each of
        thousands of people, asked each of them every time."""
        return index < self._unheld.get(wanted, -1)

    def note_unheld(self, wanted: frozenset[str], until: int) -> None:
        self._unheld[wanted] = until

    def index_named(self) -> None:
        """Each sentence's named mentions, with their people (role mentions, attached after
        this, have no name)."""
        for person in self.people:
            for x in person.mentions:
                if x.name:
                    self.named.setdefault(x.sentence.index, []).append((person, x))

    def _note_role(self, person: PersonEntity, m: Mention) -> None:
        if not m.role:
            return
        roles = self._roles[id(person)]
        if m.role not in roles or m.sentence.index < roles[m.role]:
            roles[m.role] = m.sentence.index
            for wanted in [wanted for wanted in self._unheld if _holds(m.role, wanted)]:
                del self._unheld[wanted]
        for word in _role_words(m.role):
            self._holders.setdefault(word, set()).add(id(person))

    def last_before(self, person: PersonEntity, index: int) -> int:
        """The last sentence, up to `index`, that mentions the person; -1 if none does."""
        indexes = self._indexes[id(person)]
        at = bisect.bisect_right(indexes, index)
        return indexes[at - 1] if at else -1

    def roles(self, person: PersonEntity) -> dict[str, int]:
        """The person's roles, each with the first sentence that gives it."""
        return self._roles[id(person)]

    def holding(self, words: set[str]) -> list[PersonEntity]:
        """The people given a role with all these words, in the order of the people."""
        found: set[int] | None = None
        for word in words:
            found = self._holders.get(word, set()) if found is None else found & self._holders.get(word, set())
        if found is None:
            found = {key for key, roles in self._roles.items() if roles}
        return self.in_order(found)

    def in_order(self, people: set[int]) -> list[PersonEntity]:
        return [self.people[i] for i in sorted(self._position[key] for key in people)]


class _Recent:
    """The people in the order of their last mention up to the sentence a pass over the mentions
    has reached, so that "the one of these people mentioned last" is asked of the people
    mentioned last rather than of each of them: with thousands of people sharing a surname or a
    role, asking each, for every mention, grew with the square of the article.

    `mentioned` gives, per sentence, the people of the mentions attached before the pass; the
    pass adds its own as it attaches them. The pass must come in the article's order: a mention
    out of it turns this off (`advance` says so), and the caller asks each person instead."""

    def __init__(self, mentioned: dict[int, list[PersonEntity]], position: dict[int, int]) -> None:
        self._mentioned = mentioned
        self._position = position
        self._order: dict[int, tuple[int, PersonEntity]] = {}  # by last mention, the latest last
        self._reached = -1
        self._latest = -1
        self._usable = True

    def advance(self, index: int) -> bool:
        """Take in the mentions up to sentence `index`; False once the pass has left the order."""
        if index < self._reached:
            self._usable = False
        if self._usable:
            for sentence in range(self._reached + 1, index + 1):
                for person in self._mentioned.get(sentence, ()):
                    self.touch(person, sentence)
            self._reached = max(self._reached, index)
        return self._usable

    def touch(self, person: PersonEntity, sentence: int) -> None:
        if sentence < self._latest:
            self._usable = False
            return
        self._latest = sentence
        self._order.pop(id(person), None)
        self._order[id(person)] = (sentence, person)

    def last_of(self, qualifies: Callable[[PersonEntity], bool]) -> tuple[bool, PersonEntity | None]:
        """(True, the person) that `qualifies` with the last mention so far, the first in the list
        of people among those mentioned in that sentence; (True, None) when no one qualifies;
        (False, None) when the answer is not among the RECENT_PEOPLE mentioned last."""
        best: PersonEntity | None = None
        best_sentence = -1
        for step, (sentence, person) in enumerate(reversed(self._order.values())):
            if best is not None and sentence < best_sentence:
                return True, best
            if step >= RECENT_PEOPLE:
                return False, None
            if qualifies(person) and (best is None or self._position[id(person)] < self._position[id(best)]):
                best, best_sentence = person, sentence
        return True, best


# How many of the people mentioned last are asked before every candidate is: more than most
# articles name.
RECENT_PEOPLE = 64


@functools.lru_cache(maxsize=4096)
def _role_words(role: str) -> frozenset[str]:
    """A role's own words: "son-in-law of the US President" is not a president."""
    return frozenset(_key(w) for w in re.split(r"\b(?:of|to|for|at|in|on)\b", role)[0].split())


def _attach(person: PersonEntity, m: Mention) -> None:
    person.mentions.append(m)
    if m.role and (person.role is None or (_is_kinship(person.role) and not _is_kinship(m.role))):
        person.role, person.affiliation = m.role, m.affiliation or person.affiliation
    elif m.affiliation and person.affiliation is None:
        person.affiliation = m.affiliation
    if person.gender is None and m.honorific:
        person.gender = ("m" if m.honorific in MALE_HONORIFICS else
                         "f" if m.honorific in FEMALE_HONORIFICS else None)


def _find_partial(m: Mention, known: _Known) -> PersonEntity | None:
    word = _key(m.name[0])
    # The last word, or any but the first ("Villalobos" of "Ernesto Villalobos Rangel"); "Bashir"
    # of "Omar Hassan al-Bashir".
    by_surname = next(((kind, found) for kind in ("surname", "inner") if (found := known.with_word(kind, word))),
                      ("surname", []))
    # Knights and dames are called by their first name: "Sir Keir".
    by_first = ("first", known.with_word("first", word))
    if m.honorific in ("Sir", "Dame"):
        kind, candidates = by_first if by_first[1] else by_surname
    elif m.honorific:
        kind, candidates = by_surname
    else:
        kind, candidates = by_surname if by_surname[1] else by_first
    if not candidates:
        return None
    return known.last_mentioned(candidates, lambda person: known.has_word(kind, word, person), m.sentence.index)


def _roleless_antecedent(m: Mention, known: _Known) -> PersonEntity | None:
    """"David Blunkett has apologised ... The home secretary confirmed ...": a role naming no one
    yet refers to the one person without a role just mentioned."""
    if m.role.split()[-1].lower() in _GENERIC_ROLES or _is_kinship(m.role):
        return None
    here, before = m.sentence.index, m.sentence.index - 1
    # Named in the sentence before, or earlier in this one.
    nearby = known.named.get(before, []) + [(p, x) for p, x in known.named.get(here, []) if x.start < m.start]
    recent = known.in_order({id(p) for p, _ in nearby})
    roleless = [p for p in recent if p.role is None or _is_kinship(p.role)]
    if len(recent) == 1 and len(roleless) == 1:
        return roleless[0]
    # "David Blunkett has spoken of his love for Kimberly Quinn ... The home secretary described":
    # a role opening a sentence continues the subject that opened the sentence before.
    if _opens_sentence(m, m.start):
        for person in roleless:
            if any(p is person and _opens_sentence(x, x.role_start if x.role_start >= 0 else x.start)
                   for p, x in known.named.get(before, [])):
                return person
    return None


def _opens_sentence(m: Mention, start: int) -> bool:
    return not m.sentence.text[:max(0, start - m.sentence.start)].strip()


_DISTINGUISHING = frozenset("shadow former ex deputy vice assistant junior acting interim outgoing".split())
_GENERIC_ROLES = frozenset("official officials spokesman spokeswoman spokesperson member staff worker employee "
                           "resident citizen voter head source sources expert analyst witness victim suspect "
                           "player student teacher doctor nurse".split())


def _find_by_role(m: Mention, known: _Known) -> PersonEntity | None:
    wanted = frozenset(_key(w) for w in (m.role or "").split())
    index = m.sentence.index
    if known.unheld(wanted, index):
        return None

    def told(person: PersonEntity) -> bool:
        # Only roles the reader has already been told about, and only their own words.
        return any(first <= index and _holds(role, wanted) for role, first in known.roles(person).items())

    if known.recent is not None and known.recent.advance(index):
        answered, person = known.recent.last_of(told)
        if answered:
            return person
    candidates, later = [], _NEVER
    for person in known.holding(set(wanted)):
        if told(person):
            candidates.append(person)
        else:
            later = min([later] + [first for role, first in known.roles(person).items() if _holds(role, wanted)])
    if not candidates:
        known.note_unheld(wanted, later)
        return None
    return max(candidates, key=lambda person: known.last_before(person, index))


_NEVER = 1 << 62  # a sentence after every sentence


def _holds(role: str, wanted: frozenset[str]) -> bool:
    """Whether `role` is one a role noun of these words names: "the home secretary" is not the
    shadow home secretary, nor a former one."""
    own = _role_words(role)
    return wanted <= own and not (own - wanted) & _DISTINGUISHING


# --------------------------------------------------------------------------- attendance


def attended(person: PersonEntity) -> bool:
    """The article places the person at the event: a mention in a sentence about attending,
    meeting, leading or signing."""
    for m in person.mentions:
        words = [w.lower() for w in re.findall(r"[\w'’-]+", m.sentence.text)]
        for k, word in enumerate(words):
            if word in EVENT_CUES and not any(w in ("not", "never", "n't", "didn't", "won't", "cannot")
                                              or w.endswith(("n't", "n’t")) for w in words[max(0, k - 3):k]):
                # "did not attend the summit", "will not be at the talks": not there
                return True
    return False


def speech_adjacent(mention: Mention, text: str) -> bool:
    after = re.match(r"\s+(\w+)", text[mention.end:])
    before = re.search(r"(\w+)\s+$", text[:mention.start])
    return bool((after and after.group(1).lower() in SPEECH_VERBS) or
                (before and before.group(1).lower() in SPEECH_VERBS))

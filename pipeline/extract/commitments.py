"""Commitments: who agreed, pledged, signed, decided or announced what, with the sentence it
is from.

A sentence is a commitment when it holds a commitment phrase: a commitment verb ("agreed to",
"has promised", "appointed"), a plan ("is to restate", "intends to adjust"), or a future action
by someone who can act ("the party would cut", "authorities will decide"), including a plan in
the passive ("Chalone would be integrated"). List items under a lead-in ending with a colon are
commitments of the lead-in's actor. Not commitments: words inside a direct quotation (the
quote is shown as a quote), predictions about things ("council tax is set to rise"),
conditionals, questions, and what someone is accused of or warned about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from pipeline.extract.lexicon import ACT_VERBS, COMMITMENT_VERBS, ORG_HEADS, ROLE_HEADS
from pipeline.extract.morphology import verb_forms
from pipeline.extract.sentences import Sentence

_ADVERB = r"(?:(?:formally|jointly|unanimously|also|now|today|finally|already|definitely|still|later|then|" \
          r"quickly|again|further|only|firmly|publicly|officially|\w+ly)\s+)?"



def _act_forms(lemma: str) -> set[str]:
    """The forms that report an act done: the past ("signed", "has signed"), not the present,
    which describes ("the agreement outlines", "signs of recovery"), nor the lemma or the -ing
    participle; "set out" is its own past."""
    forms = {f for f in verb_forms(lemma)[2:] if not f.endswith("ing")}
    if lemma.split()[0] in ("set", "put", "cut"):
        forms.add(lemma)
    return forms


def _alternation(forms) -> str:
    return "|".join(re.escape(f).replace("\\ ", r"\s+") for f in sorted(set(forms), key=len, reverse=True))


# Commitment verbs: whoever the subject, the sentence reports a decision or a promise. Auxiliaries
# and adverbs before the verb ("has formally agreed") are left to the subject, which drops them.
# A short time phrase may stand between the verb and its "to" ("agreed on Friday to freeze").
_DECISION = re.compile(
    r"\b(?P<verb>" + _alternation(f for v in COMMITMENT_VERBS for f in verb_forms(v)) + r"|(?:is|are|was|were) willing)"
    r"(?:\s+(?:on|in|at|last|this|late|early)\s+\w+)?\s+(?:to|that)\b"
    r"|\b(?P<act>" + _alternation(f for v in ACT_VERBS for f in _act_forms(v)) + r"|taken steps)\b", re.I)
# A plan: "TimeWarner is to restate", "Maternity pay is to rise".
_PLAN = re.compile(r"\b(?:is|are|was|were)\s+(?:due\s+|set\s+|going\s+)?to\s+(?!be\b)(?P<verb>[a-z]+)\b", re.I)
# The future: "will decide", "would cut", "will not be abolished", "'ll".
_FUTURE = re.compile(r"\b(?P<modal>will|would|shall|'ll|’ll)\s+" + _ADVERB +
                     r"(?P<neg>not\s+|never\s+)?" + _ADVERB + r"(?P<verb>[a-z]+)\b", re.I)
_NOUN_CUE = re.compile(r"\b(?P<noun>commitment|pledge|promise|purpose|aim|goal|objective|mission)\s+"
                       r"(?:is|was|will be)\b", re.I)
_PASSIVE_PAST = re.compile(r"\b(?:was|were|has been|have been|had been)\s+(?P<verb>signed|agreed|approved|"
                           r"adopted|endorsed|ratified|announced|unveiled|launched)\b", re.I)

_CHANGES = frozenset("rise fall grow increase decrease drop climb double halve".split())
_BY_SOMEONE = re.compile(r"\b(?:announced|proposed|unveiled|planned|set out|outlined|promised)\s+by\b", re.I)

# Participles that make "will be X" a plan in the passive rather than a state.
_IRREGULAR_PARTICIPLES = frozenset("paid made held set built cut put kept given taken sold spent brought sent "
                                   "won met run told shown done seen begun bought chosen drawn driven found "
                                   "known laid led left lent lost meant read shut sought split spread struck "
                                   "sworn torn thrown understood withdrawn written".split())
_NOT_ACTIONS = frozenset("be have seem appear look feel remain become mean cost need want like know think "
                         "believe expect suffer struggle face fall rise grow happen continue last "
                         "attend arrive travel gather speak discuss debate argue take".split())
# Subjects that are many people at large, not someone who acts: "Few would argue", "analysts".
_NOT_AGENTS = frozenset("few many some most several none nobody anyone everyone someone people analysts experts "
                        "critics observers commentators economists".split())
# Words before a commitment phrase that make the sentence opinion, prediction or criticism.
_HEDGES = frozenset({f for lemma in (
    "accuse criticise criticize attack condemn deny warn fear doubt question claim argue suggest speculate "
    "predict expect believe think hope feel project forecast reckon concern worry").split()
    for f in verb_forms(lemma)} | {"if", "unless", "whether", "could", "might", "may", "should", "likely",
                                    "unlikely", "thought", "felt", "concerned", "worried"})
# Conditions and modals hedge only their own clause: "If elected, his party would ..." is a pledge
# on a condition; "the council could decide to ..." is not a pledge.
_CLAUSE_HEDGES = frozenset("if unless whether could might may should likely unlikely".split())
_WORDS = re.compile(r"[\w'’]+")
_CLAUSE_BREAK = re.compile(r"[,;:–—]|\s-\s|\b(?:that|said|says|say|told|tells|after|before|when|because|while|"
                           r"if|as|since|but|so|which|who|where|although|though|once|until)\b", re.I)
_AGENT_NOUNS = frozenset(
    "government governments ministers minister party parties council councils authority authorities company "
    "companies firm firms group groups club clubs board boards executive executives police coalition union "
    "unions department office bank banks committee commission administration cabinet state states country "
    "countries leaders leader officials chancellor president secretary premier people allies team management "
    "shareholders investors owners owner members member we i he she they it who tories conservatives labour "
    "democrats dems republicans liberals".split()) | {h.lower() for h in ORG_HEADS} | ROLE_HEADS
_PRONOUNS = frozenset("he she they it we i".split())
_DOCUMENT_NOUNS = re.compile(r"^(?:the |this |that |a |an )?(?:\w+ ){0,2}(?:declaration|agreement|pact|deal|"
                             r"treaty|accord|plan|plans|framework|statement|communiqu[eé]|package|proposals?|"
                             r"bill|strategy|manifesto|document|memorandum|arrangement|programme|policy|"
                             r"commitment|initiative|settlement|resolution)\b", re.I)
_LEADIN_CUE = re.compile(r"\b(?:specif\w*|includ\w*|set\w* out|outlin\w*|measures|areas|steps|plans?|pledges?|"
                         r"commit\w*|promis\w*|proposals?|priorit\w*|key|following|will|agreed|terms|"
                         r"provisions?|points?)\b", re.I)
_QUOTE_MARKS = "\"“”„«»"

# Who a pronoun or role refers to at a place in the article: (sentence, offset, word) -> name.
Resolver = Callable[[Sentence, int, str], "str | None"]


@dataclass(frozen=True)
class FoundCommitment:
    actor: str | None
    action: str
    evidence: str
    sentence: Sentence
    rule: str
    deadline: str | None = None
    conditional: bool = False   # "If elected, the party would ...": a pledge on a condition


def _clean(text: str) -> str:
    return " ".join(text.split()).strip(" ,;:")


def _inside_quote(text: str, pos: int) -> bool:
    """Is `pos` between quotation marks? Counted on straight and curly double marks."""
    before = text[:pos]
    opens = sum(before.count(c) for c in "“„«")
    closes = sum(before.count(c) for c in "”»")
    return (opens > closes) or before.count('"') % 2 == 1


def _subject(before: str) -> str:
    """The noun phrase right before a verb: after the last clause break, without the auxiliary
    verbs and adverbs that end it."""
    text = before.strip().rstrip(",;:–— ")  # "The mayor, Dana Morales, promised": the appositive's end
    parts = [p for p in re.split(r",\s*", text) if p.strip()]
    # "The declaration, which creates a framework, was signed": skip the relative clause.
    if len(parts) >= 2 and re.match(r"(?:which|who|whose|that)\b", parts[-1].strip(), re.I):
        text = parts[0]
    else:
        pieces = _CLAUSE_BREAK.split(text)
        text = pieces[-1] if pieces else text
    text = re.sub(r"\s*\([^()]*\)", "", text)  # "has today (3 May 2023)": an aside
    text = _LEADING_TIME.sub("", text.strip())  # "said on Tuesday it would": the time is not the subject
    text = _TRAILING_TIME.sub("", text)  # "A Senate committee on Tuesday approved": not part of who
    words = text.split()
    while words and re.fullmatch(r"(?:has|have|had|is|are|was|were|will|would|also|now|formally|jointly|today|"
                                 r"finally|both|all|already|still|only|not|\w+ly)", words[-1], re.I):
        words.pop()
    return _clean(" ".join(words))


_TRAILING_TIME = re.compile(r"\s+(?:(?:on|last|this|next|early|late)\s+(?:Monday|Tuesday|Wednesday|Thursday|"
                            r"Friday|Saturday|Sunday|week|month|year|night|morning|evening)|yesterday|today|"
                            r"(?:in|on)\s+(?:January|February|March|April|May|June|July|August|September|October|"
                            r"November|December)(?:\s+\d{1,2})?)(?=(?:\s+\w+ly)?\s*$)", re.I)


def _third_party_prediction(before: str, subject: str) -> bool:
    """"He told the BBC that Mr Brown would ...", "Analysts say Obama would ...": a future reported
    by one person about another named one is a prediction, not a pledge; "Mr Howard said his party
    would ..." and "she said she would ..." are the speaker's own."""
    said = list(re.finditer(r"\b(?:said|says|say|told|tells|telling)\b", before))
    if not said or not subject:
        return False
    speaker = before[:said[-1].start()].strip()
    first = subject.split()[0].lower()
    if first in _PRONOUNS or first in ("his", "her", "its", "their", "our", "my"):
        return False
    words = subject.split()
    if words[0] not in _PERSON_TITLES:
        return False  # "the Conservatives", "Hungary": the speaker's side may be meant
    named = [w for w in words[1:] if w[:1].isupper()]
    return bool(named) and bool(speaker) and not any(w in speaker for w in named)


_PERSON_TITLES = frozenset("Mr Mrs Ms Miss Dr Sir Dame Lord Lady President Senator Sen. Governor Gov. Prof "
                           "Professor".split())


_LEADING_TIME = re.compile(r"^(?:(?:on|last|this|next|early|late)\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|"
                           r"Saturday|Sunday|week|month|year|night|morning|evening)|yesterday|today)\s*,?\s+", re.I)


def _reporting_subject(before: str) -> str | None:
    """"Vollrad AG said on Tuesday it would ...": the subject of the governing "X said", for a
    pronoun ("it", "they", "we") that stands for it."""
    said = list(re.finditer(r"\b(?:said|says|say|told|tells|announced|confirmed|added)\b", before))
    if not said:
        return None
    subject = _subject(before[:said[-1].start()])
    if not subject or subject.split()[0].lower() in _PRONOUNS or not _is_agent(subject):
        return None
    return _strip_article(subject)


def _strip_article(actor: str) -> str:
    return re.sub(r"^(?:the|a|an)\s+", "", actor, flags=re.I)


def _head(phrase: str) -> str:
    """The head word of a noun phrase: the last word before any prepositional phrase."""
    core = re.split(r"\s+(?:in|of|for|from|at|on|with|across)\s+", phrase, maxsplit=1)[0]
    words = core.split()
    return words[-1].strip("'’").lower() if words else ""


def _is_agent(subject: str) -> bool:
    if not subject:
        return False
    head = _head(subject)
    if head in _AGENT_NOUNS or head.rstrip("s") in _AGENT_NOUNS:
        return True
    # A name: capitalised words after the first ("Diageo", "the Lib Dems", "Mr McCabe").
    words = re.split(r"\s+(?:in|of|for|from|at|on|with)\s+", subject, maxsplit=1)[0].split()
    names = [w for w in words[1:] if w[:1].isupper()] + ([words[0]] if words and words[0][:1].isupper()
                                                          and len(words) == 1 else [])
    return bool(names)


_INSTITUTIONS = frozenset("government ministry department council authority agency police party company union "
                          "committee commission administration alliance coalition we".split())


def _institution(subject: str) -> bool:
    """"We", "the ministry", "the Prison Service": a body that undertakes things, not one person
    (nor "public trust" or "the campaign": an organisation's head word counts when it is a name)."""
    if not subject:
        return False
    head = _head(subject)
    if head in _INSTITUTIONS or head.rstrip("s") in _INSTITUTIONS:
        return True
    core = re.split(r"\s+(?:in|of|for|from|at|on|with|across)\s+", subject, maxsplit=1)[0].split()
    return bool(core) and core[-1] in ORG_HEADS and core[-1][:1].isupper()


def _is_participle(word: str) -> bool:
    low = word.lower()
    return low in _IRREGULAR_PARTICIPLES or (low.endswith(("ed", "en")) and len(low) > 4)


@dataclass
class _Cue:
    start: int
    end: int
    kind: str      # decision, plan, future, passive-future, noun, passive-past, progressive, first-person
    verb: str
    speaker: str | None = None   # for a pledge inside a quotation: who said it
    verb_at: int = 0             # first-person pledges: where the action starts ("will decide ...")
    end_of_clause: int = 0


# The words each cue needs: a sentence without them skips that cue's expression.
_DECISION_WORDS = frozenset({f.split()[0].lower() for v in COMMITMENT_VERBS + ACT_VERBS for f in verb_forms(v)}
                           | {"willing", "taken"})
# "we are recruiting", "the ministry is investing": an undertaking under way, by an agent.
_PROGRESSIVE = re.compile(r"\b(?:are|is|am|'re|’re)\s+(?:now\s+|also\s+|already\s+|currently\s+)?"
                          r"(?P<verb>[a-z]+ing)\b", re.I)
_NOT_PROGRESSIVE = frozenset("being having facing struggling suffering trying hoping expecting waiting looking going "
                             "seeing saying telling talking considering thinking feeling getting doing coming "
                             "calling asking urging warning claiming arguing suggesting standing sitting living "
                             "meeting speaking visiting playing running falling rising growing losing leaving "
                             "reviewing examining studying discussing debating seeking".split())
_CLAUSE_END = re.compile(r"[.;!?]|,\s*[\"”’]|[\"”]")
_LAST_WORD = re.compile(r"([\w'’]+)\W*$")
_DETERMINERS = frozenset("a an the his her its their our my your this that these those whose any no".split())
_BE_FORMS = frozenset("is are was were be been being".split())
# Verbs after "want to" / "wish to" that perform an act of speech, not a promise.
_PERFORMATIVE = frozenset("thank begin start say stress welcome express congratulate apologise apologize add "
                          "acknowledge emphasise emphasize highlight note reiterate join".split())
# Participles that say how a thing is regarded, not what anyone will do.
_PERCEPTION = frozenset("seen viewed regarded considered judged deemed perceived remembered known expected "
                        "welcomed criticised criticized watched felt".split())
_FUTURE_WORDS = frozenset("will would shall 'll ’ll".split())
_BE_WORDS = frozenset("is are was were been".split())
_NOUN_WORDS = frozenset("commitment pledge promise purpose aim goal objective mission".split())
_NEXT_WORD = re.compile(r"\s+(\w+)")


_ANY_WORD = re.compile(r"[A-Za-z]+")


def _decision_matches(text: str):
    """_DECISION's matches, tried only where a word of it starts (a long alternation tried at every
    position is the slowest step of extraction)."""
    for word in _ANY_WORD.finditer(text):
        if word.group(0).lower() in _DECISION_WORDS or word.group(0).lower() in _BE_FORMS:
            if word.start() and (text[word.start() - 1].isalnum() or text[word.start() - 1] in "'’"):
                continue
            m = _DECISION.match(text, word.start())
            if m is not None:
                yield m


def _find_cue(text: str, quoted: list[tuple[int, int]]) -> _Cue | None:
    words = set(_WORDS.findall(text.lower()))
    cues: list[_Cue] = []
    if words & _DECISION_WORDS:
        for m in _decision_matches(text):
            verb = (m.group("verb") or m.group("act")).lower()
            before = text[max(0, m.start() - 30):m.start()]
            previous = _LAST_WORD.search(before)
            prev = previous.group(1).lower() if previous else ""
            if prev in _DETERMINERS or prev.endswith(("'s", "’s")):
                continue  # "his party's plans to cut", "a pledge to": a noun, not a verb
            if prev in _BE_FORMS and verb.endswith("ed") and not verb.startswith("commit"):
                continue  # "the force is intended to serve": what it is for, not who promised
            if verb.endswith("ing") and not verb.endswith("willing") and prev not in _BE_FORMS:
                continue  # ", aiming to underpin ...": what something is for, not a plan being made
            if re.search(r"\b(?:not|never|n't|n’t)\s+(?:\w+\s+)?$", before):
                continue  # "has not agreed to", "I do not want to": no commitment
            after = re.match(r"\s+(\w+)(?:\s+(\w+))?", text[m.end():])
            if verb.startswith("hope") and text[m.end() - 4:m.end()].lower() == "that":
                continue  # "hoped that ...": a wish about others, not an aim
            if after and after.group(1).lower() in _PERFORMATIVE:
                continue  # "I want to thank ...": said, not promised
            cues.append(_Cue(m.start(), m.end(), "decision", verb))
    if words & _BE_WORDS:
        for m in _PLAN.finditer(text):
            cues.append(_Cue(m.start(), m.end(), "plan", m.group("verb").lower()))
        for m in _PASSIVE_PAST.finditer(text):
            cues.append(_Cue(m.start(), m.end(), "passive-past", m.group("verb").lower()))
    if words & _NOUN_WORDS:
        for m in _NOUN_CUE.finditer(text):
            cues.append(_Cue(m.start(), m.end(), "noun", m.group("noun").lower()))
    for m in _FUTURE.finditer(text) if words & _FUTURE_WORDS or "'ll" in text or "’ll" in text else ():
        verb = m.group("verb").lower()
        if verb == "be":
            nxt = _NEXT_WORD.match(text, m.end())
            if nxt and nxt.group(1).lower() in _PERCEPTION:
                continue  # "will be seen as": how a thing is regarded, no one undertakes anything
            if nxt and _is_participle(nxt.group(1)):
                cues.append(_Cue(m.start(), nxt.end(), "passive-future", nxt.group(1).lower()))
            continue
        if verb not in _NOT_ACTIONS:
            cues.append(_Cue(m.start(), m.end(), "future", verb))
    if words & _BE_WORDS or "we're" in words or "we’re" in words:
        for m in _PROGRESSIVE.finditer(text):
            if m.group("verb").lower() not in _NOT_PROGRESSIVE and not re.match(r"\s+to\b", text[m.end():]):
                cues.append(_Cue(m.start(), m.end(), "progressive", m.group("verb").lower()))
    usable = []
    for c in cues:
        inside = next((q for q in quoted if q[0] <= c.start < q[1]), None)
        if inside is None and not _inside_quote(text, c.start):
            usable.append(c)
            continue
        if inside is None or c.kind not in ("future", "decision", "progressive", "plan"):
            continue
        # Inside a quotation only the speaker's own pledge counts: "we will", "I have agreed to".
        lead = text[inside[0]:c.start]
        subject = re.search(r"(?:^|[,;:.!?]\s*|\band\s+)(we|i)\s+(?:(?:have|has|am|are|will|would|shall|also|now|"
                            r"then|today|never|not)\s+)*$", lead, re.I)
        if subject and inside[2]:
            end = _CLAUSE_END.search(text, c.end)
            usable.append(_Cue(c.start, c.end, c.kind, c.verb, inside[2], c.start,
                               min(end.start() if end else len(text), inside[1])))
    return min(usable, key=lambda c: (c.start, c.kind != "decision")) if usable else None


def sentence_commitment(sentence: Sentence, main_actor: str | None, resolve: Resolver | None = None,
                        quoted: list[tuple[int, int]] = ()) -> FoundCommitment | None:
    """The commitment `sentence` states, if any. `quoted` holds the (start, end) offsets of the
    direct quotations in the sentence's block: words inside them are a quote, not a report."""
    text = sentence.text
    if sentence.kind in ("title", "heading", "item") or text.rstrip().endswith("?"):
        return None
    spans = [(q[0] - sentence.start, q[1] - sentence.start, q[2] if len(q) > 2 else None) for q in quoted]
    cue = _find_cue(text, spans)
    if cue is None:
        return None
    before = text[:cue.start]
    clause = _CLAUSE_SPLIT.split(before)[-1]
    # As written: "May" in mid-sentence is the month, not the modal.
    clause_words = {w.lower() for w in _WORDS.findall(clause) if w != "May" or clause.lstrip().startswith(w)}
    if clause_words & _CLAUSE_HEDGES:
        return None
    if any(w in _HEDGES - _CLAUSE_HEDGES for w in _WORDS.findall(before.lower())):
        return None
    conditional = bool(set(_WORDS.findall(before.lower())) & {"if", "unless"})
    if cue.speaker is not None or cue.kind == "first-person":
        # "We will decide ...," said Mr X: a pledge in the speaker's own words.
        action = _clean(text[cue.verb_at:cue.end_of_clause]).rstrip(".,")
        if len(action.split()) < 2:
            return None
        actor = cue.speaker or main_actor
        return FoundCommitment(actor, _shorten(_strip_attribution(action)), text, sentence, "commitment-first-person",
                               deadline(action), conditional)
    if re.search(r"\b(?:what|whatever|how)\s+\w+\s*$", before, re.I):
        return None  # "what it promised": a clause about promises, not one
    subject = _subject(before)
    if cue.kind in ("future", "decision", "plan") and subject and (
            subject.split()[0].lower() in _NOT_AGENTS or _head(subject) in _NOT_AGENTS):
        return None  # "Few would argue", "analysts say Obama would": no one undertakes anything
    if cue.kind == "future" and _third_party_prediction(before, subject):
        return None  # "He told the BBC that Mr Brown would never ...": said of someone else
    if cue.kind == "future" and not _is_agent(subject):
        return None  # "services will suffer": a prediction about things, not a commitment
    if cue.kind == "passive-future" and re.match(r"\s+(?:for|with|at|on|about|into|up|out)\s*(?:[.,;!?]|$)",
                                                 text[cue.end:]):
        return None  # "the cuts will be paid for", "it will be dealt with": who acts is not said or meant
    if cue.kind == "progressive" and not _institution(subject):
        return None  # "Mr Smith is building a house": what a person is doing, not an undertaking
    if cue.kind == "plan" and not _is_agent(subject) and (
            " set to " in text[cue.start:cue.end] or (cue.verb in _CHANGES and not _BY_SOMEONE.search(text[cue.end:]))):
        return None  # "council tax is set to rise": a forecast, unless someone's plan says so
    if cue.kind != "noun" and re.fullmatch(r"\s*(?:that\s+)?[\"“„«][^\"“”„«»]*[\"”»]?[\s.!?\"”»]*", text[cue.end:]):
        return None  # "confirmed that "...": all that follows is a quotation, shown as one
    action = _action(text, cue, subject)
    if not action or len(action.split()) < 2:
        return None
    actor = _actor(subject, cue, before, main_actor, sentence, resolve)
    if actor and len(actor.split()) > 8:
        return None  # not a noun phrase we understood
    action = _strip_attribution(action)
    return FoundCommitment(actor, _shorten(action), text, sentence, f"commitment-{cue.kind}", deadline(action),
                           conditional)


_CLAUSE_SPLIT = re.compile(r"[,;:–—]|\s-\s")
_ATTRIBUTION_TAIL = re.compile(r"\s*(?:(?:according to|said|says|told)\b.*|.{0,60}\b(?:said|says|told|added|announced|"
                               r"confirmed)(?:\s+on\s+\w+)?)\s*\.?", re.I)


def _strip_attribution(action: str) -> str:
    """"cut 2,000 jobs, according to a Treasury spokesman" -> "cut 2,000 jobs": who reported it is
    not part of what was promised. Only the clause after the last comma is looked at."""
    cut = max(action.rfind(","), action.rfind(";"))
    if cut <= 0 or not _ATTRIBUTION_TAIL.fullmatch(action, cut + 1):
        return action
    stripped = action[:cut].rstrip()
    return stripped if len(stripped.split()) >= 2 else action


_DEADLINE = re.compile(
    r"\b(?:by|before|until|no later than)\s+(?:the\s+(?:end|start|middle|spring|summer|autumn|winter)\s+of\s+)?"
    r"(?:(?:next|this)\s+\w+|(?:19|20)\d\d|(?:January|February|March|April|May|June|July|August|September|"
    r"October|November|December)(?:\s+\d{1,2}\b)?(?:,?\s+(?:19|20)\d\d)?|the\s+end\s+of\s+(?:the\s+)?\w+|"
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|(?:the\s+)?(?:spring|summer|autumn|winter)"
    r"(?:\s+of\s+(?:19|20)\d\d)?)"
    r"|\bwithin\s+(?:the\s+next\s+)?(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|\d+)\s+"
    r"(?:days?|weeks?|months?|years?|decades?)"
    r"|\b(?:in|from)\s+(?:19|20)\d\d\b|\b(?:(?:later\s+)?this|next)\s+(?:year|month|week|spring|summer|autumn|winter)\b",
    re.I)


def deadline(action: str) -> str | None:
    """When the commitment is to be done, as the article words it: "by 2010", "within six months"."""
    m = _DEADLINE.search(action)
    return m.group(0) if m else None


def _actor(subject: str, cue: _Cue, before: str, main_actor: str | None, sentence: Sentence,
           resolve: Resolver | None) -> str | None:
    if cue.kind == "noun":
        # "the coalition's purpose was ...": the owner commits; "The core commitment is ...": the
        # article's main actor does.
        owner = re.search(r"(?:\bthe\s+)?([\w -]+?)['’]s\s+(?:\w+\s+)?$", before)
        if owner:
            return _strip_article(owner.group(1).split()[-1] if len(owner.group(1).split()) > 3 else owner.group(1))
        return main_actor
    if cue.kind in ("passive-future", "passive-past") or not subject:
        agent = re.search(r"\bby\s+((?:the\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)", sentence.text[cue.end:])
        return _strip_article(agent.group(1)) if agent else main_actor
    first = subject.split()[0].lower()
    if first in ("it", "they", "we") and len(subject.split()) == 1:
        governing = _reporting_subject(before)
        if governing:
            return governing
    if first in _PRONOUNS or subject.lower().startswith(("his ", "her ", "their ", "its ")):
        pronoun = first if first in _PRONOUNS else {"his": "he", "her": "she", "their": "they", "its": "it"}[first]
        resolved = resolve(sentence, sentence.start + len(before), pronoun) if resolve else None
        if resolved and first in _PRONOUNS:
            return resolved
        return main_actor if pronoun in ("it", "they") or resolved is None else f"{resolved} ({subject})"
    if _DOCUMENT_NOUNS.match(subject):
        return main_actor
    return _strip_article(subject)


def _action(text: str, cue: _Cue, subject: str) -> str:
    rest = _clean(text[cue.end:]).rstrip(".")
    if cue.kind == "noun":
        return rest
    if cue.kind in ("passive-future", "passive-past"):
        return _clean(f"{cue.verb} {_lower_first(subject)}") if subject else ""
    if cue.kind in ("decision",) and text[cue.start:cue.end].lower().endswith((" to", " that")):
        return _clean(f"{cue.verb} to {rest}" if text[cue.start:cue.end].lower().endswith(" to")
                      else f"{cue.verb} that {rest}")
    if cue.kind == "decision":
        return _clean(f"{cue.verb} {rest}")
    return _clean(f"{cue.verb} {rest}") if not text[cue.start:cue.end].lower().endswith(cue.verb) else \
        _clean(f"{text[cue.start:cue.end].split()[-1]} {rest}")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _shorten(action: str, limit: int = 30) -> str:
    action = action.strip().strip(_QUOTE_MARKS).rstrip(".").strip()
    words = action.split()
    if len(words) <= limit:
        return action
    cut = " ".join(words[:limit])
    for mark in (";", ", ", " - "):
        if mark in cut:
            return cut[:cut.rindex(mark)].strip()
    return cut + "…"


def list_commitments(lead_in: Sentence, items: list[Sentence], main_actor: str | None) -> list[FoundCommitment]:
    """Items under a lead-in such as "The declaration specifies three key operational areas:"."""
    text = lead_in.text.rstrip()
    if not text.endswith(":") or not _LEADIN_CUE.search(text):
        return []
    subject = _subject(re.split(r"\s+(?:specif|includ|set|outlin|will|has|have|are|is|were|was|agreed|"
                                r"pledged|promised|commit)\w*\b", text, maxsplit=1)[0])
    if not subject or _DOCUMENT_NOUNS.match(subject) or subject.split()[0].lower() in _PRONOUNS:
        actor = main_actor
    else:
        actor = _strip_article(subject)
    return [FoundCommitment(actor, _shorten(item.text), item.text, item, "list-under-lead-in")
            for item in items if len(item.text.split()) >= 2]

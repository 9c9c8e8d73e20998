"""Commitments: who agreed, pledged, signed or announced what, with the sentence it is from.

A sentence is a commitment when a commitment phrase follows its subject ("the United Kingdom
and France have formally agreed to send ..."); list items under a lead-in ending with a colon
are commitments of the lead-in's actor. Opinions, predictions and reported criticism are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract.sentences import Sentence

# Phrases that make a sentence a commitment, with the kind of verb they are.
_CUE = re.compile(
    r"\b(?P<cue>"
    r"(?:formally |jointly |unanimously |also |now |today |finally )?"
    r"(?:agreed|agree|agrees|pledged|pledges|promised|promises|vowed|vows|undertook|undertakes|"
    r"committed|commits|resolved|decided|decides|intends|intend|plans|plan|aims|aim|"
    r"is set|are set|is going|are going|is due|are due)\s+(?:to|that)"
    r"|(?:has|have|had)\s+(?:formally\s+|jointly\s+|now\s+|also\s+)?(?:agreed|pledged|promised|vowed|committed|"
    r"signed|approved|announced|unveiled|launched|endorsed|adopted|decided)"
    r"|(?:signed|approved|endorsed|adopted|ratified|unveiled|launched|announced|allocated|earmarked)"
    r"|will\s+(?!not\b|be\s+(?:difficult|hard|impossible|unlikely|likely|interesting)\b)\w+"
    r"|(?:is|are)\s+to\s+\w+"
    r"|(?:commitment|pledge|promise|purpose|aim|goal|objective|mission)\s+(?:is|was|will be)"
    r")\b", re.I)

_PASSIVE = re.compile(r"\b(?:was|were|has been|have been|had been|will be)\s+(?P<verb>signed|agreed|approved|"
                      r"adopted|endorsed|ratified|announced|unveiled|launched)\b", re.I)

# Sentences that report opinion, prediction, doubt or criticism rather than a commitment.
_NOT_COMMITMENT = re.compile(
    r"\b(?:if|whether|unless|could|might|may|should|would(?! (?:allow|give|provide|extend|increase|boost|"
    r"create|cut|raise|keep|make|ensure|introduce|scrap|abolish|replace|fund|pay|offer)\b)|criticised|criticized|"
    r"attacked|accused|dismissed|condemned|denied|rejected|warned|feared|doubted|questioned|claimed|"
    r"suggested|speculated|predicted|expected|likely|unlikely|hope|hopes|hoped|believes|believed|"
    r"thinks|thought|argued|argues)\b", re.I)
_LEADIN_CUE = re.compile(r"\b(?:specif\w*|includ\w*|set\w* out|outlin\w*|measures|areas|steps|plans?|pledges?|"
                         r"commit\w*|promis\w*|proposals?|priorit\w*|key|following|will|agreed|terms|"
                         r"provisions?|points?)\b", re.I)
_DOCUMENT_NOUNS = re.compile(r"^(?:the |this |that |a |an )?(?:\w+ ){0,2}(?:declaration|agreement|pact|deal|"
                             r"treaty|accord|plan|plans|framework|statement|communiqu[eé]|package|proposals?|"
                             r"bill|strategy|manifesto|document|memorandum|arrangement|programme|policy|"
                             r"commitment|initiative|settlement|resolution)\b", re.I)
_NOUN_CUE = re.compile(r"(?:commitment|pledge|promise|purpose|aim|goal|objective|mission)\s", re.I)
_PRONOUN_SUBJECT = re.compile(r"^(?:he|she|they|it|we|i|this|that|these|those|there)$", re.I)
_LEADING_CLAUSE = re.compile(r"^.*?,\s+(?=(?:the\s+)?[A-Z])")


@dataclass(frozen=True)
class FoundCommitment:
    actor: str | None
    action: str
    evidence: str
    sentence: Sentence
    rule: str


def _clean(text: str) -> str:
    return " ".join(text.split()).strip(" ,;:")


def _subject(before: str) -> str:
    """The subject of a clause: what precedes the verb, after any leading adverbial clause."""
    text = before.strip()
    # "In a landmark move to secure Ukraine's future, the United Kingdom and France"
    if "," in text:
        parts = [p.strip() for p in text.split(",")]
        # Skip a parenthetical relative clause: "The declaration, which creates a framework,"
        parts = [p for p in parts if p and not re.match(r"(?:which|who|whose|that)\b", p)]
        text = parts[-1] if parts else ""
        if len(parts) >= 2 and re.match(r"(?:the|a|an)?\s*\w+", parts[0]) and len(parts[-1].split()) <= 1:
            text = parts[0]
    text = re.sub(r"\s+(?:has|have|had|is|are|was|were|will|would|also|now|formally|jointly|today|"
                  r"finally|both|all)$", "", text, flags=re.I)
    text = re.sub(r"\s+(?:has|have|had|is|are|was|were)$", "", text, flags=re.I)
    return _clean(text)


def _strip_article(actor: str) -> str:
    return re.sub(r"^(?:the|a|an)\s+", "", actor, flags=re.I)


def sentence_commitment(sentence: Sentence, main_actor: str | None) -> FoundCommitment | None:
    text = sentence.text
    if sentence.kind in ("title", "heading", "item") or text.rstrip().endswith("?"):
        return None
    cue = _CUE.search(text)
    passive = _PASSIVE.search(text)
    if cue is None and passive is None:
        return None
    first = min((m for m in (cue, passive) if m is not None), key=lambda m: m.start())
    before = text[:first.start()]
    if _NOT_COMMITMENT.search(before + " " + first.group(0)):
        return None
    if re.search(r"[\"“”]", before) and not re.search(r"[\"“”]", text[first.start():]):
        return None  # the commitment phrase is inside someone's quoted words
    action = _action(text, first)
    if not action or len(action.split()) < 2:
        return None
    if first is passive:
        subject = _subject(before)
        action = f"{passive.group('verb').lower()} {_lower_first(subject)}".strip()
        return FoundCommitment(main_actor, _shorten(action), text, sentence, "passive-commitment")
    subject = _subject(before)
    if _NOUN_CUE.match(first.group(0)):
        # "the coalition's purpose was ...": the possessor commits; "The core commitment is
        # ...": the article's main actor does.
        owner = re.search(r"(?:\bthe\s+)?([\w -]+?)['’]s\s+(?:\w+\s+)?$", before)
        actor = _strip_article(owner.group(1).split()[-1] if owner and len(owner.group(1).split()) > 3
                               else owner.group(1)) if owner else main_actor
    elif not subject or _PRONOUN_SUBJECT.match(subject):
        actor = main_actor
    elif _DOCUMENT_NOUNS.match(subject) or re.search(r"(?:commitment|pledge|purpose|aim|goal)$", subject, re.I):
        actor = _possessor(subject) or main_actor
    else:
        actor = _strip_article(subject)
    if actor and len(actor.split()) > 8:
        return None  # not a noun phrase we understood
    return FoundCommitment(actor, _shorten(action), text, sentence, "commitment-verb")


def _possessor(subject: str) -> str | None:
    m = re.search(r"(?:the\s+)?([\w ]+?)['’]s\b", subject)
    return _strip_article(m.group(1)) if m else None


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _action(text: str, cue: re.Match[str]) -> str:
    rest = text[cue.end():]
    phrase = cue.group(0).lower()
    if re.search(r"\b(?:is|are|was|will be)$", phrase) and re.search(r"(?:commitment|pledge|promise|purpose|"
                                                                      r"aim|goal|objective|mission)", phrase):
        return _clean(rest).rstrip(".")
    if phrase.endswith((" to", " that")) or re.match(r"(?:is|are)\s+to\s", phrase):
        verb = "" if phrase.endswith((" to", " that")) else phrase.split()[-1]
        return _clean(f"{verb} {rest}").rstrip(".")
    words = phrase.split()
    verb = words[-1]
    return _clean(f"{verb} {rest}").rstrip(".")


def _shorten(action: str, limit: int = 30) -> str:
    action = action.strip().strip("\"“”").rstrip(".").strip()
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
    if not subject or _DOCUMENT_NOUNS.match(subject) or _PRONOUN_SUBJECT.match(subject):
        actor = main_actor
    else:
        actor = _strip_article(subject)
    return [FoundCommitment(actor, _shorten(item.text), item.text, item, "list-under-lead-in")
            for item in items if len(item.text.split()) >= 2]

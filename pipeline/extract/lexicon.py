"""The word lists the extraction rules share, loaded from `lexicon.toml` beside this module.

Role heads, modifiers, verbs and cues are compared in lower case; names, honorifics and places
as written.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pipeline.extract.morphology import verb_forms

_DATA = tomllib.loads((Path(__file__).with_name("lexicon.toml")).read_text(encoding="utf-8"))


def _set(key: str, lower: bool = False) -> frozenset[str]:
    return frozenset(w.lower() if lower else w for w in _DATA[key])


HONORIFICS = _set("honorifics")
PEERAGES = _set("peerages")
MALE_HONORIFICS = _set("male_honorifics")
FEMALE_HONORIFICS = _set("female_honorifics")
POST_NOMINALS = _set("post_nominals")
ROLE_HEADS = _set("role_heads", lower=True)
FIRM_OR_PERSON_HEADS = _set("firm_or_person_heads", lower=True)
KINSHIP_ROLES = _set("kinship_roles", lower=True)
ROLE_MODIFIERS = _set("role_modifiers", lower=True)
FUNCTION_WORDS = _set("function_words")
NOT_NAME_WORDS = _set("not_name_words") | FUNCTION_WORDS
FIRST_NAMES_ALSO_WORDS = _set("first_names_also_words")
MEDIA_NOUNS = _set("media_nouns", lower=True)
ORG_HEADS = _set("org_heads")
ORG_ACRONYMS = _set("org_acronyms")
CITIES = _set("cities")
def _reporting_forms(lemmas) -> frozenset[str]:
    """The forms a reporting verb takes in news copy: present and past ("says", "said", "warned",
    "hits out"), plus the bare "say", "tell", "add" and "saying"; not other -ing forms, which are
    mostly nouns ("a warning", "the briefing")."""
    out = {"say", "tell", "add", "saying"}
    for lemma in lemmas:
        forms = verb_forms(lemma.lower())
        out.update(f for f in forms[1:] if not f.endswith("ing"))
        if lemma.split()[0] in ("hit", "set", "put", "cut"):
            out.add(lemma)  # "hit out" is its own past
    return frozenset(out)


SPEECH_VERBS = _reporting_forms(_DATA["speech_verbs"])
EVENT_CUES = _set("event_cues", lower=True)
SUBNATIONAL = _set("subnational")
VENUE_NOUNS = _set("venue_nouns", lower=True)
INSTITUTION_PLACES = _set("institution_places")
COMPASS_WORDS = _set("compass_words", lower=True)
ORG_DESCRIPTORS = _set("org_descriptors", lower=True)
TITLE_ABBREVIATIONS: dict[str, str] = dict(_DATA["title_abbreviations"])
COMMITMENT_VERBS: list[str] = list(_DATA["commitment_verbs"])
ACT_VERBS: list[str] = list(_DATA["act_verbs"])

# Every form of a country ("Britain", "British", "UK") to the country's name.
COUNTRY_FORMS: dict[str, str] = {form: country for country, forms in _DATA["countries"].items()
                                 for form in forms}
COUNTRY_FORMS.update({"Europe": "Europe", "European": "Europe"})
for _form in SUBNATIONAL:
    COUNTRY_FORMS[_form] = {"English": "England", "Scottish": "Scotland", "Welsh": "Wales",
                            "Northern Irish": "Northern Ireland"}.get(_form, _form)

MONTHS = {m.lower(): i for i, names in enumerate((
    ("January", "Jan", "Jan."), ("February", "Feb", "Feb."), ("March", "Mar", "Mar."), ("April", "Apr", "Apr."),
    ("May",), ("June", "Jun", "Jun."), ("July", "Jul", "Jul."), ("August", "Aug", "Aug."),
    ("September", "Sep", "Sept", "Sep.", "Sept."), ("October", "Oct", "Oct."), ("November", "Nov", "Nov."),
    ("December", "Dec", "Dec.")), start=1) for m in names}
WEEKDAYS = {d.lower(): i for i, d in enumerate(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                                 "Saturday", "Sunday"))}

PRONOUNS_MALE = frozenset({"he", "him", "his", "He", "His", "Him"})
PRONOUNS_FEMALE = frozenset({"she", "her", "hers", "She", "Her"})

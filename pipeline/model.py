"""The neutral models every stage shares: the article a reader produces and the brief the
extractor produces.

This module imports nothing else of the package. Types are plain dataclasses; the same
field annotations drive validation of hand-edited JSON (`from_dict`) and the JSON Schema
(`json_schema`), so the two can never disagree.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import re
import types
import typing
from dataclasses import dataclass, field
from typing import Any

SCHEMA_ID = "https://brief.invalid/schema/brief-1.json"

_SHA256 = re.compile(r"^(?:[0-9a-f]{64})?$")


class ModelError(ValueError):
    """Hand-edited data does not fit the model. `where` is a JSON path such as `people[2].name`."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where or 'document'}: {problem}")
        self.where = where
        self.problem = problem


def _doc(text: str, **extra: Any) -> dict[str, Any]:
    return {"doc": text, **extra}


# --------------------------------------------------------------------------- the article


@dataclass
class Source:
    """Where an article came from, and a fingerprint of exactly the bytes that were read."""

    path: str | None = field(default=None, metadata=_doc("File path, or '-' for standard input."))
    url: str | None = field(default=None, metadata=_doc("Address the article was fetched from."))
    sha256: str = field(default="", metadata=_doc("SHA-256 of the input bytes.", pattern=_SHA256.pattern))
    publisher: str | None = field(default=None, metadata=_doc("Publisher named by the source."))
    published: str | None = field(default=None, metadata=_doc("Publication date (ISO 8601).", format="date"))
    author: str | None = field(default=None, metadata=_doc("Author named by the source."))
    feed: str | None = field(default=None, metadata=_doc("Feed the article was listed in."))
    note: str | None = field(default=None, metadata=_doc("How the source was read, when not as usual "
                                                             "(for example from a feed's summary)."))


@dataclass
class ArticleBlock:
    """One unit of article body: a paragraph, a list item or a subheading."""

    kind: str = field(metadata=_doc("paragraph, item or heading", enum=["paragraph", "item", "heading"]))
    text: str = field(metadata=_doc("The text, on one line."))


@dataclass
class Article:
    """What every reader produces, whatever the input format."""

    title: str
    standfirst: str | None
    blocks: list[ArticleBlock]
    source: Source

    @property
    def body(self) -> str:
        """The body as one string: blocks separated by blank lines. Quotes and evidence are
        verbatim substrings of this text or of the title and standfirst."""
        return "\n\n".join(block.text for block in self.blocks)


# --------------------------------------------------------------------------- the brief


@dataclass
class Person:
    name: str = field(metadata=_doc("Full name without honorifics.", required_text=True))
    role: str | None = field(default=None, metadata=_doc("Role or title the article gives."))
    affiliation: str | None = field(default=None, metadata=_doc("Country or organisation."))
    aliases: list[str] = field(default_factory=list, metadata=_doc("Other forms used in the text."))
    attended: bool = field(default=False, metadata=_doc("The article places this person at the event."))
    evidence: str | None = field(default=None, metadata=_doc("Sentence that introduces the person."))
    confidence: float | None = field(default=None, metadata=_doc(
        "How sure the extraction is of the role (0 to 1); below 0.5 a person should check it.",
        minimum=0, maximum=1))


@dataclass
class Organisation:
    name: str
    evidence: str | None = field(default=None, metadata=_doc("Sentence that names it first."))


@dataclass
class Quote:
    text: str = field(metadata=_doc("Verbatim text between the quotation marks."))
    speaker: str | None = field(default=None, metadata=_doc("Name of a person in `people`, or null."))
    evidence: str = field(default="", metadata=_doc("Sentence the quote appears in."))
    confidence: float | None = field(default=None, metadata=_doc(
        "How sure the extraction is of the speaker (0 to 1); below 0.5 a person should check it.",
        minimum=0, maximum=1))


@dataclass
class Commitment:
    actor: str | None = field(metadata=_doc("Who commits, agrees or pledges."))
    action: str = field(metadata=_doc("What they commit to, briefly."))
    evidence: str = field(metadata=_doc("Sentence it is taken from."))
    deadline: str | None = field(default=None, metadata=_doc("When it is to be done, as the article says "
                                                             "(\"by 2010\", \"within six months\")."))
    confidence: float | None = field(default=None, metadata=_doc(
        "How sure the extraction is that this is a commitment of this actor (0 to 1); below 0.5 a person "
        "should check it.", minimum=0, maximum=1))


FACT_KINDS = ["what", "who", "when", "deadline", "where", "figure"]


@dataclass
class KeyFact:
    """One fact a reader needs first: the event, an actor, a date, a place or a figure."""

    kind: str = field(metadata=_doc("what (the main event), who (a principal actor), when (the event date), "
                                    "deadline, where (the event place) or figure (money, a percentage, a count)",
                                    enum=FACT_KINDS))
    value: str = field(metadata=_doc("The fact itself: the event in one line, \"Keir Starmer, Prime Minister\", "
                                     "\"2026-01-06\", \"Paris\", \"£2.5bn\".", required_text=True))
    evidence: str = field(metadata=_doc("Sentence the fact is taken from."))
    detail: str | None = field(default=None, metadata=_doc("What a figure counts, or what a deadline is for."))


def _drop_unset(value: Any) -> Any:
    """asdict, without the fields marked `omit_when_none` that are None: a brief nobody reviewed
    serialises as it did before reviews existed."""
    if dataclasses.is_dataclass(value):
        return {f.name: _drop_unset(getattr(value, f.name)) for f in dataclasses.fields(value)
                if not (f.metadata.get("omit_when_none") and getattr(value, f.name) is None)}
    if isinstance(value, list):
        return [_drop_unset(v) for v in value]
    return value


class _Serialised:
    """JSON for a top-level model: its own serialisation, and validation on the way back."""

    def to_dict(self) -> dict[str, Any]:
        return _drop_unset(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_dict(cls, data: Any):
        return _build(cls, data, "")


@dataclass
class ReviewNotes:
    """What the analyst who reviewed a brief adds to it, printed under the brief."""

    comment: str | None = field(default=None, metadata=_doc("The reviewer's comment on the article."))
    lines_to_take: list[str] = field(default_factory=list, metadata=_doc("Lines to take, one per item."))
    reviewed_by: str | None = field(default=None, metadata=_doc("Who marked the brief reviewed."))


@dataclass
class Brief(_Serialised):
    title: str = field(metadata=_doc("Headline of the article.", required_text=True))
    standfirst: str | None = None
    event_date: str | None = field(default=None, metadata=_doc("Date of the event (ISO 8601).", format="date"))
    locations: list[str] = field(default_factory=list, metadata=_doc("Event place first."))
    summary: list[str] = field(default_factory=list, metadata=_doc(
        "Two or three sentences of the article, verbatim and in its order, that a reader can stop after."))
    key_facts: list[KeyFact] = field(default_factory=list, metadata=_doc(
        "The event, the principal actors, the dates, the place and the figures, each with its sentence."))
    context: list[str] = field(default_factory=list, metadata=_doc("Two to four sentences of summary."))
    commitments: list[Commitment] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    source: Source = field(default_factory=Source)
    review: ReviewNotes | None = field(default=None, metadata=_doc("Added by a reviewer (`brief review`).",
                                                                   omit_when_none=True))

    @classmethod
    def from_json(cls, text: str) -> "Brief":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ModelError(f"line {exc.lineno} column {exc.colno}", f"not valid JSON ({exc.msg})") from None
        return cls.from_dict(data)


# --------------------------------------------------------------------------- the pack


@dataclass
class PackEntry:
    brief: Brief
    new: bool = field(default=False, metadata=_doc("The article was not in the previous run of the pack."))


@dataclass
class PackFailure:
    source: str = field(metadata=_doc("The input that could not be read."))
    reason: str = field(metadata=_doc("Why, as the error message says."))


@dataclass
class StoryAlso:
    """Another outlet's article on a story: "Also reported by"."""

    article: str = field(metadata=_doc("SHA-256 of the article (its entry's source.sha256)."))
    outlet: str = field(metadata=_doc("The outlet: publisher, else the site, else the file name."))
    time: str | None = field(default=None, metadata=_doc('When it appeared, "HH:MM" (or "YYYY-MM-DD HH:MM" '
                                                         "on another day) in the pack's time zone."))
    url: str | None = None
    title: str = ""


@dataclass
class StoryExtra:
    """A quote, commitment or person that another article of the story has and its lead lacks."""

    kind: str = field(metadata=_doc("quote, commitment or person", enum=["quote", "commitment", "person"]))
    text: str = field(metadata=_doc("The quote, the commitment's action, or the person's name."))
    who: str | None = field(default=None, metadata=_doc("The speaker, the actor, or the person's role."))
    outlet: str = ""
    url: str | None = None


@dataclass
class PackStory:
    """One story: its lead article's brief, the other outlets' articles, and what they add."""

    lead: str = field(metadata=_doc("SHA-256 of the lead article (its entry's source.sha256)."))
    also: list[StoryAlso] = field(default_factory=list)
    extras: list[StoryExtra] = field(default_factory=list)
    watched: list[str] = field(default_factory=list, metadata=_doc("Watched names the story's articles name."))
    joined: list[str] = field(default_factory=list, metadata=_doc("Why its articles were joined, a line per link."))


@dataclass
class PackSection:
    title: str | None = field(default=None, metadata=_doc("The section's heading; null: a pack without sections."))
    stories: list[PackStory] = field(default_factory=list)


@dataclass
class PackCut:
    """A story left out to keep the pack to its size."""

    title: str
    source: str
    reason: str


@dataclass
class Pack(_Serialised):
    """Several briefs in one document, for one pack date."""

    name: str = field(metadata=_doc("Name of the pack.", required_text=True))
    date: str = field(metadata=_doc("The pack's date (ISO 8601).", format="date"))
    classification: str | None = None
    prepared_for: str | None = None
    prepared_by: str | None = None
    entries: list[PackEntry] = field(default_factory=list)
    failures: list[PackFailure] = field(default_factory=list)
    summary: str | None = field(default=None, metadata=_doc("The analyst's summary, printed at the top.",
                                                            omit_when_none=True))
    review_note: str | None = field(default=None, metadata=_doc('"Reviewed by NAME at HH:MM", or "Not reviewed".',
                                                                omit_when_none=True))
    sections: list[PackSection] | None = field(default=None, metadata=_doc(
        "The entries as stories, by section; null: one brief per entry, in order.", omit_when_none=True))
    watched: list[str] | None = field(default=None, metadata=_doc(
        'The watchlist: names to print in bold.', omit_when_none=True))
    watch_counts: list[str] | None = field(default=None, metadata=_doc(
        '"Keir Starmer in 3 stories", a line per watched name found.', omit_when_none=True))
    cut: list[PackCut] | None = field(default=None, metadata=_doc(
        "Stories left out to keep the pack to its size, with why.", omit_when_none=True))


# --------------------------------------------------------------------------- validation


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "true/false", int: "a number", float: "a number", str: "a string",
            list: "a list", dict: "an object"}.get(type(value), type(value).__name__)


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _check_format(value: str, meta: typing.Mapping[str, Any], where: str) -> None:
    if meta.get("required_text") and not value.strip():
        raise ModelError(where, "must not be empty")
    if meta.get("format") == "date":
        try:
            if not _DATE.match(value):
                raise ValueError
            _dt.date.fromisoformat(value)
        except ValueError:
            raise ModelError(where, f"{value!r} is not a date in the form YYYY-MM-DD") from None
    pattern = meta.get("pattern")
    if pattern and not re.fullmatch(pattern, value):
        raise ModelError(where, f"{value!r} does not match {pattern}")
    allowed = meta.get("enum")
    if allowed and value not in allowed:
        raise ModelError(where, f"{value!r} is not one of {', '.join(allowed)}")


def _convert(tp: Any, value: Any, where: str, meta: typing.Mapping[str, Any]) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(tp)
        if value is None and type(None) in options:
            return None
        (inner,) = [t for t in options if t is not type(None)]
        return _convert(inner, value, where, meta)
    if origin is list:
        if not isinstance(value, list):
            raise ModelError(where, f"expected a list, got {_describe(value)}")
        (inner,) = typing.get_args(tp)
        return [_convert(inner, item, f"{where}[{i}]", meta) for i, item in enumerate(value)]
    if dataclasses.is_dataclass(tp):
        return _build(tp, value, where)
    if tp is bool:
        if not isinstance(value, bool):
            raise ModelError(where, f"expected true or false, got {_describe(value)}")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ModelError(where, f"expected a number, got {_describe(value)}")
        if ("minimum" in meta and value < meta["minimum"]) or ("maximum" in meta and value > meta["maximum"]):
            raise ModelError(where, f"{value!r} is not between {meta.get('minimum')} and {meta.get('maximum')}")
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise ModelError(where, f"expected a string, got {_describe(value)}")
        _check_format(value, meta, where)
        return value
    raise TypeError(f"unsupported field type {tp!r}")  # a bug in this module, not in the data


def _build(cls: type, data: Any, where: str) -> Any:
    if not isinstance(data, dict):
        raise ModelError(where, f"expected an object, got {_describe(data)}")
    hints = _hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ModelError(_join(where, unknown[0]),
                         f"unknown field (expected one of: {', '.join(known)})")
    values = {}
    for name, f in known.items():
        here = _join(where, name)
        if name not in data:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise ModelError(here, "required field is missing")
            continue
        values[name] = _convert(hints[name], data[name], here, f.metadata)
    return cls(**values)


def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


# --------------------------------------------------------------------------- JSON Schema


def _schema_for(tp: Any, meta: typing.Mapping[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [t for t in typing.get_args(tp) if t is not type(None)]
        schema = _schema_for(inner, meta, defs)
        if "$ref" in schema:
            return {"anyOf": [schema, {"type": "null"}]}
        schema = dict(schema)
        schema["type"] = [schema["type"], "null"]
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
        return schema
    if origin is list:
        (inner,) = typing.get_args(tp)
        return {"type": "array", "items": _schema_for(inner, {}, defs)}
    if dataclasses.is_dataclass(tp):
        _define(tp, defs)
        return {"$ref": f"#/$defs/{tp.__name__}"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is float:
        return {"type": "number", **{k: meta[k] for k in ("minimum", "maximum") if k in meta}}
    if tp is str:
        schema: dict[str, Any] = {"type": "string"}
        for key in ("format", "pattern", "enum"):
            if key in meta:
                schema[key] = meta[key]
        if meta.get("required_text"):
            schema["pattern"] = r"\S"
        if meta.get("format") == "date":
            schema["pattern"] = _DATE.pattern
        return schema
    raise TypeError(f"unsupported field type {tp!r}")


def _object_schema(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    hints = _hints(cls)
    props: dict[str, Any] = {}
    required = []
    for f in dataclasses.fields(cls):
        prop = _schema_for(hints[f.name], f.metadata, defs)
        if "doc" in f.metadata:
            prop = {**prop, "description": f.metadata["doc"]}
        props[f.name] = prop
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            required.append(f.name)
    schema: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        schema["required"] = required
    if cls.__doc__ and not cls.__doc__.startswith(cls.__name__ + "("):
        schema["description"] = " ".join(cls.__doc__.split())
    return schema


def _define(cls: type, defs: dict[str, Any]) -> None:
    if cls.__name__ not in defs:
        defs[cls.__name__] = {}  # placeholder first, so recursive references terminate
        defs[cls.__name__] = _object_schema(cls, defs)


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a brief, as `brief extract` prints it."""
    defs: dict[str, Any] = {}
    root = _object_schema(Brief, defs)
    root.pop("description", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Brief",
        "description": "A structured brief extracted from one news article.",
        **root,
        "$defs": dict(sorted(defs.items())),
    }

"""From a brief to the document every renderer walks.

A brief is rendered to Markdown by a Jinja2 template (`templates/brief.md.j2`); markdown-it-py
parses that Markdown, with raw HTML off, into `pipeline.compose.blocks`. Changing the template changes
every output format at once.

Article text is data: every value a template prints with ``{{ }}`` is escaped for Markdown
unless it is `MarkdownSafe`, so `*`, `#`, `[`, `<` or `&` in an article print literally.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path
from typing import Any, Callable, Iterable

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markdown_it.tree import SyntaxTreeNode

from dataclasses import dataclass

from pipeline.compose.blocks import (LOGO, Block, BlockQuote, CodeBlock, Contents, Document, Heading, Image, ListBlock,
                                     Meta, PageBreak, Paragraph, Rule, Span, Table, is_safe_link)
from pipeline import collector
from pipeline.commonmark import parser
from pipeline.compose import templates
from pipeline.compose.template_cache import compiled_templates
from pipeline.model import Brief, Pack, PackEntry
from pipeline.text import clean_line, title_warning  # noqa: F401  (re-exported)
from pipeline.compose.theme import TEMPLATES_DIR, Theme
from pipeline.environment import Environment

BRIEF_TEMPLATE = "brief.md.j2"
PACK_TEMPLATE = "pack.md.j2"
# What templates write for the two things Markdown has no words for: a table of contents, and
# the theme's logo. Nothing else of either kind is taken from Markdown.
CONTENTS_FENCE = "contents"
LOGO_ADDRESS = "brief:logo"


@dataclass(frozen=True)
class Furniture:
    """What templates and renderers put around the content: the marking, the organisation and
    its logo, and whether a single brief has a cover page."""

    classification: str = ""
    caveat: str = ""
    organisation: str = ""
    logo: bool = False
    logo_alt: str = ""
    cover: bool = False

    @classmethod
    def from_theme(cls, theme: Theme, classification: str | None = None) -> "Furniture":
        """The theme's choices; a classification given for this document wins over its default."""
        return cls(classification=classification if classification is not None else theme.classification,
                   caveat=theme.caveat, organisation=theme.organisation, logo=bool(theme.logo),
                   logo_alt=theme.logo_text, cover=theme.brief_cover)


class MarkdownSafe(str):
    """Markdown a template helper built on purpose; printed without escaping."""


# CommonMark lets any ASCII punctuation be backslash-escaped; these can start or end markup
# anywhere in a line ("#" too: a closing run of them is dropped from a heading).
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|!&~#])")
# These only mean something at the start of a line (lists, quotes, rules, setext underlines).
_LINE_START_SPECIAL = re.compile(r"^([>+=-])")
_ORDERED_MARKER = re.compile(r"^(\d{1,9})([.)])")
# Line breaks and the spaces Markdown itself collapses; no-break spaces are content.
_BREAKING_SPACE = re.compile("[ \t\r\n\x0b\x0c\x85\u2028\u2029]+")
_ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_EDGE_SPACE = re.compile(r"^\s+|\s+$")
# In a link destination, markdown-it reads a backslash before punctuation, brackets and entity
# references specially; every other character is taken as it is.
_DESTINATION_SPECIAL = re.compile(r"([\\()<>]|&(?=#?\w+;))")
_AUTOLINK_FORBIDDEN = re.compile(r"[<>\\%]")  # "%20" would show decoded
_URL_FORBIDDEN = re.compile(r"[\x00-\x20\x7f-\x9f\s]")


def escape_markdown(value: Any) -> str:
    """Escape text so markdown-it reads it back as exactly these characters, on one line."""
    text = _BREAKING_SPACE.sub(" ", str(value)).strip(" ")
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    text = _LINE_START_SPECIAL.sub(r"\\\1", text)
    text = _ORDERED_MARKER.sub(r"\1\\\2", text)
    # The parser trims any whitespace at the ends of a line; a no-break space there is content.
    return _EDGE_SPACE.sub(lambda m: "".join(f"&#x{ord(c):X};" for c in m.group(0)), text)


def _finalize(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, MarkdownSafe):
        return value
    return escape_markdown(value)


def _long_date(value: str | None) -> str:
    """'2026-01-06' -> 'Tuesday 6 January 2026' (English, whatever the locale)."""
    if not value:
        return ""
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return value  # a hand-edited brief may hold any text here
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def _link(url: str | None, label: str | None = None) -> MarkdownSafe:
    """A Markdown link when the address is http(s) or mailto and holds no space or control
    character; plain escaped text otherwise. The address is written as a reader would copy it:
    only the marks that would end it or change it on reading back (a backslash, brackets, an
    entity such as "&amp;") are escaped, so it reaches the link exactly as written."""
    if not url:
        return MarkdownSafe("")
    text = escape_markdown(label or url)
    if not is_safe_link(url) or _URL_FORBIDDEN.search(url):
        return MarkdownSafe(text)
    if label is None and not _AUTOLINK_FORBIDDEN.search(url):
        # An address shown as itself: an autolink, which Markdown reads with no escapes at all.
        return MarkdownSafe(f"<{url}>")
    destination = _DESTINATION_SPECIAL.sub(r"\\\1", url)
    return MarkdownSafe(f"[{text}]({destination})")


def _bold_names(value: Any, names: Any) -> MarkdownSafe:
    """Text escaped as `{{ }}` escapes it, with each of `names` (whole words, any case) in bold:
    how a watchlist's names stand out in every format, colour or none."""
    text = _BREAKING_SPACE.sub(" ", "" if value is None else str(value)).strip(" ")
    wanted = sorted({str(n) for n in names or () if n and str(n).strip()}, key=lambda n: (-len(n), n))
    if not wanted or not text:
        return MarkdownSafe(escape_markdown(text))
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in wanted) + r")(?!\w)", re.IGNORECASE)
    pieces, last = [], 0
    for found in pattern.finditer(text):
        pieces.append(_INLINE_SPECIAL.sub(r"\\\1", text[last:found.start()]))
        pieces.append("**" + _INLINE_SPECIAL.sub(r"\\\1", found.group(0)) + "**")
        last = found.end()
    pieces.append(_INLINE_SPECIAL.sub(r"\\\1", text[last:]))
    result = "".join(pieces)
    if not result.startswith("**"):
        result = _ORDERED_MARKER.sub(r"\1\\\2", _LINE_START_SPECIAL.sub(r"\\\1", result))
    return MarkdownSafe(result)


def _by_article(entries: Any) -> dict[str, Any]:
    """A pack's entries by their article's SHA-256, as a story names them."""
    return {entry.brief.source.sha256: entry for entry in entries or ()}


def _by_name(people: Any) -> dict[str, Any]:
    """People by name, the first of each name: a quote's speaker looked up once, not by going
    through every person for every quote (an article of thousands of each took minutes)."""
    found: dict[str, Any] = {}
    for person in people or ():
        found.setdefault(person.name, person)
    return found


def _heading_marks(level: int) -> MarkdownSafe:
    """The "#"s of a heading at `level` (1-6), for templates that nest a brief in a pack."""
    return MarkdownSafe("#" * min(max(int(level), 1), 6))


def _basename(path: str | None) -> str:
    """The file name alone: documents do not depend on the folder they were made from."""
    return re.split(r"[/\\]", path or "")[-1]


def template_environment(folder: Path | None = TEMPLATES_DIR) -> jinja2.Environment:
    """The sandboxed environment templates run in. `folder` is searched first, then the
    built-in templates: a template there replaces the built-in of its name, includes too.

    One environment per folder for the whole process: it keeps its compiled templates (50 ms
    each to compile), and recompiles one whose file has changed."""
    return _environment(None if folder is None or Path(folder) == TEMPLATES_DIR else Path(folder))


class _Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with one short cut: a field of the brief's or the pack's model is data, which
    the sandbox's checks would allow anyway, so it is allowed without them (they were a fifth of
    rendering a pack's Markdown). Everything else, methods and private names included, is checked."""

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        fields = _model_fields().get(type(obj))
        if fields is not None and attr in fields:
            return True
        return super().is_safe_attribute(obj, attr, value)


@functools.cache
def _model_fields() -> dict[type, frozenset[str]]:
    import dataclasses

    from pipeline import model

    classes = [c for c in vars(model).values() if isinstance(c, type) and dataclasses.is_dataclass(c)]
    return {c: frozenset(f.name for f in dataclasses.fields(c) if not f.name.startswith("_"))
            for c in classes + [Furniture]}


@functools.lru_cache(maxsize=8)
def _environment(folder: Path | None) -> jinja2.Environment:
    env = _Sandbox(
        loader=templates.loader(folder),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["long_date"] = _long_date
    env.filters["link"] = _link
    env.filters["basename"] = _basename
    env.filters["bold_names"] = _bold_names
    env.filters["by_article"] = _by_article
    env.filters["by_name"] = _by_name
    env.filters["story_people"] = story_people_index
    env.globals["h"] = _heading_marks
    env.globals["contents"] = _contents
    env.bytecode_cache = compiled_templates(env, Environment.read().cache_dir)
    return env


def _contents() -> MarkdownSafe:
    """A table of contents here: the level-2 headings that follow, with page numbers."""
    return MarkdownSafe(f"```{CONTENTS_FENCE}\n```")


def render_markdown(brief: Brief, template: str = BRIEF_TEMPLATE, folder: Path = TEMPLATES_DIR,
                    furniture: Furniture = Furniture(), limits: templates.TemplateLimits | None = None) -> str:
    return render_template(template, folder, limits=limits, brief=brief, furniture=furniture)


def render_template(template: str, folder: Path | None = TEMPLATES_DIR,
                    limits: templates.TemplateLimits | None = None, **context: Any) -> str:
    """Render a template (the user's in `folder` if it has one, else the built-in). Any error
    in it, a typo'd field, a refused attribute or a failing expression, is a
    `templates.TemplateError` naming the file used and its line; so is a render that goes past
    `limits` (time and memory; the defaults when None)."""
    with templates.limited(limits or templates.TemplateLimits(), template):
        return _render_template(template, folder, **context)


def _render_template(template: str, folder: Path | None, **context: Any) -> str:
    env = template_environment(folder)
    try:
        loaded = env.get_template(template)
    except jinja2.TemplateNotFound:
        folders = " or ".join(str(f) for f in templates.search_path(folder))
        raise templates.TemplateError(f"template {template}", f"not found in {folders}",
                                      "check the name, or restore the templates folder") from None
    except Exception as exc:
        raise templates.template_error(exc, env, template) from exc
    try:
        text = loaded.render(**context)
    except MemoryError:
        raise  # limited() names the limit
    except Exception as exc:
        raise templates.template_error(exc, env, loaded.filename or template) from exc
    return _tidy(text)


def _tidy(text: str) -> str:
    # Blank lines left by template control flow carry no meaning in Markdown; keep one.
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def brief_meta(brief: Brief, language: str, furniture: Furniture = Furniture()) -> Meta:
    keywords = [p.name for p in brief.people] + list(brief.locations) + [o.name for o in brief.organisations]
    return Meta(title=clean_line(brief.title), subject=clean_line(brief.standfirst or "Briefing note"),
                keywords=list(dict.fromkeys(clean_line(k) for k in keywords if k))[:12], language=language,
                author=clean_line(furniture.organisation), classification=clean_line(furniture.classification),
                caveat=clean_line(furniture.caveat))


def pack_meta(pack: Pack, language: str, furniture: Furniture = Furniture()) -> Meta:
    names = [p.name for e in pack.entries for p in e.brief.people]
    return Meta(title=clean_line(f"{pack.name}: {_long_date(pack.date)}"), subject="Briefing pack",
                keywords=list(dict.fromkeys(clean_line(n) for n in names if n))[:12], language=language,
                author=clean_line(furniture.organisation),
                classification=clean_line(pack.classification or furniture.classification),
                caveat=clean_line(furniture.caveat))


def people_index(pack: Pack) -> list[dict[str, Any]]:
    """Everyone named in the pack, once, with a role and the numbers of the briefs they are in;
    with `runs` (how many of the pack's recent runs named them, this one included, or None when
    not counted) and `first_seen`."""
    return _index(((number, [entry]) for number, entry in enumerate(pack.entries, start=1)), pack)


def story_people_index(pack: Pack) -> list[dict[str, Any]]:
    """As `people_index`, for a pack laid out as stories: the numbers are the stories'."""
    entries = _by_article(pack.entries)
    stories = [story for section in pack.sections or () for story in section.stories if story.lead in entries]
    return _index(((number, [entries[sha] for sha in [story.lead, *(a.article for a in story.also)]
                             if sha in entries])
                   for number, story in enumerate(stories, start=1)), pack)


def _index(numbered: Iterable[tuple[int, list[PackEntry]]], pack: Pack) -> list[dict[str, Any]]:
    seen = {clean_line(p.name).casefold(): p for p in pack.people_seen or ()}
    people: dict[str, dict[str, Any]] = {}
    for number, group in numbered:
        for entry in group:
            for person in entry.brief.people:
                key = clean_line(person.name).casefold()
                if key not in people:
                    counted = seen.get(key)
                    people[key] = {"name": person.name, "role": person.role, "briefs": [],
                                   "runs": len(counted.dates) if counted else None,
                                   "first_seen": bool(counted and counted.first_seen)}
                row = people[key]
                row["role"] = row["role"] or person.role
                if number not in row["briefs"]:
                    row["briefs"].append(number)
    return sorted(people.values(), key=lambda row: (row["name"].split()[-1].casefold(), row["name"].casefold()))


def prepare_templates(folder: Path | None = TEMPLATES_DIR, limits: templates.TemplateLimits | None = None,
                      roots: tuple[str, ...] = (PACK_TEMPLATE,)) -> None:
    """Compile `roots` and the templates they include, within `limits`, so that a render
    later finds them compiled. One that fails is left for the render to report, with its line."""
    env = template_environment(folder)
    try:
        with templates.limited(limits or templates.TemplateLimits(), roots[0]):
            for name, _ in templates.used_templates(roots, folder):
                env.get_template(name)
    except Exception:  # noqa: BLE001 - the render meets it again and says what and where
        return


def layout_pack(pack: Pack, language: str = "en-GB", template: str = PACK_TEMPLATE,
                folder: Path = TEMPLATES_DIR, furniture: Furniture = Furniture(),
                limits: templates.TemplateLimits | None = None,
                map_pieces: Callable[..., Iterable[list[Block]]] = map) -> tuple[str, Document]:
    """The pack's Markdown and the document parsed from it (`map_pieces`: as parse_markdown)."""
    meta = pack_meta(pack, language, furniture)
    furniture = Furniture(meta.classification, meta.caveat, furniture.organisation, furniture.logo,
                          furniture.logo_alt, True)
    markdown = _tidy(render_template(template, folder, limits=limits, pack=pack, people_index=people_index(pack),
                                     furniture=furniture))
    return markdown, parse_markdown(markdown, meta, map_pieces)


def layout_brief(brief: Brief, language: str = "en-GB", template: str = BRIEF_TEMPLATE,
                 folder: Path = TEMPLATES_DIR, furniture: Furniture = Furniture(),
                 limits: templates.TemplateLimits | None = None) -> tuple[str, Document]:
    """The brief's Markdown and the document parsed from it."""
    markdown = render_markdown(brief, template, folder, furniture, limits)
    return markdown, parse_markdown(markdown, brief_meta(brief, language, furniture))


# --------------------------------------------------------------------------- Markdown to blocks


# A long document (a pack) is parsed in pieces of about this many characters, cut only where
# a new top-level block must start, so that markdown-it's tokens and tree for the whole
# document (about 100 bytes of memory per character) are never all alive at once.
_PIECE_CHARS = 50_000
_ATX_HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)$")
# A reference definition applies to the whole document: text with one is parsed whole.
_REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[(?:[^\]\\\n]|\\.)+\]:", re.MULTILINE)


def parse_markdown(text: str, meta: Meta, map_pieces: Callable[..., Iterable[list[Block]]] = map) -> Document:
    """The document of `text`. A long text is parsed in pieces (see _pieces), each by
    `piece_blocks`, through `map_pieces`: `map` here, or a process pool's `map`, which parses
    them side by side and gives the blocks back in order."""
    blocks: list[Block] = []
    for found in map_pieces(piece_blocks, _pieces(text)):
        blocks.extend(found)
    return Document(meta=meta, blocks=blocks)


def piece_blocks(piece: str) -> list[Block]:
    """The blocks of one piece of Markdown."""
    # markdown-it makes many objects, and its syntax tree links parents and children both
    # ways: with the cyclic collector on, a long document set off full collections that
    # scanned every live object (a 1,000-article pack's briefs) again and again, so parsing
    # grew faster than the document. The collector waits while a piece is parsed, and the
    # tree's links are cut after use, so reference counting frees it at once.
    with collector.paused():
        root = SyntaxTreeNode(parser().parse(piece))
        blocks = _blocks(root.children)
        _unlink(root)
        return blocks


def _unlink(root: SyntaxTreeNode) -> None:
    """Cut a syntax tree's parent and child links, so that it holds no reference cycle."""
    stack = [root]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        node.children = []
        node.parent = None


def _pieces(text: str, size: int = _PIECE_CHARS) -> list[str]:
    """`text` cut before ATX headings at the margin that follow a blank line outside a fenced
    code block, once a piece is `size` characters long: there every open block (paragraph,
    list, quotation, table) has ended, so the pieces parse to the blocks the whole would."""
    if len(text) <= size or _REFERENCE_DEFINITION.search(text):
        return [text]
    pieces: list[str] = []
    current: list[str] = []
    length = 0
    fence: str | None = None
    blank_before = True
    for line in text.splitlines(keepends=True):
        if (fence is None and blank_before and length >= size and _ATX_HEADING.match(line)):
            pieces.append("".join(current))
            current, length = [], 0
        current.append(line)
        length += len(line)
        match = _FENCE.match(line.rstrip("\r\n"))
        if match:
            marker, rest = match.groups()
            if fence is None:
                if not (marker[0] == "`" and "`" in rest):  # a backtick fence's info has no backticks
                    fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence) and not rest.strip():
                fence = None
        blank_before = not line.strip()
    pieces.append("".join(current))
    return pieces


def _blocks(nodes: list[SyntaxTreeNode]) -> list[Block]:
    out: list[Block] = []
    for node in nodes:
        block = _block(node)
        if block is not None:
            out.append(block)
    return out


def _block(node: SyntaxTreeNode) -> Block | None:
    kind = node.type
    if kind == "heading":
        return Heading(int(node.tag[1:]), _inline_of(node))
    if kind == "paragraph":
        logo = _logo_of(node)
        return logo if logo is not None else Paragraph(_inline_of(node))
    if kind in ("bullet_list", "ordered_list"):
        items = [_blocks(item.children) for item in node.children]
        start = int(node.attrs.get("start", 1)) if kind == "ordered_list" else 1
        return ListBlock(ordered=kind == "ordered_list", items=items, start=start)
    if kind == "blockquote":
        return _quote(_blocks(node.children))
    if kind == "fence" and node.info.strip() == CONTENTS_FENCE:
        return Contents()
    if kind in ("fence", "code_block"):
        return CodeBlock(node.content.rstrip("\n"))
    if kind == "hr":
        # A break written with underscores ("___") starts a new page; any other is a rule.
        return PageBreak() if node.markup.startswith("_") else Rule()
    if kind == "table":
        return _table(node)
    return None


def _logo_of(node: SyntaxTreeNode) -> Image | None:
    """The theme's logo, when a paragraph is that image and nothing else."""
    inline = node.children[0] if len(node.children) == 1 and node.children[0].type == "inline" else None
    parts = [c for c in inline.children if not (c.type == "text" and not c.content.strip())] if inline else []
    if len(parts) == 1 and parts[0].type == "image" and parts[0].attrs.get("src") == LOGO_ADDRESS:
        alt = "".join(c.content for c in parts[0].children if c.type == "text") or parts[0].content
        return Image(LOGO, clean_line(alt))
    return None


ATTRIBUTION_DASH = "\u2014"


def _quote(blocks: list[Block]) -> BlockQuote:
    """A block quote whose last paragraph starts with an em dash carries it as its attribution."""
    last = blocks[-1] if blocks else None
    if isinstance(last, Paragraph) and last.spans and last.spans[0].text.lstrip().startswith(ATTRIBUTION_DASH):
        return BlockQuote(blocks[:-1], attribution=last.spans)
    return BlockQuote(blocks)


def _table(node: SyntaxTreeNode) -> Table:
    header: list[list[Span]] = []
    rows: list[list[list[Span]]] = []
    align: list[str | None] = []
    for section in node.children:
        for row in section.children:
            cells = [_inline_of(cell) for cell in row.children]
            if section.type == "thead":
                header = cells
                align = [_cell_align(cell) for cell in row.children]
            else:
                rows.append(cells)
    return Table(header=header, rows=rows, align=align)


def _cell_align(cell: SyntaxTreeNode) -> str | None:
    style = str(cell.attrs.get("style", ""))
    match = re.search(r"text-align:(\w+)", style)
    return match.group(1) if match else None


def _inline_of(node: SyntaxTreeNode) -> list[Span]:
    spans: list[Span] = []
    for child in node.children:
        if child.type == "inline":
            _inline(child.children, spans, strong=False, emphasis=False, href=None)
    return _merge(spans)


def _inline(nodes: list[SyntaxTreeNode], out: list[Span], strong: bool, emphasis: bool,
            href: str | None) -> None:
    for node in nodes:
        kind = node.type
        if kind == "text":
            out.append(Span(node.content, strong, emphasis, False, href))
        elif kind == "code_inline":
            out.append(Span(node.content, strong, emphasis, True, href))
        elif kind == "softbreak":
            out.append(Span(" ", strong, emphasis, False, href))
        elif kind == "hardbreak":
            out.append(Span("\n"))
        elif kind == "strong":
            _inline(node.children, out, True, emphasis, href)
        elif kind == "em":
            _inline(node.children, out, strong, True, href)
        elif kind == "link":
            target = str(node.attrs.get("href", ""))
            _inline(node.children, out, strong, emphasis, target if is_safe_link(target) else None)
        elif kind == "image":
            out.append(Span(node.content or str(node.attrs.get("alt", "")), strong, emphasis, False, href))
        else:
            _inline(node.children, out, strong, emphasis, href)


def _merge(spans: list[Span]) -> list[Span]:
    """Join neighbouring spans with the same formatting (markdown-it splits text at escapes)."""
    merged: list[Span] = []
    for span in spans:
        if not span.text:
            continue
        if merged and span.text != "\n" and merged[-1].text != "\n" and _same_format(merged[-1], span):
            last = merged.pop()
            span = Span(last.text + span.text, last.strong, last.emphasis, last.code, last.href)
        merged.append(span)
    return merged


def _same_format(a: Span, b: Span) -> bool:
    return (a.strong, a.emphasis, a.code, a.href) == (b.strong, b.emphasis, b.code, b.href)

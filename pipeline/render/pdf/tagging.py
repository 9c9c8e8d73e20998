"""The structure of a tagged PDF, gathered while reportlab draws.

Each block becomes structure nodes (`Node`) when the story is built, so the tree's order is the
story's reading order. Drawing then brackets every piece of content with marked content naming
its node (`/P <</MCID n>> BDC ... EMC`, written with canvas.addLiteral, reportlab's public way to
put operators in a page), and everything else that paints (page furniture, table rules and
backgrounds, list bullets, rules, a table header repeated on a later page) with `/Artifact`.
`pipeline.render.pdf.structure` writes the tree into the saved file.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from itertools import groupby

from reportlab.platypus import Flowable, ListFlowable


# Scripts whose letters change shape or order in ways only a shaping engine knows: Indic, Sinhala,
# Thai, Lao, Tibetan, Myanmar, Khmer and their neighbours. Shaping every paragraph would make Latin
# text four times slower and change its kerning; Arabic and Hebrew are shaped and ordered by
# pipeline.render.bidi, whose visual-order lines a shaping engine would reverse again.
_NEEDS_SHAPING = re.compile("[\u0900-\u0dff\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff"
                            "\u1900-\u194f\u1a00-\u1aaf\u1b00-\u1b7f\ua8e0-\ua8ff\ua9e0-\ua9ff\uaa60-\uaa7f]")


def needs_shaping(text: str) -> bool:
    return _NEEDS_SHAPING.search(text) is not None


def _shape_each_font(word, features=None, force=False):
    """reportlab's shapeFragWord for a word whose pieces are in several fonts: each font's
    stretch shaped on its own. reportlab shapes the whole word with its first piece's font and
    looks the glyphs up in each piece's own font, so a full stop after a Thai or Devanagari word
    (the full stop in the body font) came out as a wrong character."""
    from reportlab.pdfbase import ttfonts

    shape = ttfonts.shapeFragWord
    pieces = word[1:]
    if (isinstance(word, ttfonts.ShapedFragWord) or any(hasattr(frag, "cbDefn") for frag, _ in pieces)
            or len({frag.fontName for frag, _ in pieces}) < 2):
        return shape(word) if features is None else shape(word, features, force)
    parts = []
    for _, group in groupby(pieces, key=lambda piece: piece[0].fontName):
        group = list(group)
        shaped = shape([0, *group], force=True) if features is None else shape([0, *group], features, True)
        parts.append((sum(len(text) for _, text in group), shaped))
    whole = ttfonts.makeShapedFragWord(word)([sum(shaped[0] for _, shaped in parts)])
    offset = 0
    for length, shaped in parts:
        for frag, text in shaped[1:]:
            data = [item._replace(cluster=item.cluster + offset) for item in text.__shapeData__]
            whole.append((frag, ttfonts.ShapedStr(str(text), shapeData=data)))
        offset += length
    return whole


def _install_word_shaping() -> None:
    # Paragraph looks shapeFragWord up in its own module at each wrap.
    from reportlab.platypus import paragraph

    if paragraph.shapeFragWord is not _shape_each_font:
        paragraph.shapeFragWord = _shape_each_font


_install_word_shaping()


@dataclass(eq=False)
class Node:
    """One structure element. Content is marked with its MCIDs (page, mcid); links drawn inside
    its content are kept as (page, first, end) ranges of the page's annotations."""

    role: str
    alt: str | None = None
    actual_text: str | None = None
    attrs: dict = field(default_factory=dict)
    children: list["Node"] = field(default_factory=list)
    mcrs: list[tuple[int, int]] = field(default_factory=list)
    links: list[tuple[int, int, int]] = field(default_factory=list)
    bbox: tuple[float, float, float, float] | None = None
    link_label: str | None = None  # what a link drawn in this node's content leads to
    # Kept in the tree even without content of its own (a table's empty cell keeps its column).
    structural: bool = False

    def add(self, role: str, **kw) -> "Node":
        child = Node(role, **kw)
        self.children.append(child)
        return child

    def __deepcopy__(self, memo) -> "Node":
        # Platypus deep-copies a frame, and what it reaches, to try a layout; a copied node would
        # lose the content marked in its name, and copying the whole tree each time is slow.
        return self

    def has_content(self) -> bool:
        return bool(self.mcrs) or any(child.has_content() for child in self.children)


class Tagger:
    """Hands out MCIDs page by page and remembers which node each one belongs to."""

    def __init__(self) -> None:
        self.root = Node("Document")
        self.page_mcids: dict[int, list[Node]] = {}

    def __deepcopy__(self, memo) -> "Tagger":
        return self

    def begin(self, canv, node: Node, actual_text: str | None = None) -> None:
        page = canv.getPageNumber() - 1
        owners = self.page_mcids.setdefault(page, [])
        node.mcrs.append((page, len(owners)))
        canv.addLiteral(f"/{node.role} <</MCID {len(owners)}>> BDC")
        owners.append(node)
        if actual_text is not None:
            # A shaped run maps conjuncts to private-use code points; text extraction and
            # copying read the real text from a Span's ActualText in the content.
            canv.addLiteral(f"/Span <</ActualText {pdf_text_string(actual_text)}>> BDC")

    @staticmethod
    def end(canv, actual_text: str | None = None) -> None:
        if actual_text is not None:
            canv.addLiteral("EMC")
        canv.addLiteral("EMC")


class _Sink(Node):
    """Stands for every element of an untagged document: nothing is kept."""

    def add(self, role: str, **kw) -> "Node":
        return self


class Untagged(Tagger):
    """The tagger of a document too large to tag: marks nothing and keeps no tree, so that the
    tree's memory is never spent."""

    def __init__(self) -> None:
        self.root = _Sink("Document")
        self.page_mcids = {}

    def begin(self, canv, node: Node, actual_text: str | None = None) -> None:
        pass

    def end(self, canv, actual_text: str | None = None) -> None:
        pass


def pdf_text_string(text: str) -> str:
    """A PDF text string as UTF-16BE hex, which needs no escaping whatever the text holds."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


@contextlib.contextmanager
def artifact(canv, kind: str = "Pagination", subtype: str | None = None):
    """What is drawn inside is an artifact: furniture and decoration a screen reader skips."""
    props = f"/Type /{kind}" + (f" /Subtype /{subtype}" if subtype else "")
    canv.addLiteral(f"/Artifact <<{props}>> BDC")
    try:
        yield
    finally:
        canv.addLiteral("EMC")


class _Wrapper(Flowable):
    """Lays out exactly as the wrapped flowable; subclasses bracket its drawing."""

    def __init__(self, flowable: Flowable) -> None:
        super().__init__()
        self.flowable = flowable
        self.hAlign = getattr(flowable, "hAlign", "LEFT")

    def __deepcopy__(self, memo):
        # A trial layout deep-copies what its frame reaches; the wrapper and its flowable are
        # only measured there, so sharing them is safe and keeps a long paragraph from being
        # copied again at each try.
        return self

    def wrap(self, availWidth, availHeight):
        canv = getattr(self, "canv", None)
        self.width, self.height = (self.flowable.wrapOn(canv, availWidth, availHeight) if canv is not None
                                   else self.flowable.wrap(availWidth, availHeight))
        return self.width, self.height

    def split(self, availWidth, availHeight):
        canv = getattr(self, "canv", None)
        parts = (self.flowable.splitOn(canv, availWidth, availHeight) if canv is not None
                 else self.flowable.split(availWidth, availHeight))
        return [self._rewrap(part, number) for number, part in enumerate(parts)]

    def _rewrap(self, part: Flowable, number: int) -> Flowable:
        raise NotImplementedError

    def getSpaceBefore(self):
        return self.flowable.getSpaceBefore()

    def getSpaceAfter(self):
        return self.flowable.getSpaceAfter()

    def getKeepWithNext(self):
        # The doc template groups a flowable kept with the next into a KeepTogether and then sets
        # `keepWithNext = 0` on the flowable itself, so that a group too tall for a page, put
        # back on the list by its split, is not grouped again and again: that setting is on the
        # wrapper and must win over the wrapped flowable's style.
        if "keepWithNext" in self.__dict__:
            return self.__dict__["keepWithNext"]
        return self.flowable.getKeepWithNext()

    def minWidth(self):
        return self.flowable.minWidth()

    def __getattr__(self, name):
        # Reached only for what the wrapper lacks (keepWithNext, style, ...).
        if name == "flowable":
            raise AttributeError(name)
        return getattr(self.flowable, name)


class Tagged(_Wrapper):
    """Draws `flowable` as content of `node`. A table header row drawn again on a later page
    (`repeat_as_artifact`) is an artifact there, so that it is read once. In an untagged
    document the flowable itself stands in: a wrapper a flowable would cost memory for nothing."""

    def __new__(cls, flowable: Flowable, node: Node, tagger: Tagger, *args, **kw):
        if isinstance(tagger, Untagged):
            return flowable
        return super().__new__(cls)

    def __init__(self, flowable: Flowable, node: Node, tagger: Tagger, repeat_as_artifact: bool = False,
                 actual_text: str | None = None) -> None:
        super().__init__(flowable)
        self.node, self.tagger = node, tagger
        self.repeat_as_artifact = repeat_as_artifact
        self.actual_text = actual_text
        self._drawn_pages: set[int] = set()

    def _rewrap(self, part: Flowable, number: int) -> Flowable:
        # Which text lands in which part of a split is not known: the first part carries all of
        # it, the others none, so that it is read once and whole.
        text = self.actual_text if number == 0 or self.actual_text is None else ""
        return Tagged(part, self.node, self.tagger, self.repeat_as_artifact, text)

    def drawOn(self, canv, x, y, _sW=0):
        page = canv.getPageNumber() - 1
        if self.repeat_as_artifact and self._drawn_pages and page not in self._drawn_pages:
            with artifact(canv, "Pagination"):
                self.flowable.drawOn(canv, x, y, _sW)
            return
        self._drawn_pages.add(page)
        if self.node.role == "Figure" and self.node.bbox is None:
            self.node.bbox = (x, y, x + self.width, y + self.height)
        annotations = canv._annotationrefs  # the page's link annotations, in /Annots order
        first = len(annotations)
        self.tagger.begin(canv, self.node, self.actual_text)
        self.flowable.drawOn(canv, x, y, _sW)
        self.tagger.end(canv, self.actual_text)
        if len(annotations) > first:
            self.node.links.append((page, first, len(annotations)))


class Artifact(_Wrapper):
    """Draws `flowable` as decoration (a horizontal rule)."""

    def _rewrap(self, part: Flowable, number: int) -> Flowable:
        return Artifact(part)

    def drawOn(self, canv, x, y, _sW=0):
        with artifact(canv, "Layout"):
            self.flowable.drawOn(canv, x, y, _sW)


def table_artifacts(table, event, *args) -> None:
    """Table(renderCB=table_artifacts): backgrounds and rules are artifacts; the cells' flowables
    are tagged by their own Tagged wrappers."""
    if event in ("startBG", "startLines"):
        table.canv.addLiteral("/Artifact <</Type /Layout>> BDC")
    elif event in ("endBG", "endLines"):
        table.canv.addLiteral("EMC")


class TaggedListFlowable(ListFlowable):
    """A list whose bullets and numbers are artifacts: the L/LI/LBody structure says it is a
    list. `_makeBullet` is reportlab's own hook (pyproject pins reportlab's minor version)."""

    def _makeBullet(self, value, params=None):
        bullet = super()._makeBullet(value, params=params)
        draw = bullet.drawOn

        def drawOn(indenter, canv, x, y, _sW=0):
            with artifact(canv, "Layout"):
                draw(indenter, canv, x, y, _sW)

        bullet.drawOn = drawOn
        return bullet

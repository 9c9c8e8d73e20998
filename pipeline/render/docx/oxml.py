"""Raw OOXML for what python-docx has no API for. Child elements must follow the schema's order,
hence the lists of elements that may come after each one."""

from __future__ import annotations

import docx
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run


# -- raw OOXML -------------------------------------------------------------------------------------
# What python-docx has no API for. Child elements must follow the schema's order, hence the
# lists of elements that may come after each one.

_PPR_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                   "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
                   "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                   "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                   "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
                   "w:pPrChange")
# The elements of w:pPr that come after w:bidi.
_PPR_AFTER_BIDI = _PPR_AFTER_PBDR[_PPR_AFTER_PBDR.index("w:bidi") + 1:]
_PBDR_SIDES = ("w:top", "w:left", "w:bottom", "w:right", "w:between", "w:bar")
_TBLPR_AFTER_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                        "w:tblDescription", "w:tblPrChange")
_TABLE_BORDER_SIDES = ("top", "left", "bottom", "right", "insideH", "insideV")
_TCPR_AFTER_SHD = ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
                   "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange")
_RPR_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")
_THEME_FONT_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _insert_before(parent, child, later_tags: tuple[str, ...]) -> None:
    """Insert `child` before the first of `later_tags` present, else at the end."""
    for tag in later_tags:
        successor = parent.find(qn(tag))
        if successor is not None:
            successor.addprevious(child)
            return
    parent.append(child)


def _border(tag: str, colour: str, eighths_of_a_point: int, space_pt: int, value: str = "single"
            ) -> BaseOxmlElement:
    return OxmlElement(tag, {qn("w:val"): value, qn("w:sz"): str(eighths_of_a_point),
                             qn("w:space"): str(space_pt), qn("w:color"): colour})


def _set_paragraph_border(pPr, side: str, colour: str, eighths_of_a_point: int = 6,
                          space_pt: int = 1, value: str = "single") -> None:
    """Set one side of a paragraph's border, replacing what was there."""
    pBdr = pPr.find(qn("w:pBdr"))
    if pBdr is None:
        pBdr = OxmlElement("w:pBdr")
        _insert_before(pPr, pBdr, _PPR_AFTER_PBDR)
    for old in pBdr.findall(qn(f"w:{side}")):
        pBdr.remove(old)
    later_sides = _PBDR_SIDES[_PBDR_SIDES.index(f"w:{side}") + 1:]
    _insert_before(pBdr, _border(f"w:{side}", colour, eighths_of_a_point, space_pt, value), later_sides)


def _wrap_in_hyperlink(run: Run, url: str) -> None:
    rId = run.part.relate_to(url, RT.HYPERLINK, is_external=True)
    previous = run._r.getprevious()
    if previous is not None and previous.tag == qn("w:hyperlink") and previous.get(qn("r:id")) == rId:
        previous.append(run._r)  # adjacent spans of one link stay one link
        return
    hyperlink = OxmlElement("w:hyperlink", {qn("r:id"): rId})
    run._r.addprevious(hyperlink)
    hyperlink.append(run._r)


def _ensure_numbering_part(document: DocxDocument) -> None:
    """A numbering part for a document that has none (LibreOffice writes none for a document
    without lists): python-docx cannot make one, so the built-in template's is copied."""
    import copy

    from docx.opc.packuri import PackURI
    from docx.parts.numbering import NumberingPart

    try:
        document.part.numbering_part
        return
    except NotImplementedError:
        pass
    template = docx.Document().part.numbering_part
    element = copy.deepcopy(template.element)
    part = NumberingPart(PackURI("/word/numbering.xml"), template.content_type, element, document.part.package)
    document.part.relate_to(part, RT.NUMBERING)


def _new_numbering(document: DocxDocument, style_name: str, start: int) -> int | None:
    """A new numbering instance for a list style, counting from `start`; returns its numId, or
    None when the style has no numbering (a reference document's own list style)."""
    numbering = document.part.numbering_part.element
    try:
        style_num_id = document.styles[style_name].element.pPr.numPr.numId.val
        abstract_id = numbering.num_having_numId(style_num_id).abstractNumId.val
    except (AttributeError, KeyError):
        return None
    num = numbering.add_num(abstract_id)
    num.add_lvlOverride(ilvl=0).add_startOverride(max(start, 0))
    return num.numId


def _set_numbering(paragraph: DocxParagraph, num_id: int) -> None:
    numPr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    numPr.get_or_add_ilvl().val = 0
    numPr.get_or_add_numId().val = num_id


def _set_right_to_left(pPr) -> None:
    if pPr.find(qn("w:bidi")) is None:
        _insert_before(pPr, OxmlElement("w:bidi"), _PPR_AFTER_BIDI)


def _copy_numbering(source: DocxDocument, target: DocxDocument, num_pr) -> None:
    """Bring the list numbering a copied style refers to, under new ids in the target."""
    import copy

    source_numbering = source.part.numbering_part.element
    target_numbering = target.part.numbering_part.element
    num_id = num_pr.find(qn("w:numId"))
    if num_id is None:
        return
    num = source_numbering.num_having_numId(int(num_id.get(qn("w:val"))))
    abstract = next(a for a in source_numbering.findall(qn("w:abstractNum"))
                    if a.get(qn("w:abstractNumId")) == str(num.abstractNumId.val))
    used_abstract = {int(a.get(qn("w:abstractNumId"))) for a in target_numbering.findall(qn("w:abstractNum"))}
    new_abstract_id = max(used_abstract, default=-1) + 1
    abstract = copy.deepcopy(abstract)
    abstract.set(qn("w:abstractNumId"), str(new_abstract_id))
    nsid = abstract.find(qn("w:nsid"))
    if nsid is not None:
        abstract.remove(nsid)
    existing = target_numbering.findall(qn("w:abstractNum"))
    if existing:
        existing[-1].addnext(abstract)
    else:
        target_numbering.insert(0, abstract)
    new_num = target_numbering.add_num(new_abstract_id)
    num_id.set(qn("w:val"), str(new_num.numId))

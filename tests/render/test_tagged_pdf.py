"""The PDF is tagged: a structure tree in reading order that a screen reader walks, every mark on
the page either tagged content or an artifact, links as Link elements, and the document keys
PDF/UA-1 asks for. Read back with pikepdf from real renders; qpdf checks each file."""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

import pikepdf
import pytest

from pipeline.compose.blocks import (BlockQuote, CodeBlock, Contents, Document, Heading, Image, ListBlock, Meta,
                                     Paragraph, Rule, Span, Table)
from pipeline.compose.layout import Furniture, layout_pack
from pipeline.extract import extract
from pipeline.model import Pack, PackEntry
from pipeline.readers import read_bytes, read_path
from pipeline.render import RenderJob
from pipeline.render.build import render_brief
from pipeline.render.pdf import render
from tests.conftest import SAMPLE, require_tool

# Operators that put marks on the page.
PAINTING = {"Tj", "TJ", "'", '"', "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "Do", "sh", "BI"}


def untagged_painting(pdf: pikepdf.Pdf) -> list[tuple[int, str]]:
    """(page, operator) for each mark made outside both tagged content (marked content with an
    MCID) and artifacts: what PDF/UA forbids. Nested marked content inherits its cover."""
    found = []
    for number, page in enumerate(pdf.pages):
        covered: list[bool] = []
        for operands, operator in pikepdf.parse_content_stream(page):
            operator = str(operator)
            if operator in ("BDC", "BMC"):
                props = operands[1] if operator == "BDC" else None
                tagged = str(operands[0]) == "/Artifact" or (
                    isinstance(props, pikepdf.Dictionary) and "/MCID" in props)
                covered.append(tagged or (bool(covered) and covered[-1]))
            elif operator == "EMC":
                covered.pop()
            elif operator in PAINTING and not (covered and covered[-1]):
                found.append((number, operator))
    return found


def elements(pdf: pikepdf.Pdf) -> list[tuple[int, str, pikepdf.Dictionary]]:
    """(depth, role, element) for the structure tree in its order, which is the reading order."""
    found = []

    def walk(element, depth):
        found.append((depth, str(element.S)[1:], element))
        for kid in element.get("/K", []):
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") not in ("/MCR", "/OBJR"):
                walk(kid, depth + 1)

    (document,) = pdf.Root.StructTreeRoot.K
    walk(document, 0)
    return found


def element_text(pdf: pikepdf.Pdf, element) -> str:
    """The text of an element's own marked content, decoded by pikepdf's text extraction of
    just those operators: enough to tell which paragraph an element is."""
    mcids = {}
    page = element.get("/Pg")
    for kid in element.get("/K", []):
        if isinstance(kid, int):
            mcids.setdefault(page.objgen, set()).add(kid)
    text = []
    for pdf_page in pdf.pages:
        wanted = mcids.get(pdf_page.obj.objgen)
        if not wanted:
            continue
        depth_mcid: list[int | None] = []
        for operands, operator in pikepdf.parse_content_stream(pdf_page):
            operator = str(operator)
            if operator == "BDC":
                props = operands[1]
                mcid = int(props.MCID) if isinstance(props, pikepdf.Dictionary) and "/MCID" in props else None
                depth_mcid.append(mcid if mcid is not None else (depth_mcid[-1] if depth_mcid else None))
            elif operator == "BMC":
                depth_mcid.append(depth_mcid[-1] if depth_mcid else None)
            elif operator == "EMC":
                depth_mcid.pop()
            elif operator in ("Tj", "TJ") and depth_mcid and depth_mcid[-1] in wanted:
                strings = operands[0] if operator == "TJ" else [operands[0]]
                text.append("".join(bytes(s).decode("latin-1") for s in strings if isinstance(s, pikepdf.String)))
    return "".join(text)


def qpdf_check(data: bytes, tmp_path: Path) -> None:
    qpdf = require_tool("qpdf")
    path = tmp_path / "checked.pdf"
    path.write_bytes(data)
    result = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors found" in result.stdout


def assert_parent_tree_matches_content(pdf: pikepdf.Pdf) -> int:
    """Each MCID on each page is in the ParentTree, pointing at an element that claims it on that
    page; returns how many pieces of content continue an element begun on an earlier page."""
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    continued = 0
    for page in pdf.pages:
        mcids = [int(operands[1].MCID) for operands, operator in pikepdf.parse_content_stream(page)
                 if str(operator) == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]]
        assert mcids == list(range(len(mcids)))
        owners = tree[int(page.obj.StructParents)]
        assert len(owners) == len(mcids)
        for mcid, element in zip(mcids, owners):
            kids = list(element.K)
            here = element.Pg.objgen == page.obj.objgen and mcid in [k for k in kids if isinstance(k, int)]
            references = [k for k in kids if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/MCR"
                          and k.Pg.objgen == page.obj.objgen and int(k.MCID) == mcid]
            assert here or references, f"MCID {mcid} is not claimed by its element"
            continued += bool(references)
    return continued


def png(path: Path) -> Path:
    from PIL import Image as PILImage

    PILImage.new("RGB", (120, 40), (31, 56, 100)).save(path)
    return path


# --------------------------------------------------------------------------- a brief


@pytest.fixture(scope="module")
def brief_pdf(tmp_path_factory, ) -> bytes:
    from pipeline.compose.theme import load_theme

    logo = png(tmp_path_factory.mktemp("logo") / "logo.png")
    branded = dataclasses.replace(load_theme(), logo=str(logo), organisation="Northgate Policy Unit",
                                  brief_cover=True)
    brief = extract(read_path(SAMPLE))
    return render_brief(brief, ["pdf"], branded, classification="OFFICIAL").outputs["pdf"]


def test_brief_declares_itself_tagged_with_language_and_title(brief_pdf):
    with pikepdf.open(io_bytes(brief_pdf)) as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        assert str(pdf.Root.Lang) == "en-GB"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        title = str(pdf.docinfo.Title)
        assert title.startswith("UK and France")
        meta = pdf.open_metadata()
        assert meta["dc:title"] == title and meta["pdfuaid:part"] == "1"
        assert all(page.obj.Tabs == "/S" for page in pdf.pages)


def test_brief_structure_has_every_kind_in_reading_order(brief_pdf):
    with pikepdf.open(io_bytes(brief_pdf)) as pdf:
        found = elements(pdf)
        roles = [role for _, role, _ in found]
        top = [role for depth, role, _ in found if depth == 1]
        # the cover's logo, then the title, then the sections
        assert top[0] == "Figure" and top.index("H1") < top.index("H2")
        (figure,) = [e for _, role, e in found if role == "Figure"]
        assert str(figure.Alt) == "Northgate Policy Unit logo" and len(figure.A.BBox) == 4
        # (a brief sets its facts in tables; lists are checked block by block below)
        assert {"P", "Table", "THead", "TBody", "TR", "TH", "TD", "BlockQuote"} <= set(roles)
        headings = [element_text(pdf, e) for _, role, e in found if role == "H2"]
        assert headings[:2] == ["Summary", "Key facts"]
        for _, role, element in found:
            if role == "LI":
                assert [str(kid.S) for kid in element.K] == ["/LBody"]
            if role == "TH":
                assert element.A.Scope == "/Column" and element.A.O == "/Table"
            if role == "TR":
                assert {str(kid.S) for kid in element.K} in ({"/TH"}, {"/TD"})


def test_brief_paints_nothing_untagged_and_passes_qpdf(brief_pdf, tmp_path):
    with pikepdf.open(io_bytes(brief_pdf)) as pdf:
        assert untagged_painting(pdf) == []
        assert_parent_tree_matches_content(pdf)
        for page in pdf.pages:
            for name, font in page.Resources.get("/Font", {}).items():
                assert "/FontFile2" in font.FontDescriptor, f"{name} is not embedded"
    qpdf_check(brief_pdf, tmp_path)


def test_the_classification_marking_and_page_numbers_are_artifacts(theme):
    data = render_document(theme, Paragraph([Span("Body text. " * 1500)]), classification="OFFICIAL-SENSITIVE")
    with pikepdf.open(io_bytes(data)) as pdf:
        assert len(pdf.pages) >= 2
        texts = [element_text(pdf, e) for _, _, e in elements(pdf)]
        assert texts[-1].startswith("Body text.")
        assert not any("OFFICIAL" in t or "Page " in t for t in texts)
        for page in pdf.pages:
            assert any_text(pdf, page, "OFFICIAL") and any_text(pdf, page, "Page ")
            artifacts = [str(operands[1].get("/Subtype")) for operands, operator in pikepdf.parse_content_stream(page)
                         if str(operator) == "BDC" and str(operands[0]) == "/Artifact"
                         and operands[1].get("/Type") == "/Pagination"]
            assert artifacts.count("/Header") == 1 and artifacts.count("/Footer") == 1
        assert untagged_painting(pdf) == []


def io_bytes(data: bytes):
    import io

    return io.BytesIO(data)


# --------------------------------------------------------------------------- block by block


def render_document(theme, *blocks, **meta) -> bytes:
    document = Document(meta=Meta(title=meta.pop("title", "Tagged"), **meta), blocks=list(blocks))
    return render(RenderJob(document=document, markdown="", theme=theme))


def test_every_block_kind_gets_its_element_in_order(theme, tmp_path):
    logo = png(tmp_path / "logo.png")
    branded = dataclasses.replace(theme, logo=str(logo), logo_alt="The unit's crest")
    data = render_document(
        branded,
        Image("logo", alt="The unit's crest"),
        Heading(1, [Span("Budget agreed")]),
        Paragraph([Span("The council agreed its budget.")]),
        Heading(2, [Span("Commitments")]),
        ListBlock(ordered=True, items=[[Paragraph([Span("Recruit wardens.")])],
                                       [Paragraph([Span("Publish the audit.")])]]),
        Heading(3, [Span("Detail")]),
        Table(header=[[Span("Name")], [Span("Role")]], rows=[[[Span("Ravi Menon")], []]]),
        BlockQuote([Paragraph([Span("We will decide by March.")])], attribution=[Span("Ravi Menon")]),
        CodeBlock("x = 1"),
        Rule(),
        Paragraph([Span("The end.")]),
        language="fr-FR")
    with pikepdf.open(io_bytes(data)) as pdf:
        assert str(pdf.Root.Lang) == "fr-FR"
        found = elements(pdf)
        top = [(role, element_text(pdf, e)) for depth, role, e in found if depth == 1]
        assert top == [("Figure", ""), ("H1", "Budget agreed"), ("P", "The council agreed its budget."),
                       ("H2", "Commitments"), ("L", ""), ("H3", "Detail"), ("Table", ""),
                       ("BlockQuote", ""), ("Code", "x = 1"), ("P", "The end.")]
        (figure,) = [e for _, role, e in found if role == "Figure"]
        assert str(figure.Alt) == "The unit's crest"
        (numbered,) = [e for _, role, e in found if role == "L"]
        assert numbered.A.ListNumbering == "/Decimal"
        items = [element_text(pdf, e) for _, role, e in found if role == "P" and e.P.S == "/LBody"]
        assert items == ["Recruit wardens.", "Publish the audit."]
        # the empty cell keeps its place in the row
        rows = [e for _, role, e in found if role == "TR"]
        assert [[str(cell.S) for cell in row.K] for row in rows] == [["/TH", "/TH"], ["/TD", "/TD"]]
        quote = [(role, element_text(pdf, e)) for _, role, e in found if role == "P" and e.P.S == "/BlockQuote"]
        assert [text for _, text in quote] == ["We will decide by March.", "Ravi Menon"]
        assert untagged_painting(pdf) == []
    qpdf_check(data, tmp_path)


def test_a_link_is_a_link_element_over_its_annotation(theme):
    data = render_document(theme, Paragraph([Span("Read "), Span("the source", href="https://example.org/a"),
                                             Span(".")]))
    with pikepdf.open(io_bytes(data)) as pdf:
        (link,) = [e for _, role, e in elements(pdf) if role == "Link"]
        assert link.P.S == "/P"
        (reference,) = link.K
        annotation = reference.Obj
        assert reference.Type == "/OBJR" and annotation.Subtype == "/Link"
        assert str(annotation.A.URI) == "https://example.org/a" and str(annotation.Contents) == "https://example.org/a"
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        assert tree[int(annotation.StructParent)].objgen == link.objgen
        assert int(pdf.Root.StructTreeRoot.ParentTreeNextKey) == max(tree) + 1


def test_a_long_table_reads_its_header_once_and_a_long_paragraph_continues(theme, tmp_path):
    rows = [[[Span(f"Row {n}")], [Span("x " * 20)]] for n in range(150)]
    data = render_document(theme, Paragraph([Span("A sentence that goes on. " * 200)]),
                           Table(header=[[Span("Name")], [Span("Value")]], rows=rows))
    with pikepdf.open(io_bytes(data)) as pdf:
        assert len(pdf.pages) >= 4
        found = elements(pdf)
        assert [element_text(pdf, e) for _, role, e in found if role == "P" and e.P.S == "/TH"] == ["Name", "Value"]
        assert sum(role == "TD" for _, role, _ in found) == 300
        assert assert_parent_tree_matches_content(pdf) >= 1   # the paragraph continues
        assert untagged_painting(pdf) == []
        # the header row is still drawn on each page, as an artifact
        header_draws = sum(element_text_any(pdf, page, "Name") for page in pdf.pages)
        assert header_draws == len([p for p in pdf.pages if any_text(pdf, p, "Row ")])
    qpdf_check(data, tmp_path)


def test_a_tagged_flowable_lets_go_of_keep_with_next_as_the_doc_template_asks():
    """The doc template groups a heading with what follows; when the group is taller than a page
    its split puts the pieces back, and the template, having set keepWithNext = 0 on them, must not
    group them again (else it loops for ever: a one-word 5,000-character title did)."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import BaseDocTemplate, KeepTogether
    from reportlab.platypus import Paragraph as RlParagraph

    from pipeline.render.pdf.tagging import Tagged, Tagger

    tagger = Tagger()
    heading = Tagged(RlParagraph("Title", ParagraphStyle("h", keepWithNext=1)), tagger.root.add("H1"), tagger)
    body = Tagged(RlParagraph("Text", ParagraphStyle("p")), tagger.root.add("P"), tagger)
    template = BaseDocTemplate(io_bytes(b""))
    flowables = [heading, body]
    template.handle_keepWithNext(flowables)
    (group,) = flowables
    assert isinstance(group, KeepTogether) and group._content == [heading, body]
    flowables = list(group._content)
    template.handle_keepWithNext(flowables)
    assert flowables == [heading, body]


def test_a_heading_before_a_paragraph_taller_than_a_page_renders_both_tagged(theme, tmp_path):
    data = render_document(theme, Heading(1, [Span("Start " + "A" * 3000)]),
                           Paragraph([Span("B" * 5000 + " end.")]))
    with pikepdf.open(io_bytes(data)) as pdf:
        assert len(pdf.pages) >= 2
        roles = [role for depth, role, _ in elements(pdf) if depth == 1]
        assert roles == ["H1", "P"]
        assert untagged_painting(pdf) == []
    qpdf_check(data, tmp_path)


def any_text(pdf, page, needle: str) -> bool:
    return needle in "".join(bytes(s).decode("latin-1") for operands, operator in pikepdf.parse_content_stream(page)
                             if str(operator) in ("Tj", "TJ")
                             for s in (operands[0] if str(operator) == "TJ" else [operands[0]])
                             if isinstance(s, pikepdf.String))


def element_text_any(pdf, page, needle: str) -> int:
    return int(any_text(pdf, page, needle))


# --------------------------------------------------------------------------- a pack


def pack_of(count: int) -> Pack:
    entries = []
    for number in range(1, count + 1):
        body = " ".join(f"Minister Anna Berg said the plan for district {number} would cost {n} million."
                        for n in range(40 + number * 3))
        article = read_bytes(f"District {number} plan agreed\n\n{body}\n".encode(), f"d{number}.txt")
        entries.append(PackEntry(extract(article), new=number % 2 == 0))
    return Pack("District daily", "2026-03-04", "OFFICIAL", "The Minister", "Briefing Unit", entries, [])


def test_a_pack_has_its_contents_as_toc_entries_linking_to_their_headings(theme, tmp_path):
    markdown, document = layout_pack(pack_of(6), theme.language, furniture=Furniture.from_theme(theme))
    assert any(isinstance(block, Contents) for block in document.blocks)
    data = render(RenderJob(document=document, markdown=markdown, theme=theme))
    with pikepdf.open(io_bytes(data)) as pdf:
        found = elements(pdf)
        (toc,) = [e for _, role, e in found if role == "TOC"]
        items = [kid for kid in toc.K]
        assert len(items) >= 6 and all(str(item.S) == "/TOCI" for item in items)
        labels = [element_text(pdf, item) for item in items]
        assert any(label.startswith("1. District 1 plan agreed") for label in labels)
        for item in items:
            (link,) = [kid for kid in item.K if isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == "/Link"]
            annotations = [ref.Obj for ref in link.K]
            assert annotations and all(a.Subtype == "/Link" and "/StructParent" in a for a in annotations)
            assert all(str(a.Contents) == element_text(pdf, item) for a in annotations)
        assert untagged_painting(pdf) == []
        assert_parent_tree_matches_content(pdf)
    qpdf_check(data, tmp_path)


def test_a_document_too_large_to_tag_is_written_untagged_with_a_warning(theme, tmp_path, monkeypatch):
    import pipeline.render.pdf.document as pdf_document

    monkeypatch.setattr(pdf_document, "MOST_TAGGED_ELEMENTS", 5)
    job = RenderJob(document=Document(meta=Meta(title="Big", language="en-GB"),
                                      blocks=[Heading(1, [Span("Big")]), Paragraph([Span("One.")]),
                                              Paragraph([Span("Two.")]), Paragraph([Span("Three.")]),
                                              Paragraph([Span("Four.")]), Paragraph([Span("Five.")])]),
                    markdown="", theme=theme)
    data = render(job)
    assert any(w.startswith("PDF: not tagged for screen readers: its ") and "split the pack" in w
               for w in job.warnings), job.warnings
    with pikepdf.open(io_bytes(data)) as pdf:
        assert "/StructTreeRoot" not in pdf.Root and "Four." in pdf.pages[0].Contents.read_bytes().decode("latin-1")
    qpdf_check(data, tmp_path)
    monkeypatch.setattr(pdf_document, "MOST_TAGGED_ELEMENTS", 10_000)
    job.warnings.clear()
    with pikepdf.open(io_bytes(render(job))) as pdf:
        assert "/StructTreeRoot" in pdf.Root and not job.warnings

"""House style and page furniture, read back from the files: themes, a reference .docx, the
classification on every page, "Page X of Y", covers and logos, and the contents of a pack in
both formats (PDF bookmarks and contents page; the DOCX's TOC field filled before any update)."""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import RGBColor
from pypdf import PdfReader

from pipeline.compose.blocks import Document, Heading, ListBlock, Meta, Paragraph, Span
from pipeline.render.build import render_brief, render_formats
from pipeline.render.pdf import render as render_pdf
from pipeline.extract import extract
from pipeline.compose.layout import Furniture, layout_pack
from pipeline.model import Pack, PackEntry
from pipeline.readers import read_bytes, read_path
from pipeline.render import RenderJob
from pipeline.compose.theme import load_theme
from tests.conftest import SAMPLE, require_tool

HERE = Path(__file__).resolve().parent
LETTER = HERE / "themes" / "letter.toml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def sample_brief():
    return extract(read_path(SAMPLE))


def pdf_pages_text(data: bytes, tmp_path: Path) -> list[str]:
    pdftotext = require_tool("pdftotext")
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    text = subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True, check=True).stdout.decode()
    return text.split("\f")[:-1]


def open_docx(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def fields(part_element) -> list[tuple[str, str]]:
    """(instruction, cached result) of each complex field in an element, in order."""
    found, instruction, result, state = [], "", "", None
    for element in part_element.iter():
        if element.tag == f"{W}fldChar":
            kind = element.get(f"{W}fldCharType")
            if kind == "begin":
                instruction, result, state = "", "", "instr"
            elif kind == "separate":
                state = "result"
            elif kind == "end":
                found.append((instruction.strip(), result))
                state = None
        elif element.tag == f"{W}instrText" and state == "instr":
            instruction += element.text or ""
        elif element.tag == f"{W}t" and state == "result":
            result += element.text or ""
    return found


def libreoffice_text(data: bytes, tmp_path: Path) -> str:
    soffice = require_tool("soffice")
    source = tmp_path / "converted.docx"
    source.write_bytes(data)
    out = tmp_path / "lo"
    result = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                             "--convert-to", "txt:Text", "--outdir", str(out), str(source)],
                            capture_output=True, timeout=180)
    assert result.returncode == 0, result.stderr.decode()
    return (out / "converted.txt").read_text(encoding="utf-8-sig")


# --------------------------------------------------------------------------- marking and page numbers


@pytest.mark.parametrize("theme_path", [None, LETTER], ids=["default", "letter"])
def test_every_page_carries_the_marking_and_page_x_of_y(sample_brief, tmp_path, theme_path):
    theme = load_theme(theme_path)
    rendered = render_brief(sample_brief, ["pdf", "docx"], theme, classification="OFFICIAL-SENSITIVE")
    marking = "OFFICIAL-SENSITIVE" + (f" {theme.caveat}" if theme.caveat else "")
    pages = pdf_pages_text(rendered.outputs["pdf"], tmp_path)
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert lines[0] == marking, (number, lines[0])
        footer = " ".join(lines[-3:])  # the footer's pieces, in whatever order pdftotext reads them
        assert marking in footer and f"Page {number} of {len(pages)}" in footer, (number, footer)
    reader = PdfReader(io.BytesIO(rendered.outputs["pdf"]))
    assert f"Classification: {marking}" in reader.metadata["/Keywords"]

    document = open_docx(rendered.outputs["docx"])
    section = document.sections[0]
    assert [p.text for p in section.header.paragraphs] == [marking]
    assert section.header.paragraphs[0].alignment == 1  # centred
    footer = section.footer
    assert footer.paragraphs[0].text == marking and footer.paragraphs[0].alignment == 1
    found = dict(fields(footer._element))
    assert found["PAGE"] == "1"
    # The cached page count is the PDF's when both are made from one brief in one run, or an
    # estimate within a page or two of it.
    assert abs(int(found["NUMPAGES"]) - len(pages)) <= 2
    assert document.core_properties.category == marking
    assert document.core_properties.content_status == marking


def test_no_marking_when_none_is_given(sample_brief, tmp_path, theme):
    rendered = render_brief(sample_brief, ["pdf", "docx"], theme)
    first_lines = [next(line for line in page.splitlines() if line.strip()).strip()
                   for page in pdf_pages_text(rendered.outputs["pdf"], tmp_path)]
    assert all(not line.startswith("OFFICIAL") for line in first_lines)
    assert [p.text for p in open_docx(rendered.outputs["docx"]).sections[0].header.paragraphs] == [""]


def test_the_marking_is_text_not_markup(sample_brief, tmp_path, theme):
    marking = "<b>SECRET</b> & *UK* [EYES](javascript:x)"
    rendered = render_brief(sample_brief, ["pdf", "docx"], theme, classification=marking)
    assert pdf_pages_text(rendered.outputs["pdf"], tmp_path)[0].splitlines()[0].strip() == marking
    assert open_docx(rendered.outputs["docx"]).sections[0].header.paragraphs[0].text == marking


# --------------------------------------------------------------------------- a second theme


def test_a_second_theme_shows_in_both_files(sample_brief, tmp_path):
    theme = load_theme(LETTER)
    rendered = render_brief(sample_brief, ["pdf", "docx"], theme)
    reader = PdfReader(io.BytesIO(rendered.outputs["pdf"]))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)  # US Letter
    fonts = {str(f["/BaseFont"]) for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert any("DejaVuSerif" in f for f in fonts) and any("DejaVuSansMono" in f for f in fonts)
    assert not any(f.endswith("+DejaVuSans") for f in fonts), fonts

    document = open_docx(rendered.outputs["docx"])
    section = document.sections[0]
    assert (round(section.page_width.inches, 2), round(section.page_height.inches, 2)) == (8.5, 11.0)
    assert round(section.left_margin.mm) == 19 and round(section.top_margin.mm) == 25
    styles = document.styles
    assert styles["Normal"].element.rPr.rFonts.get(qn("w:ascii")) == "DejaVu Serif"
    assert styles["Heading 1"].element.rPr.rFonts.get(qn("w:ascii")) == "DejaVu Sans Mono"
    assert styles["Heading 1"].font.color.rgb == RGBColor.from_string("0B6E4F")
    assert styles["Title"].font.color.rgb == RGBColor.from_string("7A1F1F")
    footer_text = " ".join(p.text for p in section.footer.paragraphs)
    assert "Northgate Policy Unit" in footer_text and "Not for onward distribution" in footer_text
    # The theme's default marking, with its caveat.
    assert section.header.paragraphs[0].text == "OFFICIAL FOR PUBLICATION"
    assert "Northgate Policy Unit" in pdf_pages_text(rendered.outputs["pdf"], tmp_path)[0]


# --------------------------------------------------------------------------- a reference document


def make_reference(path: Path, drop_style: str | None = None) -> Path:
    """A house template as a user would make it in Word: a dark red Heading 1, a header line."""
    document = docx.Document()
    document.styles["Heading 1"].font.color.rgb = RGBColor.from_string("8B0000")
    document.sections[0].header.paragraphs[0].text = "Ministry of Examples: house header"
    document.sections[0].left_margin = docx.shared.Mm(30)
    document.add_paragraph("Template body text that must not survive.")
    if drop_style:
        element = document.styles[drop_style].element
        element.getparent().remove(element)
    document.save(str(path))
    return path


def test_a_reference_docx_gives_its_styles_page_set_up_and_header(sample_brief, tmp_path, theme):
    reference = make_reference(tmp_path / "house.docx")
    with_reference = dataclasses.replace(theme, reference_docx=str(reference))
    rendered = render_brief(sample_brief, ["docx"], with_reference, classification="OFFICIAL")
    assert rendered.warnings == []
    document = open_docx(rendered.outputs["docx"])
    assert document.styles["Heading 1"].font.color.rgb == RGBColor.from_string("8B0000")
    section = document.sections[0]
    assert round(section.left_margin.mm) == 30
    header = [p.text for p in section.header.paragraphs]
    assert header == ["OFFICIAL", "Ministry of Examples: house header"]
    texts = [p.text for p in document.paragraphs]
    assert "Template body text that must not survive." not in texts
    assert texts[0] == sample_brief.title
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"][:2] == ["Summary", "Key facts"]
    libreoffice_text(rendered.outputs["docx"], tmp_path)


def test_a_style_missing_from_the_reference_is_ours_with_a_warning(sample_brief, tmp_path, theme):
    reference = make_reference(tmp_path / "house.docx", drop_style="Quote")
    rendered = render_brief(sample_brief, ["docx"], dataclasses.replace(theme, reference_docx=str(reference)))
    assert any("'Quote'" in w and "house.docx" in w for w in rendered.warnings), rendered.warnings
    document = open_docx(rendered.outputs["docx"])
    quotes = [p for p in document.paragraphs if p.style.name == "Quote"]
    assert quotes and quotes[0].text.strip()
    libreoffice_text(rendered.outputs["docx"], tmp_path)


def test_a_reference_without_list_styles_still_numbers_lists(sample_brief, tmp_path, theme):
    from pipeline.model import ReviewNotes

    reference = make_reference(tmp_path / "house.docx", drop_style="List Bullet")
    listed = dataclasses.replace(sample_brief, review=ReviewNotes(lines_to_take=["Welcome the pact.", "Say no more."]))
    rendered = render_brief(listed, ["docx"], dataclasses.replace(theme, reference_docx=str(reference)))
    assert any("'List Bullet'" in w for w in rendered.warnings)
    document = open_docx(rendered.outputs["docx"])
    bullets = [p for p in document.paragraphs if p.style.name == "List Bullet"]
    assert bullets and all(p.style.element.pPr.numPr is not None for p in bullets[:1])
    num_id = bullets[0].style.element.pPr.numPr.numId.val
    assert document.part.numbering_part.element.num_having_numId(num_id) is not None


# --------------------------------------------------------------------------- covers and logos


def png(path: Path) -> Path:
    from PIL import Image

    Image.new("RGB", (120, 40), (31, 56, 100)).save(path)
    return path


def test_a_cover_with_the_logo_and_its_alternative_text(sample_brief, tmp_path, theme):
    logo = png(tmp_path / "logo.png")
    branded = dataclasses.replace(theme, logo=str(logo), organisation="Northgate Policy Unit", brief_cover=True)
    rendered = render_brief(sample_brief, ["pdf", "docx", "html", "md"], branded, classification="OFFICIAL")
    pages = pdf_pages_text(rendered.outputs["pdf"], tmp_path)
    cover = pages[0]
    assert "Northgate Policy Unit" in cover and sample_brief.title.split()[0] in cover and "Tuesday" not in cover
    assert "Key facts" not in cover and "Key facts" in pages[1]
    assert len(PdfReader(io.BytesIO(rendered.outputs["pdf"])).pages[0].images) == 1
    document = open_docx(rendered.outputs["docx"])
    pictures = document.inline_shapes
    assert len(pictures) == 1
    assert pictures[0]._inline.docPr.get("descr") == "Northgate Policy Unit logo"
    assert 'alt="Northgate Policy Unit logo"' in rendered.outputs["html"].decode()
    assert b"brief:logo" not in rendered.outputs["md"]


def test_a_logo_that_is_not_an_image_is_refused_by_the_theme(tmp_path):
    from pipeline.errors import BriefError

    (tmp_path / "logo.png").write_text("not a picture")
    theme_file = tmp_path / "t.toml"
    theme_file.write_text('[brand]\nlogo = "logo.png"\n')
    with pytest.raises(BriefError, match="not a PNG or JPEG"):
        load_theme(theme_file)


# --------------------------------------------------------------------------- contents of a pack


def pack_of(count: int) -> Pack:
    entries = []
    for number in range(1, count + 1):
        body = " ".join(f"Minister Anna Berg said the plan for district {number} would cost {n} million."
                        for n in range(40 + number * 3))
        article = read_bytes(f"District {number} plan agreed\n\n{body}\n".encode(), f"d{number}.txt")
        entries.append(PackEntry(extract(article), new=number % 2 == 0))
    return Pack("District daily", "2026-03-04", "OFFICIAL", "The Minister", "Briefing Unit", entries, [])


@pytest.fixture(scope="module")
def pack_files(theme_module):
    markdown, document = layout_pack(pack_of(20), theme_module.language, furniture=Furniture.from_theme(theme_module))
    job = RenderJob(document=document, markdown=markdown, theme=theme_module)
    return render_formats(["docx", "pdf"], job), job


@pytest.fixture(scope="module")
def theme_module():
    return load_theme()


def test_the_pdf_contents_page_numbers_and_bookmarks_are_right(pack_files, tmp_path):
    outputs, _ = pack_files
    reader = PdfReader(io.BytesIO(outputs["pdf"]))
    top = [item for item in reader.outline if not isinstance(item, list)]
    bookmarks = {item.title: reader.get_destination_page_number(item) + 1 for item in top}
    nested = [item for item in reader.outline if isinstance(item, list)]
    assert nested, "the outline has levels"
    titles = [f"{n}. District {n} plan agreed" for n in range(1, 21)]
    # Level one of the outline is the pack's title; the briefs are one level below it.
    children = {item.title: reader.get_destination_page_number(item) + 1 for item in nested[0]
                if not isinstance(item, list)}
    assert set(titles) <= set(children), children
    pages = pdf_pages_text(outputs["pdf"], tmp_path)
    # The contents follow the cover and the top stories.
    contents = next(page for page in pages if re.search(r"District 1 plan agreed[ .]+\d+\s*$", page, re.M))
    listed = {}
    for line in contents.splitlines():
        match = re.match(r"\s*(\d+\. District \d+ plan agreed)[ .]+(\d+)\s*$", line)
        if match:
            listed[match.group(1)] = int(match.group(2))
    assert listed == {title: children[title] for title in titles}
    for title, page in listed.items():
        assert title in pages[page - 1]  # the brief really starts on that page
    assert list(bookmarks)[0] == "District daily"
    # The contents entries are links to their pages.
    annotations = [a.get_object() for a in reader.pages[pages.index(contents)].get("/Annots") or []]
    assert sum(1 for a in annotations if a.get("/Subtype") == "/Link") >= 20


def test_the_docx_contents_are_filled_before_any_update(pack_files, tmp_path):
    outputs, job = pack_files
    document = open_docx(outputs["docx"])
    toc = [(i, r) for i, r in fields(document.element.body) if i.startswith("TOC")]
    assert len(toc) == 1 and '\\o "1-1"' in toc[0][0] and "\\h" in toc[0][0]
    entries = [p.text for p in document.paragraphs if p.style.name == "TOC 1"]
    headings = job.page_facts["headings"]
    titles = [f"{n}. District {n} plan agreed" for n in range(1, 21)]
    texts = [e.split("\t")[0] for e in entries]
    assert texts[:20] == titles
    pdf_pages = dict(zip(texts, (int(e.split("\t")[1]) for e in entries)))
    in_order = [pdf_pages[t] for t in titles]
    assert in_order == sorted(in_order) and in_order[0] > 1
    assert set(in_order) <= set(headings.values())
    # Each entry links to a bookmark around its heading.
    anchors = {h.get(qn("w:anchor")) for h in document.element.body.iter(f"{W}hyperlink")}
    bookmarks = {b.get(qn("w:name")) for b in document.element.body.iter(f"{W}bookmarkStart")}
    assert anchors and anchors <= bookmarks
    # No "update fields" prompt: the settings do not ask for one.
    settings = document.settings.element
    assert settings.find(qn("w:updateFields")) is None
    text = libreoffice_text(outputs["docx"], tmp_path)
    for title in titles:
        assert title in text


def test_the_docx_contents_show_the_pdf_page_numbers(pack_files, tmp_path):
    outputs, _ = pack_files
    entries = {p.text.split("\t")[0]: p.text.split("\t")[1]
               for p in open_docx(outputs["docx"]).paragraphs if p.style.name == "TOC 1"}
    pages = pdf_pages_text(outputs["pdf"], tmp_path)
    for title, page in entries.items():
        if title[0].isdigit():
            assert title in pages[int(page) - 1]


def test_accessibility_basics_in_both_formats(sample_brief, theme):
    rendered = render_brief(sample_brief, ["pdf", "docx"], theme)
    reader = PdfReader(io.BytesIO(rendered.outputs["pdf"]))
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en-GB"
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])  # viewers show the title, not the file name
    assert reader.metadata.title == sample_brief.title
    outline_titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert outline_titles == [sample_brief.title]  # headings are an outline, the title at its top
    document = open_docx(rendered.outputs["docx"])
    assert document.core_properties.language == "en-GB" and document.core_properties.title == sample_brief.title
    assert [p.style.name for p in document.paragraphs if p.text == "Key facts"] == ["Heading 1"]
    header_rows = [t.rows[0]._tr.trPr for t in document.tables]
    assert header_rows and all(pr is not None and pr.find(qn("w:tblHeader")) is not None for pr in header_rows)


def without_numbering(path: Path) -> Path:
    """The document as LibreOffice saves one without lists: no numbering part at all."""
    import zipfile

    source = zipfile.ZipFile(path)
    target_path = path.with_name("no-numbering.docx")
    with zipfile.ZipFile(target_path, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "word/numbering.xml":
                continue
            if entry.filename == "word/_rels/document.xml.rels":
                data = re.sub(rb'<Relationship [^>]*numbering[^>]*/>', b"", data)
            if entry.filename == "[Content_Types].xml":
                data = re.sub(rb'<Override [^>]*numbering[^>]*/>', b"", data)
            target.writestr(entry, data)
    return target_path


def test_a_reference_without_a_numbering_part_still_numbers_the_packs_lists(tmp_path, theme):
    reference = without_numbering(make_reference(tmp_path / "house.docx"))
    styled = dataclasses.replace(theme, reference_docx=str(reference))
    markdown, document = layout_pack(pack_of(2), styled.language, furniture=Furniture.from_theme(styled))
    outputs = render_formats(["docx"], RenderJob(document=document, markdown=markdown, theme=styled))
    numbered = [p for p in open_docx(outputs["docx"]).paragraphs if p.style.name == "List Number"]
    assert numbered, "the Sources list is numbered"
    libreoffice_text(outputs["docx"], tmp_path)


def test_a_reference_with_its_own_first_page_header_is_marked_on_every_page(sample_brief, tmp_path, theme):
    path = tmp_path / "first.docx"
    document = docx.Document()
    document.sections[0].different_first_page_header_footer = True
    document.sections[0].first_page_header.paragraphs[0].text = "Cover header"
    document.save(str(path))
    rendered = render_brief(sample_brief, ["docx"], dataclasses.replace(theme, reference_docx=str(path)),
                            classification="SECRET")
    section = open_docx(rendered.outputs["docx"]).sections[0]
    assert [p.text for p in section.first_page_header.paragraphs] == ["SECRET", "Cover header"]
    assert section.header.paragraphs[0].text == "SECRET"
    assert "SECRET" in [p.text for p in section.first_page_footer.paragraphs]


def test_a_right_to_left_marking_reads_right_in_the_pdf(sample_brief, tmp_path, theme):
    rendered = render_brief(sample_brief, ["pdf", "docx"], theme, classification="סודי ביותר")
    first = pdf_pages_text(rendered.outputs["pdf"], tmp_path)[0].splitlines()[0].strip()
    # pdftotext gives a right-to-left line back in reading order, inside embedding marks; drawn
    # in logical order it would read backwards.
    assert first.strip("\u202b\u202c") == "סודי ביותר"
    header = open_docx(rendered.outputs["docx"]).sections[0].header.paragraphs[0]
    assert header.text == "סודי ביותר" and header._p.pPr.find(qn("w:bidi")) is not None


def test_a_partial_theme_keeps_the_default_for_what_it_does_not_say(tmp_path):
    path = tmp_path / "brand.toml"
    path.write_text('[brand]\norganisation = "Unit"\n[colours]\ntitle = "#112233"\n', encoding="utf-8")
    partial, default = load_theme(path), load_theme()
    assert partial.organisation == "Unit" and partial.colours["title"] == "#112233"
    assert partial.colours["table_header_fill"] == default.colours["table_header_fill"]
    assert partial.body_fonts == default.body_fonts


@pytest.mark.parametrize("mode, size, problem", [("CMYK", (40, 20), "CMYK"), ("RGB", (4100, 10), "pixels")])
def test_a_logo_that_cannot_be_placed_is_refused_when_the_theme_loads(tmp_path, mode, size, problem):
    from PIL import Image

    from pipeline.errors import BriefError

    Image.new(mode, size).save(tmp_path / "logo.jpg", "JPEG")
    (tmp_path / "t.toml").write_text('[brand]\nlogo = "logo.jpg"\n', encoding="utf-8")
    with pytest.raises(BriefError, match=problem):
        load_theme(tmp_path / "t.toml")


def test_a_tall_logo_keeps_to_the_cover(sample_brief, tmp_path, theme):
    from PIL import Image

    Image.new("RGB", (50, 3000), (0, 0, 0)).save(tmp_path / "tall.png")
    branded = dataclasses.replace(theme, logo=str(tmp_path / "tall.png"), brief_cover=True)
    rendered = render_brief(sample_brief, ["pdf", "docx"], branded)
    assert len(PdfReader(io.BytesIO(rendered.outputs["pdf"])).pages[0].images) == 1
    picture = open_docx(rendered.outputs["docx"]).inline_shapes[0]
    assert round(picture.height.mm) == 40


def test_a_one_article_pack_runs_on_and_keeps_its_pages_few(theme_module, sample_brief, tmp_path):
    # The sample as a one-article pack: the cover's details, the top story and the brief run on
    # from the first page, with no contents or people index; a pack of several starts each brief
    # on a new page.
    entries = [PackEntry(sample_brief, new=True)]
    one = Pack("One article", "2026-03-04", "OFFICIAL", "The Minister", "Briefing Unit", entries, [])
    markdown, document = layout_pack(one, theme_module.language, furniture=Furniture.from_theme(theme_module))
    outputs = render_formats(["pdf"], RenderJob(document=document, markdown=markdown, theme=theme_module))
    pages = pdf_pages_text(outputs["pdf"], tmp_path)
    assert len(pages) <= 3
    assert "Top stories" in pages[0] and "Key facts" in pages[0]
    assert not any("People index" in page or "Contents" in page for page in pages)
    several = pdf_pages_text(pack_files_pdf(theme_module, 2), tmp_path)
    starts = [number for number, page in enumerate(several) for title in ("1. District 1", "2. District 2")
              if re.search(rf"^\s*{re.escape(title)} plan agreed\s*$", page, re.M)]
    assert len(starts) == 2 and starts[0] != starts[1]


def pack_files_pdf(theme, count: int) -> bytes:
    markdown, document = layout_pack(pack_of(count), theme.language, furniture=Furniture.from_theme(theme))
    return render_formats(["pdf"], RenderJob(document=document, markdown=markdown, theme=theme))["pdf"]


def test_a_pdf_heading_never_ends_a_page(theme_module, tmp_path):
    # Text before a heading and its list grows a line at a time, so that the page ends at every
    # point around the heading: the heading always shares its page with the list's first item.
    for lines in range(36, 50):
        spans = []
        for number in range(lines):
            spans += [Span(f"Line {number + 1}."), Span("\n")]
        items = [[Paragraph([Span(f"Item {n} of the list under the heading.")])] for n in range(1, 8)]
        document = Document(meta=Meta(title="T"), blocks=[Heading(1, [Span("T")]), Paragraph(spans[:-1]),
                                                           Heading(2, [Span("Commitments")]),
                                                           ListBlock(ordered=False, items=items)])
        pages = pdf_pages_text(render_pdf(RenderJob(document=document, markdown="", theme=theme_module)), tmp_path)
        [page] = [page for page in pages if "Commitments" in page]
        assert "Item 1 of the list" in page, f"{lines} lines before the heading"

"""One house style in both formats, page by page: the PDF as ReportLab lays it out and the DOCX
as LibreOffice lays it out have the same number of pages, with each section starting on the
same page, for the sample and for the articles written for the extraction tests.

The two engines break lines with different rules, so a section that ends a line from the foot
of a page may land one page apart; the rule is that this stays rare (no more than one brief in
seven), and never on the sample.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE, require_tool, run_brief

ARTICLES = sorted(path for path in (ROOT / "tests" / "extract" / "heldout" / "articles").glob("h*.txt")
                  if not path.name.endswith(".summary.txt"))
SECTIONS = ("Summary", "Key facts", "Commitments", "People", "Organisations", "Quotes")
MOST_DIFFER = 1 / 7


def section_pages(pdf: Path) -> list[list[str]]:
    """The section headings found on each page, in order."""
    pdftotext = require_tool("pdftotext")
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True,
                          timeout=60).stdout
    return [[line.strip() for line in page.splitlines() if line.strip() in SECTIONS]
            for page in text.split("\f")[:-1]]


@pytest.fixture(scope="module")
def both_layouts(tmp_path_factory) -> dict[str, tuple[list[list[str]], list[list[str]]]]:
    soffice = require_tool("soffice")
    folder = tmp_path_factory.mktemp("same-pages")
    layouts = {}
    for article in [SAMPLE, *ARTICLES]:
        out = folder / article.stem
        result = run_brief("generate", str(article), "-f", "pdf", "-f", "docx", "-o", str(out))
        assert result.returncode == 0, result.stderr
    docx_files = sorted(folder.glob("*/*.docx"))
    converted = folder / "libreoffice"
    result = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{folder}/profile",
                             "--convert-to", "pdf", "--outdir", str(converted), *map(str, docx_files)],
                            capture_output=True, timeout=600)
    assert result.returncode == 0, result.stderr.decode()
    for docx_file in docx_files:
        ours = section_pages(docx_file.with_suffix(".pdf"))
        theirs = section_pages(converted / docx_file.with_suffix(".pdf").name)
        layouts[docx_file.parent.name] = (ours, theirs)
    return layouts


def test_every_article_was_laid_out_twice(both_layouts):
    assert len(both_layouts) == 1 + len(ARTICLES) >= 10
    for ours, theirs in both_layouts.values():
        assert ours and theirs
        assert [s for page in ours for s in page][:2] == ["Summary", "Key facts"]


def test_the_sample_has_the_same_pages_in_both(both_layouts):
    ours, theirs = both_layouts[SAMPLE.stem]
    assert ours == theirs


def test_sections_start_on_the_same_page_in_both_formats(both_layouts):
    differ = {name: layouts for name, layouts in both_layouts.items() if layouts[0] != layouts[1]}
    assert len(differ) <= MOST_DIFFER * len(both_layouts), differ


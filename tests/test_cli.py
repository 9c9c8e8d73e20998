"""The command line as a user meets it: real processes, real files, read back with python-docx,
pdftotext, qpdf and LibreOffice."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest

from tests.conftest import CYRILLIC, HOSTILE, ROOT, SAMPLE, require_tool, run_brief

SLUG = "uk-and-france-sign-pact-to-deploy-troops-to-ukraine-post-peace-deal"
SECTIONS = ["Summary", "Key facts", "Commitments", "People", "Organisations", "Quotes"]
PEOPLE = ["Keir Starmer", "Emmanuel Macron", "Volodymyr Zelenskyy", "Jared Kushner", "Steve Witkoff"]
QUOTES = ["very constructive.",
          "to help to deliver a peace that can last and to work with the US to guarantee Ukrainian security "
          "for the long term.",
          "this work is more advanced than ever."]


@pytest.fixture(scope="module")
def sample_outputs(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("sample")
    result = run_brief("generate", "-o", str(out))
    assert result.returncode == 0, result.stderr.decode()
    paths = [Path(line) for line in result.stdout.decode().splitlines()]
    assert [p.name for p in paths] == [f"{SLUG}.docx", f"{SLUG}.pdf"]
    return {p.suffix[1:]: p for p in paths}


def pdf_text(path: Path) -> str:
    pdftotext = require_tool("pdftotext")
    text = subprocess.run([pdftotext, str(path), "-"], capture_output=True, check=True,
                          timeout=60).stdout.decode()
    return " ".join(text.split())


def docx_paragraphs(path: Path) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in docx.Document(str(path)).paragraphs]


def test_no_source_means_the_seeds_folder(sample_outputs):
    assert sample_outputs["docx"].stat().st_size > 0 and sample_outputs["pdf"].stat().st_size > 0


def test_docx_uses_real_word_styles(sample_outputs):
    paragraphs = docx_paragraphs(sample_outputs["docx"])
    styles = {text: style for style, text in paragraphs}
    assert styles["UK and France Sign Pact to Deploy Troops to Ukraine Post-Peace Deal"] == "Title"
    for section in SECTIONS:
        assert styles[section] == "Heading 1"
    quote_texts = [text for style, text in paragraphs if style == "Quote"]
    for quote in QUOTES:
        assert f"\u201c{quote}\u201d" in quote_texts
    assert "\u2014 Keir Starmer, Prime Minister" in quote_texts
    assert ("Normal", "Coalition of the Willing.") in paragraphs  # organisations run on as one line


def test_docx_people_table_and_properties(sample_outputs):
    document = docx.Document(str(sample_outputs["docx"]))
    people = next(t for t in document.tables if t.rows[0].cells[0].text == "Name")
    rows = [[c.text for c in row.cells] for row in people.rows]
    assert rows[0] == ["Name", "Role", "Affiliation", "At the event"]
    assert [r[0] for r in rows[1:]] == PEOPLE
    assert rows[1] == ["Keir Starmer", "Prime Minister", "United Kingdom", "Yes"]
    assert people.style.name == "Table Grid"
    props = document.core_properties
    assert props.title == "UK and France Sign Pact to Deploy Troops to Ukraine Post-Peace Deal"
    assert props.subject == "UK-France Pact for Ukraine Troop Deployment"
    assert "Keir Starmer" in props.keywords and "Paris" in props.keywords
    assert props.language == "en-GB"


def test_pdf_has_every_section_person_and_quote(sample_outputs):
    text = pdf_text(sample_outputs["pdf"])
    for needle in SECTIONS + PEOPLE + QUOTES:
        assert " ".join(needle.split()) in text, needle


def test_pdf_passes_qpdf_check(sample_outputs):
    qpdf = require_tool("qpdf")
    result = subprocess.run([qpdf, "--check", str(sample_outputs["pdf"])], capture_output=True, timeout=60)
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()


def test_pdf_metadata(sample_outputs):
    from pypdf import PdfReader

    meta = PdfReader(str(sample_outputs["pdf"])).metadata
    assert meta.title == "UK and France Sign Pact to Deploy Troops to Ukraine Post-Peace Deal"
    assert meta.subject == "UK-France Pact for Ukraine Troop Deployment"


def test_libreoffice_converts_the_docx(sample_outputs, tmp_path):
    soffice = require_tool("soffice")
    result = subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
                             "--convert-to", "pdf", "--outdir", str(tmp_path), str(sample_outputs["docx"])],
                            capture_output=True, timeout=180)
    converted = tmp_path / f"{SLUG}.pdf"
    assert result.returncode == 0 and converted.exists(), result.stderr.decode()
    assert "Keir Starmer" in pdf_text(converted)


def test_running_twice_gives_identical_bytes(sample_outputs, tmp_path):
    result = run_brief("generate", "-o", str(tmp_path))
    assert result.returncode == 0
    for fmt, first in sample_outputs.items():
        assert (tmp_path / first.name).read_bytes() == first.read_bytes(), fmt


def test_hostile_text_and_cyrillic_print_literally(tmp_path):
    article = tmp_path / "hostile.txt"
    article.write_text(f"{HOSTILE}\n\nThe minister {CYRILLIC} said on Monday that {HOSTILE} was printed as is. "
                       f"Officials met in Kyiv to discuss it.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_brief("generate", str(article), "-o", str(out))
    assert result.returncode == 0, result.stderr.decode()
    docx_path, pdf_path = (Path(p) for p in result.stdout.decode().splitlines())
    texts = [text for _, text in docx_paragraphs(docx_path)]
    assert texts[0] == HOSTILE
    cells = [c.text for t in docx.Document(str(docx_path)).tables for row in t.rows for c in row.cells]
    assert CYRILLIC in cells
    pdf = pdf_text(pdf_path)
    assert HOSTILE in pdf
    assert CYRILLIC in pdf


@pytest.mark.parametrize("name, content, words", [
    ("empty.txt", b"", "empty"),
    ("binary.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "PNG"),
    ("latin1.txt", "Le pr\u00e9sident a d\u00e9clar\u00e9.\n".encode("latin-1"), "--encoding"),
    ("missing.txt", None, "no such file"),
])
def test_bad_input_gives_one_line_and_no_file(tmp_path, name, content, words):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    out = tmp_path / "out"
    result = run_brief("generate", str(path), "-o", str(out))
    stderr = result.stderr.decode()
    assert result.returncode == 1
    assert len(stderr.splitlines()) == 1, stderr
    assert stderr.startswith("brief: ") and words in stderr and "Traceback" not in stderr
    assert not out.exists() or not any(out.iterdir())
    assert result.stdout == b""


def test_one_bad_input_does_not_stop_the_others(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    result = run_brief("generate", str(tmp_path / "empty.txt"), str(SAMPLE), "-f", "md", "-o", str(out))
    assert result.returncode == 1
    assert result.stdout.decode().splitlines() == [str(out / f"{SLUG}.md")]
    assert "empty" in result.stderr.decode()


def test_every_format_and_stdin(tmp_path):
    result = run_brief("generate", "-", "-f", "md", "-f", "html", "-f", "json", "-o", str(tmp_path),
                       input=SAMPLE.read_bytes())
    assert result.returncode == 0, result.stderr.decode()
    names = [Path(p).name for p in result.stdout.decode().splitlines()]
    assert names == [f"{SLUG}.md", f"{SLUG}.html", f"{SLUG}.json"]
    assert json.loads((tmp_path / f"{SLUG}.json").read_text())["source"]["path"] == "-"
    assert (tmp_path / f"{SLUG}.html").read_text().startswith("<!DOCTYPE html>")


def test_title_cannot_escape_the_output_folder(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("../../etc/passwd\n\nBody text about nothing in particular.\n")
    out = tmp_path / "out"
    result = run_brief("generate", str(article), "-f", "md", "-o", str(out))
    assert result.returncode == 0, result.stderr.decode()
    assert [p.name for p in out.iterdir()] == ["etc-passwd.md"]


def test_extract_prints_the_brief_json():
    result = run_brief("extract", str(SAMPLE))
    assert result.returncode == 0
    brief = json.loads(result.stdout)
    assert list(brief) == ["title", "standfirst", "event_date", "locations", "summary", "key_facts", "context",
                           "commitments",
                           "people", "organisations", "quotes", "source"]
    assert brief["event_date"] == "2026-01-06"


def test_extract_explain_names_a_rule_for_each_item():
    result = run_brief("extract", "--explain", str(SAMPLE))
    text = result.stdout.decode()
    assert result.returncode == 0
    assert "rule: " in text and "list-under-lead-in" in text and "pronoun-subject" in text


def test_schema_validates_what_extract_prints():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(run_brief("schema").stdout)
    jsonschema.validate(json.loads(run_brief("extract", str(SAMPLE)).stdout), schema)


def test_render_a_hand_edited_brief(tmp_path):
    brief = json.loads(run_brief("extract", str(SAMPLE)).stdout)
    brief["people"][0]["role"] = "Prime Minister of the United Kingdom"
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(brief), encoding="utf-8")
    result = run_brief("render", str(path), "-f", "md", "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr.decode()
    assert "Prime Minister of the United Kingdom" in (tmp_path / "out" / f"{SLUG}.md").read_text()


def test_render_reports_a_bad_field_in_one_line(tmp_path):
    brief = json.loads(run_brief("extract", str(SAMPLE)).stdout)
    brief["quotes"][1]["speaker"] = 7
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(brief), encoding="utf-8")
    result = run_brief("render", str(path), "-o", str(tmp_path / "out"))
    assert result.returncode == 1
    assert result.stderr.decode().strip() == (f"brief: {path}: quotes[1].speaker: expected a string, got a number; "
                                              "fix the file (`brief schema` prints the expected shape)")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", [[], ["generate"], ["extract"], ["render"], ["schema"]])
def test_help_on_every_command(command):
    result = run_brief(*command, "--help")
    assert result.returncode == 0
    assert result.stdout.decode().startswith("Usage: brief")


def test_version():
    from pipeline import __version__

    assert run_brief("--version").stdout.decode().strip() == f"brief {__version__}"


def test_usage_errors_exit_2_in_one_line():
    result = run_brief("generate", "--format", "odt")
    assert result.returncode == 2
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("brief: ") and "odt" in lines[0]


def test_debug_shows_the_traceback(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    quiet = run_brief("extract", str(tmp_path / "empty.txt"))
    loud = run_brief("--debug", "extract", str(tmp_path / "empty.txt"))
    assert "Traceback" not in quiet.stderr.decode()
    assert "Traceback" in loud.stderr.decode()
    assert quiet.returncode == 1 and loud.returncode != 0


def test_a_missing_source_does_not_stop_the_others(tmp_path):
    out = tmp_path / "out"
    result = run_brief("generate", str(tmp_path / "missing.txt"), str(SAMPLE), "-f", "md", "-o", str(out))
    assert result.returncode == 1
    assert result.stdout.decode().splitlines() == [str(out / f"{SLUG}.md")]
    assert "missing.txt" in result.stderr.decode()


def test_same_content_under_two_names_gives_two_files(tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_bytes(SAMPLE.read_bytes())
    out = tmp_path / "out"
    result = run_brief("generate", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "-f", "md", "-o", str(out))
    paths = result.stdout.decode().splitlines()
    assert result.returncode == 0 and len(set(paths)) == 2
    assert sorted(p.name for p in out.iterdir()) == sorted(Path(p).name for p in paths)


def test_a_symlink_at_the_output_path_is_replaced_not_followed(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (out / f"{SLUG}.md").symlink_to(victim)
    result = run_brief("generate", str(SAMPLE), "-f", "md", "-o", str(out))
    assert result.returncode == 0, result.stderr.decode()
    assert victim.read_text() == "keep me"
    assert not (out / f"{SLUG}.md").is_symlink()


def test_files_follow_the_umask(tmp_path):
    out = tmp_path / "out"
    result = subprocess.run(["sh", "-c", f'umask 077 && "$0" -m pipeline generate "{SAMPLE}" -f md -o "{out}"',
                             sys.executable], capture_output=True, timeout=120, cwd=str(ROOT))
    assert result.returncode == 0, result.stderr.decode()
    assert (out / f"{SLUG}.md").stat().st_mode & 0o777 == 0o600


def test_a_run_wide_mistake_is_reported_once_before_reading(tmp_path):
    out = tmp_path / "out"
    result = run_brief("generate", str(SAMPLE), str(SAMPLE), "-o", str(out), env={"SOURCE_DATE_EPOCH": "soon"})
    assert result.returncode == 2  # a settings mistake, as the exit status table says
    assert result.stderr.decode().count("SOURCE_DATE_EPOCH") == 1
    assert not out.exists() or not any(out.iterdir())


def test_closed_standard_input_is_a_clear_error(tmp_path):
    result = subprocess.run([sys.executable, "-m", "pipeline", "generate", "-", "-f", "md", "-o", str(tmp_path)],
                            stdin=subprocess.DEVNULL, capture_output=True, timeout=60, cwd=str(ROOT),
                            preexec_fn=lambda: os.close(0))
    assert result.returncode == 1
    assert "standard input is closed" in result.stderr.decode()


def test_ctrl_c_stops_cleanly(tmp_path):
    """Interrupted while waiting for standard input, with the PDF side process already running."""
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "pipeline", "generate", "-", "-o", str(out)],
                               cwd=str(ROOT), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True)
    process.stdin.write(b"A headline\n\nThe first paragraph")
    process.stdin.flush()
    time.sleep(2)
    os.killpg(process.pid, signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert stderr.decode().strip().splitlines() == ["brief: interrupted"]
    assert stdout == b"" and (not out.exists() or not any(out.iterdir()))
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)  # nothing of the run is left behind


def test_title_ending_in_hash_keeps_it(tmp_path):
    article = tmp_path / "hash.txt"
    article.write_text("Vote for #\n\nThe vote was held on Monday in the town hall by the council.\n")
    result = run_brief("generate", str(article), "-f", "docx", "-f", "html", "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr.decode()
    docx_path, html_path = (Path(p) for p in result.stdout.decode().splitlines())
    assert docx.Document(str(docx_path)).paragraphs[0].text == "Vote for #"
    assert re.search(r"<h1[^>]*>Vote for #</h1>", html_path.read_text())


def test_a_hostile_source_url_cannot_add_markup(tmp_path):
    brief = json.loads(run_brief("extract", str(SAMPLE)).stdout)
    brief["source"].update(url="https://example.org/\r#\tInjected\theading\r\r-\tlist", publisher="Pub")
    path = tmp_path / "b.json"
    path.write_text(json.dumps(brief), encoding="utf-8")
    result = run_brief("render", str(path), "-f", "html", "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr.decode()
    html = (tmp_path / "out" / f"{SLUG}.html").read_text()
    assert not re.search(r"<h1[^>]*>Injected", html) and html.count("<h1") == 1
    assert re.search(r"<p>Source: Pub, [^<]*Injected heading[^<]*list\. ", html)  # one line of plain text

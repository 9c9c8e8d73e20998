"""User templates: `brief templates`, --template-dir and a pack's `templates` folder, the sandbox,
and errors that name the template file and line. Real processes where the command line is the
subject; documents read back with python-docx and pdftotext."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest

from pipeline.compose.theme import DEFAULT_THEME, TEMPLATES_DIR
from tests.conftest import ROOT, SAMPLE, require_tool, run_brief

SLUG = "uk-and-france-sign-pact-to-deploy-troops-to-ukraine-post-peace-deal"
BUILTINS = sorted(p.name for p in TEMPLATES_DIR.glob("*.md.j2"))
HOUSE_BRIEF = ('{#- The house brief. With a house line. -#}\nHOUSE STYLE\n\n# {{ brief.title }}\n\n'
               '{% set level = 2 %}\n{% include "_brief_body.md.j2" %}\n')


def stderr_lines(result: subprocess.CompletedProcess) -> list[str]:
    return result.stderr.decode().splitlines()


def with_template(tmp_path: Path, name: str, text: str) -> Path:
    """The user templates folder tmp_path/house, with `name` holding `text`."""
    folder = tmp_path / "house"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def generate_md(tmp_path: Path, folder: Path, *args: str) -> subprocess.CompletedProcess:
    return run_brief("generate", str(SAMPLE), "-f", "md", "-o", str(tmp_path / "out"), "--template-dir", str(folder),
                     *args)


def assert_one_template_error(result: subprocess.CompletedProcess, path: Path, *words: str) -> str:
    """Exit 2, one line on standard error naming the file, no traceback, nothing written."""
    assert result.returncode == 2, result.stderr.decode()
    lines = stderr_lines(result)
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith("brief: template ") and str(path) in line
    for word in words:
        assert word in line, line
    assert "Traceback" not in result.stderr.decode()
    assert result.stdout == b""
    return line


# --------------------------------------------------------------------------- brief templates


def test_list_names_each_template_its_origin_and_description():
    result = run_brief("templates", "list")
    assert result.returncode == 0, result.stderr.decode()
    rows = {line.split()[0]: line for line in result.stdout.decode().splitlines()}
    assert sorted(rows) == BUILTINS
    assert all(re.match(r"^\S+\s+built-in\s+\S", line) for line in rows.values())
    assert rows["brief.md.j2"].endswith("One brief as Markdown.")
    assert "The sections of one brief" in rows["_brief_body.md.j2"]


def test_list_shows_the_user_folder_first(tmp_path):
    folder = with_template(tmp_path, "brief.md.j2", HOUSE_BRIEF)
    (folder / "_house.md.j2").write_text("{#- Our footer. -#}\nFooter\n", encoding="utf-8")
    result = run_brief("templates", "list", "--template-dir", str(folder))
    assert result.returncode == 0, result.stderr.decode()
    rows = {line.split()[0]: line.split(None, 2) for line in result.stdout.decode().splitlines()}
    assert rows["brief.md.j2"][1:] == [str(folder / "brief.md.j2"), "The house brief."]
    assert rows["_house.md.j2"][1:] == [str(folder / "_house.md.j2"), "Our footer."]
    assert rows["_brief_body.md.j2"][1] == "built-in"


def test_show_prints_the_source_used():
    result = run_brief("templates", "show", "brief.md.j2")
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == (TEMPLATES_DIR / "brief.md.j2").read_bytes()
    assert run_brief("templates", "show", "pack").stdout == (TEMPLATES_DIR / "pack.md.j2").read_bytes()


def test_show_prefers_the_user_folder(tmp_path):
    folder = with_template(tmp_path, "brief.md.j2", HOUSE_BRIEF)
    result = run_brief("templates", "show", "brief.md.j2", "--template-dir", str(folder))
    assert result.stdout.decode() == HOUSE_BRIEF


@pytest.mark.parametrize("name", ["nope.md.j2", "../templates/brief.md.j2", "themes/default.toml"])
def test_show_an_unknown_template_is_a_usage_error(name):
    result = run_brief("templates", "show", name)
    assert result.returncode == 2
    lines = stderr_lines(result)
    assert len(lines) == 1 and lines[0].startswith(f"brief: template {name}: no such template; use one of: ")
    assert result.stdout == b""


def test_init_copies_the_builtins_byte_for_byte(tmp_path):
    folder = tmp_path / "mine"
    result = run_brief("templates", "init", str(folder))
    assert result.returncode == 0, result.stderr.decode()
    written = [Path(line) for line in result.stdout.decode().splitlines()]
    assert sorted(written) == sorted([folder / name for name in BUILTINS] + [folder / "themes" / "default.toml"])
    for name in BUILTINS:
        assert (folder / name).read_bytes() == (TEMPLATES_DIR / name).read_bytes()
    assert (folder / "themes" / "default.toml").read_bytes() == DEFAULT_THEME.read_bytes()
    # What init wrote renders exactly as the built-ins do.
    out_builtin = run_brief("generate", str(SAMPLE), "-f", "md", "-o", str(tmp_path / "a"))
    out_copy = run_brief("generate", str(SAMPLE), "-f", "md", "-o", str(tmp_path / "b"), "--template-dir", str(folder),
                         "--theme", str(folder / "themes" / "default.toml"))
    assert out_builtin.returncode == out_copy.returncode == 0
    assert (tmp_path / "a" / f"{SLUG}.md").read_bytes() == (tmp_path / "b" / f"{SLUG}.md").read_bytes()


def test_init_refuses_to_overwrite_unless_forced(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "brief.md.j2").write_text("edited\n", encoding="utf-8")
    refused = run_brief("templates", "init", str(folder))
    assert refused.returncode == 1 and refused.stdout == b""
    lines = stderr_lines(refused)
    assert len(lines) == 1 and str(folder / "brief.md.j2") in lines[0] and "--force" in lines[0]
    assert sorted(p.name for p in folder.iterdir()) == ["brief.md.j2"]  # nothing else written either
    assert (folder / "brief.md.j2").read_text() == "edited\n"
    forced = run_brief("templates", "init", str(folder), "--force")
    assert forced.returncode == 0, forced.stderr.decode()
    assert str(folder / "brief.md.j2") in forced.stdout.decode().splitlines()
    assert (folder / "brief.md.j2").read_bytes() == (TEMPLATES_DIR / "brief.md.j2").read_bytes()


# --------------------------------------------------------------------------- --template-dir


def test_a_user_template_replaces_the_builtin_of_its_name_only(tmp_path):
    folder = with_template(tmp_path, "brief.md.j2", HOUSE_BRIEF)
    result = generate_md(tmp_path, folder)
    assert result.returncode == 0, result.stderr.decode()
    markdown = (tmp_path / "out" / f"{SLUG}.md").read_text()
    assert markdown.startswith("HOUSE STYLE\n")
    # The untouched include comes from the built-ins.
    for section in ("## Summary", "## Key facts", "## Commitments", "## People", "## Quotes"):
        assert section in markdown


def test_an_include_follows_the_override(tmp_path):
    folder = with_template(tmp_path, "_brief_body.md.j2", "{{ h(level) }} House body\n\n{{ brief.people | length }} people.\n")
    result = generate_md(tmp_path, folder)
    assert result.returncode == 0, result.stderr.decode()
    markdown = (tmp_path / "out" / f"{SLUG}.md").read_text()
    assert "## House body" in markdown and "5 people." in markdown and "## Key facts" not in markdown
    assert markdown.startswith("# UK and France")  # the built-in brief.md.j2 included the user's body


def test_render_takes_the_template_dir_and_classification(tmp_path):
    brief_json = tmp_path / "brief.json"
    brief_json.write_bytes(run_brief("extract", str(SAMPLE)).stdout)
    folder = with_template(tmp_path, "brief.md.j2", HOUSE_BRIEF)
    result = run_brief("render", str(brief_json), "-f", "md", "-f", "pdf", "-o", str(tmp_path / "out"),
                       "--template-dir", str(folder), "--classification", "OFFICIAL-SENSITIVE")
    assert result.returncode == 0, result.stderr.decode()
    assert (tmp_path / "out" / f"{SLUG}.md").read_text().startswith("HOUSE STYLE\n")
    pdftotext = require_tool("pdftotext")
    text = subprocess.run([pdftotext, str(tmp_path / "out" / f"{SLUG}.pdf"), "-"], capture_output=True,
                          check=True).stdout.decode()
    assert "HOUSE STYLE" in text and "OFFICIAL-SENSITIVE" in text


def test_a_missing_template_dir_is_a_usage_error(tmp_path):
    result = run_brief("generate", str(SAMPLE), "-f", "md", "-o", str(tmp_path / "out"),
                       "--template-dir", str(tmp_path / "missing"))
    assert result.returncode == 2 and len(stderr_lines(result)) == 1 and "--template-dir" in result.stderr.decode()


# --------------------------------------------------------------------------- errors name the file and line


def test_a_typo_in_a_field_names_the_file_line_and_field(tmp_path):
    folder = with_template(tmp_path, "brief.md.j2", "# {{ brief.title }}\n\n{{ brief.titel }}\n")
    line = assert_one_template_error(generate_md(tmp_path, folder), folder / "brief.md.j2", "line 3", "titel")
    assert line.startswith(f"brief: template {folder / 'brief.md.j2'}, line 3: ")
    assert not (tmp_path / "out" / f"{SLUG}.md").exists()


def test_the_sandbox_refuses_attribute_escapes(tmp_path):
    folder = with_template(tmp_path, "brief.md.j2", "# Title\n\n{{ ''.__class__.__mro__ }}\n")
    line = assert_one_template_error(generate_md(tmp_path, folder), folder / "brief.md.j2", "line 3")
    assert "sandbox" in line and "unsafe" in line and "__class__" in line


@pytest.mark.parametrize("text, line, words", [
    ("# Title\n\n{% if brief.title %}\nno end\n", 4, ["syntax error"]),
    ("# Title\n{{ brief.title +  }}\n", 2, ["syntax error"]),
    ("# Title\n\n\n{{ 1 / 0 }}\n", 4, ["ZeroDivisionError"]),
    ("# Title\n{{ brief.title + 1 }}\n", 2, ["TypeError"]),
    ("# Title\n{{ brief.people.append(1) }}\n", 2, ["sandbox", "append"]),  # the sandbox is immutable
    ("# Title\n{{ brief.__dict__ }}\n", 2, ["sandbox", "__dict__"]),
    ("# Title\n{{ brief.people[99] }}\n", 2, ["undefined"]),
    ('# Title\n{% include "_missing.md.j2" %}\n', 2, ["_missing.md.j2"]),
])
def test_every_template_error_is_one_line_with_the_file_and_line(tmp_path, text, line, words):
    folder = with_template(tmp_path, "brief.md.j2", text)
    assert_one_template_error(generate_md(tmp_path, folder), folder / "brief.md.j2", f"line {line}", *words)


def test_an_error_in_an_included_template_names_that_file(tmp_path):
    folder = with_template(tmp_path, "_brief_body.md.j2", "{{ h(level) }} Body\n\nfine\n\n{{ brief.commitmentz }}\n")
    assert_one_template_error(generate_md(tmp_path, folder), folder / "_brief_body.md.j2", "line 5", "commitmentz")
    (folder / "_brief_body.md.j2").write_text("ok\n{% for x in brief.people %}\n", encoding="utf-8")
    assert_one_template_error(generate_md(tmp_path, folder), folder / "_brief_body.md.j2", "line 2", "syntax error")


def test_an_error_in_a_builtin_reached_from_a_user_template_names_the_builtin(tmp_path):
    # The user's brief.md.j2 includes the built-in body without setting `level`, which it needs.
    folder = with_template(tmp_path, "brief.md.j2", '# {{ brief.title }}\n{% include "_brief_body.md.j2" %}\n')
    assert_one_template_error(generate_md(tmp_path, folder), TEMPLATES_DIR / "_brief_body.md.j2", "line 3",
                              "level")


def test_a_template_error_stops_the_run_before_the_next_article(tmp_path):
    folder = with_template(tmp_path, "brief.md.j2", "{{ brief.titel }}\n")
    result = run_brief("generate", str(SAMPLE), str(ROOT / "seeds"), "-f", "md", "-o", str(tmp_path / "out"),
                       "--template-dir", str(folder))
    assert_one_template_error(result, folder / "brief.md.j2", "line 1")
    assert not any((tmp_path / "out").glob("*.md"))


def test_render_reports_a_template_error_the_same_way(tmp_path):
    brief_json = tmp_path / "brief.json"
    brief_json.write_bytes(run_brief("extract", str(SAMPLE)).stdout)
    folder = with_template(tmp_path, "brief.md.j2", "\n\n{{ brief.titel }}\n")
    result = run_brief("render", str(brief_json), "-f", "md", "-o", str(tmp_path / "out"), "--template-dir",
                       str(folder))
    assert_one_template_error(result, folder / "brief.md.j2", "line 3", "titel")


def test_debug_shows_the_traceback_of_a_template_error(tmp_path):
    folder = with_template(tmp_path, "brief.md.j2", "{{ brief.titel }}\n")
    result = run_brief("--debug", "generate", str(SAMPLE), "-f", "md", "-o", str(tmp_path / "out"),
                       "--template-dir", str(folder))
    assert result.returncode != 0
    assert "Traceback" in result.stderr.decode() and "titel" in result.stderr.decode()


# --------------------------------------------------------------------------- output cannot carry markup

INJECTION = """# {{ brief.title }}

<b>bold?</b> <w:p><w:r><w:t>injected</w:t></w:r></w:p> <font color=red>red?</font>

<a href="javascript:alert(1)">anchor</a> [md link](javascript:alert(2)) [fine](https://example.org/)

<script>alert(3)</script>
"""


def test_template_output_cannot_inject_renderer_markup(tmp_path):
    folder = with_template(tmp_path, "brief.md.j2", INJECTION)
    out = tmp_path / "out"
    result = run_brief("generate", str(SAMPLE), "-f", "docx", "-f", "pdf", "-f", "html", "-o", str(out),
                       "--template-dir", str(folder))
    assert result.returncode == 0, result.stderr.decode()

    document = docx.Document(str(out / f"{SLUG}.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "<b>bold?</b> <w:p><w:r><w:t>injected</w:t></w:r></w:p> <font color=red>red?</font>" in text
    assert '<a href="javascript:alert(1)">anchor</a> [md link](javascript:alert(2)) fine' in text
    assert "<script>alert(3)</script>" in text
    links = [r.target_ref for r in document.part.rels.values() if r.reltype.endswith("/hyperlink")]
    assert links == ["https://example.org/"]
    with zipfile.ZipFile(out / f"{SLUG}.docx") as archive:
        xml = archive.read("word/document.xml")
    assert b"<w:t>injected" not in xml and b"&lt;w:t&gt;injected" in xml

    pdftotext = require_tool("pdftotext")
    pdf_text = subprocess.run([pdftotext, str(out / f"{SLUG}.pdf"), "-"], capture_output=True,
                              check=True).stdout.decode()
    flat = " ".join(pdf_text.split())
    assert "<b>bold?</b> <w:p><w:r><w:t>injected</w:t></w:r></w:p> <font color=red>red?</font>" in flat
    assert '<a href="javascript:alert(1)">anchor</a> [md link](javascript:alert(2)) fine' in flat
    import pikepdf  # the file packs its objects in compressed streams: read them back, not its bytes

    with pikepdf.open(out / f"{SLUG}.pdf") as pdf:
        uris = [str(annotation.A.URI) for page in pdf.pages for annotation in page.obj.get("/Annots", [])
                if "/A" in annotation and "/URI" in annotation.A]
    assert uris == ["https://example.org/"]

    html = (out / f"{SLUG}.html").read_text()
    assert "&lt;b&gt;bold?&lt;/b&gt;" in html and "&lt;script&gt;alert(3)" in html
    assert "<b>bold?</b>" not in html and "<script>alert(3)" not in html and 'href="javascript' not in html


# --------------------------------------------------------------------------- --classification, --reference-docx


@pytest.mark.parametrize("value", ["TWO\nLINES", "X" * 121, "TAB\tHERE"])
def test_a_bad_classification_is_a_usage_error(tmp_path, value):
    result = run_brief("generate", str(SAMPLE), "-o", str(tmp_path / "out"), "--classification", value)
    assert result.returncode == 2
    lines = stderr_lines(result)
    assert len(lines) == 1 and "--classification" in lines[0] and "120" in lines[0]
    assert not (tmp_path / "out").exists()


def test_classification_marks_the_pdf(tmp_path):
    result = run_brief("generate", str(SAMPLE), "-f", "pdf", "-o", str(tmp_path / "out"),
                       "--classification", "OFFICIAL-SENSITIVE")
    assert result.returncode == 0, result.stderr.decode()
    pdftotext = require_tool("pdftotext")
    pages = subprocess.run([pdftotext, str(tmp_path / "out" / f"{SLUG}.pdf"), "-"], capture_output=True,
                           check=True).stdout.decode().split("\f")
    pages = [p for p in pages if p.strip()]
    assert pages and all("OFFICIAL-SENSITIVE" in page for page in pages)


@pytest.mark.parametrize("content", [None, b"not a zip", "folder"])
def test_a_bad_reference_docx_is_a_usage_error(tmp_path, content):
    path = tmp_path / "ref.docx"
    if content == "folder":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    result = run_brief("generate", str(SAMPLE), "-f", "docx", "-o", str(tmp_path / "out"), "--reference-docx", str(path))
    assert result.returncode == 2
    lines = stderr_lines(result)
    assert len(lines) == 1 and "--reference-docx" in lines[0] and str(path) in lines[0]


def test_the_reference_docx_reaches_the_docx(tmp_path):
    reference = docx.Document()
    reference.sections[0].header.paragraphs[0].text = "HOUSE HEADER"
    reference.save(str(tmp_path / "ref.docx"))
    result = run_brief("generate", str(SAMPLE), "-f", "docx", "-o", str(tmp_path / "out"),
                       "--reference-docx", str(tmp_path / "ref.docx"))
    assert result.returncode == 0, result.stderr.decode()
    document = docx.Document(str(tmp_path / "out" / f"{SLUG}.docx"))
    header = " ".join(p.text for s in document.sections for p in s.header.paragraphs)
    assert "HOUSE HEADER" in header


# --------------------------------------------------------------------------- packs


def write_pack(tmp_path: Path, templates: Path | None) -> Path:
    articles = tmp_path / "articles"
    articles.mkdir(exist_ok=True)
    (articles / "a.txt").write_bytes(SAMPLE.read_bytes())
    path = tmp_path / "daily.toml"
    line = f'templates = "{templates}"\n' if templates else ""
    path.write_text(f'name = "Test daily"\nsources = ["{articles}/"]\nformats = ["md"]\noutput = "{tmp_path / "out"}"\n'
                    f'{line}', encoding="utf-8")
    return path


def run_pack(path: Path, *args: str) -> subprocess.CompletedProcess:
    return run_brief("pack", "run", str(path), "--date", "2026-03-04", *args)


def pack_markdown(tmp_path: Path) -> str:
    return (tmp_path / "out" / "test-daily" / "2026-03-04" / "test-daily-2026-03-04.md").read_text()


def test_a_packs_templates_folder_is_used_and_is_part_of_the_run_key(tmp_path):
    folder = with_template(tmp_path, "_brief_body.md.j2", "{{ h(level) }} House body\n\nVersion one.\n")
    path = write_pack(tmp_path, folder)
    first = run_pack(path)
    assert first.returncode == 0, first.stderr.decode()
    assert "Version one." in pack_markdown(tmp_path) and "## Top stories" in pack_markdown(tmp_path)
    again = run_pack(path)
    assert again.returncode == 0 and again.stdout == b"" and "up to date" in again.stderr.decode()
    # A changed user template (one the built-in pack.md.j2 includes) builds the pack again.
    (folder / "_brief_body.md.j2").write_text("{{ h(level) }} House body\n\nVersion two.\n", encoding="utf-8")
    rebuilt = run_pack(path)
    assert rebuilt.returncode == 0, rebuilt.stderr.decode()
    assert rebuilt.stdout and "up to date" not in rebuilt.stderr.decode()
    assert "Version two." in pack_markdown(tmp_path)


def test_pack_run_template_dir_overrides_the_pack_file(tmp_path):
    path = write_pack(tmp_path, None)
    assert run_pack(path).returncode == 0
    folder = with_template(tmp_path, "pack.md.j2", "# {{ pack.name }}\n\nHOUSE PACK\n")
    result = run_pack(path, "--template-dir", str(folder))
    assert result.returncode == 0, result.stderr.decode()
    assert pack_markdown(tmp_path) == "# Test daily\n\nHOUSE PACK\n"


def test_a_broken_pack_template_is_reported_before_any_article_is_read(tmp_path):
    folder = with_template(tmp_path, "pack.md.j2", '# {{ pack.name }}\n{% include "_extra.md.j2" %}\n')
    (folder / "_extra.md.j2").write_text("fine\n{% if %}\n", encoding="utf-8")
    result = run_pack(write_pack(tmp_path, folder))
    assert_one_template_error(result, folder / "_extra.md.j2", "line 2", "syntax error")
    assert not (tmp_path / "out" / "test-daily" / "2026-03-04").exists()
    folder.joinpath("_extra.md.j2").write_text("{{ pack.nmae }}\n", encoding="utf-8")
    result = run_pack(write_pack(tmp_path, folder))
    assert_one_template_error(result, folder / "_extra.md.j2", "line 1", "nmae")


def test_a_packs_templates_key_must_name_a_folder(tmp_path):
    path = write_pack(tmp_path, tmp_path / "nowhere")
    result = run_pack(path)
    assert result.returncode == 2  # a settings error
    lines = stderr_lines(result)
    assert len(lines) == 1 and lines[0].startswith(f"brief: {path}:5: templates: ")


def test_template_hash_covers_what_the_pack_uses(tmp_path):
    from pipeline.packs.build import template_hash

    builtin = template_hash()
    folder = tmp_path / "house"
    folder.mkdir()
    assert template_hash(folder) == builtin  # an empty folder changes nothing
    (folder / "email.md.j2").write_text("not used by the pack document\n", encoding="utf-8")
    assert template_hash(folder) == builtin
    (folder / "pack.md.j2").write_text((TEMPLATES_DIR / "pack.md.j2").read_text() + '{% include "_x.md.j2" %}\n',
                                       encoding="utf-8")
    (folder / "_x.md.j2").write_text("one\n", encoding="utf-8")
    with_include = template_hash(folder)
    assert with_include != builtin
    (folder / "_x.md.j2").write_text("two\n", encoding="utf-8")
    assert template_hash(folder) != with_include  # a user-only include is covered too


# --------------------------------------------------------------------------- the command line stays light


def test_help_does_not_import_jinja2():
    code = "import sys, pipeline.cli; print(sorted(m for m in ('jinja2', 'pipeline.compose.templates') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, check=True)
    assert json.loads(result.stdout.decode().replace("'", '"')) == []


@pytest.mark.parametrize("command", [["templates"], ["templates", "list"], ["templates", "show"],
                                     ["templates", "init"]])
def test_help_on_the_templates_commands(command):
    result = run_brief(*command, "--help")
    assert result.returncode == 0 and result.stdout.decode().startswith("Usage: brief templates")


def test_a_syntax_error_is_reported_before_any_input_is_read(tmp_path):
    folder = with_template(tmp_path, "_brief_body.md.j2", "{{ h(level) }} Body\n{% for p in brief.people %}\n")
    result = run_brief("generate", str(tmp_path / "missing.txt"), "-f", "md", "-o", str(tmp_path / "out"),
                       "--template-dir", str(folder))
    assert_one_template_error(result, folder / "_brief_body.md.j2", "line 2", "syntax error")


def test_the_sandbox_short_cut_allows_exactly_what_the_sandbox_allows():
    """Fields of the model skip the sandbox's checks; for every attribute of every model object
    a pack's templates see, the answer is the plain sandbox's."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from pipeline.compose.layout import Furniture, template_environment
    from pipeline.extract import extract
    from pipeline.model import Pack, PackEntry, PackFailure
    from pipeline.readers import read_bytes

    brief = extract(read_bytes(SAMPLE.read_bytes(), SAMPLE.name))
    pack = Pack("Daily", "2026-03-04", entries=[PackEntry(brief, True)], failures=[PackFailure("x.txt", "empty")])
    objects = [pack, pack.entries[0], pack.failures[0], brief, brief.people[0], brief.quotes[0],
               brief.commitments[0], brief.organisations[0], brief.key_facts[0], Furniture()]
    plain, quick = ImmutableSandboxedEnvironment(), template_environment(TEMPLATES_DIR)
    checked = 0
    for obj in objects:
        for attr in dir(obj):
            value = getattr(obj, attr)
            assert quick.is_safe_attribute(obj, attr, value) == plain.is_safe_attribute(obj, attr, value), attr
            checked += 1
    assert checked > 200
    assert not quick.is_safe_attribute(brief, "__dict__", brief.__dict__)

"""Files on disk: format by extension, refusals of what is not a regular file, and the
expansion of command-line inputs."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from pipeline.errors import BriefError
from pipeline.readers import (EXTENSION_FORMATS, READERS, expand_sources, format_for, read_bytes, read_path,
                              read_source)

MARKDOWN = b"# Heading Title\n\n*Emphasised standfirst*\n\nBody **bold** text.\n"


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    for name in ["b.txt", "a.md", "c.markdown", "d.TXT", "notes.docx", "e.text", ".hidden.txt"]:
        (tmp_path / name).write_bytes(b"Title\n\nBody.\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "inner.txt").write_bytes(b"Inner\n\nBody.\n")
    return tmp_path


# --------------------------------------------------------------------------- formats


def test_registry_is_data():
    assert set(READERS) == {"text", "markdown", "html", "feed-summary"}
    assert set(EXTENSION_FORMATS.values()) <= set(READERS)


@pytest.mark.parametrize("name, fmt", [("a.txt", "text"), ("a.text", "text"), ("README", "text"),
                                       ("a.md", "markdown"), ("A.MARKDOWN", "markdown"),
                                       ("a.html", "html"), ("a.HTM", "html"), ("a.doc", "text"),
                                       ("-", "text")])
def test_format_from_extension(name, fmt):
    assert format_for(name) == fmt


def test_markdown_extension_selects_the_markdown_reader():
    assert read_bytes(MARKDOWN, "a.md").title == "Heading Title"
    assert read_bytes(MARKDOWN, "a.txt").title == "# Heading Title"


def test_explicit_format_overrides_the_extension():
    assert read_bytes(MARKDOWN, "a.txt", fmt="markdown").title == "Heading Title"
    assert read_bytes(MARKDOWN, "-", fmt="md").standfirst == "Emphasised standfirst"


def test_unknown_format_is_an_error():
    with pytest.raises(BriefError) as caught:
        read_bytes(MARKDOWN, "a.txt", fmt="docx")
    assert "unknown format" in caught.value.problem
    assert "markdown, text" in caught.value.hint


def test_unknown_extension_is_read_as_text_with_a_warning():
    warnings: list[str] = []
    article = read_bytes(b"Title\n\nBody.", "a.rtf", warnings=warnings)
    assert article.title == "Title"
    assert warnings == ["unrecognised extension '.rtf'; read as plain text"]


# --------------------------------------------------------------------------- read_path


def test_read_path_reads_a_file_and_records_the_name_given(tmp_path: Path):
    path = tmp_path / "a.md"
    path.write_bytes(MARKDOWN)
    article = read_path(path)
    assert article.title == "Heading Title"
    assert article.source.path == str(path)


def test_missing_file(tmp_path: Path):
    with pytest.raises(BriefError) as caught:
        read_path(tmp_path / "nope.txt")
    assert caught.value.problem == "no such file"


def test_folder_is_not_a_file(tmp_path: Path):
    with pytest.raises(BriefError) as caught:
        read_path(tmp_path)
    assert caught.value.problem == "is a folder, not a file"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_is_refused_without_blocking(tmp_path: Path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(BriefError) as caught:
        read_path(fifo)  # would hang forever if it were opened for a blocking read
    assert "not a regular file" in caught.value.problem


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can read anything")
def test_unreadable_file(tmp_path: Path):
    path = tmp_path / "secret.txt"
    path.write_bytes(b"Title\n")
    path.chmod(0)
    try:
        with pytest.raises(BriefError) as caught:
            read_path(path)
        assert caught.value.problem == "permission denied"
    finally:
        path.chmod(0o600)


def test_oversized_file_is_refused_before_reading(tmp_path: Path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"Title\n\n" + b"x" * 2000)
    with pytest.raises(BriefError) as caught:
        read_path(path, max_bytes=1000)
    assert caught.value.problem == "is 2,007 bytes, over the 1,000 bytes input limit"


def test_read_source_reads_standard_input():
    warnings: list[str] = []
    article = read_source("-", warnings=warnings, stdin=io.BytesIO(b"From stdin\n\nBody."))
    assert article.title == "From stdin"
    assert article.source.path == "-"


def test_read_source_limits_standard_input():
    with pytest.raises(BriefError) as caught:
        read_source("-", stdin=io.BytesIO(b"x" * 5000), max_bytes=100)
    assert "over the 100 bytes input limit" in caught.value.problem


# --------------------------------------------------------------------------- expand_sources


def test_folder_gives_its_articles_sorted_not_hidden_and_not_recursive(folder: Path):
    assert expand_sources([str(folder)]) == [folder / "a.md", folder / "b.txt", folder / "c.markdown",
                                             folder / "d.TXT"]


def test_glob_gives_sorted_matches(folder: Path):
    assert expand_sources([str(folder / "*.txt")]) == [folder / "b.txt"]
    assert expand_sources([str(folder / "[ab].*")]) == [folder / "a.md", folder / "b.txt"]


def test_files_are_kept_whatever_their_extension_and_stdin_stays(folder: Path):
    assert expand_sources([str(folder / "notes.docx"), "-", str(folder / "e.text")]) == [
        folder / "notes.docx", "-", folder / "e.text"]


def test_duplicates_are_dropped_keeping_the_first(folder: Path):
    spelt_twice = str(folder / "sub" / ".." / "b.txt")
    result = expand_sources([str(folder / "b.txt"), str(folder), spelt_twice, "-", "-"])
    assert result == [folder / "b.txt", folder / "a.md", folder / "c.markdown", folder / "d.TXT", "-"]


def test_expansion_is_deterministic(folder: Path):
    specs = [str(folder / "*"), str(folder)]
    assert expand_sources(specs) == expand_sources(specs)


@pytest.mark.parametrize("spec, problem", [("missing.txt", "no such file or folder"),
                                           ("*.nothing-matches", "matches no files")])
def test_a_spec_that_names_nothing_is_an_error(tmp_path: Path, spec, problem):
    full = str(tmp_path / spec)
    with pytest.raises(BriefError) as caught:
        expand_sources(["-", full])
    assert caught.value.subject == full
    assert caught.value.problem == problem


def test_a_folder_without_articles_is_an_error(tmp_path: Path):
    (tmp_path / "image.png").write_bytes(b"x")
    with pytest.raises(BriefError) as caught:
        expand_sources([str(tmp_path)])
    assert caught.value.subject == str(tmp_path)

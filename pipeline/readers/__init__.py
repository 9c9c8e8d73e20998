"""Readers: from the bytes of an article file to an `Article`.

Every reader is a pure function of the input bytes (plus the format and encoding chosen):
the same bytes always give the same article and the same warnings. Steps, in order:

1. `decode.decode`: size limit, binary refusal, strict decoding (BOM, UTF-8 or --encoding),
   empty-input refusal, C1-control warning.
2. `decode.normalise`: newlines to LF (VT, NEL, LS too; FF and PS become a blank line), then
   characters no document can hold become U+FFFD, counted in a warning. Tabs are kept.
3. The format's reader (`READERS`) finds the title, standfirst and blocks.

Warnings are appended to the caller's list as plain sentences, without the "brief:" prefix
or the file name (the caller knows which file it is reading).
"""

from __future__ import annotations

import glob
import hashlib
import os
import stat
import sys
from pathlib import Path, PurePath
from typing import BinaryIO, Callable

from pipeline.errors import BriefError
from pipeline.model import Article, Source
from pipeline.readers.decode import MAX_ARTICLE_CHARS, MAX_INPUT_BYTES, decode, describe_size, normalise
from pipeline.readers.html import decode_html, read_html, read_summary
from pipeline.readers.markdown import read_markdown
from pipeline.readers.text import read_text
from pipeline.text import replace_illegal

STDIN = "-"

Reader = Callable[[str, Source, list[str]], Article]

READERS: dict[str, Reader] = {
    "text": read_text,
    "markdown": read_markdown,
    "html": read_html,
    "feed-summary": read_summary,
}

# Extension (lower case, with the dot; "" for none) to format. Unknown extensions read as text.
EXTENSION_FORMATS: dict[str, str] = {
    "": "text",
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}

# Other names accepted for a format given explicitly.
FORMAT_ALIASES: dict[str, str] = {"txt": "text", "md": "markdown", "htm": "html"}

# What a folder given on the command line contributes.
FOLDER_EXTENSIONS: tuple[str, ...] = (".txt", ".md", ".markdown", ".html", ".htm")

_GLOB_CHARACTERS = set("*?[")

# Web sources: told apart by their spelling alone, so that reading local files never imports
# the web modules.
FEED_PREFIX = "feed:"
FEED_EXTENSIONS: tuple[str, ...] = (".rss", ".atom", ".xml", ".rdf")


def is_web_source(spec: str) -> bool:
    """True for an http(s) address, a `feed:` source, or a file with a feed's extension."""
    lowered = spec[:8].lower()
    return (lowered.startswith(("http://", "https://", FEED_PREFIX))
            or (PurePath(spec).suffix.lower() in FEED_EXTENSIONS and os.path.isfile(spec)))

__all__ = ["EXTENSION_FORMATS", "FEED_EXTENSIONS", "FEED_PREFIX", "FOLDER_EXTENSIONS", "MAX_INPUT_BYTES", "READERS",
           "STDIN", "expand_sources", "format_for", "is_web_source", "read_bytes", "read_path", "read_source"]


# --------------------------------------------------------------------------- reading


def read_bytes(data: bytes, name: str, fmt: str | None = None, encoding: str | None = None,
               warnings: list[str] | None = None, *, max_bytes: int = MAX_INPUT_BYTES,
               charset: str | None = None, source: Source | None = None) -> Article:
    """The article in `data`. `name` is used in messages and as Source.path ("-" for stdin);
    the format comes from `fmt`, or else from the extension of `name`. `charset` is what a web
    server said the encoding is; `source` is what is already known of where the bytes came from."""
    warnings = [] if warnings is None else warnings
    resolved = _resolve_format(name, fmt, warnings)
    reader = READERS[resolved]
    if resolved in ("html", "feed-summary"):
        decoded = decode_html(data, name, encoding, warnings, max_bytes, charset)
    else:
        decoded = decode(data, name, encoding, warnings, max_bytes)
    text = normalise(decoded, warnings)
    if source is None:
        # The name is shown in documents: it must be as safe as article text.
        source = Source(path=replace_illegal(name)[0])
    source.sha256 = hashlib.sha256(data).hexdigest()
    article = reader(text, source, warnings)
    size = len(article.title) + len(article.standfirst or "") + sum(len(block.text) for block in article.blocks)
    if size > MAX_ARTICLE_CHARS:
        raise BriefError(name, f"holds {size:,} characters of text; an article of more than "
                               f"{MAX_ARTICLE_CHARS:,} is not briefed", "check that the file is one article, or split it")
    return article


def read_path(path: Path, encoding: str | None = None, warnings: list[str] | None = None,
              *, max_bytes: int = MAX_INPUT_BYTES) -> Article:
    """The article in the file at `path`, its format taken from the extension."""
    data = _read_regular_file(Path(path), max_bytes)
    return read_bytes(data, str(path), None, encoding, warnings, max_bytes=max_bytes)


def read_source(source: Path | str, encoding: str | None = None, warnings: list[str] | None = None,
                *, fmt: str | None = None, stdin: BinaryIO | None = None,
                max_bytes: int = MAX_INPUT_BYTES) -> Article:
    """Read one entry of `expand_sources`: a path, or "-" for standard input (plain text
    unless `fmt` says otherwise)."""
    if source == STDIN:
        stream = stdin if stdin is not None else getattr(sys.stdin, "buffer", None)
        if stream is None:
            raise BriefError("-", "standard input is closed", "pipe an article in, or name a file")
        # One byte over the limit is enough to know the input is too large.
        return read_bytes(stream.read(max_bytes + 1), STDIN, fmt, encoding, warnings, max_bytes=max_bytes)
    if fmt is not None:
        data = _read_regular_file(Path(source), max_bytes)
        return read_bytes(data, str(source), fmt, encoding, warnings, max_bytes=max_bytes)
    return read_path(Path(source), encoding, warnings, max_bytes=max_bytes)


def format_for(name: str) -> str:
    """The format a file name implies: by extension, plain text when unknown."""
    if name == STDIN:
        return "text"
    return EXTENSION_FORMATS.get(PurePath(name).suffix.lower(), "text")


def _resolve_format(name: str, fmt: str | None, warnings: list[str]) -> str:
    if fmt is not None:
        resolved = FORMAT_ALIASES.get(fmt.lower(), fmt.lower())
        if resolved not in READERS:
            raise BriefError(name, f"unknown format {fmt!r}", f"use one of: {', '.join(sorted(READERS))}")
        return resolved
    suffix = PurePath(name).suffix.lower() if name != STDIN else ""
    if suffix not in EXTENSION_FORMATS:
        warnings.append(f"unrecognised extension {suffix!r}; read as plain text")
    return format_for(name)


def _read_regular_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file, or a BriefError. The file is opened without blocking and
    checked through its descriptor, so a FIFO or device can neither hang the run nor slip in
    between a check and the read."""
    name = str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _open_error(name, exc) from None
    try:
        info = os.fstat(fd)
        _check_regular(name, info, max_bytes)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(max_bytes + 1)  # the file may have grown since fstat
    except OSError as exc:
        raise BriefError(name, f"cannot be read ({exc.strerror or exc})", "check the file and try again") from None
    finally:
        os.close(fd)


def _check_regular(name: str, info: os.stat_result, max_bytes: int) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise BriefError(name, "is a folder, not a file", "name the files inside it, or pass the folder on the command line")
    if not stat.S_ISREG(info.st_mode):
        raise BriefError(name, "is not a regular file (a pipe, device or socket)",
                         "save the article to a file, or pipe it to standard input as '-'")
    if info.st_size > max_bytes:
        raise BriefError(name, f"is {describe_size(info.st_size)}, over the {describe_size(max_bytes)} input limit",
                         "a news article is far smaller; check that this is the right file")


def _open_error(name: str, exc: OSError) -> BriefError:
    if isinstance(exc, (FileNotFoundError, NotADirectoryError)):
        return BriefError(name, "no such file", "check the path")
    if isinstance(exc, PermissionError):
        return BriefError(name, "permission denied", "check the file's permissions")
    return BriefError(name, f"cannot be opened ({exc.strerror or exc})", "check the path")


# --------------------------------------------------------------------------- command-line sources


def expand_sources(specs: list[str]) -> list[Path | str]:
    """The inputs named on the command line, in the order given.

    A file is kept as it is (whatever its extension); a folder gives its *.txt, *.md and
    *.markdown files (not recursive, not hidden); a glob gives its matches; "-" stays "-". Each folder
    and glob expands in sorted order (by code point, so the result does not depend on the
    locale), and an input named twice (even spelt differently) is read once, where it
    first appears. A spec that names nothing is an error.
    """
    expanded: list[Path | str] = []
    seen: set[str] = set()
    for spec in specs:
        for source in _expand_one(spec):
            key = STDIN if source == STDIN else os.path.realpath(source)
            if key not in seen:
                seen.add(key)
                expanded.append(source)
    return expanded


def _expand_one(spec: str) -> list[Path | str]:
    if spec == STDIN:
        return [STDIN]
    path = Path(spec)
    if path.is_dir():
        found = _articles_in_folder(path)
        if not found:
            raise BriefError(spec, f"folder has no {', '.join(FOLDER_EXTENSIONS)} files",
                             "name the files to read, or choose another folder")
        return found
    if os.path.lexists(path):
        return [path]  # any kind of file: read_path says what is wrong with it, if anything
    if _GLOB_CHARACTERS & set(spec):
        matches = _glob_matches(spec)
        if matches:
            return matches
        raise BriefError(spec, "matches no files", "check the pattern, and quote it if the shell expanded it")
    raise BriefError(spec, "no such file or folder", "check the path")


def _articles_in_folder(folder: Path) -> list[Path | str]:
    # Hidden files are skipped, as the shell's * and glob() skip them.
    files = [entry for entry in folder.iterdir()
             if entry.suffix.lower() in FOLDER_EXTENSIONS and not entry.name.startswith(".") and entry.is_file()]
    return sorted(files, key=str)


def _glob_matches(pattern: str) -> list[Path | str]:
    found: list[Path | str] = []
    for match in sorted(glob.glob(pattern)):
        path = Path(match)
        found.extend(_articles_in_folder(path) if path.is_dir() else [path])
    return found

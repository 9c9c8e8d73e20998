"""Finding font files on this machine, for writers that embed fonts (the PDF writer).

A theme names fonts by family ("DejaVu Sans") or by path. A family is looked up first by file
name in the usual font folders, which is fast and needs no tools; only a family not found that
way is asked of fontconfig (`fc-match`), whose answer is kept only when it really is the family
asked for, because fc-match always answers with *some* font.

Only fonts reportlab can embed are returned: TrueType outlines, in a .ttf, an .otf or a face
of a .ttc collection. OpenType fonts with PostScript (CFF) outlines, which includes most .otf
files and the Noto CJK collections of fonts-noto-cjk, are skipped: reportlab cannot draw them.

This module must not import reportlab, so that callers which only want a path stay cheap.
"""

from __future__ import annotations

import functools
import os
import re
import struct
import subprocess
from pathlib import Path
from typing import Iterator, NamedTuple

FONT_SUFFIXES = (".ttf", ".otf")
COLLECTION_SUFFIX = ".ttc"
FC_MATCH_TIMEOUT_S = 5


def font_dirs() -> tuple[Path, ...]:
    home = Path.home()
    return (Path("/usr/share/fonts/truetype"), Path("/usr/share/fonts/opentype"),
            Path("/usr/local/share/fonts"), home / ".fonts", home / ".local/share/fonts")


# File-name endings for each style, lower case, as font packages spell them
# ("DejaVuSans-BoldOblique", "NotoSans-Italic", "LiberationSans-Regular", "FreeSansBold").
_STYLE_ENDINGS: dict[tuple[bool, bool], tuple[str, ...]] = {
    (False, False): ("", "regular", "book", "roman", "normal"),
    (True, False): ("bold",),
    (False, True): ("italic", "oblique"),
    (True, True): ("bolditalic", "boldoblique"),
}
_SEPARATORS = ("-", "_", "")
_REGULAR_ENDING = re.compile(r"[-_]?(regular|book|roman|normal)$", re.IGNORECASE)

_TRUETYPE_TAGS = (b"\x00\x01\x00\x00", b"true")
_CFF_TAG = b"OTTO"
_COLLECTION_TAG = b"ttcf"


class FontFace(NamedTuple):
    """One embeddable face: a file and, for a .ttc collection, which font inside it."""

    path: Path
    index: int = 0


def find_font(name_or_path: str, bold: bool = False, italic: bool = False) -> Path | None:
    """The file of a font family's style, or of a font given by path; None when not found."""
    face = find_font_face(name_or_path, bold, italic)
    return face.path if face else None


@functools.lru_cache(maxsize=None)
def find_font_face(name_or_path: str, bold: bool = False, italic: bool = False) -> FontFace | None:
    """Like `find_font`, with the face index a .ttc collection needs."""
    if looks_like_path(name_or_path):
        return _face_from_path(Path(name_or_path).expanduser(), bold, italic)
    family_files = _files_named_after(name_or_path)
    if family_files:
        # The family is installed under its own name: its files are the whole truth, so a
        # missing bold stays missing rather than becoming whatever fc-match substitutes.
        return family_files.get((bold, italic))
    return _face_from_fc_match(name_or_path, bold, italic)


def looks_like_path(name_or_path: str) -> bool:
    lowered = name_or_path.lower()
    return ("/" in name_or_path or os.sep in name_or_path
            or lowered.endswith(FONT_SUFFIXES + (COLLECTION_SUFFIX,)))


FONT_MAX_BYTES = 100_000_000  # the largest CJK collections are about 30 MB


def unusable_reason(path: Path, index: int = 0) -> str | None:
    """Why reportlab cannot embed this face, or None when it can. Only a regular file of at
    most FONT_MAX_BYTES is opened, and only its first bytes are read."""
    from pipeline.compose.theme import regular_file_problem

    problem = regular_file_problem(path, FONT_MAX_BYTES)
    if problem is not None:
        return problem
    try:
        with path.open("rb") as handle:
            tag = handle.read(4)
            if tag == _COLLECTION_TAG:
                tag = _collection_face_tag(handle, index)
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    except (struct.error, ValueError):
        return "is a damaged font collection"
    if tag in _TRUETYPE_TAGS:
        return None
    if tag == _CFF_TAG:
        return "has PostScript (CFF) outlines, which the PDF writer cannot embed; use a TrueType font"
    return "is not a TrueType font"


def _collection_face_tag(handle, index: int) -> bytes:
    handle.seek(8)
    (count,) = struct.unpack(">I", handle.read(4))
    if not 0 <= index < count:
        raise ValueError(f"no face {index} in a collection of {count}")
    handle.seek(12 + 4 * index)
    (offset,) = struct.unpack(">I", handle.read(4))
    handle.seek(offset)
    return handle.read(4)


def _face_from_path(path: Path, bold: bool, italic: bool) -> FontFace | None:
    """A font given by path is used as is; its bold or italic only from a sibling file named
    like it ("MyFont-Regular.ttf" -> "MyFont-Bold.ttf"), else None so the caller falls back."""
    if not path.is_file():
        return None
    if (bold, italic) != (False, False):
        path = _sibling_style(path, bold, italic)
        if path is None:
            return None
    return FontFace(path) if unusable_reason(path) is None else None


def _sibling_style(path: Path, bold: bool, italic: bool) -> Path | None:
    base = _REGULAR_ENDING.sub("", path.stem).lower()
    wanted = {base + separator + ending
              for ending in _STYLE_ENDINGS[(bold, italic)] for separator in _SEPARATORS}
    siblings = sorted(p for p in path.parent.iterdir() if p.suffix.lower() == path.suffix.lower())
    return next((p for p in siblings if p.stem.lower() in wanted), None)


def _compact(family: str) -> str:
    """A family name as it appears in file names: "Noto Sans Symbols 2" -> "notosanssymbols2"."""
    return re.sub(r"[\s\-_]", "", family).lower()


def _files_named_after(family: str) -> dict[tuple[bool, bool], FontFace]:
    """The family's usable files by (bold, italic), from file names alone."""
    index = _font_file_index()
    compact = _compact(family)
    found: dict[tuple[bool, bool], FontFace] = {}
    for style, endings in _STYLE_ENDINGS.items():
        stems = [compact + separator + ending if ending else compact
                 for ending in endings for separator in (_SEPARATORS if ending else ("",))]
        path = next((index[stem] for stem in stems
                     if stem in index and unusable_reason(index[stem]) is None), None)
        if path is not None:
            found[style] = FontFace(path)
    return found


@functools.lru_cache(maxsize=1)
def _font_file_index() -> dict[str, Path]:
    """Every .ttf/.otf under the font folders, by lower-case file stem; built once per
    process. The first folder wins when two hold the same name, except that a .ttf beats an
    .otf: the .otf of a family packaged both ways usually has CFF outlines."""
    index: dict[str, Path] = {}
    for folder in font_dirs():
        for path in _walk_font_files(folder):
            key = path.stem.lower()
            if key not in index or (index[key].suffix.lower() == ".otf" and path.suffix.lower() == ".ttf"):
                index[key] = path
    return index


def _walk_font_files(folder: Path) -> Iterator[Path]:
    """Font files under a folder in a stable order, following symlinked folders once each."""
    seen: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(folder, followlinks=True):
        try:
            stat = os.stat(root)
        except OSError:
            continue
        if (stat.st_dev, stat.st_ino) in seen:
            dirs.clear()
            continue
        seen.add((stat.st_dev, stat.st_ino))
        dirs.sort()
        for name in sorted(files):
            if name.lower().endswith(FONT_SUFFIXES):
                yield Path(root) / name


def _face_from_fc_match(family: str, bold: bool, italic: bool) -> FontFace | None:
    answer = _fc_match(_fc_pattern(family, bold, italic))
    if answer is None:
        return None
    path_text, index_text, families, style = answer
    if _compact(family) not in {_compact(name) for name in families.split(",")}:
        return None
    if not _style_matches(style, bold, italic):
        return None  # fontconfig synthesises a missing bold or italic from the regular file
    path = Path(path_text)
    index = int(index_text) if index_text.isdigit() else 0
    suffix = path.suffix.lower()
    if suffix not in FONT_SUFFIXES + (COLLECTION_SUFFIX,) or unusable_reason(path, index):
        return None
    return FontFace(path, index)


def _fc_pattern(family: str, bold: bool, italic: bool) -> str:
    escaped = re.sub(r"([\\\-:,])", r"\\\1", family)
    return escaped + (":bold" if bold else "") + (":italic" if italic else "")


def _style_matches(style: str, bold: bool, italic: bool) -> bool:
    names = style.lower()
    is_bold = any(word in names for word in ("bold", "black", "heavy"))
    is_italic = "italic" in names or "oblique" in names
    return is_bold == bold and is_italic == italic


def _fc_match(pattern: str) -> tuple[str, str, str, str] | None:
    """fc-match's answer as (file, index, families, style); None when fc-match is missing,
    slow or says nothing useful."""
    try:
        result = subprocess.run(["fc-match", "-f", "%{file}\t%{index}\t%{family}\t%{style}", pattern],
                                capture_output=True, text=True, timeout=FC_MATCH_TIMEOUT_S)
    except (OSError, subprocess.SubprocessError):
        return None
    fields = result.stdout.split("\t")
    if result.returncode != 0 or len(fields) != 4 or not fields[0]:
        return None
    return fields[0], fields[1], fields[2], fields[3]

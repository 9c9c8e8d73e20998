"""Text hygiene shared by readers, extraction and writers: what may reach a document, a file
name or a header, and in what form."""

from __future__ import annotations

import re
import unicodedata

REPLACEMENT = "\ufffd"

# Line and paragraph separators are mapped before anything else, so one rule holds for every
# input: LF, CR, CRLF, NEL, LS and VT end a line; FF and PS end a paragraph.
_LINE_BREAKS = re.compile("\r\n|[\r\x85\u2028\x0b]")
_PARAGRAPH_BREAKS = re.compile("[\x0c\u2029]")

# XML 1.0 forbids most C0 controls, U+FFFE/U+FFFF and lone surrogates. C1 controls are legal
# but are invisible garbage in every document format (typically cp1252 read as Latin-1).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff\ud800-\udfff]")

# Bidi embedding/override/isolate controls can make "exe.pdf" display as "pdf.exe".
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")

# Characters that `str.strip()` keeps but a reader sees as nothing.
_BLANK = re.compile(r"^[\s\u00a0\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]*$")


def normalise_newlines(text: str) -> str:
    text = _LINE_BREAKS.sub("\n", text)
    return _PARAGRAPH_BREAKS.sub("\n\n", text)


def replace_illegal(text: str) -> tuple[str, int]:
    """Replace characters no document may hold with U+FFFD. Returns the text and the count."""
    count = 0

    def sub(_match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return REPLACEMENT

    return _ILLEGAL.sub(sub, text), count


def is_blank(text: str) -> bool:
    return bool(_BLANK.match(text))


def clean_line(text: str) -> str:
    """One tidy line for titles, names, file names and headers: no controls, no bidi
    overrides, no invisible characters, single spaces."""
    text = unicodedata.normalize("NFC", text)
    text = _BIDI.sub("", text)
    text = _INVISIBLE.sub("", text)
    text = _ILLEGAL.sub("", text)
    return _SPACES.sub(" ", text).strip()


def title_warning(title: str) -> str | None:
    """What a document's title loses to `clean_line`, said as a warning: bidi controls (which
    can make "exe.pdf" display as "pdf.exe"), invisible and control characters. None when
    nothing is removed."""
    text = unicodedata.normalize("NFC", title)
    bidi = len(_BIDI.findall(text))
    other = len(_INVISIBLE.findall(text)) + len(_ILLEGAL.findall(text))
    if not bidi and not other:
        return None
    kinds = []
    if bidi:
        kinds.append(f"{bidi} bidi control character{'s' if bidi != 1 else ''}")
    if other:
        kinds.append(f"{other} invisible or control character{'s' if other != 1 else ''}")
    return (f"the document title and file name leave out {' and '.join(kinds)} found in the title "
            f"{clean_line(title)[:80]!r}")


SAFE_LINK_SCHEMES = ("http://", "https://", "mailto:")


def is_safe_link(href: str | None) -> bool:
    """A link a document may carry: web and mail addresses only, never javascript: or file:."""
    return bool(href) and href.lower().startswith(SAFE_LINK_SCHEMES)

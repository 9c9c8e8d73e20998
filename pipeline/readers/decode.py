"""Bytes to text: refuse what is not text, decode strictly, and normalise what documents
cannot hold.

Policy:
- Known binary formats are refused by their magic bytes, whatever the extension says.
- A byte-order mark decides the encoding (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE).
- Otherwise the text must be strict UTF-8, unless the user names an encoding.
- Decoding never guesses, never drops bytes (no errors="ignore") and never smuggles them
  through as surrogates (no surrogateescape): a bad byte is an error that says where it is.
"""

from __future__ import annotations

import codecs
import re

from pipeline.errors import BriefError
from pipeline.text import is_blank, normalise_newlines, replace_illegal

MAX_INPUT_BYTES = 20_000_000
"""Largest input accepted (20 MB). A news article is a few kilobytes; anything near this is
a wrong file, and every later stage holds the whole text in memory several times over."""

# Extraction time grows with the text; past this many characters (about a million words, a
# thousand times a long article) a file is not an article, and briefing it would take minutes.
MAX_ARTICLE_CHARS = 6_000_000

SNIFF_BYTES = 8192

# (magic prefix, what it is, what to do instead). Checked before any decoding, so a renamed
# file is named for what it is rather than reported as a confusing encoding error.
_PDF = ("a PDF file", "extract its text first (for example with pdftotext) and pass the .txt file")
_ZIP = ("a ZIP/Office file (.zip, .docx, .xlsx, .odt)", "save the document as plain text (.txt) or Markdown (.md) first")
_OLE = ("an old Microsoft Office file (.doc, .xls)", "save the document as plain text (.txt) or Markdown (.md) first")
_IMAGE_HINT = "brief reads text articles; pass the article's text, not an image"
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", *_PDF),
    (b"\x89PNG\r\n\x1a\n", "a PNG image", _IMAGE_HINT),
    (b"GIF87a", "a GIF image", _IMAGE_HINT),
    (b"GIF89a", "a GIF image", _IMAGE_HINT),
    (b"\xff\xd8\xff", "a JPEG image", _IMAGE_HINT),
    (b"PK\x03\x04", *_ZIP),
    (b"PK\x05\x06", *_ZIP),  # an empty ZIP archive
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", *_OLE),
    (b"\x1f\x8b", "a gzip-compressed file", "decompress it first (gunzip)"),
    (b"{\\rtf", "an RTF document", "save it as plain text (.txt) or Markdown (.md) first"),
    (b"\x7fELF", "a program (ELF executable)", "pass a text article"),
)

# Longest first: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32-LE"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32-BE"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16-LE"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16-BE"),
)

# Codecs that transform content rather than describe how a file's characters are stored.
_NOT_FILE_ENCODINGS = {"idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined"}

_C1_CONTROLS = re.compile("[\x80-\x9f]")
# U+0085 (NEL) decoded from UTF-8 is a real line break (catalogue B12); only bytes read as
# Latin-1 make it the cp1252 ellipsis in disguise.
_C1_CONTROLS_BUT_NEL = re.compile("[\x80-\x84\x86-\x9f]")

_NUL_SHARE_OF_BINARY = 20
"""NULs in at least 1 of every 20 sniffed bytes mean binary or BOM-less UTF-16/32. A rarer
stray NUL in otherwise valid UTF-8 is text with a control character in it (catalogue B01,
B02): it is replaced with U+FFFD and reported, not refused."""


# --------------------------------------------------------------------------- entry points


def decode(data: bytes, name: str, encoding: str | None = None, warnings: list[str] | None = None,
           max_bytes: int = MAX_INPUT_BYTES) -> str:
    """The text of `data`, strictly decoded, without a byte-order mark.

    Raises BriefError for input that is too large, binary, undecodable or blank.
    `name` is the subject of errors; warnings are appended to `warnings`.
    """
    warnings = [] if warnings is None else warnings
    _refuse_oversized(data, name, max_bytes)
    _refuse_known_binary(data, name)
    if encoding is not None:
        text = _decode_as_requested(data, name, encoding, warnings)
    else:
        text = _decode_by_bom_or_utf8(data, name)
    if is_blank(text):
        raise BriefError(name, "empty input",
                         "the file holds no text (only white space or a byte-order mark); check that it is the right file")
    _warn_about_c1_controls(text, encoding, warnings)
    return text


def normalise(text: str, warnings: list[str] | None = None) -> str:
    """One newline convention (LF) and no character a document cannot hold. Tabs are kept."""
    warnings = [] if warnings is None else warnings
    text = normalise_newlines(text)
    cleaned, count = replace_illegal(text)
    if count:
        warnings.append(replacement_warning(text, cleaned, count))
    return cleaned


def replacement_warning(before: str, after: str, count: int) -> str:
    """Describe which characters `replace_illegal` turned into U+FFFD, and how many."""
    # Every occurrence of an illegal character is replaced and every legal one is kept, so
    # the characters that vanished are exactly the distinct illegal ones (C-speed set work,
    # linear in the text).
    replaced = sorted(set(before) - set(after))
    groups: dict[str, list[str]] = {}
    for char in replaced:
        groups.setdefault(_illegal_kind(char), []).append(f"U+{ord(char):04X}")
    described = "; ".join(f"{kind}: {_first_few(points)}" for kind, points in groups.items())
    plural = "character" if count == 1 else "characters"
    return f"replaced {count} {plural} that documents cannot hold ({described}) with U+FFFD"


# --------------------------------------------------------------------------- refusals


def _refuse_oversized(data: bytes, name: str, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise BriefError(name, f"is {describe_size(len(data))}, over the {describe_size(max_bytes)} input limit",
                         "a news article is far smaller; check that this is the right file")


def describe_size(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB".replace(".0 MB", " MB")
    return f"{size:,} bytes"


def _refuse_known_binary(data: bytes, name: str) -> None:
    for magic, what, hint in _SIGNATURES:
        if data.startswith(magic):
            raise BriefError(name, f"looks like {what}, not text", hint)


def _refuse_nul_bytes(data: bytes, name: str, check_utf8: bool) -> None:
    """NULs mean binary, or UTF-16/32 without a BOM: no 8-bit text has them. Decoding such
    bytes as UTF-8 or Latin-1 would 'work' and yield garbage, so stop and say why."""
    head = data[:SNIFF_BYTES]
    nuls = head.count(0)
    if not nuls:
        return
    many = nuls * _NUL_SHARE_OF_BINARY >= len(head)
    if many or (check_utf8 and not _is_utf8_prefix(head)):
        raise BriefError(name, "contains NUL bytes (binary, or UTF-16 without a BOM)",
                         f"if it is UTF-16 text, rerun with {_utf16_suggestion(head)}")


def _is_utf8_prefix(head: bytes) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _utf16_suggestion(head: bytes) -> str:
    # ASCII characters in UTF-16-BE put the NUL first (even offsets); in LE, second.
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    if odd > even:
        return "--encoding utf-16-le (or utf-16-be)"
    return "--encoding utf-16-be (or utf-16-le)"


# --------------------------------------------------------------------------- decoding


def _decode_by_bom_or_utf8(data: bytes, name: str) -> str:
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            if codec == "utf-8":  # a UTF-8 mark does not make NUL bytes any less suspicious
                _refuse_nul_bytes(data[len(bom):], name, check_utf8=True)
            hint = f"the file starts with a {label} byte-order mark but is not valid {label}; save it again as UTF-8"
            return _strict_decode(data, len(bom), codec, label, name, hint)
    _refuse_nul_bytes(data, name, check_utf8=True)
    return _strict_decode(data, 0, "utf-8", "UTF-8", name,
                          "rerun with --encoding latin-1 (or cp1252), or save the file as UTF-8")


def _decode_as_requested(data: bytes, name: str, encoding: str, warnings: list[str]) -> str:
    codec = _lookup_codec(encoding)
    if not codec.startswith(("utf-16", "utf-32")):
        _refuse_nul_bytes(data, name, check_utf8=codec.startswith("utf-8"))
    _warn_if_bom_disagrees(data, codec, encoding, warnings)
    text = _strict_decode(data, 0, codec, encoding, name, "check the --encoding value, or save the file as UTF-8")
    # utf-16-be, utf-8 and friends keep a leading BOM as U+FEFF; it is never part of the title.
    return text[1:] if text.startswith("\ufeff") else text


def check_encoding(encoding: str) -> str:
    """The codec's canonical name, or a BriefError saying why `encoding` cannot read a file: the
    one check behind --encoding and a pack file's `encoding`."""
    return _lookup_codec(encoding)


def _lookup_codec(encoding: str) -> str:
    hint = "use a name such as utf-8, latin-1, cp1252, utf-16-le or utf-16-be"
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise BriefError("--encoding", f"unknown encoding {encoding!r}", hint) from None
    # rot13, base64, zlib and the like are transformations, not ways of storing text.
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_FILE_ENCODINGS:
        raise BriefError("--encoding", f"{encoding!r} is not a text encoding", hint)
    return info.name


def _warn_if_bom_disagrees(data: bytes, codec: str, encoding: str, warnings: list[str]) -> None:
    for bom, bom_codec, label in _BOMS:
        if data.startswith(bom):
            if not codec.startswith(bom_codec[:6]):  # "utf-16", "utf-32", "utf-8"
                warnings.append(f"the file starts with a {label} byte-order mark, but was decoded as {encoding} "
                                f"as requested; drop --encoding if the text looks wrong")
            return


def _strict_decode(data: bytes, start: int, codec: str, label: str, name: str, hint: str) -> str:
    body = data[start:]
    try:
        return body.decode(codec, errors="strict")
    except UnicodeDecodeError as exc:
        raise _decode_error(body, start, exc, codec, label, name, hint) from None
    except (UnicodeError, LookupError) as exc:  # a codec that reports failures its own way
        raise BriefError(name, f"cannot be decoded as {label} ({exc})", hint) from None


def _decode_error(body: bytes, start: int, exc: UnicodeDecodeError, codec: str, label: str,
                  name: str, hint: str) -> BriefError:
    if exc.object is not body and exc.object != body:
        # Some codecs re-raise from an inner codec, so the offsets are not into our bytes.
        return BriefError(name, f"not valid {label} ({exc.reason})", hint)
    offset = start + exc.start
    line = _line_number(body[:exc.start], codec)
    truncated = exc.reason in ("unexpected end of data", "truncated data") and exc.end >= len(body)
    if truncated:
        return BriefError(name, f"truncated {label} sequence at end of file (byte {offset}, line {line})",
                          "the file was cut off in the middle of a character; save or download it again")
    bad = " ".join(f"0x{byte:02x}" for byte in body[exc.start:exc.end])
    return BriefError(name, f"not valid {label} at byte {offset} (line {line}): {bad}", hint)


def _line_number(prefix: bytes, codec: str) -> int:
    """The 1-based line of the first byte after `prefix`, counting LF, CR and CRLF as an
    editor does. The prefix decoded cleanly (the error is after it), so decode it again."""
    try:
        text = prefix.decode(codec)
    except (UnicodeError, LookupError):
        return prefix.count(b"\n") + 1
    return text.count("\n") + text.count("\r") - text.count("\r\n") + 1


# --------------------------------------------------------------------------- warnings


def _warn_about_c1_controls(text: str, encoding: str | None, warnings: list[str]) -> None:
    latin1 = encoding is not None and _is_latin1_family(encoding)
    count = len((_C1_CONTROLS if latin1 else _C1_CONTROLS_BUT_NEL).findall(text))
    if not count:
        return
    plural = "character" if count == 1 else "characters"
    message = f"found {count} C1 control {plural} (U+0080-U+009F)"
    if latin1:
        warnings.append(f"{message}: this is usually Windows text (cp1252) read as Latin-1; "
                        f"rerun with --encoding cp1252")
    else:
        warnings.append(f"{message}: usually Windows (cp1252) punctuation that was converted to Unicode as "
                        f"Latin-1 before it reached brief; documents cannot show them")


def _is_latin1_family(encoding: str) -> bool:
    return codecs.lookup(encoding).name.startswith(("iso8859", "latin"))


def _illegal_kind(char: str) -> str:
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return "lone surrogates"
    if code in (0xFFFE, 0xFFFF):
        return "noncharacters"
    return "control characters"


def _first_few(points: list[str], limit: int = 8) -> str:
    shown = ", ".join(points[:limit])
    return shown + (", ..." if len(points) > limit else "")

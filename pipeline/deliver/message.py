"""The message: headers that article text cannot break, a plain-text body and an HTML
alternative rendered from `templates/email.md.j2`, and the pack's files attached.

Text from articles and pack files reaches headers only through `header_text`: one line, no
control or bidi characters, and no "=?" that a mail reader could take for an encoded word.
The message is parsed back after it is made, and refused if its headers are not exactly the
ones written.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
import hashlib
import re
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.compose.blocks import (Block, BlockQuote, CodeBlock, Heading, ListBlock, PageBreak, Paragraph, Rule,
                                     Table, plain_text)
from pipeline.deliver.config import SUBJECT_LIMIT, EmailSettings, format_subject
from pipeline.errors import BriefError, DeliveryError
from pipeline.model import Pack
from pipeline.text import clean_line

if TYPE_CHECKING:
    from pipeline.compose.theme import Theme

EMAIL_TEMPLATE = "email.md.j2"
FILES_TEMPLATE = "email-files.md.j2"
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
EXPECTED_HEADERS = {"From", "To", "Cc", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"}


def header_text(text: str, limit: int = SUBJECT_LIMIT) -> str:
    """Text safe for a header: one line, no controls, no encoded-word opener, at most `limit`."""
    text = clean_line(_CONTROL.sub(" ", text))
    text = text.replace("=?", "=\u200b?")  # shown as typed, never decoded as an encoded word
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "\u2026"


def message_id(pack_name: str, pack_date: str, sender: str, generation: str = "") -> str:
    """Stable for a pack and date, so that a retried message is recognisably the same one; a
    deliberate resend (`generation`) is a new message."""
    digest = hashlib.sha256(f"{pack_name}\0{pack_date}\0{generation}".encode("utf-8")).hexdigest()[:24]
    domain = sender.rsplit("@", 1)[-1] or "brief.invalid"
    return f"<{digest}.{pack_date}@{domain}>"


def subject_of(settings: EmailSettings, pack: Pack) -> str:
    """The subject from the pack's pattern; a classified pack's subject starts with its marking,
    as its pages do, unless the pattern already puts it first."""
    values = {"name": pack.name, "date": dt.date.fromisoformat(pack.date), "count": len(pack.entries),
              "classification": pack.classification or ""}
    subject = format_subject(settings.subject, **values)
    marking = clean_line(pack.classification or "")
    # "[OFFICIAL] Daily" puts it first too: what opens the subject is looked at past any bracket.
    opening = clean_line(subject).lstrip("[({<\"'\u201c\u00ab ")
    if marking and not opening.startswith(marking):
        subject = f"{marking}: {subject}"
    return header_text(subject)


def attachment_files(settings: EmailSettings, outputs: dict[str, Path]) -> list[Path]:
    """The files to attach, in the order asked; a format the pack did not write is an error."""
    missing = [fmt for fmt in settings.attach if fmt not in outputs]
    if missing:
        raise BriefError("email.attach", f"the pack writes no {', '.join(missing)}",
                         "attach only formats listed in formats")
    return [outputs[fmt] for fmt in settings.attach]


def check_size(files: list[Path], limit_mb: float) -> None:
    """Refuse before connecting: what counts is the size after base64 (a third more)."""
    encoded = sum((f.stat().st_size + 2) // 3 * 4 for f in files)
    if encoded > limit_mb * 1_000_000:
        raise DeliveryError(", ".join(f.name for f in files),
                         f"attachments are {encoded / 1e6:.2f} MB encoded; the limit is {limit_mb:g} MB",
                         "raise email.max_attachment_mb, or attach fewer formats")


def build_message(settings: EmailSettings, sender: str, pack: Pack, files: list[Path],
                  now: dt.datetime | None = None, generation: str = "", theme: "Theme | None" = None) -> EmailMessage:
    """The message of a pack: its executive summary as the body, laid out with the pack's theme
    (the default one when None), its files attached."""
    from pipeline.compose.layout import render_template

    check_size(files, settings.max_attachment_mb)
    body = render_template(EMAIL_TEMPLATE, pack=pack, files=[f.name for f in files])
    return compose(sender, settings.to, settings.cc, subject_of(settings, pack), body, files,
                   message_id(pack.name, pack.date, sender, generation), now, theme)


def build_files_message(sender: str, to: list[str], cc: list[str], subject: str | None, files: list[Path],
                        limit_mb: float, now: dt.datetime | None = None) -> EmailMessage:
    """An ad hoc message (`brief send`): the files attached and listed in the body."""
    from pipeline.compose.layout import render_template

    check_size(files, limit_mb)
    subject = header_text(subject or "Files: " + ", ".join(f.name for f in files))
    body = render_template(FILES_TEMPLATE, subject=subject, files=[f.name for f in files])
    contents = [hashlib.sha256(f.read_bytes()).hexdigest() for f in files]
    digest = hashlib.sha256("\0".join([subject, *to, *cc, *contents]).encode()).hexdigest()[:24]
    return compose(sender, to, cc, subject, body, files, f"<{digest}@{sender.rsplit('@', 1)[-1]}>", now)


def compose(sender: str, to: list[str] | tuple[str, ...], cc: list[str] | tuple[str, ...], subject: str,
            body_markdown: str, files: list[Path], msgid: str, now: dt.datetime | None = None,
            theme: "Theme | None" = None) -> EmailMessage:
    """A message with a plain-text body and an HTML alternative (laid out with `theme`, or the
    default theme), both from `body_markdown`, and `files` attached with their media types. Bcc
    recipients never appear in it."""
    from pipeline.compose.blocks import Meta
    from pipeline.compose.layout import parse_markdown
    from pipeline.render import FORMATS, RenderJob
    from pipeline.render.html import render as render_html
    from pipeline.compose.theme import load_theme

    document = parse_markdown(body_markdown, Meta(title=subject))
    # Addresses outside ASCII go as UTF-8 (SMTPUTF8); an encoded word is not allowed in an address.
    ascii_only = all(a.isascii() for a in (sender, *to, *cc))
    msg = EmailMessage(policy=email.policy.SMTP if ascii_only else email.policy.SMTPUTF8)
    msg["From"] = sender
    if to:
        msg["To"] = ", ".join(to)
    if cc:
        msg["Cc"] = ", ".join(cc)
    msg["Subject"] = subject
    msg["Date"] = email.utils.format_datetime(now or dt.datetime.now(dt.timezone.utc))
    msg["Message-ID"] = msgid
    msg.set_content(text_of(document.blocks))
    html = render_html(RenderJob(document=document, markdown=body_markdown, theme=theme or load_theme())).decode("utf-8")
    msg.add_alternative(html, subtype="html")
    by_extension = {f.extension: f.media_type for f in FORMATS.values()}
    for path in files:
        maintype, subtype = by_extension.get(path.suffix[1:], "application/octet-stream").split("/")
        msg.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=header_text(path.name))
    _check_headers(msg)
    return msg


def _check_headers(msg: EmailMessage) -> None:
    """Parse the message back: the headers must be the ones written, each once, on one line."""
    parsed = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
    names = [name for name in parsed.keys()]
    written = [name for name in msg.keys()]
    if sorted(names) != sorted(written) or not set(names) <= EXPECTED_HEADERS:
        raise BriefError("message", f"headers changed when read back ({', '.join(names)})",
                         "report it: some text escaped its header")
    if "\n" in str(parsed["Subject"]) or "\r" in str(parsed["Subject"]):
        raise BriefError("message", "the subject spans lines", "report it")


# --------------------------------------------------------------------------- plain text


def text_of(blocks: list[Block], indent: str = "") -> str:
    """The plain-text body: the same blocks as the HTML part, as a reader expects them in text."""
    out: list[str] = []
    for block in blocks:
        out.append(_text_block(block, indent))
    return "\n\n".join(part for part in out if part) + "\n"


def _text_block(block: Block, indent: str) -> str:
    if isinstance(block, Heading):
        text = plain_text(block.spans)
        return indent + (text.upper() if block.level <= 2 else text)
    if isinstance(block, Paragraph):
        return indent + plain_text(block.spans).replace("\n", "\n" + indent)
    if isinstance(block, ListBlock):
        lines = []
        for number, item in enumerate(block.items, start=block.start):
            marker = f"{number}." if block.ordered else "-"
            body = text_of(item, indent + "   ").strip()
            lines.append(f"{indent}{marker} {body}")
        return "\n".join(lines)
    if isinstance(block, BlockQuote):
        quoted = text_of(block.blocks, indent + "> ").rstrip()
        if block.attribution:
            quoted += f"\n{indent}> {plain_text(block.attribution)}"
        return quoted
    if isinstance(block, Table):
        rows = [block.header] + block.rows if block.header else block.rows
        return "\n".join(indent + " | ".join(plain_text(cell) for cell in row) for row in rows)
    if isinstance(block, CodeBlock):
        return "\n".join(indent + "    " + line for line in block.text.splitlines())
    if isinstance(block, (Rule, PageBreak)):
        return indent + "-" * 20
    raise TypeError(f"unknown block {block!r}")

"""Markdown output: what the template produced, the source of every other format, with the two
things Markdown has no words for made readable: the table of contents becomes a list of the
headings it names, and the logo (a picture file of the theme's) is left out."""

from __future__ import annotations

import re

from pipeline.compose.blocks import contents_entries
from pipeline.compose.layout import CONTENTS_FENCE, LOGO_ADDRESS, escape_markdown
from pipeline.render import RenderJob

_CONTENTS = re.compile(rf"^```{CONTENTS_FENCE}\n```\n", re.MULTILINE)
_LOGO = re.compile(rf"^!\[[^\n]*\]\({re.escape(LOGO_ADDRESS)}\)\n\n?", re.MULTILINE)


def render(job: RenderJob) -> bytes:
    text = _LOGO.sub("", job.markdown)
    if _CONTENTS.search(text):
        listing = "".join(f"- {escape_markdown(entry.text)}\n" for entry in contents_entries(job.document))
        text = _CONTENTS.sub(lambda _: listing, text, count=1)
    return text.encode("utf-8")

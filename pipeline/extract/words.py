"""The words of a sentence that carry its content: what context, summary and key facts score
sentences by."""

from __future__ import annotations

import re
import sys

_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_STOP = frozenset(
    "a an the and or but if of to in on at by for with from as is are was were be been being has have had "
    "do does did will would shall should can could may might must that this these those it its it's he she "
    "they them their his her we our you your i me my not no so than then there here which who whom whose "
    "what when where why how all any each more most other some such only own same too very just also into "
    "over after before about against between during through under again further once said says say told "
    "mr mrs ms dr sir".split())


def content_words(text: str) -> tuple[str, ...]:
    """The distinct words of `text` that carry its content, in its order (a sentence's:
    `Sentence.content_words`). A tuple of shared strings rather than a set: a long article keeps
    one per sentence, and the collector passes over a tuple of strings after its first look."""
    return tuple(dict.fromkeys(sys.intern(w.lower().strip("'’")) for w in _WORD.findall(text)
                               if w.lower() not in _STOP and len(w) > 2))

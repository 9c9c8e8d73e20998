"""Python's cyclic collector held off while a step makes many objects that live until it ends.

The collector walks every object that has lived through its earlier passes, however little of it
is cyclic. A step that builds a large structure (an article's sentences and tokens, a long
Markdown document's syntax tree) set off passes that walked the structure again and again and
freed nothing: with it paused, that work is not done, and reference counting still frees
everything that is not in a cycle as soon as it is let go.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """The collector off for the block, and back as it was after. (Nested or in several threads,
    the collector is on again once the first block that found it on ends.)"""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()

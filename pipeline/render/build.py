"""The library behind `brief generate` and `brief render`: brief to rendered bytes, and bytes
to files. Everything is rendered in memory first, so a failure writes nothing."""

from __future__ import annotations

import dataclasses
import gc
import os
import pickle
import signal
import traceback
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.compose.blocks import Document, Meta, Paragraph, Span
from pipeline.files import atomic_write_all, ensure_folder, output_path, sweep_temp_files
from pipeline.compose.layout import Furniture, layout_brief, title_warning
from pipeline.model import Brief
from pipeline.render import FORMATS, Prepared, RenderJob, needed, render, render_order, renderer
from pipeline.environment import Environment
from pipeline.text import replace_illegal
from pipeline.workers import ignore_interrupts_and_end_with_parent
from pipeline.compose.theme import TEMPLATES_DIR, Theme

# The slowest format to render. When another format is wanted too, a worker process imports
# its renderer and loads its fonts while this one reads and extracts, then renders it while
# this one renders the rest: the two share the machine's cores instead of taking turns.
SIDE_FORMAT = "pdf"


@dataclass
class Rendered:
    outputs: dict[str, bytes]
    warnings: list[str] = field(default_factory=list)


def render_brief(brief: Brief, formats: list[str], theme: Theme, templates: Path = TEMPLATES_DIR,
                 side: "SideRenderer | None" = None, classification: str | None = None) -> Rendered:
    """`classification` marks every page; None leaves the theme's default."""
    from pipeline.compose.templates import TemplateLimits

    markdown, document = layout_brief(brief, theme.language, folder=templates, limits=TemplateLimits.from_theme(theme),
                                      furniture=Furniture.from_theme(theme, classification))
    job = RenderJob(document=document, markdown=markdown, theme=theme, brief=brief)
    if (warning := title_warning(brief.title)) is not None:
        job.warn(warning)
    return Rendered(render_formats(formats, job, side), job.warnings)


def render_formats(formats: list[str], job: RenderJob, side: "SideRenderer | None" = None) -> dict[str, bytes]:
    """Each format's bytes, in the order asked; the side renderer's format rendered beside.

    A format that needs another (`Format.needs`) is rendered after it; with a side renderer it
    is prepared meanwhile and only finished once the side's facts are back."""
    if side is None or side.format not in formats or not side.submit(job):
        here = {fmt: render(fmt, job) for fmt in render_order(formats, job.document)}
        return {fmt: here[fmt] for fmt in formats}
    waiting = [fmt for fmt in formats if side.format in needed(fmt, formats, job.document)]
    try:
        rest = [fmt for fmt in formats if fmt != side.format and fmt not in waiting]
        here = {fmt: render(fmt, job) for fmt in render_order(rest, job.document)}
        prepared = {fmt: _prepare(fmt, job) for fmt in waiting}
    except BaseException:
        side.discard_result()  # so that the next job gets its own answer
        raise
    result = side.result()
    if result is None:  # the side process is gone: render here instead
        result = render(side.format, job), [], job.page_facts
    data, warnings, facts = result
    here[side.format] = data
    job.page_facts = facts
    for warning in warnings:
        job.warn(warning)
    for fmt, pending in prepared.items():
        here[fmt] = pending.finish()
    return {fmt: here[fmt] for fmt in formats}


def _prepare(fmt: str, job: RenderJob) -> Prepared:
    """A format half made (see pipeline.render.docx.prepare), or made whole when its renderer
    has no such step."""
    module = renderer(fmt)
    if hasattr(module, "prepare"):
        return module.prepare(job)
    return _Made(render(fmt, job))


@dataclass
class _Made:
    data: bytes

    def finish(self) -> bytes:
        return self.data


# Formats quick enough that another process for them would cost more than it saves.
_QUICK_FORMATS = frozenset({"md", "json", "html"})


def side_renderer_for(formats: list[str], theme: Theme) -> "SideRenderer | None":
    """A side renderer when it can help: the slow format, another slow one, and a second core."""
    others = [f for f in formats if f != SIDE_FORMAT and f not in _QUICK_FORMATS]
    if (SIDE_FORMAT in formats and others and (os.cpu_count() or 1) > 1
            and not Environment.read().serial):
        return SideRenderer.start(SIDE_FORMAT, theme)
    return None


class SideRenderer:
    """A worker process (a one-process ProcessPoolExecutor) that renders one format for jobs
    sent to it, one at a time; it imports its renderer and loads the theme's fonts as soon as
    it starts. When it cannot be started or dies, `submit` and `result` say so and the caller
    renders itself."""

    def __init__(self, fmt: str, pool: ProcessPoolExecutor, pid: "Future[int]") -> None:
        self.format = fmt
        self._renders = fmt  # what the process was started for
        self._pid = pid
        self._pool: ProcessPoolExecutor | None = pool
        self._future: Future | None = None

    @classmethod
    def start(cls, fmt: str, theme: Theme) -> "SideRenderer | None":
        try:
            pool = ProcessPoolExecutor(max_workers=1, initializer=ignore_interrupts_and_end_with_parent,
                                       initargs=(os.getpid(),))
            # One worker takes jobs in order: it says who it is, then warms up.
            pid = pool.submit(os.getpid)
            pool.submit(_warm_up, fmt, theme)  # its outcome does not matter: the real job meets any problem
        except (OSError, RuntimeError):
            return None
        return cls(fmt, pool, pid)

    @property
    def pid(self) -> int | None:
        """The worker's process id (None if it never started)."""
        try:
            return self._pid.result(timeout=30)
        except Exception:
            return None

    @property
    def alive(self) -> bool:
        return self._pool is not None

    def submit(self, job: RenderJob) -> bool:
        """Send a job; False when the side process is gone."""
        if self._pool is None:
            return False
        if self._renders == "pdf":
            # The PDF is drawn from the document and the theme alone: the briefs as data and
            # the Markdown stay here (at 1,000 articles they are most of what would be sent).
            job = dataclasses.replace(job, markdown="", brief=None, pack=None, warnings=[])
        try:
            self._future = self._pool.submit(_render_for_parent, self._renders, job)
        except (BrokenProcessPool, RuntimeError, OSError):
            self._stop()
            return False
        return True

    def result(self) -> tuple[bytes, list[str], dict | None] | None:
        """The rendered bytes, warnings and page facts of the job sent; None when the side
        process died, or the exception it raised, with its traceback as a note."""
        future, self._future = self._future, None
        if future is None:
            return None
        try:
            status, payload, detail = future.result()
        except BrokenProcessPool:
            self._stop()
            return None
        if status == "error":
            payload.add_note(detail)
            raise payload
        return payload

    def discard_result(self) -> None:
        if self._future is not None:
            try:
                self.result()
            except Exception:
                pass

    def close(self) -> None:
        self._stop(kill=self._future is not None)

    def _stop(self, kill: bool = True) -> None:
        pool, self._pool, self._future = self._pool, None, None
        if pool is None:
            return
        if kill and self._pid.done() and (pid := self.pid) is not None:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass  # already gone
        pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> "SideRenderer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def warm_up(formats: list[str], theme: Theme) -> None:
    """Load the renderers of `formats` and the theme's fonts into this process, for a process
    that renders many times (the scheduler, the review page): the workers each run forks then
    start with them instead of loading them again."""
    for fmt in formats:
        _warm_up(fmt, theme)


def _warm_up(fmt: str, theme: Theme) -> None:
    """Import the renderer and load its fonts while the parent is still reading and extracting."""
    try:
        warm_up = Document(Meta(title="warm-up"), [Paragraph([Span("Aa "), Span("Bb", strong=True),
                                                            Span("Cc", emphasis=True)])])
        render(fmt, RenderJob(document=warm_up, markdown="", theme=theme))
    except Exception:
        pass


# Whether a job has run in this side process since the collector last ran in full.
_garbage_waiting = False


def _render_for_parent(fmt: str, job: RenderJob) -> tuple[str, object, str]:
    """Runs in the side process: everything goes back to the parent, which decides."""
    global _garbage_waiting
    # What the last job left in reference cycles (its structure tree: tens of MB for a large
    # pack) goes now: the collector's rare full passes would let several jobs' worth pile up.
    if _garbage_waiting:
        gc.collect()
    _garbage_waiting = True
    # The document sent lives until it is drawn: the collector need not walk it meanwhile.
    gc.freeze()
    try:
        data = render(fmt, job)
        return "ok", (data, job.warnings, job.page_facts), ""
    except Exception as exc:
        detail = "in the " + SIDE_FORMAT + " renderer process:\n" + "".join(traceback.format_exception(exc)).strip()
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:
            exc = RuntimeError(f"{type(exc).__name__}: {exc}")
        return "error", exc, detail
    finally:
        gc.unfreeze()


def write_outputs(folder: Path, stem: str, outputs: dict[str, bytes],
                  kept_sources: list[tuple[str, bytes]] = ()) -> list[Path]:
    """Write a brief's files, with the web pages it was read from (`kept_sources`: paths
    relative to `folder`, and bytes) in the same all-or-nothing set."""
    ensure_folder(folder)
    sweep_temp_files(folder)
    paths = [output_path(folder, stem, FORMATS[fmt].extension) for fmt in outputs]
    extra = []
    for relative, data in kept_sources:
        ensure_folder((folder / relative).parent)
        extra.append((folder / relative, data))
    atomic_write_all(list(zip(paths, outputs.values())) + extra)
    return paths


def sanitise_brief(brief: Brief) -> tuple[Brief, int]:
    """A hand-edited brief with every character no document may hold replaced; and how many."""
    count = 0

    def clean(value):
        nonlocal count
        if isinstance(value, str):
            value, n = replace_illegal(value)
            count += n
            return value
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        return value

    cleaned = clean(brief.to_dict())
    return (Brief.from_dict(cleaned) if count else brief), count

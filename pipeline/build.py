"""The library behind `brief generate` and `brief render`: brief to rendered bytes, and bytes
to files. Everything is rendered in memory first, so a failure writes nothing."""

from __future__ import annotations

import os
import pickle
import signal
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.blocks import Contents, Document, Meta, Paragraph, Span
from pipeline.files import atomic_write_all, ensure_folder, output_path, sweep_temp_files
from pipeline.layout import Furniture, layout_brief
from pipeline.model import Brief
from pipeline.render import FORMATS, RenderJob, render
from pipeline.text import replace_illegal
from pipeline.theme import TEMPLATES_DIR, Theme

# The slowest format to render. When another format is wanted too, a forked process imports
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
    markdown, document = layout_brief(brief, theme.language, folder=templates,
                                      furniture=Furniture.from_theme(theme, classification))
    job = RenderJob(document=document, markdown=markdown, theme=theme, brief=brief)
    return Rendered(render_formats(formats, job, side), job.warnings)


def render_formats(formats: list[str], job: RenderJob, side: "SideRenderer | None" = None) -> dict[str, bytes]:
    """Each format's bytes, in the order asked; the side renderer's format rendered beside.

    A document with a table of contents has its DOCX made after its PDF, so the DOCX's
    contents can show the PDF's page numbers before Word or LibreOffice lays it out."""
    after_pdf = {"docx"} if ("docx" in formats and SIDE_FORMAT in formats
                             and any(isinstance(b, Contents) for b in job.document.blocks)) else set()
    if side is None or side.format not in formats or not side.submit(job):
        ordered = [SIDE_FORMAT] + [f for f in formats if f != SIDE_FORMAT] if after_pdf else formats
        here = {fmt: render(fmt, job) for fmt in ordered}
        return {fmt: here[fmt] for fmt in formats}
    try:
        here = {fmt: render(fmt, job) for fmt in formats if fmt != side.format and fmt not in after_pdf}
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
    for fmt in after_pdf:
        here[fmt] = render(fmt, job)
    return {fmt: here[fmt] for fmt in formats}


# Formats quick enough that forking for them would cost more than it saves.
_QUICK_FORMATS = frozenset({"md", "json", "html"})


def side_renderer_for(formats: list[str], theme: Theme) -> "SideRenderer | None":
    """A side renderer when it can help: the slow format, another slow one, and a second core."""
    others = [f for f in formats if f != SIDE_FORMAT and f not in _QUICK_FORMATS]
    if (SIDE_FORMAT in formats and others and hasattr(os, "fork") and (os.cpu_count() or 1) > 1
            and not os.environ.get("BRIEF_SERIAL")):
        return SideRenderer.start(SIDE_FORMAT, theme)
    return None


class SideRenderer:
    """A forked process that renders one format for jobs sent to it, one at a time. When it
    cannot be started or dies, `submit` and `result` say so and the caller renders itself."""

    def __init__(self, fmt: str, pid: int, job_write: int, result_read: int) -> None:
        self.format = fmt
        self.pid = pid
        self._job_write = job_write
        self._result_read = result_read
        self._pending = False

    @classmethod
    def start(cls, fmt: str, theme: Theme) -> "SideRenderer | None":
        try:
            job_read, job_write = os.pipe()
            result_read, result_write = os.pipe()
        except OSError:
            return None
        # Ctrl-C must reach the parent as usual, never a half-made child: block it while forking.
        old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            pid = os.fork()
        except OSError:
            signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
            for fd in (job_read, job_write, result_read, result_write):
                os.close(fd)
            return None
        if pid == 0:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
        signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
        if pid == 0:
            try:
                os.close(job_write)
                os.close(result_read)
                _serve(fmt, theme, job_read, result_write)
            finally:
                os._exit(0)  # never run the parent's cleanup (atexit, buffered stdout) twice
        os.close(job_read)
        os.close(result_write)
        return cls(fmt, pid, job_write, result_read)

    @property
    def alive(self) -> bool:
        return self._job_write >= 0

    def submit(self, job: RenderJob) -> bool:
        """Send a job; False when the side process is gone."""
        if not self.alive:
            return False
        try:
            _send(self._job_write, pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            self._stop()
            return False
        self._pending = True
        return True

    def result(self) -> tuple[bytes, list[str], dict | None] | None:
        """The rendered bytes and warnings of the job sent; None when the side process died, or
        the exception it raised, with its traceback as a note."""
        self._pending = False
        try:
            message = _receive(self._result_read)
        except OSError:
            message = None
        if message is None:
            self._stop()
            return None
        status, payload, detail = pickle.loads(message)
        if status == "error":
            payload.add_note(detail)
            raise payload
        return payload

    def discard_result(self) -> None:
        if self._pending:
            try:
                self.result()
            except Exception:
                pass

    def close(self) -> None:
        self._stop(kill=self._pending)

    def _stop(self, kill: bool = True) -> None:
        if not self.alive:
            return
        for fd in (self._job_write, self._result_read):
            try:
                os.close(fd)
            except OSError:
                pass
        self._job_write = self._result_read = -1
        if kill:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass

    def __enter__(self) -> "SideRenderer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _serve(fmt: str, theme: Theme, job_read: int, result_write: int) -> None:
    try:
        # Import the renderer and load its fonts now, while the parent is still extracting. A
        # failure here only costs time: the real job will meet and report it.
        warm_up = Document(Meta(title="warm-up"), [Paragraph([Span("Aa "), Span("Bb", strong=True),
                                                            Span("Cc", emphasis=True)])])
        render(fmt, RenderJob(document=warm_up, markdown="", theme=theme))
    except Exception:
        pass
    while (message := _receive(job_read)) is not None:
        try:
            job = pickle.loads(message)
            data = render(fmt, job)
            reply = pickle.dumps(("ok", (data, job.warnings, job.page_facts), ""), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # everything goes back to the parent, which decides
            reply = _pickled_error(exc)
        _send(result_write, reply)


def _send(fd: int, data: bytes) -> None:
    view = memoryview(len(data).to_bytes(8, "big") + data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _receive(fd: int) -> bytes | None:
    header = _read_exactly(fd, 8)
    if header is None:
        return None
    return _read_exactly(fd, int.from_bytes(header, "big"))


def _read_exactly(fd: int, size: int) -> bytes | None:
    chunks, remaining = [], size
    while remaining:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _pickled_error(exc: BaseException) -> bytes:
    """The exception for the parent, with the child's traceback; an exception that cannot make
    the round trip becomes a RuntimeError carrying its type and message."""
    detail = "in the " + SIDE_FORMAT + " renderer process:\n" + "".join(traceback.format_exception(exc)).strip()
    try:
        data = pickle.dumps(("error", exc, detail))
        pickle.loads(data)
        return data
    except Exception:
        return pickle.dumps(("error", RuntimeError(f"{type(exc).__name__}: {exc}"), detail))


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

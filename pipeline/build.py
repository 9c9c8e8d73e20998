"""The library behind `brief generate` and `brief render`: brief to rendered bytes, and bytes
to files. Everything is rendered in memory first, so a failure writes nothing."""

from __future__ import annotations

import os
import pickle
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.blocks import Document, Meta, Paragraph, Span
from pipeline.files import atomic_write, ensure_folder, output_path, sweep_temp_files
from pipeline.layout import layout_brief
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
                 side: "SideRenderer | None" = None) -> Rendered:
    markdown, document = layout_brief(brief, theme.language, folder=templates)
    job = RenderJob(document=document, markdown=markdown, theme=theme, brief=brief)
    if side is None or side.format not in formats:
        return Rendered({fmt: render(fmt, job) for fmt in formats}, job.warnings)
    side.submit(job)
    try:
        here = {fmt: render(fmt, job) for fmt in formats if fmt != side.format}
    except BaseException:
        try:
            side.result()  # collect the answer, so the next job gets its own
        except Exception:
            pass
        raise
    data, warnings = side.result()
    here[side.format] = data
    job.warnings.extend(w for w in warnings if w not in job.warnings)
    return Rendered({fmt: here[fmt] for fmt in formats}, job.warnings)


def side_renderer_for(formats: list[str], theme: Theme) -> "SideRenderer | None":
    """A side renderer when it can help: the slow format and another one, and a second core."""
    if (SIDE_FORMAT in formats and len(formats) > 1 and hasattr(os, "fork") and (os.cpu_count() or 1) > 1
            and not os.environ.get("BRIEF_SERIAL")):
        return SideRenderer(SIDE_FORMAT, theme)
    return None


class SideRenderer:
    """A forked process that renders one format for jobs sent to it, one at a time."""

    def __init__(self, fmt: str, theme: Theme) -> None:
        self.format = fmt
        job_read, self._job_write = os.pipe()
        self._result_read, result_write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(self._job_write)
            os.close(self._result_read)
            try:
                _serve(fmt, theme, job_read, result_write)
            finally:
                os._exit(0)  # never run the parent's cleanup (atexit, buffered stdout) twice
        os.close(job_read)
        os.close(result_write)

    def submit(self, job: RenderJob) -> None:
        _send(self._job_write, pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))

    def result(self) -> tuple[bytes, list[str]]:
        message = _receive(self._result_read)
        if message is None:
            raise RuntimeError(f"the {self.format} renderer process ended without a result")
        status, payload = pickle.loads(message)
        if status == "error":
            raise payload
        return payload

    def close(self) -> None:
        for fd in (self._job_write, self._result_read):
            try:
                os.close(fd)
            except OSError:
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
    warm_up_error: BaseException | None = None
    try:
        # Import the renderer and load its fonts now, while the parent is still extracting.
        warm_up = Document(Meta(title="warm-up"), [Paragraph([Span("Aa "), Span("Bb", strong=True),
                                                            Span("Cc", emphasis=True)])])
        render(fmt, RenderJob(document=warm_up, markdown="", theme=theme))
    except BaseException as exc:
        warm_up_error = exc
    while (message := _receive(job_read)) is not None:
        try:
            if warm_up_error is not None:
                raise warm_up_error
            job = pickle.loads(message)
            reply = pickle.dumps(("ok", (render(fmt, job), job.warnings)), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as exc:  # everything goes back to the parent, which decides
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
    try:
        return pickle.dumps(("error", exc))
    except Exception:
        detail = "".join(traceback.format_exception(exc)).strip()
        return pickle.dumps(("error", RuntimeError(f"{type(exc).__name__}: {exc}\n{detail}")))


def write_outputs(folder: Path, stem: str, outputs: dict[str, bytes]) -> list[Path]:
    ensure_folder(folder)
    sweep_temp_files(folder)
    paths = [output_path(folder, stem, FORMATS[fmt].extension) for fmt in outputs]
    for path, data in zip(paths, outputs.values()):
        atomic_write(path, data)
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

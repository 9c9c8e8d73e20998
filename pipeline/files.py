"""Writing outputs safely: names that stay inside the output folder, and files that are
either whole or absent."""

from __future__ import annotations

import functools
import hashlib
import os
import re
import tempfile
import unicodedata
from pathlib import Path

from pipeline.errors import BriefError
from pipeline.text import clean_line

SLUG_MAX = 80
TEMP_PREFIX = ".brief-tmp-"
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def slugify(title: str, fallback_seed: str = "") -> str:
    """An ASCII file stem of at most 80 characters: lower case letters, digits and hyphens.

    A title with no usable letters becomes ``brief-<hash>`` so distinct inputs stay distinct.
    """
    text = unicodedata.normalize("NFKD", clean_line(title))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(text) > SLUG_MAX:
        text = text[:SLUG_MAX].rsplit("-", 1)[0] if "-" in text[:SLUG_MAX] else text[:SLUG_MAX]
        text = text.strip("-")
    if not text:
        digest = hashlib.sha256((fallback_seed or title).encode("utf-8", "replace")).hexdigest()[:10]
        return f"brief-{digest}"
    if text in _RESERVED:
        text = f"brief-{text}"
    return text


def output_path(folder: Path, stem: str, extension: str) -> Path:
    """The path for `stem.extension` in `folder`. Only slugs are accepted, so the name cannot
    leave the folder; a symlink already at the path is replaced when written, not followed."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", stem) or not re.fullmatch(r"[a-z0-9]+", extension):
        raise ValueError(f"unsafe output name {stem!r}.{extension!r}")  # a bug in the caller
    return folder / f"{stem}.{extension}"


def ensure_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise BriefError(str(folder), "exists and is not a folder", "choose another --output") from None
    except OSError as exc:
        raise BriefError(str(folder), f"cannot create the output folder ({exc.strerror})",
                         "check the path and its permissions") from None
    if not folder.is_dir():
        raise BriefError(str(folder), "is not a folder", "choose another --output")


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the new one, never a part."""
    atomic_write_all([(path, data)])


def atomic_write_all(files: list[tuple[Path, bytes]]) -> None:
    """Write several files so that each is whole: all are written to temporary files in their
    folders first (so a rename cannot cross file systems), and only when every one is on disk
    are they renamed into place. On a failure nothing new is left behind. A symlink at a path
    is replaced, not followed."""
    for path, _ in files:
        if path.is_dir() and not path.is_symlink():
            raise BriefError(str(path), "is a folder", "remove it or choose another --output")
    written: list[tuple[str, Path]] = []
    try:
        for path, data in files:
            written.append((_write_temporary(path, data), path))
        for temp, path in written:
            os.replace(temp, path)
    except BaseException as exc:
        for temp, _ in written:
            try:
                os.unlink(temp)
            except FileNotFoundError:
                pass  # already renamed into place
        if isinstance(exc, OSError):
            where = getattr(exc, "filename", None) or (files[len(written) - 1][0] if written else files[0][0])
            raise BriefError(str(where), f"cannot write ({exc.strerror or exc})",
                             "check free space and permissions of the output folder") from None
        raise
    for folder in dict.fromkeys(path.parent for path, _ in files):
        _fsync_folder(folder)


def _write_temporary(path: Path, data: bytes) -> str:
    # The writer's process id is in the name, so the next run can tell a leftover of a dead
    # process from a file another run is still writing.
    fd, temp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o666 & ~_umask())
    except BaseException:
        os.unlink(temp)
        raise
    return temp


@functools.cache
def _umask() -> int:
    """The process umask (read once: reading it means setting it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


_TEMP_PID = re.compile(re.escape(TEMP_PREFIX) + r"(\d+)-")


def _process_gone(pid: int) -> bool:
    if pid == os.getpid():
        return False  # this process may be writing it now
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError, ValueError):
        return False
    return False


def sweep_temp_files(folder: Path, older_than_seconds: float = 3600) -> None:
    """Remove temporary files a killed run left behind: at once when the process that wrote
    one is gone, else only old ones (a younger one may belong to a run still in progress)."""
    import time

    cutoff = time.time() - older_than_seconds
    try:
        leftovers = list(folder.glob(TEMP_PREFIX + "*"))
    except OSError:
        return
    for path in leftovers:
        try:
            if not path.is_file() or path.is_symlink():
                continue
            match = _TEMP_PID.match(path.name)
            if (match and _process_gone(int(match.group(1)))) or path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass

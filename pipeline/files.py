"""Writing outputs safely: names that stay inside the output folder, and files that are
either whole or absent."""

from __future__ import annotations

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
    """The path for `stem.extension` in `folder`, refusing anything that would land elsewhere."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", stem) or not re.fullmatch(r"[a-z0-9]+", extension):
        raise ValueError(f"unsafe output name {stem!r}.{extension!r}")
    path = folder / f"{stem}.{extension}"
    if path.resolve().parent != folder.resolve():
        raise ValueError(f"output {path} would leave {folder}")
    return path


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
    """Write `data` to `path` so that readers see the old file or the new one, never a part.

    The temporary file lives in the destination folder (so the rename cannot cross file
    systems) and is removed on any failure. A symlink at `path` is replaced, not followed.
    """
    folder = path.parent
    if path.is_dir() and not path.is_symlink():
        raise BriefError(str(path), "is a folder", "remove it or choose another --output")
    try:
        fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=folder)
    except OSError as exc:
        raise BriefError(str(path), f"cannot write ({exc.strerror or exc})",
                         "check that the output folder exists and is writable") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException as exc:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):
            raise BriefError(str(path), f"cannot write ({exc.strerror or exc})",
                             "check free space and permissions of the output folder") from None
        raise
    _fsync_folder(folder)


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


def sweep_temp_files(folder: Path, older_than_seconds: float = 3600) -> None:
    """Remove temporary files a killed run left behind. Only old ones: a younger one may
    belong to a run still in progress."""
    import time

    cutoff = time.time() - older_than_seconds
    try:
        leftovers = list(folder.glob(TEMP_PREFIX + "*"))
    except OSError:
        return
    for path in leftovers:
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass

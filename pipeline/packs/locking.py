"""An exclusive lock per pack, held while a pack runs, so that two runs of one pack (two
schedulers, a scheduler and a cron job, two terminals) never overlap. An flock on a file: the
kernel releases it when the holder exits, however it exits."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from pipeline.errors import BriefError


class LockHeld(BriefError):
    """Another run of the pack holds its lock: exit status 4, so a script can tell it apart."""

    exit_code = 4


class PackLock:
    def __init__(self, path: Path, label: str) -> None:
        self.path = path
        self.label = label
        self.fd: int | None = None

    def acquire(self, wait: bool = False) -> bool:
        """Take the lock; False (without waiting) when another process holds it."""
        if self.fd is not None:
            return True
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise BriefError(str(self.path), f"cannot create the lock file ({exc.strerror})",
                             "check the permissions of the history folder") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            os.close(fd)
            return False
        self.fd = fd
        return True

    def release(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> "PackLock":
        if not self.acquire():
            raise LockHeld(self.label, "another run of this pack is in progress",
                             "wait for it to finish; the lock is " + str(self.path))
        return self

    def __exit__(self, *exc) -> None:
        self.release()

"""What a worker process of ours does when it starts.

A worker ends with the process that started it. Killed (by a timeout, an operator, the
out-of-memory killer), a run cannot stop its workers, and one drawing a long PDF went on for
minutes with no one to read it. On Linux the kernel sends the worker SIGTERM when its parent
goes (prctl's PR_SET_PDEATHSIG); elsewhere a worker finds out when it next reports back.
"""

from __future__ import annotations

import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def end_with_parent(parent: int) -> None:
    """For a worker started by process `parent`: be ended when it ends."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
            return
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it went before the request was made
        os.kill(os.getpid(), signal.SIGTERM)


def ignore_interrupts_and_end_with_parent(parent: int) -> None:
    """Ctrl-C is for the parent, which decides; and end with it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    end_with_parent(parent)

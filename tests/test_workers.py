"""pipeline.workers: a worker ends with the process that started it, even when that process is
killed in the middle of the worker's job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the kernel's parent-death signal is Linux's")

# A parent that starts one worker on a minute-long job, prints the worker's pid, and waits.
PARENT = """
import os, sys, time
from concurrent.futures import ProcessPoolExecutor
from pipeline.workers import ignore_interrupts_and_end_with_parent
options = {"initializer": ignore_interrupts_and_end_with_parent, "initargs": (os.getpid(),)} if sys.argv[1] == "ending" else {}
pool = ProcessPoolExecutor(max_workers=1, **options)
print(pool.submit(os.getpid).result(), flush=True)
pool.submit(time.sleep, 60)
time.sleep(60)
"""


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as status:
            return "State:\tZ" not in status.read()
    except FileNotFoundError:
        return False


def worker_after_parent_is_killed(kind: str) -> tuple[int, bool]:
    parent = subprocess.Popen([sys.executable, "-c", PARENT, kind], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        worker = int(parent.stdout.readline())
        time.sleep(0.3)  # the worker is in its job
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 5
        while alive(worker) and time.monotonic() < deadline:
            time.sleep(0.05)
        return worker, alive(worker)
    finally:
        parent.kill()
        parent.wait()


def test_a_busy_worker_ends_when_its_parent_is_killed():
    _, still = worker_after_parent_is_killed("ending")
    assert not still


def test_without_it_the_busy_worker_outlives_its_parent():
    worker, still = worker_after_parent_is_killed("plain")
    try:
        assert still  # what the test above would see if the worker did not end with its parent
    finally:
        if still:
            os.kill(worker, signal.SIGKILL)

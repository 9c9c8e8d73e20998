"""Pack speed and memory: `brief pack run` as a whole process, for packs of N articles.

    python benchmarks/pack_bench.py [--sizes 10,100,1000] [--jobs N] [--repeat N] [--scheduler]

The articles are generated from varied text: sentences of the sample shuffled with generated
names, places, numbers and quotations, so that no two articles are alike. Targets (2-core
machine): 100 articles to DOCX and PDF in under 8 s with more CPU than wall time (both cores
at work), CPU per article flat from 10 to 1,000 articles, peak memory under 300 MB, and under
1 KB of manifest per article.

"peak MB" is the largest single process; "run/worker" splits it (on Linux) into the run's own
process, which lays the pack out and builds the DOCX, and its largest worker, the PDF's process.

Every `brief pack run` process pays a fixed cost whatever its size (starting Python, importing
the libraries, loading fonts, compiling the templates), so the CPU per article of a small pack
run that way is mostly that cost. A pack of two articles is run first to measure it, and
"beyond 2" shows the CPU each further article adds, (CPU(N) - CPU(2)) / (N - 2). (Below
pipeline.packs.build.PARALLEL_FROM articles a pack is built in one process, so the extra
processes of a larger pack count in its per-article cost.)

With --scheduler the packs run as `brief schedule` runs them: one after another in one
long-running process that loaded the libraries and fonts when it started (pipeline.api.warm_up),
so a run's CPU is the pack's own work, and "CPU/article" flat across sizes means linear.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST = "Anna Maria Tom Ravi Helen Kofi Ines Lena Omar Priya Yusuf Elena Jonas Aiko Mateo Zara".split()
LAST = "Kowalski Menon Reeve Osei Mensah Moreau Fischer Haddad Patel Demir Rossi Berg Tanaka Silva Khan".split()
ROLES = ["Foreign Minister", "Prime Minister", "chief executive", "Health Secretary", "union leader",
         "Finance Minister", "mayor", "spokeswoman for the party"]
PLACES = ["Paris", "Berlin", "Oslo", "Madrid", "Warsaw", "Lisbon", "Vienna", "Dublin", "Rome", "Athens"]
MONTHS = ["January", "February", "March", "April", "May", "June"]
TARGET_SECONDS, TARGET_MB = 8.0, 300


def article(n: int, rng: random.Random) -> str:
    sample = (ROOT / "seeds" / "uk-france-ukraine-pact.txt").read_text(encoding="utf-8").split("\n", 2)[2]
    sentences = [s.strip() for s in sample.replace("\n", " ").split(". ") if len(s.split()) > 6]
    people = [(rng.choice(FIRST), rng.choice(LAST), rng.choice(ROLES)) for _ in range(3)]
    place, day, month = rng.choice(PLACES), rng.randint(1, 28), rng.choice(MONTHS)
    paragraphs = [f"Ministers met in {place} on {day} {month} 2026 to agree a plan on issue {n}. "
                  f"{people[0][2].capitalize()} {people[0][0]} {people[0][1]} said the talks had gone well."]
    for first, last, role in people[1:]:
        paragraphs.append(f"{role.capitalize()} {first} {last} said: \"We will publish the plan by the summer "
                          f"and review it in {rng.randint(2027, 2030)}.\" The government has agreed to fund "
                          f"{rng.randint(2, 90)} new posts.")
    rng.shuffle(sentences)
    paragraphs.append(". ".join(sentences[: rng.randint(3, 8)]) + ".")
    return f"Plan {n} agreed in {place}\n\n" + "\n\n".join(paragraphs) + "\n"


def pack_file(size: int, work: Path) -> Path:
    rng = random.Random(size)
    folder = work / f"articles-{size}"
    if not folder.exists():
        folder.mkdir(parents=True)
        for n in range(size):
            (folder / f"{n:04d}.txt").write_text(article(n, rng), encoding="utf-8")
    pack = work / f"pack-{size}.toml"
    # The generated articles share the sample's sentences, so story grouping would join many of
    # them and the pack would hold fewer briefs than articles: it is off here, so that N articles
    # make N briefs; benchmarks/stories_bench.py measures grouping on its own.
    pack.write_text(f'name = "Bench {size}"\nsources = ["{folder}/"]\noutput = "{work / "out"}"\n'
                    '[stories]\nenabled = false\n', encoding="utf-8")
    return pack


def run(size: int, jobs: int | None, work: Path) -> tuple[float, float, float]:
    pack = pack_file(size, work)
    command = [sys.executable, "-m", "pipeline", "pack", "run", str(pack), "--date", "2026-03-04"]
    if jobs:
        command += ["--jobs", str(jobs)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=str(ROOT), stdout=subprocess.DEVNULL)
    peaks = _ProcessPeaks(process)
    if process.wait():
        raise subprocess.CalledProcessError(process.returncode, command)
    seconds = time.perf_counter() - start
    peaks.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    # ru_maxrss of children is the largest single process (the run or one of its workers).
    peak = max(before.ru_maxrss, after.ru_maxrss) / 1024
    return seconds, cpu, peak, peaks.run_mb, peaks.worker_mb


class _ProcessPeaks:
    """The peak memory of the run's own process and of its largest worker (the PDF's process,
    or an extraction worker), from Linux's /proc, read every 50 ms while the run lasts: which
    process the peak is in says where to look. None where /proc is not there."""

    def __init__(self, process: subprocess.Popen) -> None:
        self._pid = process.pid
        self._peaks: dict[int, int] = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    @property
    def run_mb(self) -> float | None:
        return self._peaks[self._pid] / 1024 if self._pid in self._peaks else None

    @property
    def worker_mb(self) -> float | None:
        workers = [kb for pid, kb in self._peaks.items() if pid != self._pid]
        return max(workers) / 1024 if workers else None

    def _watch(self) -> None:
        while not self._done.is_set():
            pids, seen = [self._pid], 0
            while seen < len(pids):
                pids.extend(_children(pids[seen]))
                seen += 1
            for pid in pids:
                if (kb := _high_water_kb(pid)) is not None:
                    self._peaks[pid] = max(self._peaks.get(pid, 0), kb)
            self._done.wait(0.05)


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for task in os.listdir(f"/proc/{pid}/task")
                for child in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
    except (OSError, ValueError):
        return []


def _high_water_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def run_in_scheduler(sizes: list[int], jobs: int | None, work: Path, repeat: int = 1) -> None:
    """Each size as `brief schedule` runs a pack: in its long-running process (one that has
    run a pack before), so Python, the libraries and the fonts are already loaded. With
    `repeat`, the sizes are run in turn that many times, and each size's median run (by CPU)
    is shown with the range of its CPU per article."""
    sys.path.insert(0, str(ROOT))
    import gc

    from pipeline import api
    from pipeline.cli.base import COLLECTOR_THRESHOLDS
    from pipeline.packs.settings import load_pack

    gc.set_threshold(*COLLECTOR_THRESHOLDS)  # as the command line sets it for its process
    options = {"jobs": jobs} if jobs else {}

    def measured(size: int) -> tuple[float, float]:
        config = load_pack(pack_file(size, work))
        before = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
        start = time.perf_counter()
        report = api.run_pack(config, "2026-03-04", **options)
        seconds = time.perf_counter() - start
        after = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
        if not report.written:
            raise RuntimeError(f"the {size}-article pack wrote nothing: {report.messages}")
        shutil.rmtree(work / "out", ignore_errors=True)
        return seconds, sum(a.ru_utime + a.ru_stime - b.ru_utime - b.ru_stime for a, b in zip(after, before))

    api.warm_up([load_pack(pack_file(2, work))])  # as `brief schedule` does when it starts
    measured(2)  # and a run before
    print(f"{'articles':>8} {'seconds':>9} {'CPU s':>8} {'CPU/article':>12} {'CPU/wall':>8}   (in the scheduler's "
          "process)", flush=True)
    runs: dict[int, list[tuple[float, float]]] = {size: [] for size in sizes}
    for _ in range(max(repeat, 1)):
        for size in sizes:  # in turn, so that a busy spell of the machine falls on every size
            runs[size].append(measured(size))
    for size in sizes:
        found = sorted(runs[size], key=lambda run: run[1])
        seconds, cpu = found[len(found) // 2]
        spread = (f"  ({found[0][1] / size * 1000:.0f}-{found[-1][1] / size * 1000:.0f} ms in {len(found)} runs)"
                  if len(found) > 1 else "")
        print(f"{size:>8} {seconds:>9.2f} {cpu:>8.2f} {cpu / size * 1000:>9.0f} ms {cpu / seconds:>8.2f}"
              f"{spread}  (load {os.getloadavg()[0]:.1f})", flush=True)


def _manifest_size(out: Path) -> int:
    manifests = list(out.rglob("manifest.json"))
    return manifests[0].stat().st_size if manifests else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,100", help="pack sizes, comma-separated (e.g. 10,100,1000)")
    parser.add_argument("--jobs", type=int, help="worker processes (default: the number of processors)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size; the median run (by wall time; "
                        "by CPU with --scheduler) is shown, with the load average, since timings on a shared machine "
                        "are noisy")
    parser.add_argument("--scheduler", action="store_true", help="run the packs as `brief schedule` does, in one "
                        "long-running process, instead of one `brief pack run` process each")
    args = parser.parse_args()
    # As installed: pip compiles a package's modules when it installs it, while a checkout run
    # with PYTHONDONTWRITEBYTECODE set compiles the project's modules on every start (0.1-0.2 s).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "pipeline")], check=True)
    work = Path(tempfile.mkdtemp(prefix="brief-pack-bench-"))
    try:
        if args.scheduler:
            run_in_scheduler([int(s) for s in args.sizes.split(",")], args.jobs, work, args.repeat)
            return 0
        print(f"{'articles':>8} {'seconds':>9} {'per article':>12} {'CPU s':>8} {'CPU/article':>12} "
              f"{'beyond 2':>9} {'CPU/wall':>8} {'peak MB':>8} {'run/worker':>10} {'manifest/article':>17}",
              flush=True)
        fixed_runs = []
        for _ in range(3):
            fixed_runs.append(run(2, args.jobs, work)[1])
            shutil.rmtree(work / "out", ignore_errors=True)
        fixed = sorted(fixed_runs)[1]
        print(f"{2:>8} {'':>9} {'':>12} {fixed:>8.2f}  (the fixed cost of a run: median of 3)", flush=True)
        for size in (int(s) for s in args.sizes.split(",")):
            runs = []
            for _ in range(max(args.repeat, 1)):
                runs.append(run(size, args.jobs, work))
                manifest = _manifest_size(work / "out")
                shutil.rmtree(work / "out", ignore_errors=True)
            seconds, cpu, peak, run_mb, worker_mb = sorted(runs)[len(runs) // 2]
            split = f"{run_mb:.0f}/{worker_mb:.0f}" if run_mb is not None and worker_mb is not None else "-"
            note = f"  (target < {TARGET_SECONDS:.0f} s, < {TARGET_MB} MB)" if size == 100 else ""
            print(f"{size:>8} {seconds:>9.2f} {seconds / size * 1000:>9.0f} ms {cpu:>8.2f} "
                  f"{cpu / size * 1000:>9.0f} ms {(cpu - fixed) / max(size - 2, 1) * 1000:>6.0f} ms "
                  f"{cpu / seconds:>8.2f} {peak:>8.0f} {split:>10} "
                  f"{manifest / size:>12.0f} B{note}  (load {os.getloadavg()[0]:.1f})", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

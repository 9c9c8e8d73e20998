"""Time `brief` as a user runs it: whole processes, several runs, the median.

    python benchmarks/bench.py [--runs N] [--json]

Measures `brief --help`, `brief generate` of the sample to DOCX and PDF, and, where pandoc is
installed, pandoc converting the same brief's Markdown to DOCX, for comparison. Targets (2-core machine): --help under 120 ms; the sample under 0.5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "seeds" / "uk-france-ukraine-pact.txt"
TARGETS_MS = {"brief --help": 120, "brief generate (docx+pdf)": 500}


def brief_command() -> list[str]:
    script = Path(sys.executable).with_name("brief")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pipeline"]


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000


def measure(name: str, argv: list[str], runs: int, env: dict[str, str], cwd: Path) -> dict[str, float | str]:
    times = []
    for _ in range(runs):
        times.append(timed(argv, env, cwd))
    return {"name": name, "median_ms": round(statistics.median(times), 1), "min_ms": round(min(times), 1),
            "max_ms": round(max(times), 1), "runs": runs}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    brief = brief_command()
    work = Path(tempfile.mkdtemp(prefix="brief-bench-"))
    env = dict(os.environ)
    out = work / "out"
    results = []
    try:
        results.append(measure("brief --help", [*brief, "--help"], args.runs, env, ROOT))
        results.append(measure("brief generate (docx+pdf)", [*brief, "generate", str(SAMPLE), "-o", str(out)],
                               args.runs, env, ROOT))
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        pandoc = shutil.which("pandoc")
        if pandoc:
            subprocess.run([*brief, "generate", str(SAMPLE), "-f", "md", "-o", str(work)], env=env, check=True,
                           stdout=subprocess.DEVNULL)
            markdown = next(work.glob("*.md"))
            results.append(measure("pandoc brief.md -> docx (comparison)",
                                   [pandoc, str(markdown), "-o", str(work / "pandoc.docx")], args.runs, env, ROOT))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    machine = {"python": platform.python_version(), "cpus": os.cpu_count(), "machine": platform.machine()}
    if args.json:
        print(json.dumps({"machine": machine, "results": results, "peak_rss_kib": peak_kib}, indent=2))
        return 0
    print(f"Python {machine['python']}, {machine['cpus']} CPUs ({machine['machine']})")
    print(f"{'command':48} {'median':>9} {'min':>9} {'max':>9}  target")
    for r in results:
        target = next((f"< {v} ms" for k, v in TARGETS_MS.items() if r["name"] == k), "")
        print(f"{r['name']:48} {r['median_ms']:>7} ms {r['min_ms']:>6} ms {r['max_ms']:>6} ms  {target}")
    print(f"peak memory of one brief process: {peak_kib / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

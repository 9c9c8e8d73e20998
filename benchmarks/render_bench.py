"""Render-only timings of a pack: layout, DOCX and PDF of N synthetic articles, in this process.

    python benchmarks/render_bench.py [--sizes 10,100,1000]

Extraction runs first (not timed); each format is rendered alone, so that CPU per article of
each step can be compared across sizes (a step that grows faster than the pack shows here).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from pack_bench import article  # noqa: E402


def main() -> int:
    from pipeline.extract import extract
    from pipeline.compose.layout import Furniture, layout_pack
    from pipeline.model import Pack, PackEntry
    from pipeline.readers import read_bytes
    from pipeline.render import RenderJob, render
    from pipeline.compose.theme import TEMPLATES_DIR, load_theme

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,100")
    parser.add_argument("--formats", default="docx,pdf")
    args = parser.parse_args()
    theme = load_theme(None)
    print(f"{'articles':>8} {'step':>8} {'seconds':>9} {'per article':>12}")
    for size in (int(s) for s in args.sizes.split(",")):
        rng = random.Random(size)
        briefs = [extract(read_bytes(article(n, rng).encode(), f"{n:04d}.txt")) for n in range(size)]
        pack = Pack("Bench", "2026-03-04", None, None, None, [PackEntry(b, True) for b in briefs], [])
        start = time.process_time()
        markdown, document = layout_pack(pack, theme.language, folder=TEMPLATES_DIR,
                                         furniture=Furniture.from_theme(theme))
        steps = [("layout", time.process_time() - start)]
        for fmt in args.formats.split(","):
            job = RenderJob(document=document, markdown=markdown, theme=theme, pack=pack)
            start = time.process_time()
            render(fmt, job)
            steps.append((fmt, time.process_time() - start))
        for name, seconds in steps:
            print(f"{size:>8} {name:>8} {seconds:>9.2f} {seconds / size * 1000:>9.1f} ms", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The largest inputs brief accepts, and the ones just past the cap: a brief or a clear refusal,
in how long. Issue 18's bound: under 60 s each on this machine class.

    python benchmarks/big_input.py [--keep DIR]

Articles are made here from a small vocabulary: one paragraph of 5 MB, many paragraphs just
under the text cap (MAX_ARTICLE_CHARS), and 19 MB (under the 20 MB file cap, over the text cap);
and one just under the cap that names a new person, minister and company in every paragraph, who
share a surname, a role and a word of their names.
Each is run through `brief generate -f json -f docx -f pdf` as a user would."""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.readers.decode import MAX_ARTICLE_CHARS  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from extract_long_paragraph import made_up_name  # noqa: E402

WORDS = ("the minister said that talks would continue and officials agreed to meet again next week in "
         "London while the union warned of further strikes").split()


def sentences(rng: random.Random, size: int):
    total = 0
    while total < size:
        sentence = " ".join(rng.choice(WORDS) for _ in range(14)).capitalize() + "."
        total += len(sentence) + 1
        yield sentence


def write(path: Path, size: int, one_paragraph: bool) -> Path:
    rng = random.Random(size)
    body = list(sentences(rng, size))
    if one_paragraph:
        text = " ".join(body)
    else:
        text = "\n\n".join(" ".join(body[i:i + 8]) for i in range(0, len(body), 8))
    path.write_text("A very long article\n\n" + text + "\n", encoding="utf-8")
    return path


def write_crowded(path: Path, size: int) -> Path:
    """Paragraphs each naming a new person, minister and company: thousands who share a surname,
    a role and a word of their company's name, each called by it again."""
    paragraphs, total, n = [], 0, 0
    while total < size:
        a, b, c = made_up_name(3 * n), made_up_name(3 * n + 1), made_up_name(3 * n + 2)
        paragraph = (f"{a} Smith of {b} Holdings Group met Health Minister {c} {a}ov on day {n}. Smith said "
                     f"\"we will publish the plan by March.\" The minister said {b} Group would pay.")
        paragraphs.append(paragraph)
        total += len(paragraph) + 2
        n += 1
    path.write_text("A crowded article\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="write the articles here instead of a temporary folder")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp())
    folder.mkdir(parents=True, exist_ok=True)
    cases = [("one paragraph, 5 MB", write(folder / "one-paragraph-5mb.txt", 5_000_000, True)),
             ("paragraphs, just under the text cap", write(folder / "under-cap.txt", MAX_ARTICLE_CHARS - 30_000, False)),
             ("thousands of people and companies, under the cap",
              write_crowded(folder / "crowded.txt", MAX_ARTICLE_CHARS - 30_000)),
             ("paragraphs, 19 MB (over the text cap)", write(folder / "19mb.txt", 19_000_000, False))]
    for label, path in cases:
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "pipeline", "generate", str(path), "-f", "json", "-f", "docx",
                                 "-f", "pdf", "-o", str(folder / "out")], capture_output=True, timeout=600)
        seconds = time.perf_counter() - started
        outcome = "brief written" if result.returncode == 0 else "refused: " + result.stderr.decode().strip()[:90]
        print(f"{label:40} {path.stat().st_size / 1e6:6.1f} MB  {seconds:6.1f} s  {outcome}")


if __name__ == "__main__":
    main()

"""Every hostile or awkward input, through the whole command: a whole set of files or one line
of error, never a traceback, never half a file, never markup obeyed."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
import pytest

from pipeline.cli import main
from tests.hostile import fixtures
from tests.readers.hostile_inputs import HOSTILE

FORMATS = ["docx", "pdf", "md", "html", "json"]


def catalogue() -> dict[str, bytes]:
    """Our own copies, and every file of sections A, B, C, D and F of the catalogue (tests/hostile.py)."""
    inputs = {f"{key}.md" if key == "D07" else f"{key}.txt": data for key, data in HOSTILE.items()}
    inputs.update({name: data for name, data in fixtures().items() if name[0] in "ABCDF"})
    return inputs


CATALOGUE = catalogue()


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    out, err = capsys.readouterr()
    return exited.value.code, out, err


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_input_gives_whole_files_or_one_clear_line(name, tmp_path, capsys):
    path = tmp_path / name
    path.write_bytes(CATALOGUE[name])
    out_dir = tmp_path / "out"
    code, out, err = run(["generate", str(path), *(a for f in FORMATS for a in ("-f", f)), "-o", str(out_dir)],
                         capsys)
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if not line.startswith("brief: warning: ")]
    assert all(line.startswith("brief: ") for line in err.splitlines())
    written = sorted(p.name for p in out_dir.iterdir()) if out_dir.exists() else []
    assert not [n for n in written if n.startswith(".")], "temporary file left behind"
    if code == 0:
        assert errors == []
        paths = [Path(line) for line in out.splitlines()]
        assert [p.suffix[1:] for p in paths] == FORMATS
        assert all(p.parent == out_dir and p.stat().st_size > 0 for p in paths)
        document = docx.Document(str(paths[0]))
        assert document.paragraphs[0].style.name == "Title"
        with zipfile.ZipFile(paths[0]) as package:
            assert package.testzip() is None
        pdf = paths[1].read_bytes()
        assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    else:
        assert code == 1
        assert len(errors) == 1 and re.match(r"brief: .+: .+", errors[0]), err
        assert written == [] and out == ""


def test_reportlab_markup_never_runs(tmp_path, capsys):
    pwned = Path("/tmp/pwned")
    pwned.unlink(missing_ok=True)
    for key in ("C01", "C02", "C03", "C04"):
        path = tmp_path / f"{key}.txt"
        path.write_bytes(HOSTILE[key])
        code, out, err = run(["generate", str(path), "-f", "pdf", "-f", "md", "-o", str(tmp_path / "out")], capsys)
        assert code == 0, err
        # The markup is shown as text: the Markdown holds every character of it.
        markdown = Path(out.splitlines()[1]).read_text(encoding="utf-8")
        assert "&lt;" not in markdown and "\\<" in markdown
    assert not pwned.exists()

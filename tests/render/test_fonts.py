"""Font discovery, against the fonts really installed (fonts-dejavu-core is required)."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.render import fonts
from pipeline.render.fonts import FontFace, find_font, find_font_face, unusable_reason
from tests.conftest import ROOT

DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
DEJAVU = DEJAVU_DIR / "DejaVuSans.ttf"
DEJAVU_BOLD = DEJAVU_DIR / "DejaVuSans-Bold.ttf"


@pytest.fixture(autouse=True)
def need_dejavu():
    """These tests need DejaVu Sans; like the Debian tools, skip without it, but fail under CI."""
    if not DEJAVU.is_file():
        message = "fonts-dejavu-core is not installed (Debian package needed; see .ci/run)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture()
def fresh_lookups():
    """Lookups are cached per process; tests that change what is installed start afresh."""
    fonts.find_font_face.cache_clear()
    fonts._font_file_index.cache_clear()
    yield
    fonts.find_font_face.cache_clear()
    fonts._font_file_index.cache_clear()


def write_collection(target: Path, members: list[Path]) -> Path:
    """A TrueType collection (.ttc) holding the given .ttf files, as font tools build them."""
    parsed = []
    for member in members:
        data = member.read_bytes()
        version, count = struct.unpack(">IH", data[:6])
        records = [struct.unpack(">4sIII", data[12 + 16 * i: 28 + 16 * i]) for i in range(count)]
        parsed.append((data[:12], records, data))
    offset = 12 + 4 * len(members)
    directory_offsets = []
    for header, records, _ in parsed:
        directory_offsets.append(offset)
        offset += 12 + 16 * len(records)
    out = bytearray(struct.pack(">4sII", b"ttcf", 0x00010000, len(members)))
    out += b"".join(struct.pack(">I", o) for o in directory_offsets)
    directories, tables = bytearray(), bytearray()
    for header, records, data in parsed:
        directories += header
        for tag, checksum, table_offset, length in records:
            directories += struct.pack(">4sIII", tag, checksum, offset + len(tables), length)
            tables += data[table_offset:table_offset + length]
            tables += b"\0" * (-len(tables) % 4)
    target.write_bytes(bytes(out + directories + tables))
    return target


def test_family_regular_and_bold_are_found_by_file_name():
    assert find_font("DejaVu Sans") == DEJAVU
    assert find_font("DejaVu Sans", bold=True) == DEJAVU_BOLD
    assert find_font("DejaVu Sans", italic=True) == DEJAVU_DIR / "DejaVuSans-Oblique.ttf"
    assert find_font("DejaVu Sans", bold=True, italic=True) == DEJAVU_DIR / "DejaVuSans-BoldOblique.ttf"


def test_family_name_does_not_match_a_longer_family():
    assert find_font("DejaVu Sans Mono") == DEJAVU_DIR / "DejaVuSansMono.ttf"
    assert find_font("DejaVu Sans") != DEJAVU_DIR / "DejaVuSansMono.ttf"


def test_noto_style_names():
    if find_font("Noto Sans") is None:
        pytest.skip("fonts-noto-core is not installed")
    assert find_font("Noto Sans").name == "NotoSans-Regular.ttf"
    assert find_font("Noto Sans", bold=True).name == "NotoSans-Bold.ttf"
    assert find_font("Noto Sans", italic=True).name == "NotoSans-Italic.ttf"


def test_a_style_the_family_lacks_is_none_not_a_substitute():
    if find_font("Noto Sans Math") is None:
        pytest.skip("fonts-noto-core is not installed")
    assert find_font("Noto Sans Math", bold=True) is None


def test_direct_path_is_used_as_is():
    assert find_font(str(DEJAVU)) == DEJAVU
    assert find_font_face(str(DEJAVU)) == FontFace(DEJAVU, 0)


def test_direct_path_bold_comes_from_a_sibling_file():
    assert find_font(str(DEJAVU), bold=True) == DEJAVU_BOLD


def test_direct_path_without_a_bold_sibling_has_no_bold(tmp_path):
    lone = tmp_path / "Lone.ttf"
    shutil.copy(DEJAVU, lone)
    assert find_font(str(lone)) == lone
    assert find_font(str(lone), bold=True) is None


def test_missing_path_is_none(tmp_path):
    assert find_font(str(tmp_path / "missing.ttf")) is None


def test_unknown_family_is_none_not_an_fc_match_substitute():
    assert find_font("Definitely Not An Installed Family 7731") is None
    assert find_font("Definitely Not An Installed Family 7731", bold=True) is None


def test_fc_match_finds_a_family_whose_files_are_named_otherwise():
    if shutil.which("fc-match") is None:
        pytest.skip("fontconfig is not installed")
    answer = subprocess.run(["fc-match", "-f", "%{family}|%{file}", "OpenSymbol"],
                            capture_output=True, text=True).stdout
    family, _, file = answer.partition("|")
    if family != "OpenSymbol" or not file.endswith(".ttf"):
        pytest.skip("OpenSymbol (LibreOffice) is not installed")
    assert find_font("OpenSymbol") == Path(file)


def test_postscript_outline_fonts_are_refused(tmp_path):
    cff = tmp_path / "Cff.otf"
    cff.write_bytes(b"OTTO" + bytes(64))
    assert "CFF" in unusable_reason(cff)
    assert find_font(str(cff)) is None


def test_not_a_font_is_refused(tmp_path):
    fake = tmp_path / "fake.ttf"
    fake.write_text("not a font")
    assert unusable_reason(fake) is not None
    assert find_font(str(fake)) is None


def test_truetype_collection_face_is_checked(tmp_path):
    collection = write_collection(tmp_path / "Pair.ttc", [DEJAVU, DEJAVU_BOLD])
    assert unusable_reason(collection, 0) is None
    assert unusable_reason(collection, 1) is None
    assert unusable_reason(collection, 2) is not None
    assert find_font_face(str(collection)) == FontFace(collection, 0)


def test_fc_match_answer_from_a_collection_keeps_its_face_index(tmp_path, monkeypatch, fresh_lookups):
    if shutil.which("fc-match") is None:
        pytest.skip("fontconfig is not installed")
    folder = tmp_path / "fonts"
    folder.mkdir()
    write_collection(folder / "pair.ttc", [DEJAVU, DEJAVU_BOLD])
    config = tmp_path / "fonts.conf"
    config.write_text(f'<?xml version="1.0"?><fontconfig><dir>{folder}</dir>'
                      f'<cachedir>{tmp_path / "cache"}</cachedir></fontconfig>')
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    # Only fontconfig knows this folder, so the answer must come from fc-match.
    assert fonts._face_from_fc_match("DejaVu Sans", bold=True, italic=False) == FontFace(folder / "pair.ttc", 1)
    assert fonts._face_from_fc_match("DejaVu Sans", bold=False, italic=False) == FontFace(folder / "pair.ttc", 0)
    assert fonts._face_from_fc_match("DejaVu Sans", bold=False, italic=True) is None


def test_fonts_in_home_folder_are_found(tmp_path, monkeypatch, fresh_lookups):
    home_fonts = tmp_path / ".local" / "share" / "fonts" / "nested"
    home_fonts.mkdir(parents=True)
    shutil.copy(DEJAVU, home_fonts / "BriefTestFace-Regular.ttf")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert find_font("Brief Test Face") == home_fonts / "BriefTestFace-Regular.ttf"


def test_module_does_not_import_reportlab():
    code = ("import sys, pipeline.render.fonts as f; f.find_font('DejaVu Sans'); "
            "print(any(m.startswith('reportlab') for m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"

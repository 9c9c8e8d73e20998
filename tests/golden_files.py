"""Golden files (tests/golden/) compared by structure, not bytes: JSON as parsed values, Markdown
as the block model, DOCX as its paragraphs (style and text) and table cells. With
`pytest --update-golden` each check rewrites its file from the current code instead."""

from __future__ import annotations

import json
import zipfile
from io import BytesIO
from pathlib import Path

import pytest

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def differences(expected, actual, path: str = "$") -> list[str]:
    """Where two parsed JSON values differ, one line per place, by key path."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for key in sorted(set(expected) | set(actual)):
            where = f"{path}.{key}"
            if key not in actual:
                found.append(f"{where}: missing (golden {_short(expected[key])})")
            elif key not in expected:
                found.append(f"{where}: not in the golden file ({_short(actual[key])})")
            else:
                found += differences(expected[key], actual[key], where)
        return found
    if isinstance(expected, list) and isinstance(actual, list):
        found = []
        for index in range(max(len(expected), len(actual))):
            where = f"{path}[{index}]"
            if index >= len(actual):
                found.append(f"{where}: missing (golden {_short(expected[index])})")
            elif index >= len(expected):
                found.append(f"{where}: not in the golden file ({_short(actual[index])})")
            else:
                found += differences(expected[index], actual[index], where)
        return found
    if expected != actual or type(expected) is not type(actual):
        return [f"{path}: golden {_short(expected)}, now {_short(actual)}"]
    return []


def _short(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 120 else text[:117] + "..."


def docx_structure(data: bytes) -> list:
    """The body of word/document.xml in order: ["p", style, text] for each paragraph and
    ["table", [[cell text, ...], ...]] for each table."""
    from xml.etree import ElementTree

    with zipfile.ZipFile(BytesIO(data)) as archive:
        body = ElementTree.fromstring(archive.read("word/document.xml")).find(f"{W}body")

    def text(element) -> str:
        parts = []
        for node in element.iter():
            if node.tag == f"{W}t":
                parts.append(node.text or "")
            elif node.tag == f"{W}tab":
                parts.append("\t")
            elif node.tag in (f"{W}br", f"{W}cr"):
                parts.append("\n")
        return "".join(parts)

    out: list = []
    for child in body:
        if child.tag == f"{W}p":
            style = child.find(f"{W}pPr/{W}pStyle")
            out.append(["p", style.get(f"{W}val") if style is not None else "", text(child)])
        elif child.tag == f"{W}tbl":
            out.append(["table", [["\n".join(text(p) for p in cell.iter(f"{W}p")) for cell in row.iter(f"{W}tc")]
                                  for row in child.iter(f"{W}tr")]])
    return out


class Golden:
    def __init__(self, folder: Path, update: bool) -> None:
        self.folder = folder
        self.update = update

    def _rewrite(self, name: str, text: str) -> None:
        (self.folder / name).write_text(text, encoding="utf-8", newline="\n")

    def check_json(self, name: str, text: str) -> None:
        """`text` (JSON) against the golden file, as parsed values."""
        if self.update:
            self._rewrite(name, text if text.endswith("\n") else text + "\n")
            return
        found = differences(json.loads((self.folder / name).read_text(encoding="utf-8")), json.loads(text))
        if found:
            pytest.fail(f"{name} differs ({len(found)} places; pytest --update-golden rewrites it):\n"
                        + "\n".join(found[:40]), pytrace=False)

    def check_markdown(self, name: str, markdown: str, blocks) -> None:
        """`blocks` (the document parsed from `markdown`) against the golden file's blocks."""
        from pipeline.compose.blocks import Meta
        from pipeline.compose.layout import parse_markdown

        if self.update:
            self._rewrite(name, markdown)
            return
        golden = parse_markdown((self.folder / name).read_text(encoding="utf-8"), Meta(title=""))
        assert blocks == golden.blocks, f"{name} differs; pytest --update-golden rewrites it"

    def check_docx(self, name: str, data: bytes) -> None:
        """A DOCX against the golden file of its structure (JSON: paragraph styles and texts,
        table cells)."""
        # One paragraph or table a line, so that a change reads as a one-line diff.
        lines = [json.dumps(item, ensure_ascii=False) for item in docx_structure(data)]
        self.check_json(name, "[\n" + ",\n".join(lines) + "\n]\n")

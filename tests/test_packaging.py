"""What the wheel holds: every package folder is named in pyproject.toml, and every file the
code reads at run time sits inside a package (the install check in .ci/run builds and runs it)."""

from __future__ import annotations

import tomllib

from tests.conftest import ROOT


def test_every_package_folder_is_listed():
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(settings["packages"])
    mapped = settings.get("package-dir", {})
    found = {".".join(path.parent.relative_to(ROOT).parts) for path in (ROOT / "pipeline").rglob("__init__.py")}
    assert found <= listed, f"add {sorted(found - listed)} to [tool.setuptools] packages"
    for package in listed - found:
        folder = ROOT / mapped.get(package, "") if package in mapped else None
        parent = next((p for p in mapped if package.startswith(p + ".")), None)
        if folder is None and parent is not None:
            folder = ROOT / mapped[parent] / package[len(parent) + 1:].replace(".", "/")
        assert folder is not None and folder.is_dir(), f"{package} is listed but has no folder"


def test_the_built_in_templates_are_package_data():
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert settings["package-dir"]["pipeline.builtin"] == "templates"
    data = settings["package-data"]
    templates = {p.name for p in (ROOT / "templates").glob("*.j2")}
    assert templates and all(any(p.endswith(pattern.lstrip("*")) for pattern in data["pipeline.builtin"])
                             for p in templates)
    assert all(p.suffix == ".toml" for p in (ROOT / "templates" / "themes").iterdir())
    assert (ROOT / "pipeline" / "report.schema.json").is_file() and "*.json" in data["pipeline"]
    assert "data-files" not in settings

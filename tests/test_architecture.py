"""The package's arrows point one way: no module imports, at the top or inside a function, a
module that imports it back, directly or through others."""

from __future__ import annotations

import ast

from tests.conftest import ROOT


def import_graph() -> dict[str, set[str]]:
    package = ROOT / "pipeline"
    modules = {}
    for path in package.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {id(inner) for node in ast.walk(tree)
                       if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
                       for inner in ast.walk(node)}
        for node in ast.walk(tree):
            if id(node) in typing_only:  # annotations only: never imported when the code runs
                continue
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                continue
            graph[name].update(t for t in targets if t in modules and t != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circles():
    assert cycles(import_graph()) == []


def test_the_check_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_model_imports_nothing_of_ours():
    assert import_graph()["pipeline.model"] == set()


# Each third-party library has one owner, so that replacing it, or its version's quirks, touches
# one place: the owner is a module or package prefix.
OWNERS = {
    "docx": "pipeline.render.docx",
    "reportlab": "pipeline.render.pdf",
    "pikepdf": "pipeline.render.pdf",
    "jinja2": "pipeline.compose",
    "markdown_it": "pipeline.commonmark",
}
# Importers outside their library's owner today, each to be moved behind the owner.
KNOWN_OUTSIDERS = {
    ("markdown_it", "pipeline.compose.layout"),    # the syntax tree built from the parser's tokens
}


def _owned_by(module: str, owner: str) -> bool:
    return module == owner or module.startswith(owner + ".")


def third_party_imports(source: str) -> set[str]:
    """The top-level names of the packages a module's source imports, at the top or inside a
    function, leaving out imports under `if TYPE_CHECKING:`."""
    tree = ast.parse(source)
    typing_only = {id(inner) for node in ast.walk(tree)
                   if isinstance(node, ast.If) and isinstance(node.test, (ast.Name, ast.Attribute))
                   and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING"
                   for inner in ast.walk(node)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def outsiders() -> set[tuple[str, str]]:
    """(library, module) for each module importing a library it does not own."""
    package = ROOT / "pipeline"
    found = set()
    for path in package.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        for library in third_party_imports(path.read_text(encoding="utf-8")) & OWNERS.keys():
            if not _owned_by(module, OWNERS[library]):
                found.add((library, module))
    return found


def test_each_third_party_library_is_imported_by_its_owner_only():
    assert outsiders() <= KNOWN_OUTSIDERS, "import these through their owner (OWNERS)"


def test_the_known_outsiders_are_still_outsiders():
    # One moved behind its owner is taken off the list, so the list cannot hide a new one.
    assert KNOWN_OUTSIDERS <= outsiders()


def test_the_ownership_check_sees_imports_in_functions_and_skips_type_checking():
    source = ("from typing import TYPE_CHECKING\nimport os.path\nif TYPE_CHECKING:\n    import docx\n"
              "def draw():\n    from reportlab.pdfgen import canvas\n    import jinja2.sandbox as sandbox\n")
    assert third_party_imports(source) == {"typing", "os", "reportlab", "jinja2"}
    assert _owned_by("pipeline.render.docx.styles", "pipeline.render.docx")
    assert not _owned_by("pipeline.render.docxish", "pipeline.render.docx")

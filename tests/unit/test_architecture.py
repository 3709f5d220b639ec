"""The layout stays readable: small folders, a purpose per package, no import cycle (issue #16).

What CONTRIBUTING.md promises a newcomer, checked: no folder of ``src/lupus_sct`` holds more than
20 modules directly; every package says in one line what it holds; no two modules of
``lupus_sct`` import each other, directly or through others; and the unit, reference, property
and integration test trees mirror the source packages.
"""

from __future__ import annotations

import ast
from pathlib import Path

import grimp

from data_paths import TESTS

PACKAGE = TESTS.parent / "src" / "lupus_sct"
MAX_MODULES_PER_FOLDER = 20  # issue #16, "Done when": a folder past about 20 is two concepts
MIRRORED_TEST_TREES = ("unit", "reference", "property", "integration")


def _folders(root: Path) -> list[Path]:
    return sorted(
        p for p in (root, *root.rglob("*")) if p.is_dir() and "__pycache__" not in p.parts
    )


def test_no_folder_of_the_package_holds_more_than_twenty_modules_directly() -> None:
    crowded = {
        str(folder.relative_to(PACKAGE)): count
        for folder in _folders(PACKAGE)
        if (count := sum(1 for f in folder.glob("*.py") if f.name != "__init__.py"))
        > MAX_MODULES_PER_FOLDER
    }
    assert crowded == {}, f"folders over {MAX_MODULES_PER_FOLDER} modules: {crowded}"


def test_every_package_says_what_it_holds_in_a_one_line_summary() -> None:
    silent = []
    for init in sorted(PACKAGE.rglob("__init__.py")):
        docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        lines = (docstring or "").splitlines()
        # PEP 257: a summary line, then nothing or a blank line before any further paragraph.
        if not lines or not lines[0].strip() or (len(lines) > 1 and lines[1].strip()):
            silent.append(str(init.relative_to(PACKAGE)))
    assert silent == [], f"packages without a one-line summary docstring: {silent}"


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Each group of modules that import one another, directly or through others."""
    groups = {
        tuple(sorted({module} | (graph.find_upstream_modules(module) & importers)))
        for module in graph.modules
        if (importers := graph.find_downstream_modules(module))
        and graph.find_upstream_modules(module) & importers
    }
    return [list(group) for group in sorted(groups)]


def test_the_cycle_finder_finds_a_cycle_through_a_third_module() -> None:
    graph = grimp.ImportGraph()
    for importer, imported in (("a", "b"), ("b", "c"), ("c", "a"), ("d", "a"), ("e", "d")):
        graph.add_import(importer=importer, imported=imported)
    assert _cycles(graph) == [["a", "b", "c"]]


def test_no_module_of_the_package_imports_itself_through_others() -> None:
    # grimp reads every import statement, those under ``if TYPE_CHECKING:`` included: a cycle of
    # annotations only is still a cycle for a reader, so it counts.
    assert _cycles(grimp.build_graph("lupus_sct")) == []


def test_the_unit_reference_property_and_integration_trees_mirror_the_source_packages() -> None:
    unmatched = []
    for tree in MIRRORED_TEST_TREES:
        root = TESTS / tree
        for folder in _folders(root):
            if not any(folder.glob("*.py")):
                continue  # a data folder (R sessions, CSV files, FHIR examples), not tests
            source = PACKAGE / folder.relative_to(root)
            if not (source / "__init__.py").is_file():
                unmatched.append(str(folder.relative_to(TESTS)))
    assert unmatched == [], f"test folders with no source package of the same path: {unmatched}"

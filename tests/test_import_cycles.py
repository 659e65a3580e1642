"""No import cycles in the planner, at module level or through imports inside functions.

A cycle makes the order modules load in matter, hides which module depends on which, and can run a module
twice: under ``python -m planner`` the entry point is ``__main__``, so a module importing
``planner.__main__`` back ran it a second time and stamped the start time again. Imports inside functions
count here like any other (they are cycles that merely wait for a call); imports under ``if TYPE_CHECKING:``
do not, since they never run (they only name types for annotations).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "planner"
SKIPPED = ("migrations",)
"""Alembic's scripts are loaded by Alembic from their files, never imported by name."""


def _module_name(path: Path, package: Path) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules(package: Path) -> dict[str, Path]:
    return {
        _module_name(path, package): path
        for path in sorted(package.rglob("*.py"))
        if not any(part in SKIPPED for part in path.relative_to(package).parts)
    }


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """The nodes under ``if TYPE_CHECKING:`` (never run)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for statement in node.body:
                skipped.update(id(inner) for inner in ast.walk(statement))
    return skipped


def _owner(name: str, modules: dict[str, Path]) -> str | None:
    """The planner module that ``name`` (a module, or a name inside one) is, or lives in."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Every planner module and the planner modules it imports anywhere (module level, functions, methods)."""
    modules = _modules(package)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        skipped = _type_checking_nodes(tree)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([node.module] if node.module else [])])
                # ``from planner.x import y`` imports the module planner.x.y when there is one.
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names
                ]
            for target in targets:
                owner = _owner(target, modules) if target.startswith("planner") else None
                if owner is not None and owner != name:
                    graph[name].add(owner)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as the modules along it (the first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_planner_has_no_import_cycle() -> None:
    graph = import_graph()
    assert len(graph) > 100  # the walk found the package
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


@pytest.mark.parametrize(
    ("sources", "edges"),
    [
        # a function-level import closing the loop counts
        ({"a": "import planner.b\n", "b": "def f():\n    from planner import a\n"}, {"a": {"b"}, "b": {"a"}}),
        # a name imported from a module is an edge to that module
        ({"a": "from planner.b import thing\n", "b": "from . import a\n"}, {"a": {"b"}, "b": {"a"}}),
        # an import only for type checking never runs
        (
            {
                "a": "import planner.b\n",
                "b": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import planner.a\n",
            },
            {"a": {"b"}, "b": set()},
        ),
    ],
)
def test_the_graph_sees_every_import_that_runs(
    sources: dict[str, str], edges: dict[str, set[str]], tmp_path: Path
) -> None:
    package = tmp_path / "planner"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name, text in sources.items():
        (package / f"{name}.py").write_text(text)
    graph = import_graph(package)
    assert graph == {"planner": set()} | {f"planner.{n}": {f"planner.{t}" for t in ts} for n, ts in edges.items()}
    cyclic = any(a in edges[b] for a in edges for b in edges[a])
    assert (find_cycle(graph) is not None) == cyclic

"""Guards over the package's shape (docs/architecture.md): no import circles, layers that import
only downward, and SQL kept where it belongs."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "nir_cli"


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in PACKAGE.rglob("*.py")}


def _skipped(node: ast.AST) -> bool:
    """Blocks that never run on import: type checking only, or a script's entry."""
    if not isinstance(node, ast.If):
        return False
    test = ast.unparse(node.test)
    return "TYPE_CHECKING" in test or "__name__" in test


def _imports(path: Path) -> set[str]:
    """Every nir_cli module `path` imports, at the top or inside functions (lazy imports for
    start-up time are imports all the same)."""
    name = _name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if _skipped(node):
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, *([node.module] if node.module else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in MODULES else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    # Importing a.b.c runs a/__init__ and a/b/__init__ first: those count as imports too,
    # except the importer's own packages, which are already being imported when it runs.
    own = _ancestors(name)
    for module in list(found):
        found.update(_ancestors(module) - own)
    # `nir_cli` itself is a version string and a lazy door to the API: importing it runs nothing.
    return {m for m in found if m in MODULES and m not in (name, "nir_cli")}


def _ancestors(module: str) -> set[str]:
    parts = module.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


GRAPH = {name: _imports(path) for name, path in MODULES.items()}


def _cycles() -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in GRAPH[v]:
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in GRAPH:
        if v not in index:
            connect(v)
    return found


def test_no_import_circles() -> None:
    assert _cycles() == []


def test_the_registry_imports_neither_the_client_nor_the_click_layer() -> None:
    for name, imports in GRAPH.items():
        if name.startswith("nir_cli.registry"):
            wrong = {m for m in imports if m.startswith(("nir_cli.sync", "nir_cli.commands"))}
            assert not wrong, f"{name} imports {wrong}"
            assert name == "nir_cli.registry" or "nir_cli.cli" not in imports


def test_only_the_click_layer_imports_click() -> None:
    for name, path in MODULES.items():
        if name.startswith("nir_cli.commands") or name == "nir_cli.cli":
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import click|from click)", text, re.M), name


# SQL that writes or reads tables belongs in store/, the rules, the registry's storage and
# `nir sql`, and nowhere else.
SQL = re.compile(
    r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+[\w{}.]+\s+SET|DELETE\s+FROM)\b", re.S
)
SQL_HOMES = ("nir_cli.store", "nir_cli.rules", "nir_cli.registry.storage", "nir_cli.commands.sql")


def test_sql_stays_in_its_homes() -> None:
    holding = {
        name
        for name, path in MODULES.items()
        if not name.startswith(SQL_HOMES) and SQL.search(path.read_text(encoding="utf-8"))
    }
    assert not holding, f"SQL outside store/, rules/ and the registry's storage: {holding}"


@pytest.mark.parametrize(
    "text",
    [
        'conn.execute("SELECT * FROM persons WHERE id = ?")',
        '"SELECT id,\n" "  name FROM persons"',
        'conn.execute("INSERT INTO outbox (seq) VALUES (?)")',
        'f"UPDATE {table} SET registry_version = ?"',
        '"DELETE FROM login_attempts WHERE username = ?"',
    ],
)
def test_the_sql_guard_sees_statements(text: str) -> None:
    assert SQL.search(text)


# The commands for the main jobs go through the Python API (nir_cli.register.Register), so
# what a script can do and what the command line does stay the same thing.
THROUGH_REGISTER = (
    "nir_cli.commands.person",
    "nir_cli.commands.register",
    "nir_cli.commands.registration",
    "nir_cli.commands.history",
    "nir_cli.commands.deadlines",
)


def test_the_main_commands_are_a_thin_layer_over_register() -> None:
    for name in THROUGH_REGISTER:
        around = {
            m
            for m in GRAPH[name]
            if m.startswith(("nir_cli.services", "nir_cli.store", "nir_cli.rules.findings"))
        }
        assert not around, f"{name} goes around Register: {around}"

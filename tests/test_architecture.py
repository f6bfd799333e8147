"""Guards over the package's shape (docs/architecture.md): no import circles, the layer rules
of docs/architecture.md's table held by every import (at the top or inside a function), click
only in the command layer, and SQL kept where it belongs."""

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


def _imports(path: Path) -> dict[str, int]:
    """Every nir_cli module `path` imports, at the top or inside functions (lazy imports for
    start-up time are imports all the same), with the line of its first import."""
    name = _name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: dict[str, int] = {}

    def add(module: str, line: int) -> None:
        found.setdefault(module, line)

    def visit(node: ast.AST) -> None:
        if _skipped(node):
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, *([node.module] if node.module else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                add(full if full in MODULES else base, node.lineno)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    # Importing a.b.c runs a/__init__ and a/b/__init__ first: those count as imports too,
    # except the importer's own packages, which are already being imported when it runs.
    own = _ancestors(name)
    for module, line in list(found.items()):
        for ancestor in _ancestors(module) - own:
            add(ancestor, line)
    # `nir_cli` itself is a version string and a lazy door to the API: importing it runs nothing.
    return {m: n for m, n in found.items() if m in MODULES and m not in (name, "nir_cli")}


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


def _layer_rules() -> list[tuple[str, tuple[str, ...]]]:
    """docs/architecture.md's table of layer rules: (a layer, the packages it may not import),
    each as `nir_cli....` in backticks."""
    text = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = text.split("<!-- layer rules -->", 2)[1]
    rules = []
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0].startswith("`nir_cli"):
            layer = cells[0].strip("`")
            banned = tuple(re.findall(r"`(nir_cli[\w.]*)`", cells[1]))
            rules.append((layer, banned))
    return rules


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_the_layer_rules_are_read_from_the_docs() -> None:
    rules = dict(_layer_rules())
    # the rules at least (#32): the docs may forbid more, never less
    for layer, banned in {
        "nir_cli.domain": ("nir_cli.store", "nir_cli.commands", "nir_cli.services"),
        "nir_cli.store": ("nir_cli.commands", "nir_cli.services", "nir_cli.sync", "nir_cli.rules"),
        "nir_cli.importer": ("nir_cli.services",),
        "nir_cli.sync": ("nir_cli.services",),
        "nir_cli.registry": ("nir_cli.sync", "nir_cli.commands", "nir_cli.store"),
        "nir_cli.rules": ("nir_cli.services",),
    }.items():
        assert set(banned) <= set(rules[layer]), layer
    assert len(rules) >= 6
    for layer, banned in rules.items():
        assert any(_within(m, layer) for m in MODULES), layer
        for package in banned:
            assert any(_within(m, package) for m in MODULES), package


def test_every_import_keeps_the_layer_rules() -> None:
    """Each import of every module, at the top or in a function, against each rule; a failure
    names the file and line."""
    broken = []
    for layer, banned in _layer_rules():
        for name, imports in sorted(GRAPH.items()):
            if not _within(name, layer):
                continue
            for module, line in sorted(imports.items(), key=lambda item: item[1]):
                if any(_within(module, package) for package in banned):
                    where = MODULES[name].relative_to(PACKAGE.parent)
                    broken.append(f"{where}:{line}: {name} imports {module} ({layer} may not)")
    assert not broken, "\n".join(broken)


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
SQL_HOMES = (
    "nir_cli.store",
    "nir_cli.core.sqlite_file",
    "nir_cli.rules",
    "nir_cli.registry.storage",
    "nir_cli.commands.sql",
)


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

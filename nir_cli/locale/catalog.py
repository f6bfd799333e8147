"""Keep the bokmål catalog in step with the code, with Babel.

    python -m nir_cli.locale.catalog update    # new strings in, gone ones out, then compile
    python -m nir_cli.locale.catalog check     # what is untranslated, fuzzy or out of step

What the catalog holds, all as English msgids:
- every `_()`, `N_()`, `ngettext()` and `pgettext()` in `nir_cli/` (Babel's Python extractor);
- every command's help, short help and epilog, and every parameter's help, found by walking
  the command tree (they are written as plain strings and translated when rendered);
- click's own messages ("Usage:", "Missing option"), from the installed click's source, since
  `i18n.speak_through_click()` routes them through this catalog.

`update` keeps every translation whose msgid is still used, leaves new entries empty for a
translator (`check` lists them), drops those no longer used, and compiles `nir.mo`. Babel is a
developer's tool here (the test extras): nir itself reads the compiled catalog with the stdlib.
A test runs `check`, so a string added without its translation fails the suite.
"""

from __future__ import annotations

import datetime as dt
import inspect
import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parent.parent
PO = PACKAGE / "locale" / "nb" / "LC_MESSAGES" / "nir.po"
MO = PO.with_suffix(".mo")
KEYWORDS: dict[str, Any] = {
    "_": None,
    "N_": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "NP_": ((1, "c"), 2),
}
HEADER = "Bokmål catalog of nir. Kept by python -m nir_cli.locale.catalog update."
# A str.format field: {name}, {name!r}, {name:>8}; doubled braces are literal braces.
FIELD = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)(?:![rsa])?(?::[^{}]*)?\}(?!\})")
# The header's dates stay put, so that an update that changes no message changes no byte.
FIXED = dt.datetime(2026, 11, 29, tzinfo=dt.UTC)
PRINTF = re.compile(r"%(?:\([A-Za-z_]+\))?[-#0 +]*\d*(?:\.\d+)?[sdrfg%]")


def _extract(
    directory: Path, keywords: dict[str, Any], prefix: str
) -> Iterator[tuple[str, int, Any, list[str], str | None]]:
    from babel.messages.extract import extract_from_dir

    for filename, lineno, message, comments, context in extract_from_dir(
        str(directory),
        method_map=[("**.py", "python")],
        keywords=keywords,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    ):
        yield f"{prefix}{filename}", lineno, message, comments, context


def _help_texts() -> Iterator[tuple[str, int, str]]:
    """(file, line, text) of every help text in the command tree."""
    from nir_cli.cli import cli
    from nir_cli.commands.groups import raw_text
    from nir_cli.commands.reference import all_commands

    # The one-liners of `nir --help` (cli.COMMANDS) are N_() in the code: the extractor has them.
    for command, _ctx in all_commands(cli):
        if getattr(command, "help_is_composed", False):
            continue  # built from translated pieces (nir register KIND)
        where = _where(command)
        for name in ("help", "short_help", "epilog"):
            text = raw_text(command, name)
            if text:
                yield where[0], where[1], text.partition("\f")[0]
        for param in command.params:
            text = raw_text(param, "help")
            if text and not getattr(param, "hidden", False):
                yield where[0], where[1], text


def _where(command: Any) -> tuple[str, int]:
    callback = inspect.unwrap(command.callback) if command.callback else None
    try:
        file = Path(inspect.getsourcefile(callback) or "")  # type: ignore[arg-type]
        line = inspect.getsourcelines(callback)[1]  # type: ignore[arg-type]
    except (TypeError, OSError):
        return f"nir_cli/cli.py ({command.name})", 0
    return str(file.relative_to(PACKAGE.parent)), line


def template() -> Any:
    """A Babel Catalog of every msgid nir uses, with where each is used."""
    from importlib.util import find_spec

    from babel.messages.catalog import Catalog

    spec = find_spec("click")  # its source, not the module: this tool is no click layer
    assert spec is not None
    assert spec.origin is not None

    catalog = Catalog(project="nir", header_comment=f"# {HEADER}", creation_date=FIXED)
    sources = [
        _extract(PACKAGE, KEYWORDS, "nir_cli/"),
        _extract(Path(spec.origin).parent, {"_": None, "ngettext": (1, 2)}, "click/"),
    ]
    for source in sources:
        for filename, lineno, message, comments, context in source:
            if filename.startswith("nir_cli/locale/"):
                continue
            catalog.add(
                message,
                None,
                [(filename, lineno)],
                auto_comments=comments,
                context=context,
                flags=_flags(message),
            )
    for filename, lineno, text in _help_texts():
        catalog.add(text, None, [(filename, lineno)], flags=_flags(text))
    return catalog


def _flags(message: Any) -> tuple[str, ...]:
    text = message if isinstance(message, str) else message[0]
    return ("python-brace-format",) if FIELD.search(text) else ()


def read() -> Any:
    from babel.messages.pofile import read_po

    with PO.open("rb") as handle:
        return read_po(handle, locale="nb")


def write(catalog: Any) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import write_po

    with PO.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=False, omit_header=False)
    with MO.open("wb") as handle:
        write_mo(handle, catalog, use_fuzzy=False)


def compiled(catalog: Any) -> bytes:
    from babel.messages.mofile import write_mo

    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def update() -> Any:
    """Merge the template into nir.po (no fuzzy guesses: a changed string waits for a
    translator), drop what the code no longer uses, compile."""
    from babel.messages.catalog import Catalog

    fresh = template()
    if PO.exists():
        catalog = read()
    else:
        catalog = Catalog(
            locale="nb", project="nir", header_comment=f"# {HEADER}", creation_date=FIXED
        )
    catalog.update(fresh, no_fuzzy_matching=True, update_header_comment=True)
    catalog.obsolete.clear()
    catalog.fuzzy = False
    catalog.revision_date = FIXED
    catalog.language_team = "nir <https://github.com/nir-cli>"
    write(catalog)
    return catalog


def fields(text: str) -> set[str]:
    return set(FIELD.findall(text))


def problems(catalog: Any | None = None) -> list[str]:
    """What stands between the catalog and a complete, consistent translation."""
    catalog = catalog if catalog is not None else read()
    found: list[str] = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strs = message.string if isinstance(message.string, tuple | list) else (message.string,)
        where = f"{message.locations[0][0]}:{message.locations[0][1]}" if message.locations else "?"
        label = f"{where}: {ids[0][:70]!r}"
        if message.fuzzy:
            found.append(f"{label}: fuzzy")
        if not all(strs):
            found.append(f"{label}: no translation")
            continue
        # A plural form may leave out the count its language does not need ("1 was given"),
        # but may not add a field, and all forms together must use every field.
        wanted = set().union(*(fields(text) for text in ids))
        used = [fields(text) for text in strs]
        if (len(ids) == 1 and used[0] != wanted) or set().union(*used) != wanted:
            found.append(
                f"{label}: placeholders {sorted(wanted)} became {sorted(set().union(*used))}"
            )
        elif any(not form <= wanted for form in used):
            found.append(f"{label}: a plural form adds a placeholder")
        for text in strs:
            if sorted(PRINTF.findall(text)) != sorted(PRINTF.findall(ids[0])):
                found.append(f"{label}: %-placeholders differ")
    return found


def _key(message: Any) -> tuple[str, str | None]:
    return (message.id if isinstance(message.id, str) else message.id[0]), message.context


def missing_from(catalog: Any) -> list[str]:
    """msgids the code uses that the catalog lacks (run `update`)."""
    have = {_key(m) for m in catalog if m.id}
    return [
        f"{m.locations[0][0]}:{m.locations[0][1]}: {_key(m)[0][:70]!r}: not in the catalog"
        for m in template()
        if m.id and _key(m) not in have
    ]


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        catalog = update()
        todo = problems(catalog)
        print(f"{PO.relative_to(PACKAGE.parent)}: {len(catalog)} messages, {len(todo)} to do")
        return 0
    if command == "check":
        catalog = read()
        todo = problems(catalog) + missing_from(catalog)
        if MO.read_bytes() != compiled(catalog):
            todo.append(f"{MO.name} is out of step with {PO.name}: run update")
        print("\n".join(todo) or "the catalog is complete")
        return 1 if todo else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

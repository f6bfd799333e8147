"""Every `nir ...` example a person can copy runs as written.

The examples come from README.md, docs/*.md (shell, PowerShell and crontab blocks; docs/cli.md
is the help itself) and every command's --help. Each is parsed against the command tree, which
checks the command path, every option and every value (dates, codes, numbers). Where it needs
neither a registry nor anything outside this machine, it also runs, in a store prepared with
the test person, from a folder holding the files the docs name; it must then exit 0 (3 where it
asks `--fail-on-findings`), or 66 where it names a record by an id that only the reader's store
has (`nir registration show 3f2a9c1e`). The crontab line of docs/cron.md is run through `sh -c`
in tests/e2e/test_trust.py."""

from __future__ import annotations

import re
import shlex
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from nir_cli.cli import cli
from nir_cli.commands.reference import all_commands
from tests.conftest import PERSON_ARGS, SIXA_PERSON_ARGS, SIXA_STARTED, TEST_DUF

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DOCS = [
    ROOT / "README.md",
    *sorted(p for p in (ROOT / "docs").glob("*.md") if p.name != "cli.md"),
    *sorted((ROOT / "docs" / "nb").glob("*.md")),
]
# Shell variables the docs use, with values a reader would have.
VARIABLES = {"$DUF": TEST_DUF, "$DATE": "2026-01-31", "$PERIOD": "2026-01", "$H": "10"}
# PowerShell's, inside words, as a Windows user would have them.
POWERSHELL_VARIABLES = {"$env:LOCALAPPDATA": "C:/Users/kari/AppData/Local"}
# Files the docs name, as the reader would have them: the bundled examples.
FILES = {
    "deltakere.csv": "deltakere.csv",
    "registreringer.csv": "registreringer.csv",
    "timer-januar.csv": "timer-2026-01.csv",
    "januar.csv": "registreringer.csv",
    "proveresultater.csv": "proveresultater.csv",
}
# Command paths that talk to a registry, start one, or wait for a person: parsed, not run.
NEEDS_REGISTRY = {"auth", "users", "registry", "sandbox", "sync"}
RUNS_WITHOUT_REGISTRY = {("sync", "log"), ("sync", "show")}
SEPARATORS = {"|", "||", "&&", ";", "&"}
REDIRECTS = {">", ">>", "<", "2>", "2>>", "&>"}
NOT_HERE = re.compile(r"no (registration|conflict) (with id )?\w+")


@dataclass(frozen=True)
class Example:
    where: str
    line: str

    def pipeline(self) -> list[list[str]]:
        """The `nir` invocations of the line (arguments after `nir`), in pipe order."""
        lexer = shlex.shlex(self.line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        tokens = list(lexer)
        segments: list[list[str]] = [[]]
        skip = False
        for i, token in enumerate(tokens):
            if skip:
                skip = False
                continue
            if token in SEPARATORS:
                segments.append([])
            elif token in REDIRECTS or (
                token.isdigit() and tokens[i + 1 : i + 2] in ([">"], [">>"])
            ):
                skip = token in REDIRECTS
            else:
                segments[-1].append(token)
        found = []
        for words in segments:
            while words and re.match(r"^[A-Z_]+=", words[0]):
                words = words[1:]  # VAR=value before the command
            if words[:1] == ["nir"]:
                found.append([VARIABLES.get(w, w) for w in words[1:]])
        return found


def _fenced(path: Path) -> Iterator[Example]:
    fence: str | None = None
    pending = ""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if raw.startswith("```"):
            fence = raw[3:].strip() if fence is None else None
            continue
        if fence not in ("sh", "cron", "", "powershell"):
            continue
        line = pending + raw.strip()
        if line.endswith("`" if fence == "powershell" else "\\"):
            pending = line[:-1] + " "
            continue
        if fence == "powershell":  # a Windows path's backslashes are not escapes there
            line = line.replace("\\", "/")
            for name, value in POWERSHELL_VARIABLES.items():
                line = line.replace(name, value)
        pending = ""
        if fence == "cron":
            fields = line.split(None, 5)
            line = fields[5] if len(fields) == 6 and not line.startswith("#") else ""
        example = Example(f"{path.name}:{number}", line)
        if re.search(r"(^|[\s;|&])nir\s", line) and example.pipeline():  # not in a comment
            yield example


def _help_examples() -> Iterator[Example]:
    for command, ctx in all_commands(cli):
        text = (command.help or "").split("Example:", 1)
        if len(text) < 2:
            continue
        pending = ""
        for raw in text[1].splitlines():
            line = pending + raw.strip()
            if line.endswith("\\"):
                pending = line[:-1] + " "
                continue
            pending = ""
            if line.startswith("nir ") or re.search(r"\|\s*nir\s", line):
                yield Example(f"{ctx.command_path} --help", line)


ALL = [*(e for path in DOCS for e in _fenced(path)), *_help_examples()]


def parse(args: list[str]) -> tuple[str, ...]:
    """Parse `nir ARGS` down to its last command, as running it would; returns the path."""
    ctx = cli.make_context("nir", list(args))
    command: click.Command = cli
    path: list[str] = []
    while isinstance(command, click.Group):
        rest = [*ctx._protected_args, *ctx.args]
        if not rest:
            assert command.invoke_without_command, f"nir {' '.join(path)} needs a subcommand"
            break
        name, sub, rest = command.resolve_command(ctx, rest)
        assert name is not None
        assert sub is not None
        path.append(name)
        ctx = sub.make_context(name, rest, parent=ctx)
        command = sub
    return tuple(path)


def test_the_docs_have_examples_to_check() -> None:
    assert len(ALL) > 120
    assert any(e.where.startswith("README.md") for e in ALL)
    assert any(e.where.startswith("cron.md") for e in ALL)


@pytest.mark.parametrize("example", ALL, ids=[f"{e.where}: {e.line[:60]}" for e in ALL])
def test_every_example_parses(example: Example) -> None:
    invocations = example.pipeline()
    assert invocations, f"{example.where}: no nir command found in {example.line!r}"
    for args in invocations:
        unknown = [w for w in args if "$" in w]
        assert not unknown, f"{example.where}: give {unknown} a value in VARIABLES"
        try:
            parse(args)
        except click.exceptions.Exit:
            pass  # --help, --version
        except Exception as exc:  # a usage error, a bad value
            pytest.fail(f"{example.where}: {example.line}\n  {type(exc).__name__}: {exc}")


def _runnable(invocations: list[list[str]]) -> bool:
    for args in invocations:
        try:
            path = parse(args)
        except click.exceptions.Exit:
            return False
        if path[:1] and path[0] in NEEDS_REGISTRY and path[:2] not in RUNS_WITHOUT_REGISTRY:
            return False
    return True


RUNNABLE = [e for e in ALL if _runnable(e.pipeline())]


@pytest.fixture(scope="module")
def homes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Three starting points: nothing yet (for init), a test profile with no persons (for
    person add), and a test profile with the test person and a few registrations."""
    base = tmp_path_factory.mktemp("homes")
    runner = CliRunner()

    def nir(home: Path, *args: str) -> None:
        result = runner.invoke(cli, list(args), env={"NIR_HOME": str(home)})
        assert result.exit_code == 0, (args, result.stderr)

    empty, profile, full = base / "empty", base / "profile", base / "full"
    for home in (profile, full):
        nir(home, "init", "--profile", "test", "-m", "5001", "--environment", "test")
        nir(home, "init", "--profile", "sandbox", "-m", "5001")
    nir(full, "person", "add", *PERSON_ARGS)
    nir(full, "person", "add", *SIXA_PERSON_ARGS)
    nir(full, "import", str(EXAMPLES / "deltakere.csv"))
    nir(full, "--profile", "sandbox", "person", "add", *PERSON_ARGS)
    for kind, *rest in (
        ("claim", "--date", "2025-08-20", "--scheme", "training"),
        ("start", "--date", "2025-10-01", "--scheme", "training"),
    ):
        nir(full, "register", kind, TEST_DUF, *rest)
    # Chapter 6A's extended training is dated by the first start, after the education.
    for args in SIXA_STARTED:
        nir(full, *args)
    empty.mkdir()
    return {"empty": empty, "profile": profile, "full": full}


@pytest.mark.parametrize("example", RUNNABLE, ids=[f"{e.where}: {e.line[:60]}" for e in RUNNABLE])
def test_every_local_example_runs(
    example: Example, homes: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    invocations = example.pipeline()
    path = parse(invocations[0])
    start = "empty" if path == ("init",) else "profile" if path == ("person", "add") else "full"
    home = tmp_path / "home"
    shutil.copytree(homes[start], home)
    work = tmp_path / "work"
    shutil.copytree(EXAMPLES, work / "examples")
    for name, source in FILES.items():
        shutil.copy(EXAMPLES / source, work / name)
    monkeypatch.chdir(work)
    runner = CliRunner()
    given: str | None = None
    for args in invocations:
        result = runner.invoke(cli, args, input=given, env={"NIR_HOME": str(home)})
        allowed = {0, 3} if "--fail-on-findings" in args else {0}
        if result.exit_code == 66 and NOT_HERE.search(result.stderr):
            continue  # an id from the reader's own store
        assert result.exit_code in allowed, (
            f"{example.where}: {example.line}\n  exit {result.exit_code}: {result.stderr}"
        )
        given = result.stdout

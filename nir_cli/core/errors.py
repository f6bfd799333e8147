"""The one exit-code table and the domain errors that carry their code.

The core raises these; `nir_cli.cli` is the one place that turns them into a message on
stderr and an exit code. Nothing below the command layer prints or exits.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from nir_cli.core.i18n import N_


class ExitCode(IntEnum):
    """Exit codes of every `nir` command (docs/exit-codes.md)."""

    OK = 0
    UNEXPECTED = 1
    USAGE = 2
    FINDINGS = 3
    NOT_LOGGED_IN = 4
    CONFLICTS = 5
    INVALID_DATA = 65
    INPUT_MISSING = 66
    IO_ERROR = 74
    TEMPORARY_FAILURE = 75
    PERMISSION_DENIED = 77
    CONFIG_ERROR = 78
    INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C


EXIT_CODE_MEANINGS: dict[ExitCode, str] = {
    ExitCode.OK: N_("success"),
    ExitCode.UNEXPECTED: N_(
        "unexpected error (a bug: run again with --debug and report it); from `nir sandbox "
        "course check`: the lesson is not done yet"
    ),
    ExitCode.USAGE: N_("usage error: unknown command or option, missing argument"),
    ExitCode.FINDINGS: N_("findings exist (missing/overdue with --fail-on-findings)"),
    ExitCode.NOT_LOGGED_IN: N_("not logged in to the registry"),
    ExitCode.CONFLICTS: N_("conflicts wait for a person to resolve them"),
    ExitCode.INVALID_DATA: N_("invalid data: nothing was changed"),
    ExitCode.INPUT_MISSING: N_("an input file, person, record or conflict does not exist"),
    ExitCode.IO_ERROR: N_("disk full or write error: nothing was changed"),
    ExitCode.TEMPORARY_FAILURE: N_(
        "temporary failure (network, registry busy, store busy): try later"
    ),
    ExitCode.PERMISSION_DENIED: N_("permission denied"),
    ExitCode.CONFIG_ERROR: N_("configuration error (no profile, bad config file)"),
    ExitCode.INTERRUPTED: N_("interrupted (Ctrl-C): what was not finished was not kept"),
}


class NirError(Exception):
    """An error the user can act on; `hint` says what to do about it."""

    exit_code: ExitCode = ExitCode.UNEXPECTED

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"


class UsageError(NirError):
    exit_code = ExitCode.USAGE


class InvalidData(NirError):
    """A value fails validation; `field` names the option or column when known."""

    exit_code = ExitCode.INVALID_DATA

    def __init__(self, message: str, hint: str | None = None, field: str | None = None) -> None:
        super().__init__(message, hint)
        self.field = field


class FieldProblem(InvalidData):
    """The one way domain and store code say a value is wrong: each problem names its field in
    domain words (`fact_date`) and what is wrong, never an option or a column. Each front end
    words it for its reader: the command layer as the option (`--date: ...`), the importer as
    the file's column and FILE:LINE, the registry as a record's rejection. Left unworded, it
    still reads plainly (`fact_date: ...`), one problem a line."""

    def __init__(self, field: str | None, message: str) -> None:
        self.problems: list[tuple[str | None, str]] = [(field, message)]
        super().__init__(_lines(self.problems), field=field)
        self.problem = message

    @classmethod
    def every(cls, problems: list[tuple[str | None, str]]) -> FieldProblem:
        """All the problems of one value or row, found in one pass."""
        first = cls(*problems[0])
        first.problems = list(problems)
        first.message = _lines(first.problems)
        return first


def _lines(problems: list[tuple[str | None, str]]) -> str:
    return "\n".join(f"{field}: {message}" if field else message for field, message in problems)


class InputMissing(NirError):
    """An input file the user named does not exist."""

    exit_code = ExitCode.INPUT_MISSING


class NotFound(InputMissing):
    """A person, registration or conflict the user named does not exist in the store."""


class WriteFailed(NirError):
    """The disk refused a write (full, quota, I/O error); what was being written is undone."""

    exit_code = ExitCode.IO_ERROR


class TemporaryFailure(NirError):
    exit_code = ExitCode.TEMPORARY_FAILURE


class PermissionDenied(NirError):
    exit_code = ExitCode.PERMISSION_DENIED


class ConfigError(NirError):
    exit_code = ExitCode.CONFIG_ERROR


class StoreUnusable(ConfigError):
    """No store at the path, or a file nir must not write: refused before anything changes."""


class FindingsDiffered(NirError):
    """The findings kept as the register was written were not what the rules compute afresh
    (`nir missing --recompute`): a bug, said loudly (exit 1). `findings` holds the fresh
    ones, which are the answer and are kept from then on."""

    def __init__(self, message: str, hint: str, findings: list[Any]) -> None:
        super().__init__(message, hint)
        self.findings = findings


class NotLoggedIn(NirError):
    exit_code = ExitCode.NOT_LOGGED_IN

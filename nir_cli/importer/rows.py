"""What the import loop and the importers of each file kind share: the summary, a row, the
sink a row's problems go to, and validation remembered for repeated rows. The loop
(`engine`) imports the importers and they import this, so neither imports the other."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any, Protocol, TypeVar

from pydantic import ValidationError

from nir_cli.core.constants import IMPORT_VALIDATION_CACHE
from nir_cli.core.i18n import ngettext
from nir_cli.domain.model import problems


@dataclass
class ImportSummary:
    file: str
    kind: str = ""
    rows: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    rejected: int = 0
    dry_run: bool = False
    rejects_file: str | None = None
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0
    warnings: list[str] = field(default_factory=list)
    warning_count: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        """The counts for people: `12 created, 3 changed, 0 unchanged` (`, 1 rejected`)."""
        counts = [
            ngettext("{n} created", "{n} created", self.created).format(n=self.created),
            ngettext("{n} changed", "{n} changed", self.changed).format(n=self.changed),
            ngettext("{n} unchanged", "{n} unchanged", self.unchanged).format(n=self.unchanged),
        ]
        if self.rejected:
            counts.append(
                ngettext("{n} rejected", "{n} rejected", self.rejected).format(n=self.rejected)
            )
        return ", ".join(counts)


@dataclass(frozen=True)
class Row:
    """One data row: its physical line number, its cells, and its non-blank values by field."""

    line: int
    cells: list[str]
    values: dict[str, str]


class Sink(Protocol):
    """What a kind-specific importer reports to the loop."""

    summary: ImportSummary

    def reject(self, row: Row, column: str | None, message: str) -> None: ...


class ChunkImporter(Protocol):
    def process(self, rows: list[Row]) -> None: ...


T = TypeVar("T")
ProblemList = list[tuple[str | None, str]]


def cached_validation(
    parse: Callable[[dict[str, Any]], T],
) -> Callable[[frozenset[tuple[str, str]]], T | ProblemList]:
    """Validate a row's fields with a domain model, remembering the answer for identical rows
    (monthly files repeat dates, periods and hours); the cache is bounded, memory stays flat."""

    @lru_cache(maxsize=IMPORT_VALIDATION_CACHE)
    def validate(items: frozenset[tuple[str, str]]) -> T | ProblemList:
        try:
            return parse(dict(items))
        except ValidationError as exc:
            return [(p.field, p.message) for p in problems(exc)]
        except ValueError as exc:  # an unknown kind
            return [("kind", str(exc))]

    return validate

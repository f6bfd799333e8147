"""The order a person's registrations of one scheme must come in, judged against the others:
those stored, and (in an import) the rows of the same file before it.

- an end is never before a start of the scheme (the store's own check since the beginning);
- a second start needs an end or a stop (stans) between it and the first: a stop pauses, a
  later start opens a new run (docs/rules.md);
- within one file, a decision is never dated before the claim it answers: when the file has a
  claim and a decision of the person's scheme and no claim on or before the decision (a claim
  is «framsatt» before the municipality decides on it: integreringsloven § 12 and § 30,
  introduksjonsloven §§ 3 and 18). Against what is stored it is no error: a new claim may
  follow an earlier round's decision.

Pure: the caller gives the others as `Seen` (kind, date, and the file line it came from)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from nir_cli.core.i18n import _
from nir_cli.domain.enums import Kind
from nir_cli.domain.registrations import RegistrationBase

ORDERED = frozenset({Kind.START, Kind.END, Kind.STOP, Kind.CLAIM, Kind.DECISION})


class Seen(NamedTuple):
    """Another registration of the person and scheme: its kind, date, and line in the file
    being imported (None when it is stored)."""

    kind: Kind
    fact_date: dt.date
    line: int | None = None


def _where(seen: Seen) -> str:
    if seen.line is None:
        return _("registered")
    return _("line {line}").format(line=seen.line)


def problem(reg: RegistrationBase, others: Iterable[Seen]) -> str | None:
    """Why `reg` cannot come where it does among `others` (same person and scheme), or None."""
    if reg.kind not in ORDERED:
        return None
    seen = sorted(others, key=lambda s: s.fact_date)
    day = reg.fact_date
    if reg.kind is Kind.END:
        later = next((s for s in seen if s.kind is Kind.START and s.fact_date > day), None)
        if later is not None:
            return _("the end ({end}) is before its start ({start}, {where})").format(
                end=day, start=later.fact_date, where=_where(later)
            )
    if reg.kind is Kind.START:
        ended = next((s for s in seen if s.kind is Kind.END and s.fact_date < day), None)
        if ended is not None:
            return _("the start ({start}) is after its end ({end}, {where})").format(
                start=day, end=ended.fact_date, where=_where(ended)
            )
        open_start = _open_start(seen, day)
        if open_start is not None:
            return _(
                "a second start ({start}) without an end or a stop after the first "
                "({first}, {where})"
            ).format(start=day, first=open_start.fact_date, where=_where(open_start))
    claims = [s for s in seen if s.kind is Kind.CLAIM and s.line is not None]
    if reg.kind is Kind.DECISION and claims and all(c.fact_date > day for c in claims):
        return _(
            "the decision ({decision}) is before the claim it answers ({claim}, {where})"
        ).format(decision=day, claim=claims[0].fact_date, where=_where(claims[0]))
    if reg.kind is Kind.CLAIM:
        decided = [
            s for s in seen if s.kind is Kind.DECISION and s.line is not None and s.fact_date < day
        ]
        if decided and not any(c.fact_date <= decided[0].fact_date for c in claims):
            return _("the claim ({claim}) is after its decision ({decision}, {where})").format(
                claim=day, decision=decided[0].fact_date, where=_where(decided[0])
            )
    return None


def _open_start(seen: list[Seen], day: dt.date) -> Seen | None:
    """A start on or before `day` with no end or stop between it and `day`."""
    current: Seen | None = None
    for s in seen:
        if s.fact_date > day:
            break
        if s.kind is Kind.START:
            current = s
        elif (
            s.kind in (Kind.END, Kind.STOP)
            and current is not None
            and s.fact_date >= current.fact_date
        ):
            current = None
    return current

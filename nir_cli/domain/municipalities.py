"""The bundled list of Norwegian municipalities (valid from 1 Jan 2024) and the 2024 renumbering."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

from nir_cli.core.constants import MUNICIPALITY_SUGGESTIONS
from nir_cli.core.i18n import _
from nir_cli.domain.enums import fold

UNKNOWN_CODE = "9999"


class MunicipalityError(ValueError):
    """Unknown or renumbered municipality code; the message says what to use instead."""


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    other_names: tuple[str, ...]
    county_code: str
    county: str


@dataclass(frozen=True)
class Renumbering:
    old_code: str
    old_name: str
    new_codes: tuple[str, ...]


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("nir_cli.data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def all_municipalities() -> dict[str, Municipality]:
    """Code → municipality, in the file's order."""
    return {
        row["code"]: Municipality(
            code=row["code"],
            name=row["name"],
            other_names=tuple(n for n in row["other_names"].split("|") if n),
            county_code=row["county_code"],
            county=row["county"],
        )
        for row in _read("municipalities-2024.csv")
    }


@cache
def renumberings() -> dict[str, Renumbering]:
    return {
        row["old_code"]: Renumbering(
            old_code=row["old_code"],
            old_name=row["old_name"],
            new_codes=tuple(row["new_codes"].split("|")),
        )
        for row in _read("municipality-renumbering-2024.csv")
    }


def search(text: str) -> list[Municipality]:
    """Municipalities whose code, name, other names or county contain `text`."""
    wanted = fold(text)
    by_name, by_county = [], []
    for m in all_municipalities().values():
        if any(wanted in fold(h) for h in (m.code, m.name, *m.other_names)):
            by_name.append(m)
        elif wanted in fold(m.county):
            by_county.append(m)
    return by_name + by_county


def lookup(code: str) -> Municipality:
    """The municipality with this code; a renumbered or unknown code raises with advice."""
    code = code.strip()
    table = all_municipalities()
    if code in table:
        return table[code]
    # Spreadsheets drop the leading zero of 0301 Oslo.
    if code.isdigit() and len(code) == 3 and "0" + code in table:
        raise MunicipalityError(
            _(
                "municipality code {code!r} has lost its leading zero: did you mean {suggestion}?"
            ).format(code=code, suggestion=f"0{code} {table['0' + code].name}")
        )
    renumbered = renumberings().get(code)
    if renumbered is not None:
        names = [f"{c} {table[c].name}" for c in renumbered.new_codes if c in table]
        old = f"{code} {renumbered.old_name}"
        if len(renumbered.new_codes) > 1:
            raise MunicipalityError(
                _(
                    "municipality {old} was split on 1 Jan 2024 into {new}: choose the one the "
                    "person lives in"
                ).format(old=old, new=_either(names))
            )
        raise MunicipalityError(
            _("municipality {old} has been {new} since 1 Jan 2024").format(
                old=old, new=_either(names)
            )
        )
    if code == UNKNOWN_CODE:
        raise MunicipalityError(_("municipality code 9999 means 'unknown'; give the real code"))
    if not (code.isdigit() and len(code) == 4):
        by_name = [
            m for m in table.values() if fold(code) in (fold(m.name), *map(fold, m.other_names))
        ]
        if len(by_name) == 1:
            m = by_name[0]
            raise MunicipalityError(
                _("give the municipality as its 4-digit code: {code} {name}").format(
                    code=m.code, name=m.name
                )
            )
        raise MunicipalityError(
            _("municipality code must be 4 digits, got {code!r}").format(code=code)
        )
    close = sorted(table, key=lambda c: (c[:2] != code[:2], abs(int(c) - int(code))))
    close = close[:MUNICIPALITY_SUGGESTIONS]
    hint = ", ".join(f"{c} {table[c].name}" for c in close)
    if not hint:
        raise MunicipalityError(_("unknown municipality code {code}").format(code=code))
    raise MunicipalityError(
        _("unknown municipality code {code}; close matches: {matches}").format(
            code=code, matches=hint
        )
    )


def _either(names: list[str]) -> str:
    """`A`, `A or B`, `A, B or C`: the choices a renumbered code became."""
    if len(names) < 2:
        return "".join(names)
    return _("{choices} or {last}").format(choices=", ".join(names[:-1]), last=names[-1])

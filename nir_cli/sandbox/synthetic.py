"""Synthetic participants for examples, tests, benchmarks and the sandbox.

Every fødselsnummer made here is synthetic (month + 80) and every DUF number has valid check
digits with a serial no real case uses (they start at 9xxxxx); none belongs to a real person.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

from nir_cli.domain.identifiers import duf_check_digits, make_synthetic_fnr

FIRST_NAMES = (
    "Amina",
    "Ali",
    "Olena",
    "Dmytro",
    "Sara",
    "Yonas",
    "Hawa",
    "Omar",
    "Iryna",
    "Mohammed",
    "Fatima",
    "Ahmad",
    "Nour",
    "Bashir",
    "Tesfay",
    "Mariam",
)
LAST_NAMES = (
    "Hassan",
    "Kovalenko",
    "Tesfamariam",
    "Ahmadi",
    "Mohamed",
    "Shevchenko",
    "Abdi",
    "Haile",
    "Karimi",
    "Yusuf",
    "Bondarenko",
    "Osman",
)
BASES = (
    "refugee",
    "resettlement_refugee",
    "family_of_refugee",
    "collective_protection",
    "humanitarian",
    "labour_non_eea",
)


@dataclass(frozen=True)
class SyntheticPerson:
    duf: str
    fnr: str
    first_name: str
    last_name: str
    birth_date: dt.date
    residence_basis: str
    permit_date: dt.date
    settlement_date: dt.date

    # A persons file's columns (as `nir import` names them) and this person's row of one.
    CSV_HEADER = ("duf", "fnr", "first_name", "last_name", "residence_basis", "permit_date")

    def csv_row(self) -> list[str]:
        return [
            self.duf,
            self.fnr,
            self.first_name,
            self.last_name,
            self.residence_basis,
            self.permit_date.isoformat(),
        ]


def synthetic_duf(year: int, serial: int) -> str:
    first_ten = f"{year:04d}{900000 + serial % 100000:06d}"
    return first_ten + duf_check_digits(first_ten)


def synthetic_fnr(birth: dt.date, rng: random.Random) -> str:
    while True:
        low, high = (500, 999) if birth.year >= 2000 else (0, 499)
        number = make_synthetic_fnr(birth, rng.randint(low, high))
        if number is not None:
            return number


def people(count: int, *, seed: int = 1, today: dt.date | None = None) -> Iterator[SyntheticPerson]:
    """`count` distinct synthetic persons, the same for the same seed."""
    rng = random.Random(seed)
    today = today or dt.date(2026, 6, 1)
    used: set[str] = set()
    for serial in range(count):
        permit = today - dt.timedelta(days=rng.randint(60, 900))
        birth = permit - dt.timedelta(days=rng.randint(19 * 365, 60 * 365))
        year = permit.year - rng.randint(0, 1)
        fnr = synthetic_fnr(birth, rng)
        while fnr in used:
            fnr = synthetic_fnr(birth, rng)
        used.add(fnr)
        basis = rng.choice(BASES)
        if basis == "collective_protection" and permit < dt.date(2022, 3, 11):
            basis = "refugee"
        yield SyntheticPerson(
            duf=synthetic_duf(year, serial),
            fnr=fnr,
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            birth_date=birth,
            residence_basis=basis,
            permit_date=permit,
            settlement_date=min(permit + dt.timedelta(days=rng.randint(10, 120)), today),
        )

"""The SQL view of the target group agrees with the Python entitlement table."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from nir_cli.domain.entitlement import derive_regime, suggest
from nir_cli.domain.enums import Entitlement, Regime, ResidenceBasis
from nir_cli.store import Store
from tests.conftest import examples
from tests.rules.conftest import Register

persons = st.tuples(
    st.sampled_from(list(ResidenceBasis)),
    st.dates(dt.date(1940, 1, 1), dt.date(2012, 12, 31)),  # birth
    st.dates(dt.date(2005, 1, 1), dt.date(2026, 1, 1)),  # permit
)


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(persons, min_size=1, max_size=12))
def test_view_matches_suggest(people: list[tuple[ResidenceBasis, dt.date, dt.date]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "t.db", create=True)
        reg = Register(store)
        expected = set()
        for basis, birth, permit in people:
            if permit <= birth:
                continue
            duf = reg.person(
                residence_basis=basis.value,
                birth_date=birth.isoformat(),
                permit_date=permit.isoformat(),
                settlement_date=None,
            )
            regime: Regime = derive_regime(basis, permit, None)
            if suggest(regime, basis, birth, permit).entitlement is not Entitlement.INGEN:
                expected.add(duf)
        found = {row["duf"] for row in store.query("SELECT duf FROM target_group")}
        store.close()
    assert found == expected


@settings(max_examples=examples(60), deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(list(ResidenceBasis)),
            st.dates(dt.date(1940, 1, 1), dt.date(2012, 12, 31)),  # birth
            st.dates(dt.date(2005, 1, 1), dt.date(2026, 1, 1)),  # permit
            st.one_of(st.none(), st.integers(0, 400)),  # settlement, days after the permit
            st.one_of(st.none(), st.integers(0, 400)),  # population registration, days after
        ),
        min_size=1,
        max_size=12,
    )
)
def test_programme_view_matches_programme_target(
    people: list[tuple[ResidenceBasis, dt.date, dt.date, int | None, int | None]],
) -> None:
    from nir_cli.domain.programme import programme_target

    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "t.db", create=True)
        reg = Register(store)
        expected = set()
        for basis, birth, permit, settled, registered in people:
            if permit <= birth:
                continue
            settlement = permit + dt.timedelta(days=settled) if settled is not None else None
            population = permit + dt.timedelta(days=registered) if registered is not None else None
            if max(settlement or permit, population or permit) > dt.date(2026, 1, 1):
                continue
            duf = reg.person(
                residence_basis=basis.value,
                birth_date=birth.isoformat(),
                permit_date=permit.isoformat(),
                settlement_date=settlement.isoformat() if settlement else None,
                population_registration_date=population.isoformat() if population else None,
            )
            if programme_target(basis, birth, permit, settlement, population).in_group:
                expected.add(duf)
        found = {row["duf"] for row in store.query("SELECT duf FROM programme_target_group")}
        store.close()
    assert found == expected

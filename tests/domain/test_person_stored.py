"""A person read back from the store without its checks (PersonData.stored) is the person a
validated reading makes of the same stored values, field for field and type for type."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nir_cli.domain.model import Checks
from nir_cli.domain.person import PersonData, _stored_reader
from nir_cli.sandbox.synthetic import people
from tests.conftest import examples

READ_BACK = Checks(today=dt.date.max, allow_synthetic=True, accept_unchecked_duf=True)
PEOPLE = list(people(200, seed=5, today=dt.date(2026, 1, 1)))
DAYS = st.none() | st.dates(dt.date(2016, 1, 1), dt.date(2026, 1, 1))


@settings(max_examples=examples(200), deadline=None)
@given(
    person=st.sampled_from(PEOPLE),
    settlement=DAYS,
    registered=DAYS,
    place=st.none() | st.sampled_from(["Sentrum", "Øst"]),
    numbers=st.sampled_from(["both", "duf", "fnr"]),
)
def test_a_stored_person_reads_back_as_validated(
    person: Any, settlement: Any, registered: Any, place: Any, numbers: str
) -> None:
    written = PersonData.model_validate(
        {
            "duf": person.duf if numbers != "fnr" else None,
            "fnr": person.fnr if numbers != "duf" else None,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "birth_date": person.birth_date,
            "residence_basis": person.residence_basis,
            "permit_date": person.permit_date,
            "settlement_date": max(settlement, person.permit_date) if settlement else None,
            "population_registration_date": registered,
            "municipality": "5001",
            "place": place,
        },
        context=Checks(today=dt.date(2026, 1, 1), allow_synthetic=True).as_context(),
    )
    stored = written.model_dump(mode="json")  # what the persons row holds
    fast = PersonData.stored(stored)
    checked = PersonData.model_validate(stored, context=READ_BACK.as_context())
    assert fast == checked == written
    assert fast.model_dump() == checked.model_dump()  # the same types, dates as dates
    assert fast.model_dump(mode="json") == stored


def test_a_field_of_a_type_it_cannot_read_is_refused_at_import() -> None:
    """A new field whose stored form PersonData.stored does not know stops nir at import time
    (the readers are made when the module loads), never reads back as the wrong type."""
    assert _stored_reader(dt.date | None) == dt.date.fromisoformat
    with pytest.raises(TypeError):
        _stored_reader(list[int])

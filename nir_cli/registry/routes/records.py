"""GET /v1/records/{id} and its entitlement: one record of the caller's municipality."""

from __future__ import annotations

from fastapi import APIRouter

from nir_cli.domain.entitlement import entitlement_view
from nir_cli.domain.person import PersonData
from nir_cli.registry.routes.deps import LENIENT, ROUTE_CLASS, CallerDep, StoreDep, not_found
from nir_cli.wire import Change, EntitlementOut, Entity, Problem

router = APIRouter(route_class=ROUTE_CLASS)


@router.get("/v1/records/{record_id}", tags=["sync"], responses={404: {"model": Problem}})
def record(record_id: str, who: CallerDep, store: StoreDep) -> Change:
    row = store.scoped(who.municipality).record(record_id)
    if row is None:
        raise not_found()
    found, __ = store.scoped(who.municipality).changes(row["seq"] - 1, 1)
    return found[0]


@router.get(
    "/v1/records/{record_id}/entitlement",
    tags=["sync"],
    responses={404: {"model": Problem}},
)
def entitlement(record_id: str, who: CallerDep, store: StoreDep) -> EntitlementOut:
    """The suggested entitlement to training of a person of the caller's municipality, from
    the person and the registrations the registry holds (the same as nir person show)."""
    scoped = store.scoped(who.municipality)
    row = scoped.record(record_id)
    if row is None or row["entity"] != Entity.PERSON.value or row["withdrawn"]:
        raise not_found()
    person = PersonData.model_validate_json(row["body"], context=LENIENT)
    assert person.regime is not None
    view = entitlement_view(
        person.regime,
        person.residence_basis,
        person.birth_date,
        person.permit_date,
        scoped.training_facts(record_id),
        person.arrival_date,
        person.settlement_date,
    )
    return EntitlementOut.model_validate(view)

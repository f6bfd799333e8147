"""GET /v1/changes: a municipality's changes after a cursor."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from nir_cli.registry.routes.deps import ROUTE_CLASS, CallerDep, StoreDep
from nir_cli.wire import ChangesOut

MAX_PAGE = 1000
router = APIRouter(route_class=ROUTE_CLASS)


@router.get("/v1/changes", tags=["sync"], response_model=ChangesOut)
def changes(
    who: CallerDep,
    store: StoreDep,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 500,
) -> Response:
    """The caller's municipality's changes after a cursor, in the order they were stored."""
    found, cursor = store.scoped(who.municipality).changes(after, limit)
    page = ChangesOut(changes=found, next_cursor=cursor)
    return Response(page.model_dump_json(), media_type="application/json")

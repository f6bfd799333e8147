"""POST /v1/batches: a municipality's records pushed, or checked (validate_only)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response

from nir_cli.core.i18n import _
from nir_cli.registry.routes.deps import ROUTE_CLASS, CallerDep, StoreDep
from nir_cli.registry.storage import IdempotencyMismatch
from nir_cli.wire import BatchIn, BatchOut, Problem

router = APIRouter(route_class=ROUTE_CLASS)


@router.post(
    "/v1/batches",
    tags=["sync"],
    response_model=BatchOut,
    responses={422: {"model": Problem}},
)
def push(body: BatchIn, request: Request, who: CallerDep, store: StoreDep) -> Response:
    """Store a batch of records (or check it, with validate_only); see docs/sync.md."""
    db = request.app.state.db
    scoped = store.scoped(who.municipality)
    prepared = scoped.prepare(body, request.app.state.validator)  # outside the lock
    try:
        with db.push_lock:
            answer = scoped.push(prepared, who.username)
    except IdempotencyMismatch:
        raise HTTPException(422, _("this idempotency key was used for another batch")) from None
    db.wrote()
    # Already JSON: FastAPI would otherwise validate the answer a second time.
    return Response(answer, media_type="application/json")

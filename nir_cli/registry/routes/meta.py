"""GET /v1/health."""

from __future__ import annotations

from fastapi import APIRouter

from nir_cli import __version__
from nir_cli.registry.routes.deps import ROUTE_CLASS

router = APIRouter(route_class=ROUTE_CLASS)


@router.get("/v1/health", tags=["meta"])
def health() -> dict[str, str]:
    return {"status": "ok", "version": __version__}

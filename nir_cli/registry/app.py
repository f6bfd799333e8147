"""The registry's HTTP API (/v1), FastAPI. Run it with `nir registry serve`.

`create_app` assembles it: the storage, the limits before work (middleware), the one shape
of every refusal (exception handlers), and the routes, one router per resource in
`nir_cli.registry.routes`.

Its messages are read by people (through nir sync, nir rejected): each request is answered in
the language its Accept-Language asks for, bokmål or English (nir_cli.registry.language).
Codes (`code`, `type`) are the same in every language."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
from fastapi import Depends, FastAPI, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from nir_cli import __version__
from nir_cli.core.i18n import _
from nir_cli.domain.identifiers import redact, redact_all
from nir_cli.registry import accounts, contract
from nir_cli.registry.accounts import Caller
from nir_cli.registry.fastjson import FastJSONRoute
from nir_cli.registry.faults import FaultMiddleware, Faults
from nir_cli.registry.language import Language
from nir_cli.registry.limits import (
    BODY_BUDGET_BYTES,
    MAX_BODY_BYTES,
    Bodies,
    BodyGuard,
    ForwardedNotice,
    LoginLimiter,
    LoginRateLimit,
    Unavailable,
)
from nir_cli.registry.routes import ROUTERS
from nir_cli.registry.routes.deps import known_query
from nir_cli.registry.storage import open_storage
from nir_cli.registry.validation import Validator

MAX_TOKEN_DAYS = 365  # the longest a machine token lives, unless `serve --max-token-days`


def create_app(
    database: Path | str,
    *,
    allow_synthetic: bool = False,
    docs: bool = False,
    max_token_days: int = MAX_TOKEN_DAYS,
    body_budget: int = BODY_BUDGET_BYTES,
    forwarded_believed: bool = False,
) -> FastAPI:
    """The registry app over its database: a SQLite file, or a `postgresql://` URL
    (`with_faults` adds the fault switch). `docs` serves /docs, /redoc and /openapi.json (the
    sandbox does; production need not). `max_token_days`: the longest a machine token may
    live; `body_budget`: the body bytes the process holds at once for all requests;
    `forwarded_believed`: served with proxy headers believed (else a request carrying them is
    noted in the log, once)."""
    validator = Validator(allow_synthetic)
    db = open_storage(database, background_checkpoints=True)
    limiter = LoginLimiter()

    @asynccontextmanager
    async def lifespan(__: FastAPI) -> AsyncIterator[None]:
        yield
        db.close()

    app = FastAPI(
        title="nir reference registry",
        version=__version__,
        description="The central registry API that nir syncs with. Every read and "
        "write is scoped to the caller's municipality.",
        lifespan=lifespan,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
        dependencies=[Depends(known_query)],
    )
    app.router.route_class = FastJSONRoute
    untyped_openapi = app.openapi

    def typed_openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = contract.typed(untyped_openapi())
        return app.openapi_schema

    app.openapi = typed_openapi  # type: ignore[method-assign]
    app.state.db = db
    app.state.login_limiter = limiter
    app.state.max_token_days = max_token_days
    app.state.validator = validator

    async def authenticate(token: str) -> Caller | None:
        def lookup() -> Caller | None:
            with db.session() as store:
                return accounts.authenticate(store, token, dt.timedelta(days=max_token_days))

        try:
            return await anyio.to_thread.run_sync(lookup)
        except db.transient as exc:
            raise Unavailable() from exc

    # Outside routing: a body is refused by its size, its token and the room left before a
    # byte of it is read.
    app.add_middleware(
        BodyGuard, authenticate=authenticate, bodies=Bodies(body_budget), limit=MAX_BODY_BYTES
    )
    app.add_middleware(LoginRateLimit, limiter=limiter)
    if not forwarded_believed:
        app.add_middleware(ForwardedNotice)
    # Outermost: whatever answers, the limits above included, speaks the request's language.
    app.add_middleware(Language)

    async def database_busy(__: Request, exc: Exception) -> JSONResponse:
        logging.getLogger(__name__).warning("database busy or away: %s", type(exc).__name__)
        return JSONResponse(
            {"detail": _("the registry's database is busy; try again shortly")},
            status_code=503,
            headers={"Retry-After": "5"},
        )

    for transient in db.transient:
        app.add_exception_handler(transient, database_busy)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(__: Request, exc: RequestValidationError) -> JSONResponse:
        """FastAPI's 422 in the API's one error shape, without the input it would echo and
        redacted whole: a personal number may be a value or a key (then it is in `loc`)."""
        errors = redact_all(
            jsonable_encoder(
                [
                    {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e["type"]}
                    for e in exc.errors()
                ]
            )
        )
        first = errors[0] if errors else {"loc": [], "msg": ""}
        where = ".".join(str(part) for part in first["loc"])
        detail = _("the request is not valid: {where}: {problem}").format(
            where=where, problem=first["msg"]
        )
        return JSONResponse({"detail": detail, "errors": errors}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_problem(__: Request, exc: StarletteHTTPException) -> Response:
        """Every refusal (401, 403, 404, 405, 409, 422, 429, 503) as {"detail": sentence}."""
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return JSONResponse(
            {"detail": redact(detail)}, status_code=exc.status_code, headers=exc.headers
        )

    for router in ROUTERS:
        app.include_router(router)
    return app


def with_faults(app: FastAPI, faults: Faults | None) -> Any:
    """The app as uvicorn serves it: with the fault switch outermost when it is on, so a
    dropped connection really is dropped at the transport. A commit delay is the storage's
    to keep (it holds the transaction open)."""
    if faults is None:
        return app
    app.state.db.commit_delay = faults.commit_delay
    return FaultMiddleware(app, faults)

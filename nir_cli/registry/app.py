"""The registry's HTTP API (/v1), FastAPI. Run it with `nir registry serve`.

Its messages are read by people (through nir sync, nir rejected): each request is answered in
the language its Accept-Language asks for, bokmål or English (nir_cli.registry.language).
Codes (`code`, `type`) are the same in every language."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Annotated, Any

import anyio
from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException

from nir_cli import __version__
from nir_cli.domain.entitlement import entitlement_view
from nir_cli.domain.identifiers import redact, redact_all
from nir_cli.domain.model import Checks
from nir_cli.domain.person import PersonData
from nir_cli.i18n import _
from nir_cli.registry import accounts, contract, roles
from nir_cli.registry.accounts import Caller, LoginRefused
from nir_cli.registry.fastjson import FastJSONRoute
from nir_cli.registry.faults import FaultMiddleware, Faults
from nir_cli.registry.language import Language
from nir_cli.registry.limits import (
    BODY_BUDGET_BYTES,
    MAX_BODY_BYTES,
    PASSWORD_SLOT_WAIT,
    Bodies,
    BodyGuard,
    ForwardedNotice,
    LoginLimiter,
    LoginRateLimit,
    Unavailable,
    client_address,
)
from nir_cli.registry.roles import Action
from nir_cli.registry.storage import IdempotencyMismatch, open_storage
from nir_cli.registry.storage.interface import Session
from nir_cli.registry.validation import Validator
from nir_cli.wire import (
    ADMIN_ROLES,
    BatchIn,
    BatchOut,
    Change,
    ChangesOut,
    EntitlementOut,
    Entity,
    MachineTokenRequest,
    Me,
    PasswordReset,
    Problem,
    Role,
    RoleChange,
    TokenInfo,
    TokenOut,
    TokenRequest,
    UserCreate,
    UserOut,
)

MAX_PAGE = 1000
MAX_TOKEN_DAYS = 365  # the longest a machine token lives, unless `serve --max-token-days`
bearer = HTTPBearer(auto_error=False)


def unauthorized() -> HTTPException:
    """401, in the request's language (made when raised, not once at import)."""
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        _("not logged in, or the token expired"),
        headers={"WWW-Authenticate": "Bearer"},
    )


def not_found() -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, _("not found"))


# Bodies the registry stored were validated on the way in: read back without the checks.
LENIENT = Checks(today=dt.date.max, allow_synthetic=True, accept_unchecked_duf=True).as_context()


def session(request: Request) -> Iterator[Session]:
    """One connection per request to the app's registry database."""
    with request.app.state.db.session() as store:
        yield store


StoreDep = Annotated[Session, Depends(session)]


def known_query(request: Request) -> None:
    """A query parameter the operation does not know is refused (422), not ignored: a typo
    (`?afterr=5`) would otherwise answer as if it were not there."""
    route = request.scope.get("route")
    if not request.query_params or route is None or not hasattr(route, "dependant"):
        return
    known = _query_names(route.dependant)
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise HTTPException(
            422,
            _("unknown query parameter: {name}; this operation takes: {known}").format(
                name=unknown[0], known=", ".join(sorted(known)) or "-"
            ),
        )


def _query_names(dependant: Any) -> set[str]:
    """The query parameters an operation and its dependencies declare."""
    names = {p.alias for p in dependant.query_params}
    for inner in dependant.dependencies:
        names |= _query_names(inner)
    return names


def caller(
    request: Request,
    store: StoreDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    """The user behind the bearer token: 401 when missing, expired, revoked or disabled. A
    request with a body was authenticated before its body was read too (limits.BodyGuard);
    this is asked again after, as the token may have ended while the body came."""
    if credentials is None:
        raise unauthorized()
    longest = dt.timedelta(days=request.app.state.max_token_days)
    found = accounts.authenticate(store, credentials.credentials, longest)
    if found is None:
        raise unauthorized()
    return found


CallerDep = Annotated[Caller, Depends(caller)]


def admin(who: CallerDep) -> Caller:
    if who.role not in ADMIN_ROLES:
        raise HTTPException(status.HTTP_403_FORBIDDEN, _("only superusers and deputies"))
    return who


AdminDep = Annotated[Caller, Depends(admin)]


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

    @contextmanager
    def _password_slot() -> Iterator[None]:
        """One of the process's password-check slots (argon2 is slow on purpose), or 503."""
        # Over its address's budget, the request was answered 429 already (LoginRateLimit).
        if not limiter.slots.acquire(timeout=PASSWORD_SLOT_WAIT):
            raise HTTPException(
                503, _("the registry is busy checking passwords"), headers={"Retry-After": "1"}
            )
        try:
            yield
        finally:
            limiter.slots.release()

    @app.get("/v1/health", tags=["meta"])
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.post(
        "/v1/token",
        tags=["auth"],
        responses={401: {"model": Problem}, 429: {"model": Problem}, 503: {"model": Problem}},
    )
    def token(body: TokenRequest, request: Request, store: StoreDep) -> TokenOut:
        """Exchange a username and password for a session token.

        An unknown user and a wrong password answer alike (401, the same body, the same
        argon2 time); five failures lock the name out for a while from the address they came
        from (429 with Retry-After), whether the user exists or not; the same name from
        another address is not locked. Logins are limited per client address (429)."""
        address = _address(request)
        with _password_slot():
            try:
                value, expires = accounts.login(store, body.username, body.password, address)
            except LoginRefused as exc:
                refused = exc
            else:
                return TokenOut(access_token=value, expires_at=expires)
        raise _refused(refused)

    @app.post("/v1/logout", status_code=204, tags=["auth"])
    def logout(who: CallerDep, store: StoreDep) -> None:
        accounts.revoke(store, who.token_hash)

    @app.get("/v1/me", tags=["auth"])
    def me(who: CallerDep) -> Me:
        return Me(
            username=who.username,
            municipality=who.municipality,
            place=who.place,
            role=who.role,
            token_expires_at=who.expires_at,
        )

    @app.post(
        "/v1/tokens",
        tags=["auth"],
        responses={403: {"model": Problem}, 429: {"model": Problem}},
    )
    def machine_token(
        body: MachineTokenRequest, request: Request, who: CallerDep, store: StoreDep
    ) -> TokenOut:
        """A named long-lived token for unattended jobs; the same name replaces the old one.

        Only a session (a person who logged in) makes one, and only with the password again
        (403 when wrong, counted and locked out as a login is: the session itself is fine, so
        not 401); a machine token cannot make tokens (403). It lives as long as asked, at most
        as long as the registry allows (`serve --max-token-days`, 365 by default, which is
        also what it lives when `days` is left out; 422 past it)."""
        if who.token_kind != "session":
            raise HTTPException(403, _("a machine token cannot make tokens; log in as a person"))
        days = body.days or max_token_days
        if days > max_token_days:
            raise HTTPException(
                422,
                _("a machine token lives at most {days} days at this registry").format(
                    days=max_token_days
                ),
            )
        with _password_slot():
            try:
                accounts.check_password(store, who.username, body.password, _address(request))
            except LoginRefused as exc:
                refused = exc
            else:
                value, expires = accounts.issue_token(
                    store, who.username, "machine", body.name, dt.timedelta(days=days)
                )
                return TokenOut(access_token=value, expires_at=expires)
        raise _refused(refused, wrong=HTTPException(403, _("the password is wrong")))

    @app.get("/v1/tokens", tags=["auth"])
    def tokens(who: CallerDep, store: StoreDep) -> list[TokenInfo]:
        return [TokenInfo.model_validate(r) for r in accounts.tokens_of(store, who.username)]

    @app.delete(
        "/v1/tokens/{name}", status_code=204, tags=["auth"], responses={404: {"model": Problem}}
    )
    def revoke_token(name: str, who: CallerDep, store: StoreDep) -> None:
        if not accounts.revoke_named(store, who.username, name):
            raise not_found()

    @app.post(
        "/v1/batches",
        tags=["sync"],
        response_model=BatchOut,
        responses={422: {"model": Problem}},
    )
    def push(body: BatchIn, who: CallerDep, store: StoreDep) -> Response:
        """Store a batch of records (or check it, with validate_only); see docs/sync.md."""
        scoped = store.scoped(who.municipality)
        prepared = scoped.prepare(body, validator)  # outside the lock: see Scoped.prepare
        try:
            with db.push_lock:
                answer = scoped.push(prepared, who.username)
        except IdempotencyMismatch:
            raise HTTPException(422, _("this idempotency key was used for another batch")) from None
        db.wrote()
        # Already JSON: FastAPI would otherwise validate the answer a second time.
        return Response(answer, media_type="application/json")

    @app.get("/v1/changes", tags=["sync"], response_model=ChangesOut)
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

    @app.get("/v1/records/{record_id}", tags=["sync"], responses={404: {"model": Problem}})
    def record(record_id: str, who: CallerDep, store: StoreDep) -> Change:
        row = store.scoped(who.municipality).record(record_id)
        if row is None:
            raise not_found()
        found, __ = store.scoped(who.municipality).changes(row["seq"] - 1, 1)
        return found[0]

    @app.get(
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

    @app.get("/v1/users", tags=["users"], responses={403: {"model": Problem}})
    def users(who: AdminDep, store: StoreDep) -> list[UserOut]:
        return [_out(row) for row in accounts.users_of(store, who.municipality)]

    @app.post(
        "/v1/users",
        status_code=201,
        tags=["users"],
        responses={403: {"model": Problem}, 409: {"model": Problem}, 422: {"model": Problem}},
    )
    def add_user(body: UserCreate, who: AdminDep, store: StoreDep) -> UserOut:
        prefix = f"{who.municipality}-"
        if not body.username.startswith(prefix):
            raise HTTPException(
                422,
                _("usernames of municipality {municipality} start with {prefix!r}").format(
                    municipality=who.municipality, prefix=prefix
                ),
            )
        place = body.place or who.place
        _allowed(who, Action.CREATE, body.role, who.municipality, place)
        if accounts.username_taken(store, body.username):  # within the caller's prefix only
            raise HTTPException(409, _("that username is taken"))
        try:
            accounts.create_user(
                store, body.username, body.password, who.municipality, place, body.role
            )
        except accounts.UsernameTaken:  # the same name in another case, at the same instant
            raise HTTPException(409, _("that username is taken")) from None
        return _user(store, who, body.username)

    @app.post(
        "/v1/users/{username}/disable",
        tags=["users"],
        responses={403: {"model": Problem}, 404: {"model": Problem}},
    )
    def disable_user(username: str, who: AdminDep, store: StoreDep) -> UserOut:
        _managed(store, who, username, Action.DISABLE)
        accounts.disable(store, who.municipality, username)
        return _user(store, who, username)

    @app.post(
        "/v1/users/{username}/reset-password",
        tags=["users"],
        responses={403: {"model": Problem}, 404: {"model": Problem}},
    )
    def reset_password(
        username: str, body: PasswordReset, who: AdminDep, store: StoreDep
    ) -> UserOut:
        _managed(store, who, username, Action.RESET_PASSWORD)
        accounts.set_password(store, who.municipality, username, body.password)
        return _user(store, who, username)

    @app.post(
        "/v1/users/{username}/role",
        tags=["users"],
        responses={403: {"model": Problem}, 404: {"model": Problem}},
    )
    def set_role(username: str, body: RoleChange, who: AdminDep, store: StoreDep) -> UserOut:
        """Give a user another role; every session and machine token of theirs ends at once."""
        _managed(store, who, username, Action.SET_ROLE, new_role=body.role)
        accounts.set_role(store, who.municipality, username, body.role)
        return _user(store, who, username)

    return app


def _address(request: Request) -> str:
    return client_address(request.client.host if request.client else None)


def _refused(refused: LoginRefused, wrong: HTTPException | None = None) -> HTTPException:
    """A refused password check's answer, given after its delay (slower with each failure,
    without holding a password slot): 429 while locked out, else `wrong` (a login's 401)."""
    time.sleep(refused.delay)
    if refused.retry_after:
        return HTTPException(
            429,
            _("too many failed logins; try again later"),
            headers={"Retry-After": str(refused.retry_after)},
        )
    return wrong or HTTPException(401, _("wrong username or password"))


def with_faults(app: FastAPI, faults: Faults | None) -> Any:
    """The app as uvicorn serves it: with the fault switch outermost when it is on, so a
    dropped connection really is dropped at the transport. A commit delay is the storage's
    to keep (it holds the transaction open)."""
    if faults is None:
        return app
    app.state.db.commit_delay = faults.commit_delay
    return FaultMiddleware(app, faults)


def _allowed(
    who: Caller,
    action: Action,
    role: Role,
    municipality: str,
    place: str | None,
    *,
    new_role: Role | None = None,
    self_target: bool = False,
) -> None:
    try:
        roles.check(
            who.role,
            who.municipality,
            who.place,
            action,
            role,
            municipality,
            place,
            new_role=new_role,
            self_target=self_target,
        )
    except roles.Refused as refused:
        raise HTTPException(refused.status, refused.reason) from None


def _managed(
    store: Session, who: Caller, username: str, action: Action, *, new_role: Role | None = None
) -> None:
    """The user `who` may do `action` to: 404 outside the municipality, 403 at or above."""
    row = accounts.user_in(store, who.municipality, username)
    if row is None:
        raise not_found()
    _allowed(
        who,
        action,
        Role(row["role"]),
        row["municipality"],
        row["place"],
        new_role=new_role,
        self_target=username == who.username,
    )


def _user(store: Session, who: Caller, username: str) -> UserOut:
    """A user of the caller's municipality; another municipality's user is 404, not 403."""
    row = accounts.user_in(store, who.municipality, username)
    if row is None:
        raise not_found()
    return _out(row)


def _out(row: dict[str, Any]) -> UserOut:
    return UserOut.model_validate({**row, "disabled": bool(row["disabled"])})

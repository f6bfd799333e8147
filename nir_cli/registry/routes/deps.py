"""What every resource's routes share: the request's database session, the caller behind
the bearer token (and an administrator among them), unknown query parameters refused, the
process's password-check slots, and the refusals the routes give."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from nir_cli.core.i18n import _
from nir_cli.domain.model import Checks
from nir_cli.registry import accounts
from nir_cli.registry.accounts import Caller, LoginRefused
from nir_cli.registry.fastjson import FastJSONRoute
from nir_cli.registry.limits import PASSWORD_SLOT_WAIT, client_address
from nir_cli.registry.storage.interface import Session
from nir_cli.wire import ADMIN_ROLES

# Every router's routes answer with the registry's fast JSON (nir_cli.registry.fastjson).
ROUTE_CLASS = FastJSONRoute
bearer = HTTPBearer(auto_error=False)
# Bodies the registry stored were validated on the way in: read back without the checks.
LENIENT = Checks(today=dt.date.max, allow_synthetic=True, accept_unchecked_duf=True).as_context()


def unauthorized() -> HTTPException:
    """401, in the request's language (made when raised, not once at import)."""
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        _("not logged in, or the token expired"),
        headers={"WWW-Authenticate": "Bearer"},
    )


def not_found() -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, _("not found"))


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


@contextmanager
def password_slot(request: Request) -> Iterator[None]:
    """One of the process's password-check slots (argon2 is slow on purpose), or 503."""
    # Over its address's budget, the request was answered 429 already (LoginRateLimit).
    slots = request.app.state.login_limiter.slots
    if not slots.acquire(timeout=PASSWORD_SLOT_WAIT):
        raise HTTPException(
            503, _("the registry is busy checking passwords"), headers={"Retry-After": "1"}
        )
    try:
        yield
    finally:
        slots.release()


def address(request: Request) -> str:
    return client_address(request.client.host if request.client else None)


def refused(refusal: LoginRefused, wrong: HTTPException | None = None) -> HTTPException:
    """A refused password check's answer, given after its delay (slower with each failure,
    without holding a password slot): 429 while locked out, else `wrong` (a login's 401)."""
    time.sleep(refusal.delay)
    if refusal.retry_after:
        return HTTPException(
            429,
            _("too many failed logins; try again later"),
            headers={"Retry-After": str(refusal.retry_after)},
        )
    return wrong or HTTPException(401, _("wrong username or password"))

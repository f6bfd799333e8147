"""Logging in and out, who am I, and machine tokens: /v1/token, /v1/logout, /v1/me,
/v1/tokens."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, HTTPException, Request

from nir_cli.core.i18n import _
from nir_cli.registry import accounts
from nir_cli.registry.accounts import LoginRefused
from nir_cli.registry.routes.deps import (
    ROUTE_CLASS,
    CallerDep,
    StoreDep,
    address,
    not_found,
    password_slot,
    refused,
)
from nir_cli.wire import MachineTokenRequest, Me, Problem, TokenInfo, TokenOut, TokenRequest

router = APIRouter(route_class=ROUTE_CLASS)


@router.post(
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
    with password_slot(request):
        try:
            value, expires = accounts.login(store, body.username, body.password, address(request))
        except LoginRefused as exc:
            refusal = exc
        else:
            return TokenOut(access_token=value, expires_at=expires)
    raise refused(refusal)


@router.post("/v1/logout", status_code=204, tags=["auth"])
def logout(who: CallerDep, store: StoreDep) -> None:
    accounts.revoke(store, who.token_hash)


@router.get("/v1/me", tags=["auth"])
def me(who: CallerDep) -> Me:
    return Me(
        username=who.username,
        municipality=who.municipality,
        place=who.place,
        role=who.role,
        token_expires_at=who.expires_at,
    )


@router.post(
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
    longest: int = request.app.state.max_token_days
    days = body.days or longest
    if days > longest:
        raise HTTPException(
            422,
            _("a machine token lives at most {days} days at this registry").format(days=longest),
        )
    with password_slot(request):
        try:
            accounts.check_password(store, who.username, body.password, address(request))
        except LoginRefused as exc:
            refusal = exc
        else:
            value, expires = accounts.issue_token(
                store, who.username, "machine", body.name, dt.timedelta(days=days)
            )
            return TokenOut(access_token=value, expires_at=expires)
    raise refused(refusal, wrong=HTTPException(403, _("the password is wrong")))


@router.get("/v1/tokens", tags=["auth"])
def tokens(who: CallerDep, store: StoreDep) -> list[TokenInfo]:
    return [TokenInfo.model_validate(r) for r in accounts.tokens_of(store, who.username)]


@router.delete(
    "/v1/tokens/{name}", status_code=204, tags=["auth"], responses={404: {"model": Problem}}
)
def revoke_token(name: str, who: CallerDep, store: StoreDep) -> None:
    if not accounts.revoke_named(store, who.username, name):
        raise not_found()

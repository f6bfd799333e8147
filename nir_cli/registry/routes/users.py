"""/v1/users: a municipality's users, managed by its superusers and deputies (roles.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException

from nir_cli.core.i18n import _
from nir_cli.registry import accounts, roles
from nir_cli.registry.accounts import Caller
from nir_cli.registry.roles import Action
from nir_cli.registry.routes.deps import ROUTE_CLASS, AdminDep, StoreDep, not_found
from nir_cli.registry.storage.interface import Session
from nir_cli.wire import PasswordReset, Problem, Role, RoleChange, UserCreate, UserOut

router = APIRouter(route_class=ROUTE_CLASS)


@router.get("/v1/users", tags=["users"], responses={403: {"model": Problem}})
def users(who: AdminDep, store: StoreDep) -> list[UserOut]:
    return [_out(row) for row in accounts.users_of(store, who.municipality)]


@router.post(
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


@router.post(
    "/v1/users/{username}/disable",
    tags=["users"],
    responses={403: {"model": Problem}, 404: {"model": Problem}},
)
def disable_user(username: str, who: AdminDep, store: StoreDep) -> UserOut:
    _managed(store, who, username, Action.DISABLE)
    accounts.disable(store, who.municipality, username)
    return _user(store, who, username)


@router.post(
    "/v1/users/{username}/reset-password",
    tags=["users"],
    responses={403: {"model": Problem}, 404: {"model": Problem}},
)
def reset_password(username: str, body: PasswordReset, who: AdminDep, store: StoreDep) -> UserOut:
    _managed(store, who, username, Action.RESET_PASSWORD)
    accounts.set_password(store, who.municipality, username, body.password)
    return _user(store, who, username)


@router.post(
    "/v1/users/{username}/role",
    tags=["users"],
    responses={403: {"model": Problem}, 404: {"model": Problem}},
)
def set_role(username: str, body: RoleChange, who: AdminDep, store: StoreDep) -> UserOut:
    """Give a user another role; every session and machine token of theirs ends at once."""
    _managed(store, who, username, Action.SET_ROLE, new_role=body.role)
    accounts.set_role(store, who.municipality, username, body.role)
    return _user(store, who, username)


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
    except roles.Refused as refusal:
        raise HTTPException(refusal.status, refusal.reason) from None


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

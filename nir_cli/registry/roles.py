"""Who may manage whom: the one rule every user-administration route asks (OWASP API1/API5).

A user may act on another user only when the other is strictly below its own role, in its own
municipality and, for an administrator of one place, in that place. So a deputy manages
ordinary users and transfer users but never a superuser or another deputy; a superuser manages
deputies too; nobody manages a superuser over the API (`nir registry init-admin` on the server
makes them), and nobody acts on themselves: not strictly below oneself, so no own role upward.
"""

from __future__ import annotations

from enum import StrEnum

from nir_cli.core.i18n import _
from nir_cli.wire import Role

RANK = {Role.SUPERUSER: 3, Role.DEPUTY: 2, Role.USER: 1, Role.TRANSFER: 1}


class Action(StrEnum):
    CREATE = "create"
    DISABLE = "disable"
    RESET_PASSWORD = "reset-password"
    SET_ROLE = "set-role"


class Refused(Exception):
    """The actor may not do this; `status` is what the route answers (403, or 404 where even
    saying "forbidden" would tell that the user exists)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def check(
    actor_role: Role,
    actor_municipality: str,
    actor_place: str | None,
    action: Action,
    target_role: Role,
    target_municipality: str,
    target_place: str | None,
    *,
    new_role: Role | None = None,
    self_target: bool = False,
) -> None:
    """Raise Refused unless the actor may do `action` to a user of `target_role` (and, for
    SET_ROLE, give it `new_role`)."""
    if actor_role not in (Role.SUPERUSER, Role.DEPUTY):
        raise Refused(403, _("only superusers and deputies administer users"))
    if target_municipality != actor_municipality:
        raise Refused(404, _("not found"))
    if actor_place is not None and target_place != actor_place:
        # The municipality's users are listed to its administrators, so this is no secret.
        raise Refused(
            403,
            _("an administrator of {place!r} manages that place's users only").format(
                place=actor_place
            ),
        )
    if self_target:
        raise Refused(403, _("nobody administers their own user"))
    for role in (target_role, new_role):
        if role is not None and RANK[role] >= RANK[actor_role]:
            raise Refused(
                403,
                _("a {role} may {action} only users below its own role").format(
                    role=actor_role.value, action=action.value
                ),
            )

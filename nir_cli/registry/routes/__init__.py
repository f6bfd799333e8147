"""The registry's routes, one router per resource, in the order the API document lists them:
health, tokens (login, logout, me, machine tokens), batches, changes, records, users."""

from __future__ import annotations

from fastapi import APIRouter

from nir_cli.registry.routes import batches, changes, meta, records, tokens, users

ROUTERS: tuple[APIRouter, ...] = (
    meta.router,
    tokens.router,
    batches.router,
    changes.router,
    records.router,
    users.router,
)

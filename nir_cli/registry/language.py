"""Each request in the language it asks for: its Accept-Language header, bokmål or English.

The registry serves many clients at once, each in its own language, so the language is not the
process's (`nir_cli.core.i18n.use`) but the request's: `speaking()` sets a context variable for the
request's task, which every message made while answering it reads. Starlette runs the sync
endpoints and dependencies in a thread pool with a copy of that context (anyio's
`to_thread.run_sync`), so they speak it too. A request that asks for neither language, or says
nothing, is answered in English, the registry's own, whatever the server's locale says.

Only the words change: codes (`code`, `type`), fields and status codes are the same in every
language.
"""

from __future__ import annotations

from typing import Any

from nir_cli.core.i18n import BOKMAL, ENGLISH, speaking

# Language tags answered in bokmål: nynorsk and the macro-language "no" read it better than
# English (nir_cli.core.i18n does the same with a locale).
NORWEGIAN = frozenset({"nb", "nn", "no"})


def asked(header: str | None) -> str:
    """The language to answer an Accept-Language header in: the one of highest weight that
    the registry speaks ("nb" for nb, nn and no; "en"), English when none is."""
    best, weight = ENGLISH, 0.0
    for item in (header or "").split(","):
        tag, _sep, params = item.strip().partition(";")
        primary = tag.strip().split("-", 1)[0].split("_", 1)[0].lower()
        if primary in NORWEGIAN:
            lang = BOKMAL
        elif primary == ENGLISH:
            lang = ENGLISH
        else:
            continue  # a language the registry does not speak, or "*"
        quality = 1.0
        for param in params.split(";"):
            name, _eq, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > weight:  # of equal weight, the first: a client lists its wish first
            best, weight = lang, quality
    return best


class Language:
    """ASGI middleware: the request, whatever answers it, in the language it asks for."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = next(
            (v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"accept-language"),
            None,
        )
        with speaking(asked(header)):
            await self.app(scope, receive, send)

"""Limits before work (OWASP API4): a body too large is refused before it is read and before
anyone is authenticated; logins are rate-limited per client address and the password checks
(argon2, deliberately slow) share a bounded number of slots, so a flood of logins cannot take
the CPU from everyone else's syncs.

Both are per process by design: each app process guards itself, and the numbers below are per
process (docs/registry.md says how they add up behind a load balancer).
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from nir_cli.i18n import _
from nir_cli.wire import MAX_BATCH_RECORDS

# A record is a few hundred bytes; 16 KiB each is generous, so a full batch fits with room.
MAX_RECORD_BYTES = 16 * 1024
MAX_BODY_BYTES = MAX_BATCH_RECORDS * MAX_RECORD_BYTES  # 16 MiB
# Logins per client address: a burst, then this many a second.
LOGIN_BURST = 20
LOGIN_PER_SECOND = 2.0
LOGIN_ADDRESSES = 10_000  # addresses remembered at most (the least recently seen go first)
# Password checks at once in one process, and how long a login waits for a slot.
PASSWORD_SLOTS = 2
PASSWORD_SLOT_WAIT = 2.0

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyLimit:
    """ASGI middleware: 413 for a body over `limit` bytes, by its Content-Length before a byte
    is read; without one (chunked), the body is read first, at most `limit` bytes of it, and
    refused as soon as the bytes received pass it. Nothing over the limit is held in memory."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if "\x00" in scope["path"] or b"%00" in scope.get("query_string", b""):
            # PostgreSQL cannot hold a NUL; refused alike on either database (see wire.Wire).
            await _answer(send, 422, _problem(_("text may not contain NUL characters")))
            return
        length = next((v for k, v in scope.get("headers", []) if k == b"content-length"), None)
        if length is not None:
            if not length.isdigit():
                await _answer(send, 400, _problem(_("Content-Length is not a number")))
            elif int(length) > self.limit:
                await _answer(send, 413, self._too_large())
            else:  # h11 never hands on more bytes than the length says
                await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away
            chunks.append(message.get("body", b""))
            received += len(chunks[-1])
            if received > self.limit:
                await _answer(send, 413, self._too_large())
                return
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    def _too_large(self) -> bytes:
        return _problem(
            _(
                "the body is larger than {limit} bytes; send at most {records} records a batch"
            ).format(limit=self.limit, records=MAX_BATCH_RECORDS)
        )


def _problem(detail: str) -> bytes:
    """An answer's body as the API's errors have it: {"detail": ...}, in the request's
    language (nir_cli.registry.language runs outside these middlewares)."""
    return json.dumps({"detail": detail}, ensure_ascii=False).encode()


async def _answer(
    send: Send, status: int, body: bytes, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(extra or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class LoginRateLimit:
    """ASGI middleware: a login over its address's budget is answered 429 here, before the
    request costs a body parse, a database connection or a route: a flood stays cheap."""

    def __init__(self, app: ASGIApp, limiter: LoginLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == "/v1/token" and scope["method"] == "POST":
            client = scope.get("client")
            wait = self.limiter.allow(client[0] if client else "")
            if wait is not None:
                body = _problem(_("too many logins from this address; try again later"))
                await _answer(send, 429, body, [(b"retry-after", str(int(wait) + 1).encode())])
                return
        await self.app(scope, receive, send)


class LoginLimiter:
    """A token bucket per client address, and slots for the password checks."""

    def __init__(
        self,
        burst: int = LOGIN_BURST,
        per_second: float = LOGIN_PER_SECOND,
        slots: int = PASSWORD_SLOTS,
    ) -> None:
        self.burst = burst
        self.per_second = per_second
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()
        self.slots = threading.BoundedSemaphore(slots)

    def allow(self, address: str) -> float | None:
        """None when this address may try a login now, else the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            tokens, stamp = self._buckets.pop(address, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - stamp) * self.per_second)
            wait = None if tokens >= 1 else (1 - tokens) / self.per_second
            self._buckets[address] = (tokens - 1 if wait is None else tokens, now)
            while len(self._buckets) > LOGIN_ADDRESSES:
                self._buckets.popitem(last=False)
        return wait

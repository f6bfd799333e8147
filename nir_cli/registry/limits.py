"""Limits before work (OWASP API4): a body too large is refused before it is read and before
anyone is authenticated; logins are rate-limited per client address and the password checks
(argon2, deliberately slow) share a bounded number of slots, so a flood of logins cannot take
the CPU from everyone else's syncs.

Both are per process by design: each app process guards itself, and the numbers below are per
process (docs/registry.md says how they add up behind a load balancer).
"""

from __future__ import annotations

import ipaddress
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio

from nir_cli.core.i18n import _
from nir_cli.wire import MAX_BATCH_RECORDS

# A record is a few hundred bytes; 16 KiB each is generous, so a full batch fits with room.
MAX_RECORD_BYTES = 16 * 1024
MAX_BODY_BYTES = MAX_BATCH_RECORDS * MAX_RECORD_BYTES  # 16 MiB
# The body bytes one process holds at once for all its requests; `serve --body-budget`.
BODY_BUDGET_BYTES = 64 * 1024 * 1024
# A login's body: a username and a password.
LOGIN_BODY_BYTES = 16 * 1024
# The paths whose body is read without a token (a login; every other body needs one).
PUBLIC_BODY_PATHS = frozenset({"/v1/token"})
# A body must have arrived this many seconds after its headers (16 MiB at 2.2 Mbit/s).
BODY_SECONDS = 60.0
# Connections and requests one process serves at once; past it uvicorn answers 503. uvicorn
# counts a connection as it opens, before it has sent anything, and has no timeout for the
# headers: set near a process's usual 1024 open files, so idle sockets meet this limit no
# sooner than they would have run out of files; the proxy in front bounds them per address
# (docs/registry-production.md).
CONCURRENCY = 1000
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


class Unavailable(Exception):
    """The database could not say whose a token is just now: answered 503, try again."""


class Bodies:
    """The body bytes a process holds at once, for every request together: a reservation per
    request (its Content-Length, or its chunks as they come), refused when the budget is
    spent. One caller (a user, or everyone without a token: a login) holds at most a quarter
    of it, so one user announcing large bodies and sending nothing cannot shut everyone
    else's uploads out. One event loop per process: no awaits between the check and the
    count."""

    def __init__(self, budget: int = BODY_BUDGET_BYTES) -> None:
        self.budget = budget
        self.share = max(budget // 4, MAX_BODY_BYTES)
        self.held = 0
        self._by: dict[str, int] = {}

    def reserve(self, count: int, who: str = "") -> bool:
        mine = self._by.get(who, 0)
        if self.held + count > self.budget or mine + count > self.share:
            return False
        self.held += count
        self._by[who] = mine + count
        return True

    def release(self, count: int, who: str = "") -> None:
        self.held -= count
        left = self._by.get(who, 0) - count
        if left > 0:
            self._by[who] = left
        else:
            self._by.pop(who, None)


class BodyGuard:
    """ASGI middleware: a request's body is read only when the registry means to use it.

    In order, before a byte of the body is read: a body over the limit is refused (413) by
    its Content-Length; a body for anything but a login without a valid bearer token is
    refused (401; the caller found is handed on, so the route does not look it up again); a
    body the process has no room for among the bodies it holds now is refused (503 with
    Retry-After). Each of these answers closes the connection, so nothing is drained. Then
    the body is read into one buffer, within BODY_SECONDS, its chunks counted against the
    limit and the budget as they come (no Content-Length: chunked); a client that goes away
    before the end never reaches the app, and a body too slow is refused (408). The bytes
    are given back to the budget when the app has answered."""

    def __init__(
        self,
        app: ASGIApp,
        authenticate: Callable[[str], Awaitable[Any | None]],
        bodies: Bodies,
        limit: int = MAX_BODY_BYTES,
    ) -> None:
        self.app = app
        self.authenticate = authenticate
        self.bodies = bodies
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if "\x00" in scope["path"] or b"%00" in scope.get("query_string", b""):
            # PostgreSQL cannot hold a NUL; refused alike on either database (see wire.Wire).
            await _answer(send, 422, _problem(_("text may not contain NUL characters")))
            return
        headers = dict(scope.get("headers", []))
        authorizations = [v for k, v in scope.get("headers", []) if k == b"authorization"]
        length = headers.get(b"content-length")
        chunked = b"chunked" in headers.get(b"transfer-encoding", b"").lower()
        if length is not None and not length.isdigit():
            await _refuse(send, 400, _problem(_("Content-Length is not a number")))
            return
        if not chunked and (length is None or int(length) == 0):
            await self.app(scope, receive, send)  # no body to guard
            return
        limit = LOGIN_BODY_BYTES if scope["path"] in PUBLIC_BODY_PATHS else self.limit
        if length is not None and int(length) > limit:
            await _refuse(send, 413, self._too_large(limit))
            return
        who = ""
        if scope["path"] not in PUBLIC_BODY_PATHS:
            try:
                # Two Authorization headers: read differently by different parts, so neither.
                caller = await self._caller(authorizations[0]) if len(authorizations) == 1 else None
            except Unavailable:
                await _refuse(
                    send,
                    503,
                    _problem(_("the registry's database is busy; try again shortly")),
                    [(b"retry-after", b"5")],
                )
                return
            if caller is None:
                await _refuse(
                    send,
                    401,
                    _problem(_("not logged in, or the token expired")),
                    [(b"www-authenticate", b"Bearer")],
                )
                return
            who = str(getattr(caller, "username", caller))
        held = [int(length) if length is not None else 0]  # bytes reserved for this body
        if not self.bodies.reserve(held[0], who):
            await self._busy(send)
            return
        try:
            body = await self._read(receive, send, limit, held, who)
            if body is not None:
                replay = _replay(body, receive)
                del body  # the replay holds the only reference, and lets go of it
                # The route looks the token up again: it may have been revoked meanwhile.
                await self.app(scope, replay, send)
        finally:
            self.bodies.release(held[0], who)

    async def _caller(self, authorization: bytes) -> Any | None:
        scheme, _sep, token = authorization.decode("latin-1").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return await self.authenticate(token.strip())

    async def _read(
        self, receive: Receive, send: Send, limit: int, held: list[int], who: str
    ) -> bytearray | None:
        """The whole body, or None when the request was answered here or the client left.
        `held[0]`: the bytes reserved for it, grown as a chunked body comes."""
        body = bytearray()
        try:
            with anyio.fail_after(BODY_SECONDS):
                while True:
                    message = await receive()
                    if message["type"] != "http.request":
                        return None  # the client went away: the app never sees a part
                    body += message.get("body", b"")
                    if len(body) > limit:
                        await _refuse(send, 413, self._too_large(limit))
                        return None
                    if len(body) > held[0]:  # chunked: reserved as the bytes come
                        if not self.bodies.reserve(len(body) - held[0], who):
                            await self._busy(send)
                            return None
                        held[0] = len(body)
                    if not message.get("more_body", False):
                        return body
        except TimeoutError:
            await _refuse(send, 408, _problem(_("the body did not arrive in time")))
            return None

    async def _busy(self, send: Send) -> None:
        await _refuse(
            send,
            503,
            _problem(_("the registry is receiving as much as it can hold; try again shortly")),
            [(b"retry-after", b"2")],
        )

    def _too_large(self, limit: int) -> bytes:
        if limit == LOGIN_BODY_BYTES:
            return _problem(_("the body is larger than {limit} bytes").format(limit=limit))
        return _problem(
            _(
                "the body is larger than {limit} bytes; send at most {records} records a batch"
            ).format(limit=limit, records=MAX_BATCH_RECORDS)
        )


def _replay(body: bytearray, receive: Receive) -> Receive:
    """The body as one message, then the connection's own messages (a disconnect). The
    buffer is let go of as it is handed on: the app's copy is then the only one."""
    held: list[bytearray] = [body]

    async def replay() -> Message:
        if not held:
            return await receive()
        return {"type": "http.request", "body": bytes(held.pop()), "more_body": False}

    return replay


async def _refuse(
    send: Send, status: int, body: bytes, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    """An answer given before the body was read: the connection closes with it, so the rest
    of the body is never read (nor drained)."""
    await _answer(send, status, body, [(b"connection", b"close"), *(extra or [])])


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


def client_address(host: str | None) -> str:
    """Who a request comes from, as the login limits count it: an IPv4 address, or an IPv6
    address's /64 (one household or server gets a whole /64, so counting single IPv6
    addresses would give it billions of budgets)."""
    if not host:
        return ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{host}/64", strict=False))
    return str(address)


# The requests that check a password: a login, and making a machine token (it asks again).
PASSWORD_PATHS = frozenset({"/v1/token", "/v1/tokens"})


class LoginRateLimit:
    """ASGI middleware: a password check over its address's budget is answered 429 here,
    before the request costs a body parse, a database connection or a route: a flood stays
    cheap."""

    def __init__(self, app: ASGIApp, limiter: LoginLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["path"] in PASSWORD_PATHS
            and scope["method"] == "POST"
        ):
            client = scope.get("client")
            wait = self.limiter.allow(client_address(client[0] if client else None))
            if wait is not None:
                body = _problem(_("too many logins from this address; try again later"))
                await _answer(send, 429, body, [(b"retry-after", str(int(wait) + 1).encode())])
                return
        await self.app(scope, receive, send)


class ForwardedNotice:
    """ASGI middleware: said once in the log, when a request carries X-Forwarded-For that the
    registry was not told to believe (behind a proxy without `serve --proxy-headers`, every
    client counts as the proxy's address: one login budget for all)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.said = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            not self.said
            and scope["type"] == "http"
            and any(k == b"x-forwarded-for" for k, _v in scope.get("headers", []))
        ):
            self.said = True
            logging.getLogger("nir_cli.registry").warning(
                "a request came with X-Forwarded-For, which this registry does not believe: "
                "behind a proxy, serve with --proxy-headers --forwarded-allow-ips PROXY, or "
                "every client counts as the proxy (docs/registry-production.md)"
            )
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

"""Faults on demand, so sync tests can cause them for real (off unless NIR_REGISTRY_FAULTS is set,
and refused on anything but a loopback address).

NIR_REGISTRY_FAULTS="latency=0.5,unavailable=0.3,retry_after=2,drop_after_commit=0.2,seed=7"
  latency            seconds added before every sync request
  jitter             up to this many seconds more, at random: requests sent together may
                     arrive in any order
  unavailable        share of sync requests answered 503 with Retry-After before any work
  retry_after        the Retry-After value of those 503s (seconds)
  drop_after_commit  share of batch requests whose connection is dropped after the batch committed
  commit_delay       seconds every batch's transaction stays open, its rows written, before it
                     commits: time to kill the process mid-batch
  seed               makes the random choices repeatable
Faults touch only /v1/batches and /v1/changes: logging in and health checks stay reliable.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from typing import Any

ENV = "NIR_REGISTRY_FAULTS"
FAULTY_PATHS = ("/v1/batches", "/v1/changes")


@dataclass
class Faults:
    latency: float = 0.0
    jitter: float = 0.0
    unavailable: float = 0.0
    retry_after: int = 1
    drop_after_commit: float = 0.0
    commit_delay: float = 0.0
    seed: int | None = None

    @classmethod
    def parse(cls, text: str) -> Faults:
        faults = cls()
        for part in filter(None, (p.strip() for p in text.split(","))):
            name, _, value = part.partition("=")
            if name not in {
                "latency",
                "jitter",
                "unavailable",
                "retry_after",
                "drop_after_commit",
                "commit_delay",
                "seed",
            }:
                raise ValueError(f"{ENV}: unknown fault {name!r}")
            kind = type(getattr(faults, name)) if getattr(faults, name) is not None else int
            setattr(faults, name, kind(value))
        return faults


class FaultMiddleware:
    """ASGI middleware: delay, refuse, or drop the connection after the answer is ready."""

    def __init__(self, app: Any, faults: Faults) -> None:
        self.app = app
        self.faults = faults
        self.seed = faults.seed
        self.random = random.Random(faults.seed)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(FAULTY_PATHS):
            await self.app(scope, receive, send)
            return
        if self.faults.seed != self.seed:  # the switch was turned while serving (the tests)
            self.seed = self.faults.seed
            self.random = random.Random(self.seed)
        if self.faults.latency or self.faults.jitter:
            await asyncio.sleep(self.faults.latency + self.random.uniform(0, self.faults.jitter))
        if self.random.random() < self.faults.unavailable:
            await send(
                {
                    "type": "http.response.start",
                    "status": 503,
                    "headers": [
                        (b"retry-after", str(self.faults.retry_after).encode()),
                        (b"content-type", b"application/json"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b'{"detail":"fault: unavailable"}'})
            return
        drop = (
            scope["path"] == "/v1/batches" and self.random.random() < self.faults.drop_after_commit
        )
        if not drop:
            await self.app(scope, receive, send)
            return

        async def swallow(message: dict[str, Any]) -> None:
            return None  # the batch is committed; its answer never leaves

        await self.app(scope, receive, swallow)
        transport = getattr(getattr(send, "__self__", None), "transport", None)
        if transport is not None:
            transport.abort()
            return
        raise ConnectionAbortedError("fault: connection dropped after commit")

"""The registry client's retries, against a small real HTTP server that answers 503 with the
Retry-After each test needs (the reference registry gives every 503 the same one)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from nir_cli.core import constants
from nir_cli.core.errors import TemporaryFailure
from nir_cli.sync.client import RegistryClient


class _Away(BaseHTTPRequestHandler):
    """503 for everything: a long Retry-After for /v1/changes, none for the rest."""

    def do_GET(self) -> None:
        wait = "20" if self.path.startswith("/v1/changes") else "0"
        self.send_response(503)
        self.send_header("Retry-After", wait)
        self.send_header("Content-Length", "0")
        self.end_headers()
        self.server.seen.append(self.path)  # type: ignore[attr-defined]

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def away() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Away)
    server.seen = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_request_out_of_tries_stops_the_others_waiting_to_retry(
    away: ThreadingHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(constants, "RETRY_AFTER_CAP", 20.0)
    monkeypatch.setattr(constants, "RETRY_BASE_DELAY", 0.01)
    client = RegistryClient(f"http://127.0.0.1:{away.server_address[1]}", "token", attempts=3)
    waiting: list[BaseException] = []

    def pull() -> None:
        try:
            client.changes(0, 10)
        except BaseException as exc:
            waiting.append(exc)

    puller = threading.Thread(target=pull, daemon=True)
    puller.start()
    while not away.seen:  # type: ignore[attr-defined]
        time.sleep(0.01)  # the pull got its 503 and waits 20 s to try again
    started = time.monotonic()
    with pytest.raises(TemporaryFailure, match=r"\(HTTP 503\) after 3 tries"):
        client.me()
    puller.join(timeout=5)
    assert not puller.is_alive(), "the pull kept waiting after the registry was found away"
    assert time.monotonic() - started < 5
    assert len(waiting) == 1
    assert isinstance(waiting[0], TemporaryFailure)
    assert "(HTTP 503) after 3 tries" in str(waiting[0])
    # The pull tried once: it stopped instead of trying again.
    assert away.seen.count("/v1/changes?after=0&limit=10") == 1  # type: ignore[attr-defined]
    assert away.seen.count("/v1/me") == 3  # type: ignore[attr-defined]

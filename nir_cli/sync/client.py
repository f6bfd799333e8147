"""The one client of the registry API. The sync engine talks to this class only, so another
backend can be added behind the same methods without touching the engine.

Every request has a timeout. Connection errors, timeouts, 429, 502, 503 and 504 are retried a
bounded number of times with exponential backoff and jitter, honouring Retry-After up to a cap;
when the tries run out it raises TemporaryFailure (exit 75). The batches on the wire share one
client: once one request runs out of tries the registry is away for all of them, so the others
stop retrying at once and fail with the same message. TLS verification is always on; a private
CA is given with `ca_bundle`.

Every request asks for answers in the language nir speaks (Accept-Language): the registry's
messages, a rejection's reason above all, are read by the person at the terminal.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from typing import Any

import requests

from nir_cli import __version__
from nir_cli.core import constants
from nir_cli.core.errors import (
    InvalidData,
    NirError,
    NotFound,
    NotLoggedIn,
    PermissionDenied,
    TemporaryFailure,
)
from nir_cli.core.i18n import _, language
from nir_cli.wire import BatchIn, BatchOut, ChangesOut, Me, TokenOut

RETRY_STATUSES = frozenset({429, 502, 503, 504})
log = logging.getLogger(__name__)


class RegistryClient:
    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        ca_bundle: str | None = None,
        attempts: int = constants.RETRY_ATTEMPTS,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["User-Agent"] = f"nir/{__version__}"
        # The language is chosen before any client is made (nir_cli.core.i18n.choose).
        self.session.headers["Accept-Language"] = language()
        self.session.verify = ca_bundle or True
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        self.attempts = attempts
        # Told of every retry (what failed, the next try, its number, the wait), so a person
        # at a terminal sees why nothing happens for a while.
        self.on_retry: Callable[[str, int, int, float], None] | None = None
        self.random = random.Random()
        # Set when a request ran out of tries; its message, for every request that stops then.
        self._away = threading.Event()
        self._away_reason = ""
        self._away_lock = threading.Lock()

    # -- the API ----------------------------------------------------------------------------

    def login(self, username: str, password: str) -> TokenOut:
        answer = self._request(
            "POST", "/v1/token", json={"username": username, "password": password}, login=True
        )
        return TokenOut.model_validate(answer.json())

    def logout(self) -> None:
        self._request("POST", "/v1/logout")

    def me(self) -> Me:
        return Me.model_validate(self._request("GET", "/v1/me").json())

    def machine_token(self, name: str, days: int | None, password: str) -> TokenOut:
        """A named machine token, made with the password again (a wrong one: the registry's
        403, PermissionDenied); `days` None: as long as the registry allows."""
        asked: dict[str, Any] = {"name": name, "password": password}
        if days is not None:
            asked["days"] = days
        answer = self._request("POST", "/v1/tokens", json=asked)
        return TokenOut.model_validate(answer.json())

    def push(self, batch: BatchIn | str) -> tuple[BatchOut, str]:
        """Send a batch; a str is an already-serialised batch, sent again byte for byte.
        Returns the answer, and its JSON as the registry sent it."""
        data = batch if isinstance(batch, str) else batch.model_dump_json()
        answer = self._request(
            "POST", "/v1/batches", data=data.encode(), headers={"Content-Type": "application/json"}
        )
        return BatchOut.model_validate_json(answer.content), answer.content.decode()

    def changes(self, after: int, limit: int) -> ChangesOut:
        answer = self._request("GET", "/v1/changes", params={"after": after, "limit": limit})
        return ChangesOut.model_validate(answer.json())

    def users(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._request("GET", "/v1/users").json()
        return result

    def add_user(self, body: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self._request("POST", "/v1/users", json=body).json()
        return result

    def disable_user(self, username: str) -> dict[str, Any]:
        result: dict[str, Any] = self._request("POST", f"/v1/users/{username}/disable").json()
        return result

    def reset_password(self, username: str, password: str) -> dict[str, Any]:
        result: dict[str, Any] = self._request(
            "POST", f"/v1/users/{username}/reset-password", json={"password": password}
        ).json()
        return result

    def set_role(self, username: str, role: str) -> dict[str, Any]:
        result: dict[str, Any] = self._request(
            "POST", f"/v1/users/{username}/role", json={"role": role}
        ).json()
        return result

    def tokens(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._request("GET", "/v1/tokens").json()
        return result

    def revoke_token(self, name: str) -> None:
        self._request("DELETE", f"/v1/tokens/{name}")

    # -- transport --------------------------------------------------------------------------

    def _request(
        self, method: str, path: str, *, login: bool = False, **kwargs: Any
    ) -> requests.Response:
        url = self.base_url + path
        last: str = ""
        for attempt in range(1, self.attempts + 1):
            try:
                answer = self.session.request(
                    method,
                    url,
                    timeout=(constants.HTTP_CONNECT_TIMEOUT, constants.HTTP_READ_TIMEOUT),
                    **kwargs,
                )
            except requests.exceptions.SSLError as exc:
                raise NirError(
                    _("TLS verification failed for {url}: {error}").format(
                        url=self.base_url, error=exc
                    ),
                    hint=_("for a private CA, give --ca-bundle FILE"),
                ) from None
            except (requests.ConnectionError, requests.Timeout) as exc:
                last = f"{type(exc).__name__}"
                delay = self._backoff(attempt)
            else:
                if login and answer.status_code == 429:
                    wait = answer.headers.get("Retry-After")
                    raise TemporaryFailure(
                        _("too many failed logins for this user"),
                        hint=_("try again in {seconds} seconds").format(seconds=wait)
                        if wait
                        else _("try again in a few seconds"),
                    )
                if answer.status_code not in RETRY_STATUSES:
                    return self._check(answer, login)
                last = f"HTTP {answer.status_code}"
                delay = self._retry_after(answer) or self._backoff(attempt)
            if attempt < self.attempts:
                if self.on_retry is not None:
                    self.on_retry(last, attempt + 1, self.attempts, delay)
                log.info(
                    "%s %s: %s; trying again in %.1f s (try %d of %d)",
                    method,
                    path,
                    last,
                    delay,
                    attempt + 1,
                    self.attempts,
                )
                # The wait ends early when another request has given up: no more tries then.
                if self._away.wait(delay):
                    log.info(
                        "%s %s: stopped, another request found the registry away", method, path
                    )
                    break
        raise self._give_up(
            _("the registry at {url} did not answer ({error}) after {tries} tries").format(
                url=self.base_url, error=last, tries=self.attempts
            ),
            login,
        )

    def _give_up(self, reason: str, login: bool = False) -> TemporaryFailure:
        """The registry is away: the first request to find out sets the reason, and every
        request waiting to try again stops with it."""
        with self._away_lock:
            if not self._away.is_set():
                self._away_reason = reason
                self._away.set()
        hint = (
            _("is it running, and is the profile's registry URL right? then log in again")
            if login
            else _("nothing was lost: the outbox is intact; run again later")
        )
        return TemporaryFailure(self._away_reason, hint=hint)

    def _backoff(self, attempt: int) -> float:
        base: float = min(
            constants.RETRY_MAX_DELAY, constants.RETRY_BASE_DELAY * 2 ** (attempt - 1)
        )
        return base + self.random.uniform(0, base)

    @staticmethod
    def _retry_after(answer: requests.Response) -> float | None:
        value = answer.headers.get("Retry-After")
        if value is None:
            return None
        try:
            return min(constants.RETRY_AFTER_CAP, max(0.0, float(value)))
        except ValueError:
            return None

    def _check(self, answer: requests.Response, login: bool) -> requests.Response:
        if answer.status_code < 400:
            if answer.status_code != 204 and not _is_json(answer):
                kind = answer.headers.get("Content-Type")
                raise TemporaryFailure(
                    (
                        _(
                            "the registry at {url} answered HTTP {status} with {kind}, not the "
                            "API's JSON (a proxy or a login page in between?)"
                        )
                        if kind
                        else _(
                            "the registry at {url} answered HTTP {status} with no content "
                            "type, not the API's JSON (a proxy or a login page in between?)"
                        )
                    ).format(url=self.base_url, status=answer.status_code, kind=kind),
                    hint=_(
                        "nothing was lost: the outbox is intact; check the registry URL, or "
                        "run again later"
                    ),
                )
            return answer
        try:
            detail = answer.json().get("detail")
        except (ValueError, AttributeError):
            detail = None  # not the API's JSON: its text is never shown (it may be a page)
        if answer.status_code == 401:
            if login:
                raise NotLoggedIn(_("wrong username or password"))
            raise NotLoggedIn(
                _(
                    "the registry does not accept the token: not logged in, or the token "
                    "expired or was revoked (a password reset, a new role or a disabled user "
                    "ends every token)"
                ),
                hint=_("log in again: nir auth login (cron: a new machine token)"),
            )
        if answer.status_code == 403:
            raise PermissionDenied(_("the registry refused: {detail}").format(detail=detail))
        if answer.status_code == 404:
            raise NotFound(_("the registry has no such thing: {detail}").format(detail=detail))
        if answer.status_code >= 500 or not _is_json(answer):
            # The registry (or a proxy before it) failed: nothing to fix in the data.
            raise TemporaryFailure(
                _("the registry at {url} failed (HTTP {status})").format(
                    url=self.base_url, status=answer.status_code
                ),
                hint=_("nothing was lost: the outbox is intact; run again later"),
            )
        raise InvalidData(
            _("the registry answered {status}: {detail}").format(
                status=answer.status_code, detail=detail
            )
        )


def _is_json(answer: requests.Response) -> bool:
    kind = answer.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
    return kind == "application/json" or kind.endswith("+json")

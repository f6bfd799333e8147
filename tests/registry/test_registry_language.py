"""The registry answers each request in the language it asks for (Accept-Language): the words
change, the codes do not."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from nir_cli.core.i18n import speaking, translations
from nir_cli.registry.language import asked
from nir_cli.sync.client import RegistryClient
from nir_cli.wire import Role
from tests.registry.conftest import Registry, batch, claim_record, new_id, person_record

NB = translations("nb")
NO_SUCH_PERSON = "the registry has no such person; send it first"
ANOTHER_MUNICIPALITY = "the person belongs to another municipality than the caller"


def user(registry: Registry) -> requests.Session:
    name = f"5001-{new_id()[:6]}"
    registry.add_user(name, "5001", Role.TRANSFER)
    return registry.login(name)


def errors(session: requests.Session, url: str, language: str) -> list[tuple[str, str]]:
    """(code, message) of each record of a batch the registry refuses whole."""
    body = batch(claim_record(new_id()), person_record(municipality="0301"))
    answer = session.post(
        f"{url}/v1/batches", json=body, headers={"Accept-Language": language}, timeout=10
    )
    assert answer.status_code == 200, answer.text
    return [(r["error"]["code"], r["error"]["message"]) for r in answer.json()["results"]]


def test_a_rejection_is_explained_in_bokmal_with_the_same_code(registry: Registry) -> None:
    session = user(registry)
    english = errors(session, registry.url, "en")
    norwegian = errors(session, registry.url, "nb-NO,nb;q=0.9,en;q=0.5")
    assert english == [
        ("unknown_person", NO_SUCH_PERSON),
        ("wrong_municipality", ANOTHER_MUNICIPALITY),
    ]
    assert [code for code, _message in norwegian] == ["unknown_person", "wrong_municipality"]
    assert [message for _code, message in norwegian] == [
        NB.gettext(NO_SUCH_PERSON),
        NB.gettext(ANOTHER_MUNICIPALITY),
    ]
    assert NB.gettext(NO_SUCH_PERSON) != NO_SUCH_PERSON  # the catalog has it


def test_no_accept_language_is_english_and_errors_of_http_follow_it(registry: Registry) -> None:
    session = user(registry)
    assert errors(session, registry.url, "")[0] == ("unknown_person", NO_SUCH_PERSON)
    url = f"{registry.url}/v1/me"
    english = requests.get(url, timeout=10)
    norwegian = requests.get(url, headers={"Accept-Language": "nn"}, timeout=10)
    assert english.status_code == norwegian.status_code == 401
    assert english.json() == {"detail": "not logged in, or the token expired"}
    assert norwegian.json() == {"detail": NB.gettext("not logged in, or the token expired")}


def test_requests_side_by_side_each_speak_their_own_language(registry: Registry) -> None:
    """The language is the request's (a context variable), not the process's: requests in
    bokmål and in English at once, through the thread pool, do not mix."""
    session = user(registry)
    languages = ["nb", "en"] * 8
    with ThreadPoolExecutor(max_workers=8) as pool:
        found = list(pool.map(lambda lang: errors(session, registry.url, lang), languages))
    for lang, answer in zip(languages, found, strict=True):
        expected = NB.gettext(NO_SUCH_PERSON) if lang == "nb" else NO_SUCH_PERSON
        assert answer[0] == ("unknown_person", expected), lang


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "en"),
        ("", "en"),
        ("nb", "nb"),
        ("nn-NO", "nb"),
        ("no", "nb"),
        ("en-GB,en;q=0.9,nb;q=0.8", "en"),
        ("de,nb;q=0.5", "nb"),
        ("en;q=0.5, nb", "nb"),
        ("nb;q=0", "en"),
        ("*", "en"),
    ],
)
def test_the_language_asked_for(header: str | None, language: str) -> None:
    assert asked(header) == language


def test_the_client_asks_in_the_language_nir_speaks() -> None:
    assert RegistryClient("http://127.0.0.1:1").session.headers["Accept-Language"] == "en"
    with speaking("nb"):
        client = RegistryClient("http://127.0.0.1:1")
    assert client.session.headers["Accept-Language"] == "nb"

"""The public Python API: docs/python-api.md runs as written, and Register keeps the rules."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from nir_cli import Register
from nir_cli.core.errors import StoreUnusable
from tests.conftest import TEST_DUF, CliFn, snapshot

DOC = Path(__file__).resolve().parent.parent / "docs" / "python-api.md"


def test_the_documented_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert blocks
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for block in blocks:
            exec(compile(block, str(DOC), "exec"), {})
    text = out.getvalue()
    assert "['claim', 'hours']" in text
    assert "no person with DUF number 200205705502 66" in text
    assert "fact_date fact_date: the fact date is before the person's birth date" in text
    assert "1 persons exported" in text
    assert "0 created, 0 changed, 1 unchanged" in text


def test_a_register_writes_what_the_commands_write(person: CliFn, store_file: Path) -> None:
    """A script's registration is a version with an outbox row, as `nir register` makes."""
    with Register.open(profile="test") as reg:
        rec = reg.record("claim", TEST_DUF, fact_date="2025-08-20", scheme="training")
    shown = person("registration", "show", rec.id, "--format", "json")
    assert shown.exit_code == 0
    outbox = snapshot(store_file)["outbox"]
    assert any(row[2] == rec.id for row in outbox)


def test_open_never_creates_a_store(tmp_path: Path) -> None:
    from nir_cli.core.config import Profile

    with pytest.raises(StoreUnusable):
        Register(tmp_path / "nothing.db", Profile("x", ["5001"]))
    assert not (tmp_path / "nothing.db").exists()


def test_last_changed_says_whether_a_write_changed_anything(tmp_path: Path) -> None:
    from nir_cli import Register

    with Register.create(tmp_path / "r.db", "5001", environment="test") as reg:
        reg.add_person(
            duf="201212345603",
            first_name="Kari",
            last_name="Nordmann",
            birth_date="1990-01-15",
            residence_basis="refugee",
            permit_date="2025-06-01",
        )
        assert reg.last_changed is True
        claim = {"fact_date": "2025-08-20", "scheme": "training"}
        first = reg.record("claim", "201212345603", **claim)
        assert reg.last_changed is True
        again = reg.record("claim", "201212345603", **claim)
        assert reg.last_changed is False
        assert again.id == first.id
        reg.edit_person("201212345603", settlement_date="2025-08-15")
        assert reg.last_changed is True
        reg.edit_person("201212345603", settlement_date="2025-08-15")
        assert reg.last_changed is False
        assert reg.registration(first.id[-8:]).id == first.id
        assert [v["version"] for v in reg.versions(first.id)] == [1]
        assert reg.status()["registrations"] == 1


def test_the_api_s_argument_types_are_the_models() -> None:
    """nir_cli.api_types can't drift from the domain: every kind, every field of a kind's
    model, every field of a person."""
    import typing

    from nir_cli.api_types import KindName, PersonFields, RegistrationFields
    from nir_cli.domain.enums import Kind
    from nir_cli.domain.person import PersonData
    from nir_cli.domain.registrations import model_for

    assert set(typing.get_args(KindName)) == {k.value for k in Kind}
    fields = {name for k in Kind for name in model_for(k).model_fields} - {"kind"}
    assert set(RegistrationFields.__annotations__) == fields
    assert set(PersonFields.__annotations__) == set(PersonData.model_fields)


def test_a_script_s_type_checker_catches_a_misspelt_field_or_kind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`from nir_cli import Register` is typed (py.typed, the class under TYPE_CHECKING), and
    its methods take typed arguments: mypy --strict on a user's script names each mistake."""
    from mypy import api

    script = tmp_path / "user.py"
    script.write_text(
        "from nir_cli import Register\n"
        "\n"
        'with Register.open(profile="test") as reg:\n'
        '    reg.record("claim", "201212345603", fact_date="2025-08-20", scheme="training")\n'
        '    reg.record("claim", "201212345603", fact_dat="2025-08-20")\n'
        '    reg.record("claimm", "201212345603", fact_date="2025-08-20")\n'
        '    reg.add_person(first_nam="Kari")\n',
        encoding="utf-8",
    )
    root = Path(__file__).resolve().parent.parent
    assert (root / "nir_cli" / "py.typed").exists()
    monkeypatch.setenv("MYPYPATH", str(root))  # an editable install hides the package from mypy
    out, _err, code = api.run(["--strict", "--cache-dir", str(tmp_path / "cache"), str(script)])
    assert code == 1, out
    errors = [line for line in out.splitlines() if ": error:" in line]
    assert [int(line.split(":")[1]) for line in errors] == [5, 6, 7], out
    assert 'did you mean "fact_date"' in out
    assert 'did you mean "first_name"' in out

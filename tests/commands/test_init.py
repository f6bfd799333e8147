import os
import stat
import tomllib
from pathlib import Path

from tests.conftest import CliFn


def test_init_creates_a_default_profile_and_a_private_store(cli: CliFn, nir_home: Path) -> None:
    result = cli("init", "--municipality", "5001", "--place", "Sentrum")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "Created profile 'default' (production) for 5001" in result.stderr
    config = tomllib.loads((nir_home / "config.toml").read_text())
    assert config["default_profile"] == "default"
    assert config["profiles"]["default"]["municipalities"] == ["5001"]
    assert stat.S_IMODE(os.stat(nir_home / "config.toml").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(nir_home / "data").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(nir_home / "data" / "default.db").st_mode) == 0o600


def test_init_again_with_the_same_settings_changes_nothing(cli: CliFn, nir_home: Path) -> None:
    cli("init", "--municipality", "5001")
    before = (nir_home / "config.toml").read_text()
    result = cli("init", "--municipality", "5001")
    assert result.exit_code == 0
    assert "Profile is ready" in result.stderr
    assert (nir_home / "config.toml").read_text() == before


def test_init_with_other_settings_needs_replace(cli: CliFn) -> None:
    cli("init", "--municipality", "5001")
    result = cli("init", "--municipality", "0301")
    assert result.exit_code == 78
    assert "exists with other settings" in result.stderr
    assert cli("init", "--municipality", "0301", "--replace").exit_code == 0


def test_profiles_named_test_or_sandbox_default_to_that_environment(
    cli: CliFn, nir_home: Path
) -> None:
    cli("init", "--profile", "test", "--municipality", "5001")
    cli("--profile", "sandbox", "init", "--municipality", "5001")
    config = tomllib.loads((nir_home / "config.toml").read_text())
    assert config["profiles"]["test"]["environment"] == "test"
    assert config["profiles"]["sandbox"]["environment"] == "sandbox"


def test_renumbered_and_unknown_municipalities_are_refused(cli: CliFn, nir_home: Path) -> None:
    result = cli("init", "--municipality", "1507")
    assert result.exit_code == 65
    assert "1508 Ålesund or 1580 Haram" in result.stderr
    assert not (nir_home / "config.toml").exists()
    assert cli("init", "--municipality", "5002").exit_code == 65


def test_registry_url_must_be_https_except_on_loopback(cli: CliFn) -> None:
    result = cli("init", "--municipality", "5001", "--registry", "http://nir.example.no")
    assert result.exit_code == 65
    assert "https://" in result.stderr
    assert (
        cli("init", "--municipality", "5001", "--registry", "http://127.0.0.1:8765").exit_code == 0
    )


def test_several_municipalities_in_one_profile(cli: CliFn, nir_home: Path) -> None:
    assert cli("init", "-m", "5001", "-m", "5028").exit_code == 0
    config = tomllib.loads((nir_home / "config.toml").read_text())
    assert config["profiles"]["default"]["municipalities"] == ["5001", "5028"]


def test_commands_without_a_profile_say_how_to_make_one(cli: CliFn) -> None:
    result = cli("person", "list")
    assert result.exit_code == 78
    assert "nir init --municipality" in result.stderr


def test_unknown_profile(cli: CliFn) -> None:
    cli("init", "--municipality", "5001")
    result = cli("--profile", "nope", "person", "list")
    assert result.exit_code == 78
    assert "no profile named 'nope' (known: default)" in result.stderr

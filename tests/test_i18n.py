"""Bokmål beside English: the catalog, how the language is chosen, and what a person reads in
it (click's own words, Norwegian names both ways, tables, Excel) while scripts keep codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nir_cli.core import i18n
from nir_cli.domain.enums import Coded, EndReason, Kind, ResidenceBasis, Scheme, fold
from nir_cli.locale import catalog
from tests.conftest import PERSON_ARGS, TEST_DUF, CliFn


@pytest.fixture(autouse=True)
def _english_after() -> object:
    yield
    i18n.use(i18n.ENGLISH)


# --- the catalog --------------------------------------------------------------------------


def test_every_message_has_a_bokmal_translation_with_the_same_placeholders() -> None:
    problems = catalog.problems()
    assert not problems, "\n".join(problems[:20])


def test_the_catalog_holds_every_message_the_code_uses() -> None:
    """A string marked in the code, a help text or a click message missing from nir.po fails
    here: python -m nir_cli.locale.catalog update, then translate."""
    missing = catalog.missing_from(catalog.read())
    assert not missing, "\n".join(missing[:20])


def test_the_shipped_catalog_is_compiled_from_the_po_file() -> None:
    assert catalog.MO.read_bytes() == catalog.compiled(catalog.read()), (
        "nir.mo is stale: python -m nir_cli.locale.catalog update"
    )


def test_the_checks_find_what_they_look_for() -> None:
    """The catalog checks themselves: an empty, fuzzy or misplaced translation is caught."""
    from babel.messages.catalog import Catalog

    bad = Catalog(locale="nb")
    bad.add("{n} rows in {file}", "{n} rader")
    bad.add("no profile", "")
    bad.add("a fuzzy one", "en uklar", flags=("fuzzy",))
    bad.add("%(count)s left", "igjen")
    found = "\n".join(catalog.problems(bad))
    assert "placeholders ['file', 'n'] became ['n']" in found
    assert "no translation" in found
    assert "fuzzy" in found
    assert "%-placeholders differ" in found


# --- choosing the language ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("flag", "environ", "profile", "expected"),
    [
        (None, {}, None, "en"),
        (None, {"LANG": "nb_NO.UTF-8"}, None, "nb"),
        (None, {"LANG": "nn_NO.UTF-8"}, None, "nb"),
        (None, {"LANG": "no_NO"}, None, "nb"),
        (None, {"LANG": "C.UTF-8"}, None, "en"),
        (None, {"LANG": "de_DE.UTF-8"}, None, "en"),
        (None, {"LANG": "en_GB.UTF-8", "LC_MESSAGES": "nb_NO.UTF-8"}, None, "nb"),
        (None, {"LC_MESSAGES": "nb_NO.UTF-8", "LC_ALL": "C"}, None, "en"),
        (None, {"LC_ALL": "", "LANG": "nb_NO.UTF-8"}, None, "nb"),
        (None, {"LANG": "en_US.UTF-8"}, "nb", "nb"),
        (None, {"NIR_LANG": "en", "LANG": "nb_NO.UTF-8"}, "nb", "en"),
        (None, {"NIR_LANG": "bokmål"}, None, "nb"),
        ("en", {"NIR_LANG": "nb"}, "nb", "en"),
        ("nb", {}, None, "nb"),
    ],
)
def test_the_language_follows_flag_then_nir_lang_then_profile_then_locale(
    flag: str | None, environ: dict[str, str], profile: str | None, expected: str
) -> None:
    assert i18n.choose(flag, environ, profile) == expected


def test_a_profile_speaks_its_language_and_the_flag_still_wins(
    cli: CliFn, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("NIR_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    assert cli("init", "--municipality", "5001", "--language", "nb").exit_code == 0
    said = cli("person", "show", "999999999999")
    assert said.stderr.startswith("Feil: "), said.stderr
    said = cli("--lang", "en", "person", "show", "999999999999")
    assert said.stderr.startswith("Error: "), said.stderr


def test_an_unknown_language_is_refused_loudly(cli: CliFn) -> None:
    said = cli("--lang", "de", "status")
    assert said.exit_code == 2
    assert "'de' is not a language nir speaks: use nb or en" in said.stderr


# --- what a person reads -----------------------------------------------------------------


def test_clicks_own_words_are_bokmal(cli: CliFn) -> None:
    said = cli("--lang", "nb", "person", "show")
    assert said.exit_code == 2
    assert "Bruk: " in said.stderr
    assert "Mangler argumentet 'PERSON'" in said.stderr
    assert "Feil: " in said.stderr
    assert "Usage" not in said.stderr
    assert "Error" not in said.stderr
    helped = cli("--lang", "nb", "--help")
    assert "Vis denne meldingen og avslutt." in helped.stdout
    assert "Kommandoer:" in helped.stdout


def test_the_global_flag_works_after_the_command_too(person: CliFn) -> None:
    said = person("history", TEST_DUF, "--lang", "nb")
    assert said.exit_code == 0
    assert "ingen registreringer ennå" in said.stderr


@pytest.mark.parametrize(
    ("typed", "kind"),
    [("krav", "claim"), ("søknad", "claim"), ("Krav/søknad", "claim"), ("tilbud", "offer")],
)
def test_kinds_accept_their_norwegian_names(person: CliFn, typed: str, kind: str) -> None:
    said = person(
        "register", typed, TEST_DUF, "--date", "2025-08-01", "--scheme", "opplæring",
        "--format", "json",
    )  # fmt: skip
    assert said.exit_code == 0, said.stderr
    assert said.json()["kind"] == kind
    assert said.json()["scheme"] == "training"


@pytest.mark.parametrize(
    ("typed", "scheme"),
    [
        ("norskopplæring", Scheme.TRAINING),
        ("opplæring i norsk og samfunnskunnskap", Scheme.TRAINING),
        ("introduksjonsprogram", Scheme.PROGRAMME),
        ("Introduksjonsprogrammet", Scheme.PROGRAMME),
        ("opplæring i mottak", Scheme.ASYLUM),
        ("opplaering i mottak", Scheme.ASYLUM),
    ],
)
def test_schemes_accept_short_norwegian_forms(typed: str, scheme: Scheme) -> None:
    assert Scheme.parse(typed) is scheme


def test_old_names_still_parse_after_imdi_renamed_them() -> None:
    assert ResidenceBasis.parse("opphold på humanitært grunnlag") is ResidenceBasis.HUMANITARIAN
    assert ResidenceBasis.parse("sterke menneskelige hensyn") is ResidenceBasis.HUMANITARIAN
    assert EndReason.parse("fullført") is EndReason.COMPLETED
    assert Scheme.parse("opplæring for asylsøkere") is Scheme.ASYLUM


def _closed_sets() -> list[type[Coded]]:
    import nir_cli.domain.enums as enums

    return [
        value
        for value in vars(enums).values()
        if isinstance(value, type) and issubclass(value, Coded) and value is not Coded
    ]


@pytest.mark.parametrize("enum", _closed_sets(), ids=lambda e: e.__name__)
def test_no_name_means_two_members(enum: type[Coded]) -> None:
    """Every code, Norwegian name and alias parses to one member only."""
    seen: dict[str, Coded] = {}
    for member in enum:
        for name in {member.value, member.norwegian, *member.aliases}:
            other = seen.setdefault(fold(name), member)
            assert other is member, f"{name!r} names both {other} and {member}"
            assert enum.parse(name) is member


def test_errors_list_the_norwegian_names_under_bokmal(person: CliFn) -> None:
    said = person("--lang", "nb", "register", "claim", TEST_DUF, "--date", "2025-08-01",
                  "--scheme", "svømming")  # fmt: skip
    assert said.exit_code != 0
    assert "introduksjonsprogram" in said.stderr
    assert "opplæring i mottak" in said.stderr
    said = person("register", "claim", TEST_DUF, "--date", "2025-08-01", "--scheme", "svømming")
    assert "programme" in said.stderr
    assert "asylum" in said.stderr


def test_tables_speak_bokmal_and_json_stays_the_same(person: CliFn) -> None:
    person("register", "claim", TEST_DUF, "--date", "2025-08-01", "--scheme", "training")
    table = person("--lang", "nb", "history", TEST_DUF)
    assert table.exit_code == 0, table.stderr
    assert "ordning" in table.stdout
    assert Kind.CLAIM.norwegian in table.stdout
    assert Scheme.TRAINING.norwegian in table.stdout
    assert "01.08.2025" in table.stdout
    assert "2025-08-01" not in table.stdout
    english = person("history", TEST_DUF, "--format", "json").json()
    norwegian = person("--lang", "nb", "history", TEST_DUF, "--format", "json").json()
    assert english == norwegian
    assert person("--lang", "nb", "history", TEST_DUF, "--format", "csv").stdout.startswith(
        person("history", TEST_DUF, "--format", "csv").stdout.splitlines()[0]
    )


def test_every_column_a_command_shows_has_a_norwegian_heading(person: CliFn) -> None:
    from nir_cli.core.headings import COLUMNS

    person("register", "claim", TEST_DUF, "--date", "2025-08-01", "--scheme", "training")
    shown: set[str] = set()
    for args in (
        ("history", TEST_DUF),
        ("person", "show", TEST_DUF),
        ("person", "list"),
        ("overdue",),
        ("missing",),
        ("missing", "--list-rules"),
        ("status",),
        ("export", "registrations"),
        ("export", "persons"),
        ("sync", "log"),
        ("municipalities", "trond"),
        *(("report", name) for name in ("results", "target-groups", "programme", "grant-base")),
        ("report", "timeliness"),
    ):
        said = person(*args, "--format", "json")
        assert said.exit_code in (0, 3), (args, said.stderr)
        data = json.loads(said.stdout or "[]")
        for row in data if isinstance(data, list) else [data]:
            if isinstance(row, dict):
                shown |= set(row)
    assert shown - set(COLUMNS) == set()


def test_excel_under_bokmal_has_norwegian_headings_that_import_reads_back(
    person: CliFn, tmp_path: Path
) -> None:
    person("register", "claim", TEST_DUF, "--date", "2025-08-01", "--scheme", "training")
    persons = person("--lang", "nb", "export", "persons", "--excel")
    assert persons.exit_code == 0, persons.stderr
    header = persons.stdout.lstrip("\ufeff").splitlines()[0]
    assert "fødselsdato" in header
    assert "birth_date" not in header
    assert "flyktning" in persons.stdout
    registrations = person("--lang", "nb", "export", "registrations", "--excel")
    assert "krav/søknad" in registrations.stdout
    (tmp_path / "deltakere.csv").write_text(persons.stdout, encoding="utf-8")
    (tmp_path / "registreringer.csv").write_text(registrations.stdout, encoding="utf-8")
    again = person("--lang", "nb", "import", str(tmp_path / "deltakere.csv"))
    assert again.exit_code == 0, again.stderr
    again = person("import", str(tmp_path / "registreringer.csv"))
    assert again.exit_code == 0, again.stderr
    history = person("history", TEST_DUF, "--format", "json").json()
    assert [row["kind"] for row in history] == ["claim"]


def test_a_person_shown_in_bokmal_reads_as_bokmal(person: CliFn) -> None:
    shown = person("--lang", "nb", "person", "show", TEST_DUF)
    assert shown.exit_code == 0, shown.stderr
    assert "oppholdsgrunnlag" in shown.stdout
    assert "flyktning" in shown.stdout
    assert "rett og plikt" in shown.stdout
    assert "refugee" not in shown.stdout
    assert "rett_og_plikt" not in shown.stdout


def test_the_person_args_stay_english_codes() -> None:
    """The synthetic test person is typed with codes, which parse under any language."""
    assert "refugee" in PERSON_ARGS


@pytest.mark.parametrize("kind", ["persons", "registrations"])
def test_every_exported_columns_bokmal_heading_reads_back_as_that_column(kind: str) -> None:
    from nir_cli.core.headings import norwegian_heading
    from nir_cli.importer.columns import FileKind, vocabulary
    from nir_cli.services.export import columns

    table = vocabulary(FileKind(kind))
    for name in columns(FileKind(kind)):
        heading = norwegian_heading(name)
        assert heading != name or name == "id", f"{name} has no bokmål heading"
        assert table[fold(heading)] == table[fold(name)], (name, heading)


def test_export_and_import_take_the_norwegian_names_of_what_they_move(
    person: CliFn, tmp_path: Path
) -> None:
    exported = person("export", "deltakere")
    assert exported.exit_code == 0, exported.stderr
    assert exported.stdout == person("export", "persons").stdout
    (tmp_path / "fil.csv").write_text(exported.stdout, encoding="utf-8")
    again = person("import", str(tmp_path / "fil.csv"), "--kind", "deltakere")
    assert again.exit_code == 0, again.stderr


def test_a_persons_file_says_each_problem_under_its_own_column(
    profile: CliFn, tmp_path: Path
) -> None:
    bad = tmp_path / "p.csv"
    bad.write_text(
        "duf;fornavn;etternavn;fodselsdato;oppholdsgrunnlag;tillatelsesdato\n"
        "12345;Kari;Nordmann;15.01.1990;xx;01.13.2025\n",
        encoding="utf-8",
    )
    said = profile("--lang", "nb", "import", str(bad))
    assert said.exit_code != 0
    assert "p.csv:2: kolonne duf: " in said.stderr
    assert "p.csv:2: kolonne oppholdsgrunnlag: må være en av: flyktning" in said.stderr
    assert "p.csv:2: kolonne tillatelsesdato: '01.13.2025'" in said.stderr
    assert "residence_basis" not in said.stderr


def test_a_corrected_rejects_file_imports_as_it_is(profile: CliFn, tmp_path: Path) -> None:
    """The message says: fix the rows in the rejects file and import it; its reasons column
    must not stop that."""
    source = tmp_path / "p.csv"
    source.write_text(
        "duf;fornavn;etternavn;fodselsdato;oppholdsgrunnlag;tillatelsesdato\n"
        f"{TEST_DUF};Kari;Nordmann;15.01.1990;flyktning;31.02.2025\n",
        encoding="utf-8",
    )
    said = profile("import", str(source), "--skip-invalid")
    rejects = tmp_path / "p.csv.rejects.csv"
    assert rejects.exists(), said.stderr
    rejects.write_text(
        rejects.read_text(encoding="utf-8").replace("31.02.2025", "01.06.2025"), encoding="utf-8"
    )
    again = profile("import", str(rejects))
    assert again.exit_code == 0, again.stderr


def test_a_duplicate_names_its_key_in_words_under_bokmal(person: CliFn) -> None:
    args = ("register", "hours", TEST_DUF, "--date", "2026-01-31", "--period", "2026-01")
    assert person(*args, "--norwegian-hours", "10").exit_code == 0
    said = person("--lang", "nb", *args, "--norwegian-hours", "12")
    assert said.exit_code != 0
    assert "timer for ordning: opplæring i norsk og samfunnskunnskap, periode: 01.2026" in (
        said.stderr
    )
    said = person(*args, "--norwegian-hours", "12")
    assert "hours for scheme=training period=2026-01" in said.stderr


def test_sql_keeps_the_querys_own_names_under_bokmal(person: CliFn) -> None:
    said = person("--lang", "nb", "sql", "SELECT 'claim' AS kind, 1 AS n")
    assert said.exit_code == 0, said.stderr
    assert said.stdout.split()[:2] == ["kind", "n"]
    assert "claim" in said.stdout

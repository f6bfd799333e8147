"""Header names: Norwegian or English, matched ignoring case, spaces, `_`/`-` and accents.

Every model field is accepted under its own name (`norwegian_hours`, `Norwegian hours`) and
under the aliases below. docs/import.md lists them; a test keeps that page in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from nir_cli.core.errors import InvalidData
from nir_cli.core.headings import norwegian_heading
from nir_cli.core.i18n import _
from nir_cli.domain.enums import Kind, fold
from nir_cli.domain.identifiers import redact
from nir_cli.domain.person import PersonData
from nir_cli.domain.registrations import MODELS


class FileKind(StrEnum):
    PERSONS = "persons"
    REGISTRATIONS = "registrations"

    @classmethod
    def named(cls, text: str) -> FileKind | None:
        """The kind `text` names: its code or its Norwegian name (deltakere, registreringer)."""
        return _FILE_KIND_NAMES.get(fold(text))


_FILE_KIND_NAMES = {
    "persons": FileKind.PERSONS,
    "deltakere": FileKind.PERSONS,
    "personer": FileKind.PERSONS,
    "registrations": FileKind.REGISTRATIONS,
    "registreringer": FileKind.REGISTRATIONS,
}


# The last column of a rejects file (`nir import --skip-invalid`): why each row was refused.
REJECTS_COLUMN = "error"

# Columns that identify rather than describe.
ID = "id"
PERSON_REF = "person"
PERSON_ID = "person_id"

COMMON_ALIASES: dict[str, tuple[str, ...]] = {
    ID: ("uuid", "lokal id", "local id", "registrering id", "registration id"),
}
PERSON_ALIASES: dict[str, tuple[str, ...]] = {
    "duf": ("duf nummer", "duf nr", "dufnr", "dufnummer", "duf number"),
    "fnr": (
        "fodselsnummer",
        "fodselsnr",
        "personnummer",
        "d nummer",
        "national id",
        "personal number",
        "national identity number",
    ),
    "first_name": ("fornavn", "firstname", "given name"),
    "last_name": ("etternavn", "lastname", "surname", "family name"),
    "birth_date": ("fodselsdato", "birthdate", "date of birth", "dob"),
    "residence_basis": ("oppholdsgrunnlag",),
    "permit_date": (
        "tillatelsesdato",
        "vedtaksdato oppholdstillatelse",
        "oppholdstillatelse dato",
        "dato oppholdstillatelse",
    ),
    "settlement_date": ("bosettingsdato", "bosatt dato", "dato bosatt"),
    "population_registration_date": (
        "folkeregistreringsdato",
        "folkeregistrert dato",
        "dato folkeregistrert",
    ),
    "arrival_date": ("ankomstdato", "dato ankomst", "innreisedato", "ankomst"),
    "regime": ("regelverk", "lov"),
    "municipality": (
        "kommunenr",
        "kommunenummer",
        "kommune",
        "municipality code",
        "municipality number",
    ),
    "place": ("sted", "kontor"),
}
REGISTRATION_ALIASES: dict[str, tuple[str, ...]] = {
    PERSON_REF: ("deltaker", "participant"),
    PERSON_ID: ("person id", "deltaker id"),
    "duf": PERSON_ALIASES["duf"],
    "fnr": PERSON_ALIASES["fnr"],
    "kind": ("type", "registreringstype", "hendelse", "registration kind"),
    "fact_date": ("date", "dato", "faktadato"),
    "scheme": ("ordning",),
    "period": ("periode", "maned", "month"),
    "hours": ("timer", "antall timer"),
    "norwegian_hours": ("norsktimer", "timer norsk", "norwegian"),
    "social_studies_hours": ("samfunnskunnskapstimer", "timer samfunnskunnskap", "social studies"),
    "valid_hours": ("gyldig fravaer", "gyldig", "valid absence"),
    "invalid_hours": ("ugyldig fravaer", "ugyldig", "invalid absence"),
    "outcome": ("utfall",),
    "months": ("maneder", "antall maneder"),
    "reason": ("arsak", "begrunnelse", "avslutningsarsak"),
    "until": ("til", "til dato", "sluttdato permisjon"),
    "element": ("innhold", "programelement"),
    "level": ("niva", "norskmal"),
    "final_goal": ("sluttmal",),
    "upper_secondary": ("videregaende", "videregaende opplaering", "fullfort videregaende"),
    "test": ("prove",),
    "test_date": ("provedato", "dato prove"),
    "reading": ("lese", "lesing", "leseforstaelse"),
    "listening": ("lytte", "lytting", "lytteforstaelse"),
    "writing": ("skrive", "skriving", "skriftlig"),
    "oral": ("muntlig",),
    "passed": ("bestatt",),
    "reserved": ("reservert", "reservasjon"),
    "exemption_from": ("fritak fra",),
    "basis": ("hjemmel", "grunnlag"),
    "activity_after": ("aktivitet etter", "hovedaktivitet etter"),
    "decision_id": ("vedtak id", "klage pa vedtak"),
    "language": ("sprak", "morsmal", "opplaeringssprak"),
    "course": ("kurs",),
    "measure": ("tiltaket",),
}


def registration_fields() -> list[str]:
    """Every registration field over all kinds, in a stable order (export columns)."""
    names: list[str] = []
    for model in MODELS.values():
        for name in model.model_fields:
            if name not in ("kind", "fact_date", "scheme") and name not in names:
                names.append(name)
    return names


def vocabulary(kind: FileKind) -> dict[str, str]:
    """Folded header → field name for a file of this kind."""
    aliases = {
        **COMMON_ALIASES,
        **(PERSON_ALIASES if kind is FileKind.PERSONS else REGISTRATION_ALIASES),
    }
    fields = (
        list(PersonData.model_fields)
        if kind is FileKind.PERSONS
        else [
            PERSON_REF,
            PERSON_ID,
            "duf",
            "fnr",
            "kind",
            "fact_date",
            "scheme",
            *registration_fields(),
        ]
    )
    table: dict[str, str] = {}
    for name in [ID, *fields]:
        table[fold(name)] = name
        for alias in aliases.get(name, ()):
            table[fold(alias)] = name
    # The headings an export for Excel writes under bokmål read back, in any language.
    for name in [ID, *fields]:
        table.setdefault(fold(norwegian_heading(name)), name)
    return table


@dataclass(frozen=True)
class Columns:
    """Which field each column holds; `names[i]` is the header as written in the file."""

    kind: FileKind
    single_kind: Kind | None
    fields: list[str | None]  # None: an ignored column
    names: list[str]

    def header_of(self, field: str) -> str:
        return self.names[self.fields.index(field)] if field in self.fields else field


def detect_kind(header: list[str], wanted: str | None) -> tuple[FileKind, Kind | None]:
    """persons, registrations (with a kind column) or a single registration kind."""
    if wanted:
        named = FileKind.named(wanted)
        if named is not None:
            return named, None
        try:
            return FileKind.REGISTRATIONS, Kind.parse(wanted)
        except ValueError:
            raise InvalidData(
                _(
                    "--kind: {kind!r} is not persons, registrations or a registration kind "
                    "({kinds})"
                ).format(kind=wanted, kinds=", ".join(Kind.names()))
            ) from None
    folded = {fold(h) for h in header}
    registrations = vocabulary(FileKind.REGISTRATIONS)
    persons = vocabulary(FileKind.PERSONS)
    if any(registrations.get(h) == "kind" for h in folded):
        return FileKind.REGISTRATIONS, None
    if any(persons.get(h) in ("first_name", "last_name", "residence_basis") for h in folded):
        return FileKind.PERSONS, None
    raise InvalidData(
        _("cannot tell what the file holds: it has no kind column and no person columns"),
        hint=_("give --kind persons, --kind registrations or --kind KIND (e.g. --kind hours)"),
    )


def map_columns(
    header: list[str],
    file_kind: FileKind,
    single_kind: Kind | None,
    source_name: str,
    ignore_unknown: bool,
) -> Columns:
    """Each header to its field; unknown or repeated columns are refused with the known names."""
    table = vocabulary(file_kind)
    fields: list[str | None] = []
    problems = []
    for number, raw in enumerate(header, start=1):
        name = raw.strip()
        if not name:
            problems.append(
                _("{file}:1: column {number} has no name").format(file=source_name, number=number)
            )
            fields.append(None)
            continue
        field = table.get(fold(name))
        if field is None and number == len(header) and fold(name) == fold(REJECTS_COLUMN):
            fields.append(None)  # a rejects file, corrected and imported again: its reasons
            continue
        if field is None:
            if not ignore_unknown:
                problems.append(
                    _("{file}:1: column {name!r} is not a known column").format(
                        file=source_name, name=name
                    )
                )
            fields.append(None)
            continue
        if field in fields:
            first = header[fields.index(field)].strip()
            problems.append(
                _("{file}:1: columns {first!r} and {name!r} are both {field}").format(
                    file=source_name, first=first, name=name, field=field
                )
            )
        fields.append(field)
    if problems:
        raise InvalidData(
            redact("\n".join(problems)),
            hint=_(
                "see docs/import.md for the column names; --ignore-unknown-columns "
                "skips columns nir does not know"
            ),
        )
    if file_kind is FileKind.REGISTRATIONS:
        if single_kind is None and "kind" not in fields:
            raise InvalidData(
                _("{file}:1: no kind column").format(file=source_name), hint=_("give --kind KIND")
            )
        if not {"duf", "fnr", PERSON_REF, PERSON_ID} & set(fields):
            raise InvalidData(
                _("{file}:1: no person column (duf, fnr, person or person_id)").format(
                    file=source_name
                )
            )
        if "fact_date" not in fields:
            raise InvalidData(
                _("{file}:1: no date column (dato, date or fact_date)").format(file=source_name)
            )
    return Columns(file_kind, single_kind, fields, [h.strip() for h in header])

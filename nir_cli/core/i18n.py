"""The language nir speaks: English or bokmål, with gettext catalogs.

Every sentence a person reads is written in English in the code and marked for translation:
`_("...")` where it is said, `N_("...")` where it is only defined (a module constant, a rule's
description) and translated where it is shown. Command and option help need no marker: the
click layer translates them when it renders help (`commands/groups.py`), and the catalog tool
(`python -m nir_cli.locale.catalog`) collects them by walking the command tree.

The catalog is `nir_cli/locale/nb/LC_MESSAGES/nir.po`, compiled with Babel to `nir.mo` beside
it; a test keeps the two in step. Click's own words ("Usage:", "Error:", "Missing option")
are in the same catalog, and `speak_through_click()` routes click's gettext calls here.

The language is chosen once per invocation, before anything is said (`choose()`): `--lang`,
then `NIR_LANG`, then the profile's `language`, then the locale (`LC_ALL`, `LC_MESSAGES`,
`LANG`; `nb`, `nn` and `no` mean bokmål), else English. It is one process-wide setting, not a
context variable, so that a worker thread speaks the same language as the command.

Standard library only: every layer may import this module, and `nir --help` pays little for it.
"""

from __future__ import annotations

import gettext as _gettext
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

DOMAIN = "nir"
LOCALE_DIR = Path(__file__).parent.parent / "locale"
ENGLISH = "en"
BOKMAL = "nb"
LANGUAGES = (BOKMAL, ENGLISH)
# Locale language codes read as bokmål: nynorsk and the macro-language "no" are closer to
# bokmål than to English, and nir has no nynorsk catalog.
_NORWEGIAN = frozenset({"nb", "nn", "no"})

_translations: dict[str, _gettext.NullTranslations] = {}
_NULL = _gettext.NullTranslations()
_active: _gettext.NullTranslations = _NULL
_language = ENGLISH
# Where one process serves several languages at once (the registry, one request in nb beside
# one in en), `speaking()` overrides the process-wide language for one context.
_override: ContextVar[tuple[str, _gettext.NullTranslations] | None] = ContextVar(
    "nir_language", default=None
)


def N_(message: str) -> str:
    """Mark `message` for the catalog without translating it here (translate where shown)."""
    return message


def NP_(context: str, message: str) -> str:
    """Mark `message` in `context` for the catalog (translate with `pgettext` where shown)."""
    return message


def _catalog() -> _gettext.NullTranslations:
    override = _override.get()
    return _active if override is None else override[1]


class Spoken(str):
    """A bokmål message whose `.format()` also writes its values as Norwegians read them:
    a date as 31.01.2026 (a `date`, or text such as "2026-01-31"), a month as 01.2026, a
    decimal with a comma. English messages are plain `str`: nothing changes there."""

    __slots__ = ()

    def format(self, /, *args: object, **kwargs: object) -> str:
        return str(_norwegian_formatter().vformat(str(self), args, kwargs))


def _spoken(text: str) -> str:
    return Spoken(text) if _catalog() is not _NULL and language() == BOKMAL else text


def _(message: str) -> str:
    """`message` in the language in use."""
    return _spoken(_catalog().gettext(message))


def ngettext(singular: str, plural: str, n: int) -> str:
    return _spoken(_catalog().ngettext(singular, plural, n))


def pgettext(context: str, message: str) -> str:
    """`message` in the language in use, told apart from the same English word elsewhere
    (a column called "status" and a status called "pending" need not translate alike)."""
    return _spoken(_catalog().pgettext(context, message))


def language() -> str:
    """The language in use: "nb" or "en"."""
    override = _override.get()
    return _language if override is None else override[0]


def norwegian() -> bool:
    return language() == BOKMAL


def translations(lang: str) -> _gettext.NullTranslations:
    """The compiled catalog of `lang` (English is the code's own text)."""
    if lang == ENGLISH:
        return _NULL
    found = _translations.get(lang)
    if found is None:
        with (LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as handle:
            found = _translations[lang] = _gettext.GNUTranslations(handle)
    return found


def use(lang: str) -> None:
    """Speak `lang` ("nb" or "en") from now on, in every thread."""
    global _active, _language
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
    _active = translations(lang)
    _language = lang


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Speak `lang` in this context only (a request), whatever the process speaks."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
    token = _override.set((lang, translations(lang)))
    try:
        yield
    finally:
        _override.reset(token)


def from_locale(value: str) -> str | None:
    """The language a locale name asks for: `nb_NO.UTF-8` → nb, `en_GB` → en, `C` → en;
    None for an empty value (look at the next variable)."""
    value = value.strip()
    if not value:
        return None
    code = value.split(".", 1)[0].split("@", 1)[0].split("_", 1)[0].split("-", 1)[0]
    return BOKMAL if code.lower() in _NORWEGIAN else ENGLISH


def parse_language(value: str) -> str | None:
    """What `--lang`, NIR_LANG and a profile accept: nb, en, or a locale-style name."""
    lowered = value.strip().lower()
    if lowered in ("", "auto"):
        return None
    if lowered in _NORWEGIAN or lowered in ("bokmål", "bokmal", "norsk", "norwegian"):
        return BOKMAL
    if lowered in ("en", "english", "engelsk"):
        return ENGLISH
    return None


def choose(
    flag: str | None = None,
    environ: Mapping[str, str] | None = None,
    profile_language: str | None = None,
) -> str:
    """The language to speak: `--lang`, NIR_LANG, the profile's `language`, the locale."""
    environ = os.environ if environ is None else environ
    for asked in (flag, environ.get("NIR_LANG"), profile_language):
        if asked:
            lang = parse_language(asked)
            if lang is not None:
                return lang
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        lang = from_locale(environ.get(variable, ""))
        if lang is not None:
            return lang
    return ENGLISH


_CLICK_MODULES = (
    "core",
    "decorators",
    "exceptions",
    "formatting",
    "parser",
    "shell_completion",
    "termui",
    "types",
    "utils",
    "_termui_impl",
)


def speak_through_click() -> None:
    """Click marks its own messages with the stdlib's `gettext`/`ngettext`, imported into each
    of its modules; point those names here so click speaks the language nir speaks. Only the
    modules click has loaded (all that speak to a person at the terminal; the progress bar's
    "d" for days and the completion scripts' messages to a developer are left alone), so that
    start-up imports nothing more."""
    import sys

    for name in _CLICK_MODULES:
        module = sys.modules.get(f"click.{name}")
        if module is None:
            continue
        if hasattr(module, "_"):
            module._ = _  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]


# ISO dates (with a time, as the registry stamps them) and months, as Norwegians write them.
_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)Z?)?")
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def norwegian_date(text: str) -> str:
    """`2026-01-31` → `31.01.2026`; a timestamp keeps its time; anything else as it is."""
    found = _DAY.fullmatch(text)
    if not found:
        return text
    year, month, day, time = found.groups()
    return f"{day}.{month}.{year}" + (f" {time}" if time else "")


def norwegian_month(text: str) -> str:
    """`2026-01` → `01.2026` (as `nir import` reads it too); anything else as it is."""
    return f"{text[5:7]}.{text[:4]}" if _MONTH.fullmatch(text) else text


_MONTHS_EN = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)
_MONTHS_NB = (
    *("januar", "februar", "mars", "april", "mai", "juni"),
    *("juli", "august", "september", "oktober", "november", "desember"),
)


def long_date(day: Any) -> str:
    """A date as a sentence says it: `1 July 2026`, under bokmål `1. juli 2026`."""
    if norwegian():
        return f"{day.day}. {_MONTHS_NB[day.month - 1]} {day.year}"
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


_formatter: object = None


def _norwegian_formatter() -> Any:
    """A `string.Formatter` that writes dates, months and decimals the Norwegian way (built on
    first use: English never pays for it)."""
    global _formatter
    if _formatter is None:
        import datetime as dt
        import string

        class Norwegian(string.Formatter):
            def format_field(self, value: Any, format_spec: str) -> Any:
                if isinstance(value, dt.datetime):
                    value = value.strftime("%d.%m.%Y %H:%M:%S")
                elif isinstance(value, dt.date):
                    value = value.strftime("%d.%m.%Y")
                elif isinstance(value, float):
                    return format(value, format_spec).replace(".", ",")
                elif isinstance(value, str):
                    value = norwegian_month(norwegian_date(value))
                return super().format_field(value, format_spec)

        _formatter = Norwegian()
    return _formatter

"""One rule of `nir missing`: an id, the scheme and regimes it applies to, its words in Norwegian
and English, the law, and the query (see nir_cli.rules.catalogue for how queries are built).

`english` is the rule's description and its msgid (marked with N_ where the rule is defined):
show it with `_(rule.english)`. `norwegian` is its bokmål, read from the catalog whatever the
language in use, for the rules page (docs/rules.md) and `nir missing --list-rules`, which show
both.

A finding's detail, the sentence shown for it, is made in SQL from a text in the language in
use: `texts()` gives the query's detail parameters (`:detail_...`, see
nir_cli.rules.fragments.detail), translated when the rules run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    id: str
    scheme: str
    regimes: str
    english: str
    law: str
    sql: str
    candidates: str | None = None
    texts: Callable[[], dict[str, str]] = dict

    @property
    def norwegian(self) -> str:
        from nir_cli.i18n import BOKMAL, translations

        return translations(BOKMAL).gettext(self.english)

    def query(self, *, exact: bool = False) -> str:
        """The rule's query with its candidates, or with every person when `exact`."""
        if self.candidates is None:
            return self.sql
        persons = EVERY_PERSON if exact else f"({self.candidates})"
        return self.sql.replace("{candidates}", persons)


EVERY_PERSON = "(SELECT id AS person_id FROM persons)"

"""One rule of `nir missing`: an id, the scheme and regimes it applies to, its words in Norwegian
and English, the law, and the query (see nir_cli.rules.catalogue for how queries are built)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    id: str
    scheme: str
    regimes: str
    norwegian: str
    english: str
    law: str
    sql: str
    candidates: str | None = None

    def query(self, *, exact: bool = False) -> str:
        """The rule's query with its candidates, or with every person when `exact`."""
        if self.candidates is None:
            return self.sql
        persons = EVERY_PERSON if exact else f"({self.candidates})"
        return self.sql.replace("{candidates}", persons)


EVERY_PERSON = "(SELECT id AS person_id FROM persons)"

"""One rule of `nir missing`: an id, the scheme and regimes it applies to, its words in Norwegian
and English, the law, the query that finds it, and the sentence it shows.

`english` is the rule's description and its msgid (marked with N_ where the rule is defined):
show it with `_(rule.english)`. `norwegian` is its bokmål, read from the catalog whatever the
language in use, for the rules page (docs/rules.md) and `nir missing --list-rules`, which show
both.

`sql` finds the rule's findings of some persons (`{persons}`, a subquery of person_id) for
every date at once: each row says from which day it is a finding (`fires_from`) and from which
day it no longer is (`fires_until`, FOREVER when only a change of the facts ends it). These
rows are kept in the `findings` table as registrations are written (nir_cli.rules.kept), and
`nir missing` reads the rows in force on its date. A query has the columns KEPT_COLUMNS; those
it has no use for are NULL.

A finding's detail, the sentence shown for it, is made in SQL when it is read, from the kept
row `f` and a text in the language in use: `shown` is that expression, `texts()` gives its
detail parameters (`:detail_...`, see nir_cli.rules.fragments.detail)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# What a kept finding holds: whose and which scheme's it is, when the gap began (`since`), the
# deadline it broke, the days it fires in, and what its sentence needs: `ref` (the last eight
# characters of the registration it is about, or what is missing, or a run's first month),
# and for the monthly rules the run's last month (`cap`) and its months excused and
# registered (JSON arrays of YYYY-MM).
KEPT_COLUMNS = (
    "person_id",
    "scheme",
    "since",
    "deadline",
    "fires_from",
    "fires_until",
    "ref",
    "cap",
    "excused",
    "registered",
)


@dataclass(frozen=True)
class Rule:
    id: str
    scheme: str
    regimes: str
    english: str
    law: str
    sql: str
    shown: str
    texts: Callable[[], dict[str, str]] = dict

    @property
    def norwegian(self) -> str:
        from nir_cli.core.i18n import BOKMAL, translations

        return translations(BOKMAL).gettext(self.english)

    def query(self, persons: str) -> str:
        """The rule's findings of `persons` (a subquery of person_id, such as EVERY_PERSON),
        in KEPT_COLUMNS, without the rows that never fire."""
        columns = ", ".join(KEPT_COLUMNS)
        # Materialised: as a subquery SQLite folded the rule into this statement and computed
        # `fires_until`, with its correlated subqueries, once for the WHERE and again for the
        # row (a third to a half of a batch's time).
        return (
            f"WITH found AS MATERIALIZED ({self.sql.replace('{persons}', persons)}) "
            f"SELECT {columns} FROM found "
            "WHERE fires_from IS NOT NULL AND fires_from < fires_until"
        )


EVERY_PERSON = "(SELECT id AS person_id FROM persons)"

"""What tables call their columns and values in the language in use.

Column names and values stay codes in `--format json` and CSV (a script must not break when a
locale changes); a table for a person, and CSV for Excel under bokmål, show them in words. The
catalog holds each column heading in the context "column" and each status word in the context
"value"; closed sets of the domain carry their Norwegian names themselves (`Coded.norwegian`).
"""

from __future__ import annotations

from nir_cli.core.i18n import NP_, pgettext
from nir_cli.domain.enums import (
    AppealOutcome,
    Coded,
    Cost,
    CourseName,
    Decision,
    EndReason,
    Entitlement,
    ExemptionBasis,
    ExemptionFrom,
    FinalGoal,
    GrantScheme,
    Kind,
    LeaveReason,
    Level,
    MainActivity,
    MeasureStatus,
    ProgrammeElement,
    Regime,
    ResidenceBasis,
    Scheme,
    StopReason,
    Test,
)

# Every column a table shows. The English heading is the code itself.
COLUMNS = (
    NP_("column", "accepted"),
    NP_("column", "answered_at"),
    NP_("column", "arrival_date"),
    NP_("column", "batch_id"),
    NP_("column", "birth_date"),
    NP_("column", "code"),
    NP_("column", "conflicts"),
    NP_("column", "cost"),
    NP_("column", "county"),
    NP_("column", "created_at"),
    NP_("column", "date"),
    NP_("column", "days"),
    NP_("column", "days_left"),
    NP_("column", "days_overdue"),
    NP_("column", "default"),
    NP_("column", "deadline"),
    NP_("column", "done"),
    NP_("column", "findings"),
    NP_("column", "lesson"),
    NP_("column", "title"),
    NP_("column", "decision"),
    NP_("column", "detail"),
    NP_("column", "details"),
    NP_("column", "differences"),
    NP_("column", "dry_run"),
    NP_("column", "due"),
    NP_("column", "due_soon"),
    NP_("column", "duf"),
    NP_("column", "english"),
    NP_("column", "expires_at"),
    NP_("column", "entitlement"),
    NP_("column", "entitlement_note"),
    NP_("column", "entry_date"),
    NP_("column", "fact_date"),
    NP_("column", "field"),
    NP_("column", "finished_at"),
    NP_("column", "first_name"),
    NP_("column", "fnr"),
    NP_("column", "found"),
    NP_("column", "goal"),
    NP_("column", "grant_scheme"),
    NP_("column", "grant_year"),
    NP_("column", "id"),
    NP_("column", "idempotency_key"),
    NP_("column", "in_target_group"),
    NP_("column", "kind"),
    NP_("column", "last_name"),
    NP_("column", "last_sync"),
    NP_("column", "law"),
    NP_("column", "level"),
    NP_("column", "main_activity"),
    NP_("column", "max_hours"),
    NP_("column", "missing"),
    NP_("column", "month"),
    NP_("column", "municipality"),
    NP_("column", "n"),
    NP_("column", "name"),
    NP_("column", "note"),
    NP_("column", "norwegian"),
    NP_("column", "norwegian_goal"),
    NP_("column", "norwegian_hours"),
    NP_("column", "on_time"),
    NP_("column", "open_conflicts"),
    NP_("column", "other_names"),
    NP_("column", "outcome"),
    NP_("column", "overdue"),
    NP_("column", "pending"),
    NP_("column", "period"),
    NP_("column", "permit_date"),
    NP_("column", "person"),
    NP_("column", "person_id"),
    NP_("column", "persons"),
    NP_("column", "place"),
    NP_("column", "population_registration_date"),
    NP_("column", "profile"),
    NP_("column", "programme"),
    NP_("column", "programme_due"),
    NP_("column", "programme_newcomer_until"),
    NP_("column", "programme_target_group"),
    NP_("column", "programme_target_reason"),
    NP_("column", "pulled"),
    NP_("column", "reason"),
    NP_("column", "record"),
    NP_("column", "regime"),
    NP_("column", "regime_note"),
    NP_("column", "regimes"),
    NP_("column", "registrations"),
    NP_("column", "registry"),
    NP_("column", "registry_url"),
    NP_("column", "store"),
    NP_("column", "registry_date"),
    NP_("column", "registry_version"),
    NP_("column", "rejected"),
    NP_("column", "replaces"),
    NP_("column", "residence_basis"),
    NP_("column", "result"),
    NP_("column", "results"),
    NP_("column", "role"),
    NP_("column", "rule"),
    NP_("column", "run"),
    NP_("column", "running"),
    NP_("column", "scheme"),
    NP_("column", "sent"),
    NP_("column", "share_on_time_pct"),
    NP_("column", "settlement_date"),
    NP_("column", "since"),
    NP_("column", "social_studies_hours"),
    NP_("column", "source"),
    NP_("column", "started"),
    NP_("column", "started_at"),
    NP_("column", "started_on_time"),
    NP_("column", "started_on"),
    NP_("column", "state"),
    NP_("column", "subtest"),
    NP_("column", "test"),
    NP_("column", "timeliness"),
    NP_("column", "today"),
    NP_("column", "token_expires_at"),
    NP_("column", "token_file"),
    NP_("column", "token_source"),
    NP_("column", "url"),
    NP_("column", "username"),
    NP_("column", "version"),
    NP_("column", "waiting_rejected"),
    NP_("column", "window_end"),
    NP_("column", "window_leave_days"),
    NP_("column", "window_months"),
    NP_("column", "window_start"),
    NP_("column", "with_claim_or_offer"),
    NP_("column", "with_offer"),
    NP_("column", "withdrawn"),
    NP_("column", "withdrawn_reason"),
    NP_("column", "without_offer"),
    NP_("column", "year"),
    # The registration fields an export writes (every field of every kind).
    NP_("column", "hours"),
    NP_("column", "months"),
    NP_("column", "exemption_from"),
    NP_("column", "basis"),
    NP_("column", "until"),
    NP_("column", "decision_id"),
    NP_("column", "activity_after"),
    NP_("column", "element"),
    NP_("column", "valid_hours"),
    NP_("column", "invalid_hours"),
    NP_("column", "reading"),
    NP_("column", "listening"),
    NP_("column", "writing"),
    NP_("column", "oral"),
    NP_("column", "final_goal"),
    NP_("column", "upper_secondary"),
    NP_("column", "test_date"),
    NP_("column", "passed"),
    NP_("column", "reserved"),
    NP_("column", "language"),
    NP_("column", "course"),
    NP_("column", "measure"),
    NP_("column", "status"),
    NP_("column", "decisions"),
    NP_("column", "amount_nok"),
)

# Words that are a status rather than a domain value (a registration's state, a sync run's
# outcome, a role): shown in words under bokmål.
VALUES = (
    NP_("value", "due"),
    NP_("value", "sending"),
    NP_("value", "done"),
    NP_("value", "pending"),
    NP_("value", "overdue"),
    NP_("value", "accepted"),
    NP_("value", "rejected"),
    NP_("value", "conflict"),
    NP_("value", "withdrawn"),
    NP_("value", "ok"),
    NP_("value", "failed"),
    NP_("value", "interrupted"),
    NP_("value", "superuser"),
    NP_("value", "deputy"),
    NP_("value", "user"),
    NP_("value", "transfer"),
    NP_("value", "cli"),
    NP_("value", "import"),
    NP_("value", "registry"),
    NP_("value", "hkdir"),
    NP_("value", "oral"),
    NP_("value", "written"),
    NP_("value", "writing"),
    NP_("value", "session"),
    NP_("value", "machine"),
    NP_("value", "all"),
    NP_("value", "any"),
    NP_("value", "reading"),
    NP_("value", "listening"),
    NP_("value", "production"),
    NP_("value", "test"),
    NP_("value", "sandbox"),
)
_VALUE_WORDS = frozenset(VALUES)
# Columns whose 0 and 1 (as SQLite keeps a flag) are no and yes.
FLAGS = frozenset({"dry_run", "running", "passed", "reserved", "upper_secondary", "withdrawn"})
# What `nir report results` has in its `result` column besides levels and activities; the
# catalog holds them in the context "result" (rules/reports.py): a failed test is not a
# failed sync run.
_RESULTS = frozenset({"passed", "failed", "not_registered"})
_VALUE_COLUMNS = frozenset(
    {"state", "outcome", "role", "source", "environment", "subtest", "kind", "regimes", "scheme"}
)

# The closed set a column's values come from; `reason` may be any of several.
ENUMS: dict[str, tuple[type[Coded], ...]] = {
    "kind": (Kind,),
    "scheme": (Scheme,),
    "regime": (Regime,),
    "regimes": (Regime,),
    "residence_basis": (ResidenceBasis,),
    "entitlement": (Entitlement,),
    "cost": (Cost,),
    "decision": (Decision,),
    "level": (Level,),
    "test": (Test,),
    "goal": (FinalGoal, Level),
    "norwegian_goal": (Level,),
    "main_activity": (MainActivity,),
    "course": (CourseName,),
    "exemption_from": (ExemptionFrom,),
    "basis": (ExemptionBasis,),
    "reason": (EndReason, LeaveReason, StopReason, ExemptionBasis),
    "appeal_outcome": (AppealOutcome,),
    "outcome": (Decision, AppealOutcome),
    "activity_after": (MainActivity,),
    "final_goal": (FinalGoal,),
    "element": (ProgrammeElement,),
    "grant_scheme": (GrantScheme,),
    "status": (MeasureStatus,),
    "reading": (Level,),
    "listening": (Level,),
    "writing": (Level,),
    "oral": (Level,),
}


def heading(column: str) -> str:
    """A column's heading in the language in use (the code under English)."""
    return pgettext("column", column)


def norwegian_heading(column: str) -> str:
    """A column's bokmål heading whatever the language in use: what `nir import` also reads."""
    from nir_cli.core.i18n import BOKMAL, translations

    return translations(BOKMAL).pgettext("column", column)


def word(column: str, value: str) -> str:
    """A value of `column` as a person reads it in the language in use."""
    for enum in ENUMS.get(column, ()):
        member = enum._value2member_map_.get(value)
        if member is not None:
            return member.shown()  # type: ignore[attr-defined, no-any-return]
    if column in _VALUE_COLUMNS and value in _VALUE_WORDS:
        return pgettext("value", value)
    if column == "result":  # a test's outcome, a level, or what someone went on to
        if value in _RESULTS:
            return pgettext("result", value)
        for enum in (Level, MainActivity):
            member = enum._value2member_map_.get(value)
            if member is not None:
                return member.shown()  # type: ignore[attr-defined, no-any-return]
    return value

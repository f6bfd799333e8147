"""`nir sandbox course`: NIR's e-learning in the terminal, on the sandbox's own data.

Six lessons, each a task on the sandbox (its store, and for the sync its registry). A lesson is
done when its check finds the work in the data: registrations made, corrected, imported,
synced. The two lessons that ask a question keep the learner's answer in the sandbox folder
and compare it with the data each time they are checked: a learner can change the file, not
what it is compared with. `nir sandbox reset` starts the course afresh.

Everything is computed from the sandbox as it is (its dates follow the day it was seeded), so
each lesson's text and solution name the sandbox's own people, dates and ids.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nir_cli.core import paths
from nir_cli.core.errors import StoreUnusable
from nir_cli.core.i18n import N_, _
from nir_cli.sandbox import sandbox
from nir_cli.store import reads

NIR = "nir --profile sandbox"
TEST_DUF = sandbox.TEST_DUF
# The hours Kari Nordmann really had in the month lesson 3 corrects.
RIGHT_HOURS = 42.0


@dataclass
class Checked:
    """What a check found: what is right, what is still missing; done when nothing is."""

    right: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class Lesson:
    number: int
    title: str  # N_: translated when shown
    task: Callable[[Sandbox], str]
    solution: Callable[[Sandbox], list[str]]
    check: Callable[[Sandbox], Checked]


class Sandbox:
    """The sandbox's store, registry and course folder, read for a lesson."""

    def __init__(self) -> None:
        from nir_cli.services.stores import open_store

        self.folder = sandbox.folder()
        store_path = paths.store_path(sandbox.PROFILE)
        if not store_path.exists():
            raise StoreUnusable(_("there is no sandbox yet"), hint=_("start it: nir sandbox start"))
        self.store = open_store(store_path)
        self.today = dt.date.today()

    def close(self) -> None:
        self.store.close()

    # -- what lessons read --------------------------------------------------------------------

    def person(self, index: int) -> dict[str, Any]:
        """The sandbox's persons in the order they were made: 0 is Kari Nordmann."""
        return reads.person_by_order(self.store, index)

    def registrations(self, duf: str, kind: str, **where: str) -> list[dict[str, Any]]:
        return reads.registrations_of(self.store, duf, kind, **where)

    def first_version(self, registration_id: str) -> dict[str, Any]:
        return reads.first_details(self.store, registration_id)

    def answers(self) -> dict[str, int]:
        try:
            found = json.loads((self.folder / sandbox.COURSE_ANSWERS).read_text("utf-8"))
        except (FileNotFoundError, ValueError):
            return {}
        return {k: v for k, v in found.items() if isinstance(v, int)}

    def keep_answer(self, number: int, answer: int) -> None:
        kept = self.answers()
        kept[str(number)] = answer
        (self.folder / sandbox.COURSE_ANSWERS).write_text(json.dumps(kept), encoding="utf-8")

    def material(self) -> Path:
        made = self.folder / sandbox.COURSE_MATERIAL
        made.mkdir(parents=True, exist_ok=True)
        return made

    def registry_has(self, ids: list[str]) -> set[str]:
        """Which of these record ids the sandbox's registry holds (read straight from its
        database, not through the client: the check must not trust what the store says)."""
        from nir_cli.registry.storage.db import records_held

        return records_held(self.folder / "registry.db", ids)


# -- 1. who lacks what ------------------------------------------------------------------------

RULE_1 = "claim-without-decision"


def _truth_1(box: Sandbox) -> int:
    from nir_cli.rules.findings import missing

    return len(missing(box.store, box.today, rule_ids=[RULE_1]))


def _task_1(box: Sandbox) -> str:
    return _(
        "`nir missing` lists what each participant lacks, rule by rule, with the law behind "
        "it. How many findings of the rule {rule} (a claim that has waited three months for "
        "a decision) does the sandbox have today? Look, then answer: nir sandbox course "
        "check 1 --answer N"
    ).format(rule=RULE_1)


def _solution_1(box: Sandbox) -> list[str]:
    return [
        f"{NIR} missing --rule {RULE_1}",
        f"nir sandbox course check 1 --answer {_truth_1(box)}",
    ]


def _check_1(box: Sandbox) -> Checked:
    return _answered(box, 1, _truth_1(box), f"{NIR} missing --rule {RULE_1}")


# -- 2. a claim and a decision ----------------------------------------------------------------


def _dates_2(box: Sandbox) -> tuple[dt.date, dt.date]:
    return box.today - dt.timedelta(days=6), box.today - dt.timedelta(days=2)


def _task_2(box: Sandbox) -> str:
    claim, decision = _dates_2(box)
    return _(
        "Kari Nordmann (DUF {duf}) asked for the introduction programme on {claim}, and the "
        "municipality granted it on {decision}. Register her claim for the programme and the "
        "granted decision (nir register claim ..., nir register decision ...; --help shows "
        "each one's fields)."
    ).format(duf=TEST_DUF, claim=claim.isoformat(), decision=decision.isoformat())


def _solution_2(box: Sandbox) -> list[str]:
    claim, decision = _dates_2(box)
    return [
        f"{NIR} register claim {TEST_DUF} --date {claim} --scheme programme",
        f"{NIR} register decision {TEST_DUF} --date {decision} --scheme programme "
        "--outcome granted",
        f"{NIR} history {TEST_DUF}",
    ]


def _check_2(box: Sandbox) -> Checked:
    found = Checked()
    claims = [
        r for r in box.registrations(TEST_DUF, "claim", scheme="programme") if not r["withdrawn"]
    ]
    decisions = [
        r
        for r in box.registrations(TEST_DUF, "decision", scheme="programme")
        if not r["withdrawn"] and json.loads(r["details"]).get("outcome") == "granted"
    ]
    if claims:
        found.right.append(_("Kari Nordmann has a claim for the programme"))
    else:
        found.missing.append(_("Kari Nordmann has no claim for the programme yet"))
    if decisions and claims and decisions[-1]["fact_date"] >= claims[0]["fact_date"]:
        found.right.append(_("and a granted decision on or after it"))
    elif decisions:
        found.missing.append(_("the granted decision is dated before the claim"))
    else:
        found.missing.append(_("there is no granted decision for the programme yet"))
    return found


# -- 3. correct a wrong registration ----------------------------------------------------------


def _hours_3(box: Sandbox) -> dict[str, Any] | None:
    """The hours registration the seed made for Kari (last month's), if it is there."""
    rows = box.registrations(TEST_DUF, "hours")
    return rows[0] if rows else None


def _task_3(box: Sandbox) -> str:
    hours = _hours_3(box)
    if hours is None:
        return _("Kari Nordmann's hours are gone: reset the sandbox (nir sandbox reset).")
    first = box.first_version(hours["id"])
    return _(
        "Kari Nordmann's hours for {period} were typed wrong: {wrong} hours of Norwegian, "
        "where she had {right}. Correct that registration: a correction is a new version of "
        "it (nir registration edit ID --set ...), not a second registration, and its history "
        "keeps what was there before. nir history finds its id."
    ).format(period=first.get("period", ""), wrong=_hours_text(first), right=_hours_text(None))


def _solution_3(box: Sandbox) -> list[str]:
    hours = _hours_3(box)
    ident = hours["id"] if hours else "ID"
    return [
        f"{NIR} history {TEST_DUF}",
        f"{NIR} registration edit {ident} --set norwegian-hours={RIGHT_HOURS:g}",
        f"{NIR} registration show {ident}",
    ]


def _check_3(box: Sandbox) -> Checked:
    found = Checked()
    hours = _hours_3(box)
    if hours is None or hours["withdrawn"]:
        found.missing.append(
            _("Kari Nordmann's hours registration was withdrawn: correct it, don't withdraw it")
        )
        return found
    details = json.loads(hours["details"])
    period = details.get("period")
    same_month = [
        r
        for r in box.registrations(TEST_DUF, "hours")
        if not r["withdrawn"] and json.loads(r["details"]).get("period") == period
    ]
    if details.get("norwegian_hours") == RIGHT_HOURS:
        found.right.append(_("the hours say {hours} now").format(hours=_hours_text(None)))
    else:
        found.missing.append(_("the hours still say {hours}").format(hours=_hours_text(details)))
    if hours["version"] >= 2:
        found.right.append(_("as a new version: the old one is kept in the history"))
    else:
        found.missing.append(_("the registration has no new version yet"))
    if len(same_month) > 1:
        found.missing.append(
            _(
                "{period} has {n} hours registrations now: correct the one, don't add another"
            ).format(period=period, n=len(same_month))
        )
    return found


def _hours_text(details: dict[str, Any] | None) -> str:
    value = RIGHT_HOURS if details is None else details.get("norwegian_hours")
    return f"{value:g}" if isinstance(value, int | float) else str(value)


# -- 4. import a file with errors -------------------------------------------------------------


def _month_4(box: Sandbox) -> tuple[str, dt.date]:
    """The month before last, and its last day."""
    first = box.today.replace(day=1)
    last_day = (first - dt.timedelta(days=1)).replace(day=1) - dt.timedelta(days=1)
    return f"{last_day:%Y-%m}", last_day


HOURS_4 = (36.0, 30.0, 40.0)  # what the three lines hold, once right


def _people_4(box: Sandbox) -> list[dict[str, Any]]:
    return [box.person(i) for i in (6, 7, 8)]


def _files_4(box: Sandbox, fixed: bool) -> Path:
    period, last_day = _month_4(box)
    people = _people_4(box)
    wrong_day = f"{period}-{last_day.day + 1:02d}"  # a day the month does not have
    lines = [
        "duf,date,period,norwegian_hours,social_studies_hours",
        f"{people[0]['duf']},{last_day},{period},36,8",
        f"{people[1]['duf']},{last_day if fixed else wrong_day},{period},30,6",
        f"{people[2]['duf']},{last_day},{period},{'40' if fixed else '4O'},8",
    ]
    path = box.material() / ("timer-rettet.csv" if fixed else "timer-med-feil.csv")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _task_4(box: Sandbox) -> str:
    period, _last = _month_4(box)
    return _(
        "IT staff exported {period}'s hours for three participants from the school's system: "
        "{path}. Import it (nir import FILE --kind hours). It has two errors: nir says where "
        "(file, line, column) and imports nothing while any is left. Fix them in the file "
        "(hours are registered on the month's last day; a letter is not a number) and import "
        "it again."
    ).format(period=period, path=_files_4(box, fixed=False))


def _solution_4(box: Sandbox) -> list[str]:
    return [
        f"{NIR} import {_files_4(box, fixed=False)} --kind hours",
        f"{NIR} import {_files_4(box, fixed=True)} --kind hours",
    ]


def _check_4(box: Sandbox) -> Checked:
    found = Checked()
    period, _last = _month_4(box)
    for person, hours in zip(_people_4(box), HOURS_4, strict=True):
        rows = [
            json.loads(r["details"])
            for r in box.registrations(person["duf"], "hours")
            if not r["withdrawn"]
        ]
        if any(d.get("period") == period and d.get("norwegian_hours") == hours for d in rows):
            found.right.append(
                _("{name} has {hours} hours for {period}").format(
                    name=person["name"], hours=f"{hours:g}", period=period
                )
            )
        else:
            found.missing.append(
                _("{name} has no hours for {period} from the file yet").format(
                    name=person["name"], period=period
                )
            )
    return found


# -- 5. sync ----------------------------------------------------------------------------------


def _task_5(box: Sandbox) -> str:
    return _(
        "Send what you registered to the (training) registry: log in as 5001-BJO (password "
        "test1234), run nir sync, and read what the registry answered: nir sync log lists "
        "the runs, nir sync show RUN the batches of one. The lesson is done when nothing "
        "waits in the outbox and the registry holds every registration of the sandbox."
    )


def _solution_5(box: Sandbox) -> list[str]:
    return [
        f"printf '%s\\n' {sandbox.PASSWORD} | {NIR} auth login --username 5001-BJO "
        "--password-stdin",
        f"{NIR} sync",
        f"{NIR} sync log",
    ]


def _check_5(box: Sandbox) -> Checked:
    found = Checked()
    waiting = reads.outbox_waiting(box.store)
    if waiting:
        found.missing.append(
            _("the outbox still holds {rows}").format(
                rows=", ".join(f"{w['n']} {w['state']}" for w in waiting)
            )
        )
    else:
        found.right.append(_("nothing waits in the outbox"))
    ours = reads.registration_ids(box.store)
    held = box.registry_has(ours)
    if ours and len(held) == len(ours):
        found.right.append(_("the registry holds all {n} registrations").format(n=len(ours)))
    else:
        found.missing.append(
            _("the registry holds {held} of the {n} registrations").format(
                held=len(held), n=len(ours)
            )
        )
    return found


# -- 6. read a report -------------------------------------------------------------------------


def _truth_6(box: Sandbox) -> int:
    from nir_cli.rules.reports import run

    rows = run(box.store, "target-groups")
    return sum(int(r["without_offer"] or 0) for r in rows if r["regime"] == "integreringsloven")


def _task_6(box: Sandbox) -> str:
    return _(
        "NIR's reports answer a leader's questions. How many persons in the target group "
        "under integreringsloven have no offer of training yet (under integreringsloven a "
        "granted decision or a start counts as the offer)? nir report target-groups says; "
        "nir report overview --format html -o FILE makes the page a leader reads. Answer: "
        "nir sandbox course check 6 --answer N"
    )


def _solution_6(box: Sandbox) -> list[str]:
    return [
        f"{NIR} report target-groups",
        f"nir sandbox course check 6 --answer {_truth_6(box)}",
    ]


def _check_6(box: Sandbox) -> Checked:
    return _answered(box, 6, _truth_6(box), f"{NIR} report target-groups")


def _answered(box: Sandbox, number: int, truth: int, where: str) -> Checked:
    found = Checked()
    answer = box.answers().get(str(number))
    if answer is None:
        found.missing.append(
            _("no answer yet: nir sandbox course check {n} --answer N").format(n=number)
        )
    elif answer == truth:
        found.right.append(_("{answer} is right").format(answer=answer))
    else:
        found.missing.append(
            _("{answer} is not what the sandbox says; look again: {command}").format(
                answer=answer, command=where
            )
        )
    return found


LESSONS = (
    Lesson(1, N_("Who lacks what: nir missing"), _task_1, _solution_1, _check_1),
    Lesson(2, N_("Register a claim and a decision"), _task_2, _solution_2, _check_2),
    Lesson(3, N_("Correct a wrong registration"), _task_3, _solution_3, _check_3),
    Lesson(4, N_("Import a file with errors, and fix it"), _task_4, _solution_4, _check_4),
    Lesson(5, N_("Sync, and read the registry's answer"), _task_5, _solution_5, _check_5),
    Lesson(6, N_("Read a report"), _task_6, _solution_6, _check_6),
)


def lesson(number: int) -> Lesson:
    for each in LESSONS:
        if each.number == number:
            return each
    from nir_cli.core.errors import UsageError

    raise UsageError(
        _("there is no lesson {n}; the lessons are 1 to {last}").format(n=number, last=len(LESSONS))
    )

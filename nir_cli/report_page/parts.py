"""The parts of the report page: for each part of the overview (or a single report), its
title, what it counts, its chart (pygal, drawn to an SVG picture) and the same numbers as a
table, in the words and numbers of the language in use."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from nir_cli.core.i18n import _, norwegian

Rows = list[dict[str, Any]]
# Columns of counts and shares: right-aligned, in tabular figures.
NUMERIC = frozenset(
    {
        "findings", "persons", "due", "on_time", "share_on_time_pct", "in_target_group",
        "with_offer", "without_offer", "decisions", "amount_nok", "with_claim_or_offer",
        "started", "started_on_time",
    }
)  # fmt: skip


@dataclass
class Part:
    """One part of the page: a title, what it counts, a chart and the same numbers as a table."""

    key: str
    title: str
    about: str
    rows: Rows
    columns: Sequence[str]
    chart: str | None = None  # a data: URI of an SVG, or None when there is nothing to draw
    chart_text: str = ""  # the chart's alternative text
    headers: list[str] = field(default_factory=list)
    cells: list[list[Any]] = field(default_factory=list)


def _style() -> Any:
    from pygal.style import Style

    return Style(
        background="white",
        plot_background="white",
        foreground="#222",
        foreground_strong="#111",
        foreground_subtle="#666",
        font_family='system-ui, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
        title_font_size=14,
        label_font_size=11,
        major_label_font_size=11,
        legend_font_size=11,
        value_font_size=10,
        colors=("#1f5f8b", "#e07b39", "#3b8f5a", "#8c5fb0", "#c2404a", "#6b7b8c", "#d4a72c"),
    )


def _chart(kind: str, labels: list[str], series: dict[str, list[Any]], **options: Any) -> str:
    """An SVG chart as a data: URI (drawn to a picture: its config script never runs, and the
    page's policy needs no exception for it)."""
    import pygal

    make = {
        "bar": pygal.Bar,
        "hbar": pygal.HorizontalBar,
        "stacked": pygal.StackedBar,
        "line": pygal.Line,
    }[kind]
    chart = make(
        style=_style(),
        js=[],
        width=760,
        height=max(260, 28 * len(labels) + 80) if kind == "hbar" else 320,
        explicit_size=True,
        disable_xml_declaration=True,
        show_legend=len(series) > 1,
        legend_at_bottom=True,
        truncate_label=60,
        truncate_legend=40,
        print_values=kind != "line",
        print_zeroes=False,
        value_formatter=_number,
        **options,
    )
    if kind == "hbar":  # pygal draws the first label at the bottom: the largest goes on top
        labels = labels[::-1]
        series = {name: values[::-1] for name, values in series.items()}
    chart.x_labels = labels
    for name, values in series.items():
        chart.add(name, values)
    import base64

    svg = str(chart.render(is_unicode=True)).encode("utf-8")
    return "data:image/svg+xml;charset=utf-8;base64," + base64.b64encode(svg).decode("ascii")


def _number(value: Any) -> str:
    """A count or a decimal as the reader writes it (thousands apart, decimal comma in nb)."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:,.1f}"
    else:
        text = f"{int(value):,}"
    if norwegian():
        return text.replace(",", "\u00a0").replace(".", ",")
    return text


def _column(rows: Rows, name: str) -> list[Any]:
    return [row.get(name) for row in rows]


def _spoken(column: str, values: list[Any]) -> list[str]:
    from nir_cli.core.render import _cell, _spoken

    return [str(_cell(_spoken(column, v))) if norwegian() else str(_cell(v)) for v in values]


def parts(figures: dict[str, Rows]) -> list[Part]:
    """The page's parts, from the overview's figures (or one report's: a single part)."""
    from nir_cli.core.headings import heading

    made: list[Part] = []
    for key, rows in figures.items():
        part = _PARTS[key](rows)
        if rows:
            from nir_cli.core.render import table_cells

            part.headers, part.cells = table_cells(rows, part.columns)
            part.headers = [header(c, h) for c, h in zip(part.columns, part.headers, strict=True)]
            for line in part.cells:
                for i, cell in enumerate(line):
                    if isinstance(cell, int | float) and not isinstance(cell, bool):
                        line[i] = _number(cell)
        else:
            part.headers = [header(c, heading(c)) for c in part.columns]
        made.append(part)
    return made


def _drawn(
    part: Part,
    text: str,
    kind: str,
    labels: list[str],
    series: dict[str, list[Any]],
    **options: Any,
) -> Part:
    """The part with its chart and the chart's alternative text, when it has rows to draw."""
    if part.rows:
        part.chart = _chart(kind, labels, series, **options)
        part.chart_text = text
    return part


def header(column: str, heading: str) -> str:
    """A column's heading on the page: bokmål's own, or the code made readable in English
    (`share_on_time_pct` → `share on time (%)`)."""
    if heading != column:
        return heading
    words = column.removesuffix("_pct").replace("_", " ")
    return f"{words} (%)" if column.endswith("_pct") else words


def _findings_by_rule(rows: Rows) -> Part:
    part = Part(
        "findings_by_rule",
        _("Data consistency: findings by rule"),
        _(
            "What nir missing finds on the day the report was made: registrations NIR "
            "expects and does not have, or has too late. Each rule and the law behind it: "
            "docs/rules.md."
        ),
        rows,
        ("title", "rule", "findings", "persons"),
    )
    return _drawn(
        part,
        _("Findings by rule, the largest first; the table below has the numbers."),
        "hbar",
        [r["rule"] for r in rows],
        {_("findings"): _column(rows, "findings")},
    )


def _findings_by_place(rows: Rows) -> Part:
    part = Part(
        "findings_by_place",
        _("Findings by place"),
        _("The same findings, by the place the person belongs to."),
        rows,
        ("place", "findings", "persons"),
    )
    return _drawn(
        part,
        _("Findings by place; the table below has the numbers."),
        "bar",
        [r["place"] or "–" for r in rows],
        {_("findings"): _column(rows, "findings")},
    )


def _timeliness(rows: Rows) -> Part:
    part = Part(
        "timeliness_by_month",
        _("Registered within the two-month deadline, by month"),
        _(
            "Of the registrations whose deadline has passed, or that the registry has "
            "accepted, the share it accepted within two months of the fact, by the month of "
            "the fact."
        ),
        rows,
        ("month", "due", "on_time", "share_on_time_pct"),
    )
    return _drawn(
        part,
        _("Per cent registered on time, by month; the table below has them."),
        "bar",
        _spoken("month", _column(rows, "month")),
        {_("per cent on time"): _column(rows, "share_on_time_pct")},
        range=(0, 100),
    )


def _target_groups(rows: Rows) -> Part:
    part = Part(
        "target_groups",
        _("Target groups with and without an offer"),
        _(
            "Persons in the target group for training, by act. Under integreringsloven a "
            "granted decision (tildeling) or a start counts as the offer; under "
            "introduksjonsloven the registered offer."
        ),
        rows,
        ("regime", "in_target_group", "with_offer", "without_offer"),
    )
    return _drawn(
        part,
        _("Persons with and without an offer, by act."),
        "stacked",
        _spoken("regime", _column(rows, "regime")),
        {
            _("with an offer"): _column(rows, "with_offer"),
            _("without an offer"): _column(rows, "without_offer"),
        },
    )


def _test_results(rows: Rows) -> Part:
    part = Part(
        "test_results",
        _("Test results by level"),
        _(
            "Norskprøven: persons by sub-test and the level reached; the other tests: passed "
            "or not."
        ),
        rows,
        ("test", "subtest", "result", "persons"),
    )
    levels = [r for r in rows if r["test"] == "norskprove"]
    if levels:
        subtests = list(dict.fromkeys(r["subtest"] for r in levels))
        series: dict[str, list[Any]] = {}
        from nir_cli.domain.enums import Level

        rank = {level.value: level.rank for level in Level}
        for level in sorted({r["result"] for r in levels}, key=lambda v: rank.get(v, 99)):
            shown = _spoken("result", [level])[0]
            series[shown] = [
                next(
                    (
                        r["persons"]
                        for r in levels
                        if r["subtest"] == subtest and r["result"] == level
                    ),
                    None,
                )
                for subtest in subtests
            ]
        part.chart = _chart("stacked", _spoken("subtest", subtests), series)
        part.chart_text = _("Norskprøven: persons by sub-test and level.")
    return part


def _grant_base(rows: Rows) -> Part:
    part = Part(
        "grant_base",
        _("Grant base by scheme"),
        _(
            "Persons who trigger a norsktilskudd in the year, by grant scheme, act and "
            "residence basis; chapter 6A's extended training counts decisions too."
        ),
        rows,
        ("grant_scheme", "regime", "residence_basis", "persons", "decisions", "amount_nok"),
    )
    if rows:
        totals: dict[str, int] = {}
        for r in rows:
            totals[r["grant_scheme"]] = totals.get(r["grant_scheme"], 0) + r["persons"]
        part.chart = _chart("bar", list(totals), {_("persons"): list(totals.values())})
        part.chart_text = _("Persons triggering a grant, by scheme.")
    return part


def _programme(rows: Rows) -> Part:
    part = Part(
        "programme",
        _("The introduction programme's target group"),
        _(
            "Persons in the programme's target group, by act: with a claim, offer or "
            "decision, started, and started within three months of settlement."
        ),
        rows,
        ("regime", "in_target_group", "with_claim_or_offer", "started", "started_on_time"),
    )
    return _drawn(
        part,
        _("The programme's target group and its starts, by act."),
        "bar",
        _spoken("regime", _column(rows, "regime")),
        {
            _("in the target group"): _column(rows, "in_target_group"),
            _("with a claim or offer"): _column(rows, "with_claim_or_offer"),
            _("started"): _column(rows, "started"),
            _("started on time"): _column(rows, "started_on_time"),
        },
    )


def _activity_after(rows: Rows) -> Part:
    part = Part(
        "activity_after",
        _("After the programme"),
        _("What participants went on to when the programme ended (integreringsloven § 18 a)."),
        rows,
        ("activity_after", "persons"),
    )
    return _drawn(
        part,
        _("Persons by what they went on to after the programme."),
        "hbar",
        _spoken("activity_after", _column(rows, "activity_after")),
        {_("persons"): _column(rows, "persons")},
    )


_PARTS = {
    "findings_by_rule": _findings_by_rule,
    "findings_by_place": _findings_by_place,
    "timeliness_by_month": _timeliness,
    "target_groups": _target_groups,
    "test_results": _test_results,
    "grant_base": _grant_base,
    "programme": _programme,
    "activity_after": _activity_after,
}

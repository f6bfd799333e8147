"""The HTML page of `nir report ... --format html`: one self-contained file a unit leader opens
from a mail or a shared drive. Inline CSS, charts as SVG data: images (pygal, drawn here, no
script), each beside its numbers as a table, A4 print styles, and a Content-Security-Policy
that lets the page load nothing at all. Jinja2 with autoescaping fills the template.

Imported only when HTML is asked for: pygal and Jinja2 never slow `nir --help`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from nir_cli.core.i18n import N_, _, language, long_date
from nir_cli.report_page.parts import NUMERIC, Rows, header, parts

# The template's words (page.html.j2 asks for them with _()), here for the catalog to find.
TEMPLATE_WORDS = (
    N_("Municipality"),
    N_("Place"),
    N_("Period"),
    N_("Figures as of"),
    N_("Made"),
    N_("nothing to report"),
    N_("Appendix: who the findings are about"),
    N_("Names, asked for with --with-names. Personal numbers are never shown."),
    N_(
        "Made with nir from the municipality's own register; the figures are the same as "
        "nir report ... --format json gives."
    ),
)


@dataclass(frozen=True)
class Meta:
    """What the page says about itself: whose figures, for when, made when, by what."""

    municipality: str  # "5001 Trondheim"
    place: str | None
    period: str  # "2026", or "all dates"
    as_of: dt.date
    made_at: dt.datetime
    version: str


def render(title: str, meta: Meta, figures: dict[str, Rows], appendix: Rows | None) -> str:
    """The whole page, as text."""
    from importlib import resources

    import jinja2

    environment = jinja2.Environment(
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )
    template = environment.from_string(
        resources.files("nir_cli.report_page").joinpath("page.html.j2").read_text("utf-8")
    )
    appendix_headers: list[str] = []
    appendix_cells: list[list[Any]] = []
    if appendix is not None:
        from nir_cli.core.render import table_cells

        columns = ("name", "duf", "rule", "deadline")
        appendix_headers, appendix_cells = table_cells(appendix, columns)
        appendix_headers = [header(c, h) for c, h in zip(columns, appendix_headers, strict=True)]
    page: str = template.render(
        lang="nb" if language() == "nb" else "en",
        title=title,
        meta=meta,
        as_of=long_date(meta.as_of),
        made_at=_made_at(meta.made_at),
        parts=parts(figures),
        appendix=appendix,
        appendix_headers=appendix_headers,
        appendix_cells=appendix_cells,
        numeric=NUMERIC,
        _=_,
    )
    return page


def _made_at(moment: dt.datetime) -> str:
    return f"{long_date(moment.date())} {moment:%H:%M}"

"""`nir report ... --format html`: one self-contained page whose numbers are the JSON report's,
with no personal number, in bokmål and English; and shares as per cent everywhere. The page in
a real browser: tests/e2e/test_report_browser.py."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import CliFn

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def filled(profile: CliFn) -> CliFn:
    for args in (
        ["import", str(EXAMPLES / "deltakere.csv")],
        ["import", str(EXAMPLES / "registreringer.csv")],
        ["import", str(EXAMPLES / "proveresultater.csv"), "--source", "hkdir"],
    ):
        done = profile(*args)
        assert done.exit_code == 0, done.stderr
    return profile


class Page(HTMLParser):
    """What a test asks of a page: its language, parts, charts, and each table's cells by
    column."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.lang = ""
        self.parts: dict[str, dict[str, list[str]]] = {}
        self.charts: dict[str, str] = {}
        self.scripts = 0
        self.links: list[str] = []
        self._part: str | None = None
        self._column: str | None = None
        self._text = ""
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang") or ""
        elif tag == "section" and found.get("data-part"):
            self._part = found["data-part"]
            self.parts[self._part or ""] = {}
        elif tag == "img" and self._part:
            self.charts[self._part] = found.get("src") or ""
        elif tag == "td" and self._part and found.get("data-column"):
            self._column, self._text = found["data-column"], ""
        elif tag == "script":
            self.scripts += 1
        for name in ("href", "src"):
            value = found.get(name)
            if value and not value.startswith(("data:", "#")):
                self.links.append(value)

    def handle_data(self, data: str) -> None:
        if self._column is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._part and self._column:
            self.parts[self._part].setdefault(self._column, []).append(self._text)
            self._column = None
        elif tag == "section":
            self._part = None


def _number(cell: str) -> float | None:
    text = cell.replace("\u00a0", "").replace(" ", "").replace("%", "").replace(",", ".")
    return float(text) if text else None


def test_the_overview_page_holds_the_json_report_s_numbers(filled: CliFn, tmp_path: Path) -> None:
    page_file = tmp_path / "rapport.html"
    done = filled("report", "overview", "--format", "html", "-o", str(page_file))
    assert done.exit_code == 0, done.stderr
    figures = json.loads(filled("report", "overview", "--format", "json").stdout)
    page = Page(page_file.read_text(encoding="utf-8"))
    assert page.lang == "en"
    assert list(page.parts) == list(figures)
    assert page.scripts == 0
    assert page.links == []  # nothing to fetch: no CDN, no font, no stylesheet
    drawn = 0
    for part, rows in figures.items():
        if not rows:
            continue
        assert page.charts.get(part, "").startswith("data:image/svg+xml"), part
        drawn += 1
        cells = page.parts[part]
        for column, shown in cells.items():
            values = [row.get(column) for row in rows]
            if all(isinstance(v, int | float) or v is None for v in values):
                assert [_number(c) for c in shown] == [
                    None if v is None else float(v) for v in values
                ], (part, column)
    assert drawn >= 5
    assert figures["test_results"], "the examples hold test results"
    assert figures["findings_by_rule"]


def test_no_personal_number_and_names_only_in_the_appendix_asked_for(
    filled: CliFn, tmp_path: Path
) -> None:
    numbers = re.findall(r"\b\d{11}\b", (EXAMPLES / "deltakere.csv").read_text("utf-8"))
    assert numbers
    plain, named = tmp_path / "plain.html", tmp_path / "named.html"
    filled("report", "overview", "--format", "html", "-o", str(plain))
    filled("report", "overview", "--format", "html", "--with-names", "-o", str(named))
    for page in (plain, named):
        text = page.read_text(encoding="utf-8")
        for number in numbers:
            assert number not in text
            assert f"{number[:6]}*****" not in text
    people = json.loads(filled("missing", "--format", "json").stdout)
    assert people
    name = people[0]["person"]
    assert name not in plain.read_text(encoding="utf-8")
    assert name in named.read_text(encoding="utf-8")
    refused = filled("report", "overview", "--with-names")
    assert refused.exit_code == 2


def test_the_page_speaks_bokmal_with_norwegian_numbers(filled: CliFn, tmp_path: Path) -> None:
    page_file = tmp_path / "rapport.html"
    done = filled("--lang", "nb", "report", "overview", "--format", "html", "-o", str(page_file))
    assert done.exit_code == 0, done.stderr
    text = page_file.read_text(encoding="utf-8")
    page = Page(text)
    assert page.lang == "nb"
    assert "Kommune" in text
    shares = page.parts["timeliness_by_month"].get("share_on_time_pct", [])
    assert shares
    assert all(re.fullmatch(r"\d+(,\d)?\u00a0%", s) for s in shares if s), shares
    months = page.parts["timeliness_by_month"]["month"]
    assert all(re.fullmatch(r"\d\d\.\d{4}", m) for m in months), months


@pytest.mark.parametrize(
    "name", ["results", "target-groups", "programme", "grant-base", "timeliness"]
)
def test_each_report_has_a_page_of_its_own(filled: CliFn, tmp_path: Path, name: str) -> None:
    page_file = tmp_path / f"{name}.html"
    done = filled("report", name, "--year", "2026", "--format", "html", "-o", str(page_file))
    assert done.exit_code == 0, done.stderr
    page = Page(page_file.read_text(encoding="utf-8"))
    assert page.parts
    assert page.links == []


def test_shares_are_per_cent_in_json_and_tables(filled: CliFn) -> None:
    rows = json.loads(filled("report", "timeliness", "--format", "json").stdout)
    assert rows
    for row in rows:
        assert "share_on_time" not in row
        share = row["share_on_time_pct"]
        assert share is None or 0 <= share <= 100
        if row["due"]:
            assert share == round(100 * row["on_time"] / row["due"], 1)
    table = filled("report", "timeliness").stdout
    assert re.search(r"\d+(\.\d)?\u00a0%", table)


def test_the_overview_is_several_tables_not_one_csv(filled: CliFn) -> None:
    refused = filled("report", "overview", "--format", "csv")
    assert refused.exit_code == 2
    assert "json or html" in refused.stderr
    table = filled("report", "overview")
    assert table.exit_code == 0

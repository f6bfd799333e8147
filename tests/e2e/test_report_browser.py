"""The report page in a real browser (headless Chromium, tests/e2e/browser.py): it shows
something, prints to PDF on A4, says nothing on its console and asks the network for nothing.
Without Chromium these skip, saying so; CI installs it and refuses the skip."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.commands.test_report_page import filled  # noqa: F401  (the fixture)
from tests.conftest import CliFn
from tests.e2e.browser import Browser, png_colours


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "nb"])
def test_the_page_renders_prints_and_stays_offline(
    filled: CliFn,  # noqa: F811
    tmp_path: Path,
    lang: str,
) -> None:
    page = tmp_path / "rapport.html"
    done = filled(
        "--lang", lang, "report", "overview", "--format", "html", "--with-names", "-o", str(page)
    )
    assert done.exit_code == 0, done.stderr
    browser = Browser()
    try:
        visit = browser.visit(page)
        blank = tmp_path / "blank.html"
        blank.write_text("<!DOCTYPE html><title>x</title>", encoding="utf-8")
        nothing = browser.visit(blank)
    finally:
        browser.close()
    fetched = [url for url in visit.requests if not url.startswith("data:")]
    assert fetched == [page.resolve().as_uri()]  # the page itself, and nothing else
    assert len(visit.requests) > 5  # the charts, from inside the page
    assert visit.console == []
    assert png_colours(visit.screenshot) > 8  # text, charts and rules, not a blank page
    assert png_colours(nothing.screenshot) == 1  # and the measure tells a blank one
    assert visit.pdf.startswith(b"%PDF-")
    pages = visit.pdf.count(b"/Type /Page\n") + visit.pdf.count(b"/Type /Page/")
    pages += visit.pdf.count(b"/Type /Page ") + visit.pdf.count(b"/Type /Page>")
    assert pages >= 2  # the overview and the appendix, which starts a page of its own
    assert b"/MediaBox [0 0 595" in visit.pdf or b"/MediaBox [0 0 594" in visit.pdf  # A4

"""nir municipalities: the bundled list of municipality numbers."""

from __future__ import annotations

import click

from nir_cli.commands.options import emit_rows, format_option, limit_option
from nir_cli.core.i18n import _


@click.command()
@click.argument("search", required=False)
@format_option
@limit_option
def municipalities(search: str | None, fmt: str) -> None:
    """List the municipalities valid since 1 Jan 2024, or those matching SEARCH.

    SEARCH matches the code, the name in any official form, or the county, ignoring case and
    accents. Codes that changed on 1 Jan 2024 are shown with their new code.

    \b
    Example:
      nir municipalities trondheim
      nir municipalities 1507
      nir municipalities --format csv > municipalities.csv
    """
    from nir_cli.domain import municipalities as registry

    found = registry.search(search) if search else list(registry.all_municipalities().values())
    rows = [
        {
            "code": m.code,
            "name": m.name,
            "other_names": " | ".join(m.other_names),
            "county": m.county,
            "replaces": "",
        }
        for m in found
    ]
    if search:
        for old in registry.renumberings().values():
            if search.strip() == old.old_code:
                rows.extend(
                    {
                        "code": new,
                        "name": registry.all_municipalities()[new].name,
                        "other_names": "",
                        "county": registry.all_municipalities()[new].county,
                        "replaces": f"{old.old_code} {old.old_name}",
                    }
                    for new in old.new_codes
                )
    emit_rows(rows, fmt, empty=_("no municipality matches {search!r}").format(search=search))

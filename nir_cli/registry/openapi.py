"""The registry's OpenAPI document, generated from the app.

    python -m nir_cli.registry.openapi > docs/registry-openapi.json

A test fails when the checked-in document differs from what the app generates.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any


def document() -> dict[str, Any]:
    from nir_cli.registry.app import create_app

    with tempfile.TemporaryDirectory() as folder:
        spec: dict[str, Any] = create_app(Path(folder) / "registry.db").openapi()
    return spec


def text() -> str:
    return json.dumps(document(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(text())

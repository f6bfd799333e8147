"""Record ids are UUIDv7 strings in the canonical form, ordered by the time they were made."""

from __future__ import annotations

import time
import uuid

from nir_cli.core.record_ids import SHORT_ID, new_id, short_id


def test_a_new_id_is_a_canonical_uuid_version_7() -> None:
    for _ in range(1000):
        made = new_id()
        parsed = uuid.UUID(made)
        assert str(parsed) == made
        assert parsed.version == 7
        assert parsed.variant == uuid.RFC_4122
        assert SHORT_ID.match(short_id(made))


def test_ids_made_later_sort_later() -> None:
    first = new_id()
    time.sleep(0.002)
    assert new_id() > first
    assert len({new_id() for _ in range(10_000)}) == 10_000

"""The cycle collector during bulk work (nir_cli.core.collector): changed while it runs, put back
after it, also when it fails."""

from __future__ import annotations

import gc

import pytest

from nir_cli.core.collector import BULK_GC_THRESHOLD, fewer_collections


def test_bulk_work_freezes_what_exists_and_collects_less_often() -> None:
    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold() == (BULK_GC_THRESHOLD, *before[1:])
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_the_collector_is_put_back_when_the_work_fails() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("the import failed")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_jobs_at_once_share_the_setting_and_the_last_to_end_puts_it_back() -> None:
    """Two syncs of two stores in one script's threads, or an import inside a sync: the first
    to end must not put the collector back under the other's feet, nor the last leave it."""
    before = gc.get_threshold()
    first, second = fewer_collections(), fewer_collections()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert gc.get_threshold() == (BULK_GC_THRESHOLD, *before[1:])
    assert gc.get_freeze_count() > 0
    second.__exit__(None, None, None)
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0

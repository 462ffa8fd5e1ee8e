"""The server's process settings that are not uvicorn's (facilitation.serve)."""

import gc

import pytest

from facilitation.serve import GC_MIDDLE_THRESHOLD, GC_YOUNG_THRESHOLD, tune_garbage_collection


@pytest.fixture
def collector_as_it_was():
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_the_loaded_application_is_frozen_and_the_young_collected_rarely(collector_as_it_was):
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    tune_garbage_collection()
    assert gc.get_freeze_count() > 10_000  # the modules, Django, the test run: all loaded now
    young, middle, _old = gc.get_threshold()
    assert (young, middle) == (GC_YOUNG_THRESHOLD, GC_MIDDLE_THRESHOLD)

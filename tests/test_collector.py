"""pipeline.collector: the cyclic collector paused for a block, and as it was after."""

from __future__ import annotations

import gc

import pytest

from pipeline import collector


def test_paused_within_and_back_after():
    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # until the outer block ends
    assert gc.isenabled()


def test_back_after_an_error():
    with pytest.raises(ValueError):
        with collector.paused():
            raise ValueError("in the block")
    assert gc.isenabled()


def test_left_off_when_it_was_off():
    gc.disable()
    try:
        with collector.paused():
            with collector.paused():
                assert not gc.isenabled()
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()

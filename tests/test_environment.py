"""The environment variables brief reads: typed and checked in one place, before any work."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from pipeline.environment import Environment
from pipeline.errors import SettingsError
from tests.conftest import ROOT


def test_flags_are_off_unless_set_to_something_other_than_zero():
    assert not Environment.read({}).debug and not Environment.read({"BRIEF_DEBUG": "0"}).debug
    assert Environment.read({"BRIEF_DEBUG": "1"}).debug and Environment.read({"BRIEF_SERIAL": "yes"}).serial
    assert Environment.read({"NO_COLOR": ""}).colour is False and Environment.read({}).colour is True


def test_values_are_typed():
    environment = Environment.read({"SOURCE_DATE_EPOCH": " 1767225600 ", "BRIEF_REVIEW_PASSWORD": "pw",
                                    "USER": "analyst"})
    assert environment.source_date == dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    assert (environment.review_password, environment.user) == ("pw", "analyst")
    assert Environment.read({"BRIEF_REVIEW_PASSWORD": ""}).review_password is None


@pytest.mark.parametrize("value", ["yesterday", "1e9", "99999999999999999999"])
def test_a_bad_source_date_epoch_is_a_settings_error(value):
    with pytest.raises(SettingsError, match="SOURCE_DATE_EPOCH: .* is not a valid number"):
        Environment.read({"SOURCE_DATE_EPOCH": value})


def test_the_command_line_refuses_a_bad_value_before_any_work(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("A headline\n\nThe council met on Monday and agreed the plan.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "pipeline", "generate", str(article), "-o", str(out)],
                            cwd=str(ROOT), capture_output=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "yesterday"})
    assert result.returncode == 2
    assert result.stderr.decode().splitlines() == [
        "brief: SOURCE_DATE_EPOCH: 'yesterday' is not a valid number of seconds since 1970; "
        "unset it or give a whole number such as 1767225600"]
    assert not out.exists()

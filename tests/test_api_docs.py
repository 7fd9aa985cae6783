"""docs/api.md is a notebook session that runs: every example in it is a doctest."""

from __future__ import annotations

import doctest

import pytest
from tests.conftest import ROOT


def test_the_api_page_runs_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    failures, tried = doctest.testfile(
        str(ROOT / "docs" / "api.md"),
        module_relative=False,
        optionflags=doctest.NORMALIZE_WHITESPACE,
        report=True,
    )
    assert tried > 20
    assert failures == 0

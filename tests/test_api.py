"""The public API: what __all__ promises exists, is documented, and shadows no stage module."""

from __future__ import annotations

import inspect
import types

import pytest

import controlmap


@pytest.mark.parametrize("name", controlmap.__all__)
def test_every_public_name_exists_and_is_documented(name: str) -> None:
    value = getattr(controlmap, name)
    assert inspect.getdoc(value), name


def test_stage_modules_are_not_shadowed_by_functions() -> None:
    for module in ("corpus", "extract", "gazetteer", "geocode", "reconcile", "render",
                   "export", "evaluate", "pipeline"):
        assert isinstance(getattr(controlmap, module), types.ModuleType), module

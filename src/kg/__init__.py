"""kg: keep a knowledge graph of organizations, sites, people, events and agreements.

>>> import kg
>>> project = kg.open_project()
>>> sorted(project.query("agreement-partners").column("label"))[:1]
['Great Stone Industrial Park']

The names below are imported when first used, so that a command that needs little (``kg
--help``, a query) starts fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from kg.__about__ import __version__

if TYPE_CHECKING:
    from kg.api import Project, Stats, open_project, validate_data
    from kg.errors import KgError
    from kg.results import QueryResult
    from kg.store import EmbeddedStore, Store
    from kg.validate import Finding, ValidationReport

_WHERE = {
    "EmbeddedStore": "kg.store",
    "Finding": "kg.validate",
    "KgError": "kg.errors",
    "Project": "kg.api",
    "QueryResult": "kg.results",
    "Stats": "kg.api",
    "Store": "kg.store",
    "ValidationReport": "kg.validate",
    "open_project": "kg.api",
    "validate_data": "kg.api",
}

__all__ = [
    "EmbeddedStore",
    "Finding",
    "KgError",
    "Project",
    "QueryResult",
    "Stats",
    "Store",
    "ValidationReport",
    "__version__",
    "open_project",
    "validate_data",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)

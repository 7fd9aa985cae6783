"""kg: keep a knowledge graph of organizations, sites, people, events and agreements.

>>> import kg
>>> project = kg.open_project()
>>> sorted(project.query("agreement-partners").column("label"))[:1]
['Great Stone Industrial Park']
"""

from kg.__about__ import __version__
from kg.api import Project, Stats, open_project, validate_data
from kg.errors import KgError
from kg.results import QueryResult
from kg.store import EmbeddedStore, Store
from kg.validate import Finding, ValidationReport

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

"""What the SPARQL page's query editor (YASGUI) is set up with: endpoint, prefixes, examples.

The page hands these to ``static/query-editor.js`` as ``data-`` attributes (JSON), so the page
carries no inline script and the strict Content-Security-Policy holds.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from kg.binding import bind
from kg.errors import KgError
from kg.namespaces import PREFIXES
from kg.queries import NamedQuery

ENDPOINT = "/sparql"


@dataclass(frozen=True)
class Example:
    """A named query as the editor opens it: defaults bound as VALUES, as ``kg query`` runs it."""

    name: str
    title: str
    text: str


@dataclass(frozen=True)
class EditorSettings:
    endpoint: str
    prefixes: str
    examples: tuple[Example, ...]


def example(query: NamedQuery) -> Example:
    try:
        text = bind(query.text, query.bindings({}))
    except KgError:  # a required parameter: the editor shows the query with it unbound
        text = query.text
    return Example(query.name, query.title or query.name, text)


def editor_settings(queries: Mapping[str, NamedQuery]) -> EditorSettings:
    return EditorSettings(
        endpoint=ENDPOINT,
        prefixes=json.dumps(dict(PREFIXES), ensure_ascii=False),
        examples=tuple(example(queries[name]) for name in sorted(queries)),
    )

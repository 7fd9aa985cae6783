"""The Store seam: what queries, export, validation, ``add`` and the server may ask of a store.

Three implementations live below it: in-memory and on-disk Oxigraph (``embedded``) and a remote
SPARQL 1.1 endpoint (``remote``). Code above the seam receives a :class:`Store` and never asks
which one it has.

Queries see the union of all named graphs as their default graph: facts live in per-sentence
named graphs, and a question about the facts should not need ``GRAPH`` to find them.
"""

from __future__ import annotations

import functools
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from kg.errors import ReadOnlyQueryError
from kg.results import QueryResult
from kg.terms import BlankNode, GraphName, NamedNode, Quad, Term

Progress = Callable[[int], None]
"""Called with the number of quads written so far."""

_UPDATE_KEYWORDS = re.compile(
    r"^\s*(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE
)
_PROLOGUE = re.compile(
    r"^(\s*(#[^\n]*\n|BASE\s*<[^>]*>|PREFIX\s+[\w.-]*:\s*<[^>]*>))*", re.IGNORECASE
)


@functools.lru_cache(maxsize=512)
def is_update(sparql: str) -> bool:
    """Whether ``sparql`` is a SPARQL Update request rather than a query."""
    body = sparql[_PROLOGUE.match(sparql).end():]  # type: ignore[union-attr]
    return bool(_UPDATE_KEYWORDS.match(body))


def refuse_update(sparql: str) -> None:
    if is_update(sparql):
        raise ReadOnlyQueryError(
            "this is a SPARQL Update; queries are read-only here (use `kg add` to change data)"
        )


class Store(ABC):
    """An RDF dataset that answers SPARQL and takes atomic writes."""

    #: what the store is, for messages: "in-memory", "/path/to/store", "http://host/sparql"
    location: str = ""

    @abstractmethod
    def query(self, sparql: str, *, bindings: Mapping[str, Term] | None = None,
              timeout: float | None = None) -> QueryResult:
        """Run a read-only SPARQL query; ``bindings`` pre-bind variables (never pasted as text).

        Raises :class:`~kg.errors.QuerySyntaxError` for malformed SPARQL,
        :class:`~kg.errors.ReadOnlyQueryError` for an update.
        """

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL Update atomically."""

    @abstractmethod
    def quads(self, graph: GraphName | None = None) -> Iterator[Quad]:
        """Every quad, or those of one graph."""

    @abstractmethod
    def named_graphs(self) -> list[NamedNode | BlankNode]:
        """The names of the named graphs."""

    @abstractmethod
    def add_quads(self, quads: Iterable[Quad]) -> int:
        """Add quads atomically: all of them, or (on any error) none. Returns how many."""

    def add_contribution(self, quads: Sequence[Quad], publish: Callable[[], None]) -> int:
        """Add ``quads`` atomically and run ``publish`` (which puts the new ``data/`` files in
        place) as one change. Stores that record which files they were built from (on disk)
        override this so that a crash between the two is noticed, never silently kept."""
        count = self.add_quads(quads)
        publish()
        return count

    @abstractmethod
    def load_file(self, path: Path, fmt: str, *, progress: Progress | None = None) -> int:
        """Bulk-load an RDF file (format by extension name, e.g. ``nt``). Returns quads read."""

    @abstractmethod
    def clear(self) -> None:
        """Remove everything."""

    @abstractmethod
    def __len__(self) -> int:
        """The number of quads."""

    def close(self) -> None:  # noqa: B027  (most stores have nothing to release)
        """Release the store (files, connections). Idempotent."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""Blank node labels by RDF Dataset Canonicalization (RDFC-1.0, SHA-256), within a work budget.

RDFC-1.0 takes time exponential in the size of a symmetric blank-node structure: a K6,6 clique
(six blank nodes each linked to six others) takes Oxigraph 15 s, K8,8 minutes, and Oxigraph's
implementation cannot be interrupted. The standard asks implementations to guard against such
"poison" datasets by bounding the work (section 4.2 of the Recommendation). This one counts
its steps (calls of the Hash N-Degree Quads algorithm and permutations tried) and stops with
:class:`~kg.errors.CanonicalizationLimitError` past ``budget``, the same for every run and
machine. Within the budget its labels are Oxigraph's, byte for byte (a test compares them).

>>> from kg.terms import BlankNode, NamedNode, Quad, DefaultGraph
>>> p = NamedNode("http://example.com/p")
>>> x, y = BlankNode(), BlankNode()
>>> labels = canonical_labels([Quad(x, p, y, DefaultGraph())])
>>> sorted(labels.values(), key=str)
[<BlankNode value=c14n0>, <BlankNode value=c14n1>]
"""

from __future__ import annotations

import hashlib
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from kg.errors import CanonicalizationLimitError
from kg.terms import BlankNode, Quad, Triple

BASE_BUDGET: Final = 250_000
"""Steps allowed to any dataset, besides :data:`STEPS_PER_NODE` per blank node. Real data needs
about one step per blank node that shares its first-degree hash; a chain of 200
interchangeable nodes needs 117,612 and a K4,4 clique 10,948, but a K5,5 clique 376,205. Half
a second of work, or less."""
STEPS_PER_NODE: Final = 20
MAX_DEPTH: Final = 200
"""Nesting of the recursive step: a chain of this many interchangeable blank nodes."""

_A = BlankNode("a")
_Z = BlankNode("z")


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class _Issuer:
    """An identifier issuer: ``prefix`` + a counter, remembering the order of issue."""

    prefix: str
    issued: dict[BlankNode, str] = field(default_factory=dict)
    order: list[BlankNode] = field(default_factory=list)

    def issue(self, node: BlankNode) -> str:
        found = self.issued.get(node)
        if found is None:
            found = f"{self.prefix}{len(self.order)}"
            self.issued[node] = found
            self.order.append(node)
        return found

    def copy(self) -> _Issuer:
        return _Issuer(self.prefix, dict(self.issued), list(self.order))


def _blank_nodes_of(term: object) -> Iterable[BlankNode]:
    if isinstance(term, BlankNode):
        yield term
    elif isinstance(term, Triple):
        yield from _blank_nodes_of(term.subject)
        yield from _blank_nodes_of(term.object)


def _substitute(term: Any, reference: BlankNode) -> Any:
    if isinstance(term, BlankNode):
        return _A if term == reference else _Z
    if isinstance(term, Triple):
        return Triple(
            _substitute(term.subject, reference),
            term.predicate,
            _substitute(term.object, reference),
        )
    return term


class _Canonicalizer:
    def __init__(self, quads: Sequence[Quad], budget: int) -> None:
        self.budget = budget
        self.steps = 0
        self.quads_of: dict[BlankNode, list[Quad]] = defaultdict(list)
        for quad in quads:
            mentioned = dict.fromkeys(
                itertools.chain(
                    _blank_nodes_of(quad.subject),
                    _blank_nodes_of(quad.object),
                    _blank_nodes_of(quad.graph_name),
                )
            )
            for node in mentioned:
                self.quads_of[node].append(quad)
        self.canonical = _Issuer("c14n")
        self._first_degree: dict[BlankNode, str] = {}

    def _step(self) -> None:
        self.steps += 1
        if self.steps > self.budget:
            raise CanonicalizationLimitError(
                f"cannot label the blank nodes canonically: {self._interchangeable()} of them are "
                f"interchangeable (a symmetric structure such as a clique), and labelling them "
                f"would take more than {self.budget} steps; give some of them IRIs"
            )

    def _interchangeable(self) -> int:
        counts: dict[str, int] = defaultdict(int)
        for node in self.quads_of:
            counts[self.first_degree(node)] += 1
        return sum(n for n in counts.values() if n > 1)

    def first_degree(self, node: BlankNode) -> str:
        found = self._first_degree.get(node)
        if found is None:
            lines = sorted(
                str(
                    Quad(
                        _substitute(q.subject, node),
                        q.predicate,
                        _substitute(q.object, node),
                        _substitute(q.graph_name, node),
                    )
                )
                + " .\n"
                for q in self.quads_of[node]
            )
            found = _sha256("".join(lines))
            self._first_degree[node] = found
        return found

    def _related_hash(self, related: BlankNode, quad: Quad, issuer: _Issuer, position: str) -> str:
        text = position
        if position != "g":
            text += f"<{quad.predicate.value}>"
        known = self.canonical.issued.get(related) or issuer.issued.get(related)
        text += f"_:{known}" if known is not None else self.first_degree(related)
        return _sha256(text)

    def _related(self, identifier: BlankNode, issuer: _Issuer) -> dict[str, set[BlankNode]]:
        by_hash: dict[str, set[BlankNode]] = defaultdict(set)

        def note(component: object, position: str) -> None:
            if isinstance(component, BlankNode) and component != identifier:
                by_hash[self._related_hash(component, quad, issuer, position)].add(component)

        for quad in self.quads_of[identifier]:
            note(quad.subject, "s")
            note(quad.object, "o")
            if isinstance(quad.object, Triple):
                note(quad.object.subject, "os")
                note(quad.object.object, "oo")
            note(quad.graph_name, "g")
        return by_hash

    def n_degree(self, identifier: BlankNode, issuer: _Issuer, depth: int = 0) -> tuple[str, _Issuer]:
        """Hash N-Degree Quads: the hash of ``identifier``'s surroundings, and the issuer that
        labelled them along the least path."""
        self._step()
        if depth > MAX_DEPTH:
            raise CanonicalizationLimitError(
                f"cannot label the blank nodes canonically: a chain of more than {MAX_DEPTH} "
                "interchangeable blank nodes; give some of them IRIs"
            )
        data = ""
        for related_hash, nodes in sorted(self._related(identifier, issuer).items()):
            data += related_hash
            chosen_path = ""
            chosen_issuer = issuer
            for permutation in itertools.permutations(sorted(nodes, key=lambda n: n.value)):
                self._step()
                outcome = self._try(permutation, issuer, chosen_path, depth)
                if outcome is not None and (not chosen_path or outcome[0] < chosen_path):
                    chosen_path, chosen_issuer = outcome
            data += chosen_path
            issuer = chosen_issuer
        return _sha256(data), issuer

    def _try(
        self, permutation: Sequence[BlankNode], issuer: _Issuer, chosen_path: str, depth: int
    ) -> tuple[str, _Issuer] | None:
        """The path of one permutation, or ``None`` as soon as it cannot beat ``chosen_path``."""
        copy = issuer.copy()
        path = ""
        recursion: list[BlankNode] = []
        for related in permutation:
            known = self.canonical.issued.get(related)
            if known is not None:
                path += f"_:{known}"
            else:
                if related not in copy.issued:
                    recursion.append(related)
                path += f"_:{copy.issue(related)}"
            if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                return None
        for related in recursion:
            result_hash, result_issuer = self.n_degree(related, copy, depth + 1)
            path += f"_:{copy.issue(related)}<{result_hash}>"
            copy = result_issuer
            if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                return None
        return path, copy

    def labels(self) -> dict[BlankNode, BlankNode]:
        groups: dict[str, list[BlankNode]] = defaultdict(list)
        for node in self.quads_of:
            groups[self.first_degree(node)].append(node)
        shared = []
        for digest in sorted(groups):
            if len(groups[digest]) == 1:
                self.canonical.issue(groups[digest][0])
            else:
                shared.append(groups[digest])
        for group in shared:
            results = []
            for node in sorted(group, key=lambda n: n.value):
                if node in self.canonical.issued:
                    continue
                temporary = _Issuer("b")
                temporary.issue(node)
                results.append(self.n_degree(node, temporary))
            for _, issuer in sorted(results, key=lambda r: r[0]):
                for node in issuer.order:
                    self.canonical.issue(node)
        return {node: BlankNode(label) for node, label in self.canonical.issued.items()}


def canonical_labels(quads: Sequence[Quad], budget: int | None = None) -> dict[BlankNode, BlankNode]:
    """The RDFC-1.0 label of every blank node in ``quads`` (which hold no duplicates).

    Raises :class:`~kg.errors.CanonicalizationLimitError` past ``budget`` steps (by default
    :data:`BASE_BUDGET` plus :data:`STEPS_PER_NODE` per blank node).
    """
    canonicalizer = _Canonicalizer(quads, 0)
    canonicalizer.budget = (
        budget if budget is not None else BASE_BUDGET + STEPS_PER_NODE * len(canonicalizer.quads_of)
    )
    return canonicalizer.labels()


def relabel(quads: Iterable[Quad], labels: dict[BlankNode, BlankNode]) -> list[Quad]:
    """``quads`` with their blank nodes renamed by ``labels``."""

    def rename(term: Any) -> Any:
        if isinstance(term, BlankNode):
            return labels[term]
        if isinstance(term, Triple):
            return Triple(rename(term.subject), term.predicate, rename(term.object))
        return term

    return [
        Quad(
            rename(q.subject),
            q.predicate,
            rename(q.object),
            rename(q.graph_name),
        )
        for q in quads
    ]

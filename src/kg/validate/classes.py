"""Instance-of tests specialised to the store's class hierarchy.

A compiled check tests "``?v`` is an instance of ``C``" as ``?v rdf:type/rdfs:subClassOf* C``
(:func:`kg.validate.checks.instance_of`). Oxigraph evaluates that path afresh for every node it
is asked about, walking up the hierarchy from each of the node's types; in a check that visits
many nodes, the walks are most of its cost. The hierarchy is small and the same for every node,
so before the checks run, the store's ``rdfs:subClassOf`` facts are read once
(:func:`hierarchy`), and :func:`specialise` turns each marked test into ``?v rdf:type ?t`` with
``?t`` among ``C`` and its subclasses, listed with ``VALUES``. The solutions are the same, and
as many: the path's ``*`` step gives each type of ``?v`` once, as the ``VALUES`` row does.

A hierarchy too big to read in one go (more than :data:`MAX_EDGES` facts), a class with more
than :data:`MAX_SUBCLASSES` subclasses, or one whose subclasses include a blank node (which
``VALUES`` cannot name) keeps the path as it is.

>>> h = Hierarchy({"<B>": ("<A>",), "<C>": ("<B>",)})
>>> h.subclasses("<A>")
('<A>', '<B>', '<C>')
>>> print(specialise(instance_of("?x", "<A>"), h).strip())
?x <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ?_kg_class_0 . VALUES ?_kg_class_0 { <A> <B> <C> }
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Final

from kg.namespaces import RDF, RDFS
from kg.store.base import Store
from kg.validate.checks import INSTANCE_OF, TYPE_PATH, instance_of

MAX_EDGES: Final = 10_000
"""``rdfs:subClassOf`` facts read at most; a bigger hierarchy leaves the tests as paths."""
MAX_SUBCLASSES: Final = 1_000
"""Subclasses listed for one class at most; a class with more keeps its path."""

_LEAD = f" {TYPE_PATH} "
_TAIL = f" {INSTANCE_OF}"


class Hierarchy:
    """The ``rdfs:subClassOf`` facts of a store: each class with its direct superclasses."""

    def __init__(self, supers: Mapping[str, Sequence[str]]) -> None:
        self._subs: dict[str, list[str]] = defaultdict(list)
        for sub, ups in supers.items():
            for up in ups:
                self._subs[up].append(sub)
        self._known: dict[str, tuple[str, ...] | None] = {}

    def subclasses(self, cls: str) -> tuple[str, ...] | None:
        """``cls`` and every class below it (SPARQL terms, sorted), or ``None`` when they cannot
        be listed."""
        if cls in self._known:
            return self._known[cls]
        seen = {cls}
        todo = [cls]
        while todo:
            for sub in self._subs.get(todo.pop(), ()):
                if sub not in seen:
                    seen.add(sub)
                    todo.append(sub)
        listed = (
            None
            if len(seen) > MAX_SUBCLASSES or any(not s.startswith("<") for s in seen)
            else tuple(sorted(seen))
        )
        self._known[cls] = listed
        return listed


def hierarchy(store: Store) -> Hierarchy | None:
    """The class hierarchy of ``store``'s facts, or ``None`` when it is too big to read."""
    result = store.query(
        f"SELECT ?sub ?super WHERE {{ ?sub <{RDFS}subClassOf> ?super }} LIMIT {MAX_EDGES + 1}"
    )
    if len(result.rows) > MAX_EDGES:
        return None
    supers: dict[str, list[str]] = defaultdict(list)
    for sub, up in result.rows:
        if sub is None or up is None:
            continue
        supers[str(sub)].append(str(up))  # SPARQL terms: <iri>, _:label, "literal"
    return Hierarchy(supers)


def specialise(query: str, classes: Hierarchy | None) -> str:
    """``query`` with each instance-of test of :func:`instance_of` whose class can be listed
    written as a ``rdf:type`` pattern over the class and its subclasses."""
    if classes is None or INSTANCE_OF not in query:
        return query
    out: list[str] = []
    rest = query
    count = 0
    while (lead := rest.find(_LEAD)) >= 0:
        begin = lead + len(_LEAD)
        end = rest.find(_TAIL, begin)
        cls = rest[begin:end] if end >= 0 else ""
        listed = classes.subclasses(cls) if cls.startswith("<") and " " not in cls else None
        if listed is None:
            out.append(rest[:begin])
            rest = rest[begin:]
            continue
        var = f"?_kg_class_{count}"
        count += 1
        out.append(f"{rest[:lead]} <{RDF}type> {var} . VALUES {var} {{ {' '.join(listed)} }}\n")
        rest = rest[end + len(_TAIL) :]
    out.append(rest)
    return "".join(out)


__all__ = ["MAX_EDGES", "MAX_SUBCLASSES", "Hierarchy", "hierarchy", "instance_of", "specialise"]

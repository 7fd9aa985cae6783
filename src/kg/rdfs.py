"""What RDFS entails about classes over the project's vocabulary: a class and its subclasses.

Only ``rdfs:subClassOf`` is read, as RDFS rules rdfs9 and rdfs11 use it (an instance of a
subclass is an instance of the class; the relation is transitive); no OWL, no domains or ranges.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from kg.namespaces import RDFS
from kg.terms import NamedNode, Quad, Triple

SUBCLASS_OF = RDFS + "subClassOf"


def subclasses(vocabulary: Iterable[Quad | Triple], cls: str) -> list[str]:
    """``cls`` and every class below it by ``rdfs:subClassOf``, sorted by IRI.

    >>> from kg.terms import NamedNode as N, Triple as T
    >>> sub = N(SUBCLASS_OF)
    >>> subclasses([T(N("urn:b"), sub, N("urn:a")), T(N("urn:c"), sub, N("urn:b"))], "urn:a")
    ['urn:a', 'urn:b', 'urn:c']
    """
    below: dict[str, set[str]] = defaultdict(set)
    for t in vocabulary:
        if (
            t.predicate.value == SUBCLASS_OF
            and isinstance(t.subject, NamedNode)
            and isinstance(t.object, NamedNode)
        ):
            below[t.object.value].add(t.subject.value)
    found = {cls}
    pending = [cls]
    while pending:
        for sub in below[pending.pop()] - found:
            found.add(sub)
            pending.append(sub)
    return sorted(found)

"""What the graph already knows, as the drafter needs it: every entity's names and kind.

Read from a project with three SPARQL queries (labels with kinds, organization/site pairs,
IRIs in use), or built from quads in tests. Names are indexed by their key
(:func:`kg.draft.names.name_key`), person names also by :func:`kg.draft.names.person_key`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kg.draft import vocabulary as v
from kg.draft.names import name_key, person_key
from kg.namespaces import KGR, sparql_prologue

if TYPE_CHECKING:
    from kg.api import Project

_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_KIND_ORDER = ("person", "site", "organization", "event", "place")


@dataclass
class KnownEntity:
    iri: str
    labels: list[tuple[str, str]] = field(default_factory=list)  # (text, language)
    kinds: set[str] = field(default_factory=set)

    @property
    def kind(self) -> str:
        return next((k for k in _KIND_ORDER if k in self.kinds), "thing")

    def label(self, language: str = "en") -> str:
        """The label to show: one in ``language`` if any, else the first."""
        for text, lang in self.labels:
            if lang == language:
                return text
        return self.labels[0][0] if self.labels else self.iri


@dataclass
class KnownEntities:
    """The gazetteer: entities by IRI, by name key, by person key; org/site pairs."""

    entities: dict[str, KnownEntity] = field(default_factory=dict)
    sites: dict[str, str] = field(default_factory=dict)  # site IRI -> organization IRI
    taken: set[str] = field(default_factory=set)
    by_key: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    by_person_key: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    by_cyrillic_key: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    classes: set[str] | None = None  # the classes the project's vocabulary declares (None: all)

    def declares(self, cls: str) -> bool:
        return self.classes is None or cls in self.classes

    def add_label(self, iri: str, text: str, language: str) -> None:
        entity = self.entities.setdefault(iri, KnownEntity(iri))
        if (text, language) not in entity.labels:
            entity.labels.append((text, language))
        self.taken.add(iri)

    def add_kind(self, iri: str, kind: str) -> None:
        self.entities.setdefault(iri, KnownEntity(iri)).kinds.add(kind)
        self.taken.add(iri)

    def finish(self) -> KnownEntities:
        """Index the names of the entities of a kind (people, organizations, sites, places,
        events); posts, quotations and other labelled nodes are not named in texts."""
        self.entities = {
            iri: e for iri, e in self.entities.items() if e.kind != "thing" or "unnamed" not in e.kinds
        }
        for entity in self.entities.values():
            for text, _ in entity.labels:
                key = name_key(text)
                if key:
                    self.by_key[key].add(entity.iri)
                if entity.kind == "person":
                    self.by_person_key[person_key(text)].add(entity.iri)
                if _CYRILLIC.search(text) and len(text.split()) >= 2:
                    # a romanized Cyrillic name is spelt in more than one way: "Velikiy Kamen'"
                    self.by_cyrillic_key[person_key(text)].add(entity.iri)
        return self

    def max_words(self) -> int:
        """The most words a known name takes in a text."""
        return max((len(text.split()) for e in self.entities.values() for text, _ in e.labels), default=1)

    @classmethod
    def from_rows(
        cls,
        labels: Iterable[tuple[str, str, str]],
        kinds: Iterable[tuple[str, str]],
        sites: Iterable[tuple[str, str]],
        taken: Iterable[str] = (),
        classes: Iterable[str] | None = None,
    ) -> KnownEntities:
        known = cls(classes=None if classes is None else set(classes))
        for iri, text, language in labels:
            known.add_label(iri, text, language)
        for iri, kind_class in kinds:
            kind = next(
                (k for k, c in v.KIND_CLASSES.items() if c == kind_class),
                "unnamed" if kind_class in v.NOT_NAMED_CLASSES else None,
            )
            if kind is not None and iri in known.entities:
                known.add_kind(iri, kind)
        for org, site in sites:
            known.sites[site] = org
        known.taken.update(taken)
        return known.finish()

    @classmethod
    def from_project(cls, project: Project) -> KnownEntities:
        """Everything the project's store knows (the vocabulary's own labels left out)."""
        predicates = " ".join(f"<{p}>" for p in v.LABEL_PREDICATES)
        kinds = " ".join(f"<{c}>" for c in (*v.KIND_CLASSES.values(), *v.NOT_NAMED_CLASSES))
        label_rows = project.query(
            sparql_prologue()
            + f"""
            SELECT DISTINCT ?e ?label WHERE {{
              VALUES ?p {{ {predicates} }}
              ?e ?p ?label . FILTER(isIRI(?e) && isLiteral(?label))
              FILTER(STRSTARTS(STR(?e), "{KGR}"))
            }}"""
        ).rows
        kind_rows = project.query(
            sparql_prologue()
            + f"""
            SELECT DISTINCT ?e ?kind WHERE {{
              VALUES ?kind {{ {kinds} }}
              ?e a/rdfs:subClassOf* ?kind . FILTER(STRSTARTS(STR(?e), "{KGR}"))
            }}"""
        ).rows
        site_rows = project.query(
            sparql_prologue()
            + """
            SELECT DISTINCT ?org ?site WHERE { ?org org:hasSite ?site }"""
        ).rows
        class_rows = project.query(
            sparql_prologue()
            + """
            SELECT DISTINCT ?c WHERE { { ?c a owl:Class } UNION { ?c a rdfs:Class } }"""
        ).rows
        taken_rows = project.query(
            sparql_prologue()
            + f"""
            SELECT DISTINCT ?s WHERE {{ ?s ?p ?o . FILTER(STRSTARTS(STR(?s), "{KGR}")) }}"""
        ).rows
        labels = [
            (e.value, label.value, getattr(label, "language", None) or "")
            for e, label in label_rows
            if e is not None and label is not None
        ]
        return cls.from_rows(
            labels,
            [(e.value, k.value) for e, k in kind_rows if e is not None and k is not None],
            [(o.value, s.value) for o, s in site_rows if o is not None and s is not None],
            [row[0].value for row in taken_rows if row[0] is not None],
            [row[0].value for row in class_rows if row[0] is not None],
        )

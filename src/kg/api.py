"""The library: open a project and query, export, validate and add to it.

>>> import kg
>>> project = kg.open_project()
>>> len(project.query("visited-sites").rows)
5
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.canonical import canonical_trig, canonical_turtle
from kg.contribute import AddOutcome, apply, check_provenance, new_quads, plan_files, writable
from kg.errors import QuerySyntaxError, UsageError, ValidationFailed
from kg.jsonld import compact, dumps, frame, frame_document, load_context
from kg.namespaces import KGO, ONTOLOGY_GRAPH, PREFIXES, PROV, RDF, RDFS, sparql_prologue
from kg.project import ProjectFiles, data_quads, find_root, ontology_quads, shapes_quads
from kg.queries import NamedQuery, find, parse_value
from kg.rdfio import format_named, parse_bytes, parse_file, serialize
from kg.rdfs import subclasses
from kg.results import QueryResult
from kg.store.base import Store
from kg.terms import DefaultGraph, NamedNode, Quad, Term, term_value
from kg.validate.delta import validate_in_context, validate_standalone
from kg.validate.fast import CompiledShapes, compile_shapes, validate_store
from kg.validate.report import Finding, ValidationReport
from kg.validate.shacl import shapes_graph

if TYPE_CHECKING:
    import rdflib

EXPORT_FORMATS = ("ttl", "trig", "nt", "nq", "jsonld", "xml")
_PROVENANCE_PREDICATES = {PROV + "wasDerivedFrom", PROV + "wasQuotedFrom",
                          PROV + "hadPrimarySource", KGO + "sentenceText",
                          KGO + "sentenceNumber"}


@dataclass
class Stats:
    """What the graph holds."""

    triples: int
    named_graphs: int
    entities_by_class: list[tuple[str, int]] = field(default_factory=list)
    sources: list[tuple[str, str, int]] = field(default_factory=list)


class Project:
    """A project's files, and the store that indexes them."""

    def __init__(self, files: ProjectFiles, store: Store) -> None:
        self.files = files
        self.store = store

    # -- queries ---------------------------------------------------------------------------
    @functools.cached_property
    def named_queries(self) -> dict[str, NamedQuery]:
        return self.files.queries()

    def named_query(self, name: str) -> NamedQuery:
        return find(self.named_queries, name)

    def query(self, name_or_sparql: str, params: Mapping[str, str | Term] | None = None,
              *, timeout: float | None = None) -> QueryResult:
        """Run a named query (by name) or SPARQL text; ``params`` bind its variables safely."""
        if name_or_sparql.strip() in self.named_queries or _looks_like_name(name_or_sparql):
            named = self.named_query(name_or_sparql.strip())
            return self.store.query(named.text, bindings=named.bindings(params), timeout=timeout)
        bindings = {name: parse_value(value, "term", name) for name, value in (params or {}).items()}
        text = with_prefixes(name_or_sparql)
        offset = text.count("\n") - name_or_sparql.count("\n")
        try:
            return self.store.query(text, bindings=bindings, timeout=timeout)
        except QuerySyntaxError as error:
            if error.line is None or error.line <= offset:
                raise
            raise QuerySyntaxError(error.reason, line=error.line - offset,
                                   column=error.column) from None

    # -- export ----------------------------------------------------------------------------
    def quads(self, graph: str | None = None, *, provenance: bool = True) -> list[Quad]:
        """The quads to export: all, or one named graph; without provenance, the plain facts."""
        if graph is not None:
            name = NamedNode(parse_value(graph, "iri", "graph").value)
            if name not in set(self.store.named_graphs()):
                raise UsageError(f"no named graph <{name.value}> in the store")
            quads = list(self.store.quads(name))
        else:
            quads = list(self.store.quads())
        if provenance:
            return quads
        graph_names = {q.graph_name for q in quads if not isinstance(q.graph_name, DefaultGraph)}
        facts = {
            Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in quads
            if not (q.subject in graph_names and (q.predicate.value in _PROVENANCE_PREDICATES
                                                  or q.predicate.value == RDF + "type"))
        }
        return sorted(facts, key=lambda q: (str(q.subject), q.predicate.value, str(q.object)))

    def export(self, fmt: str = "trig", *, graph: str | None = None, provenance: bool = True,
               frame_class: str | None = None) -> bytes:
        """The graph serialized: canonical Turtle/TriG, compact JSON-LD, N-Triples, N-Quads, RDF/XML."""
        chosen = format_named(fmt)
        quads = self.quads(graph, provenance=provenance)
        ext = chosen.extension
        if ext == "trig":
            return canonical_trig(quads, PREFIXES).encode()
        if ext == "ttl":
            return canonical_turtle(quads, PREFIXES).encode()
        if ext == "jsonld":
            context = load_context(self.files.context_path)
            if frame_class is not None:
                return dumps(frame(quads, context, self._frame_types(frame_class))).encode()
            return dumps(compact(quads, context)).encode()
        ordered = sorted(quads, key=lambda q: (str(q.graph_name), str(q.subject),
                                               q.predicate.value, str(q.object)))
        return serialize(ordered, chosen, prefixes=dict(PREFIXES)) or b""

    def frame_document(self, class_text: str) -> dict[str, Any]:
        """The JSON-LD frame ``export("jsonld", frame_class=...)`` applies: the class and its
        subclasses (RDFS over ``ontology/``) as ``@type``, the project context (docs/jsonld.md)."""
        return frame_document(load_context(self.files.context_path), self._frame_types(class_text))

    def _frame_types(self, class_text: str) -> list[str]:
        return subclasses(self.vocabulary, parse_value(class_text, "iri", "frame").value)

    # -- validation ------------------------------------------------------------------------
    @functools.cached_property
    def shapes(self) -> rdflib.Graph:
        return shapes_graph(shapes_quads(self.files))

    @functools.cached_property
    def vocabulary(self) -> list[Quad]:
        return list(ontology_quads(self.files))

    @functools.cached_property
    def compiled_shapes(self) -> CompiledShapes:
        """The shapes compiled to SPARQL, for the fast path."""
        return compile_shapes(self.shapes)

    def validate_graph(self) -> ValidationReport:
        """Validate everything in the store against the shapes, in the engine (SPARQL);
        shapes that do not compile are left to pySHACL, and the report says so."""
        report = validate_store(self.store, self.shapes, self.compiled_shapes)
        report.findings = self._label(report.findings)
        return report

    def validate(self, files: Sequence[str | Path] = (), *, data: bytes | str | None = None,
                 fmt: str | None = None, standalone: bool = False,
                 fail_on: str = "Violation") -> ValidationReport:
        """Validate new data (files, or ``data`` in ``fmt``) alone or in the graph's context."""
        new = self.read_contribution(files, data=data, fmt=fmt)
        if standalone:
            report = validate_standalone(new, self.vocabulary, self.shapes)
        else:
            report = validate_in_context(self.store, new, self.vocabulary, self.shapes,
                                         self.compiled_shapes)
        report.findings = self._label(report.findings, new)
        report.fail_on = _severity(fail_on)
        return report

    def read_contribution(self, files: Sequence[str | Path] = (), *,
                          data: bytes | str | None = None, fmt: str | None = None) -> list[Quad]:
        quads: list[Quad] = []
        for path in files:
            quads.extend(parse_file(path, fmt))
        if data is not None:
            raw = data.encode() if isinstance(data, str) else data
            quads.extend(parse_bytes(raw, format_named(fmt or "trig"), source="<data>"))
        if not files and data is None:
            raise UsageError("nothing to validate: give one or more files")
        return quads

    def _label(self, findings: Iterable[Finding], extra: Sequence[Quad] = ()) -> list[Finding]:
        from dataclasses import replace

        items = list(findings)
        labels = self.labels({f.focus for f in items if not f.focus.startswith("_:")}, extra)
        return [replace(f, label=labels.get(f.focus)) for f in items]

    def labels(self, iris: Iterable[str], extra: Sequence[Quad] = ()) -> dict[str, str]:
        """A display label for each IRI: English preferred label, else a name, else any label."""
        wanted = sorted(set(iris))
        out: dict[str, str] = {}
        label_predicates = ("http://www.w3.org/2004/02/skos/core#prefLabel",
                            "http://xmlns.com/foaf/0.1/name", RDFS + "label",
                            "https://schema.org/name")
        for q in extra:
            subject, obj = term_value(q.subject), term_value(q.object)
            if q.predicate.value in label_predicates and subject in wanted and obj is not None:
                out.setdefault(subject or "", obj)
        for start in range(0, len(wanted), 200):
            chunk = [NamedNode(i) for i in wanted[start:start + 200]]
            values = " ".join(str(n) for n in chunk)
            result = self.store.query(
                sparql_prologue() + f"SELECT ?x ?l WHERE {{ VALUES ?x {{ {values} }} "
                "?x skos:prefLabel|foaf:name|rdfs:label|schema:name ?l "
                "} ORDER BY ?x DESC(LANG(?l) = 'en') ?l"
            )
            for x, label in result.rows:
                if x is not None and label is not None:
                    out.setdefault(x.value, label.value)
        return out

    # -- adding ---------------------------------------------------------------------------
    def add(self, files: Sequence[str | Path], *, fmt: str | None = None,
            fail_on: str = "Violation") -> AddOutcome:
        """Validate ``files`` in context; if they conform, write them to ``data/`` and the store.

        Raises :class:`~kg.errors.ValidationFailed` (with the report) and changes nothing if
        they do not conform.
        """
        writable(self.files)
        sources = [Path(p) for p in files]
        if not sources:
            raise UsageError("nothing to add: give one or more files")
        by_source = {path: parse_file(path, fmt) for path in sources}
        quads = [q for path in sources for q in by_source[path]]
        check_provenance(quads)
        report = validate_in_context(self.store, quads, self.vocabulary, self.shapes,
                                     self.compiled_shapes)
        report.findings = self._label(report.findings, quads)
        report.fail_on = _severity(fail_on)
        if not report.conforms:
            counts = report.counts()
            raise ValidationFailed(
                f"{counts['Violation']} violation(s); nothing was written", report)
        fresh = new_quads(self.store, quads)
        texts = plan_files(self.files, sources, by_source)
        written = apply(self.store, fresh, texts)
        graphs = sorted({q.graph_name.value for q in fresh
                         if not isinstance(q.graph_name, DefaultGraph)})
        return AddOutcome(quads=len(fresh), graphs=graphs, files=written)

    # -- statistics ------------------------------------------------------------------------
    def stats(self) -> Stats:
        classes = self.store.query(sparql_prologue() + """
            SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE {
              ?x a ?class . FILTER(!STRSTARTS(STR(?class), STR(owl:)))
              FILTER(!STRSTARTS(STR(?class), STR(rdfs:)))
              FILTER NOT EXISTS { GRAPH ?g { ?x a ?class } FILTER(?g = ?ontology) }
            } GROUP BY ?class ORDER BY DESC(?n) ?class""",
            bindings={"ontology": NamedNode(ONTOLOGY_GRAPH)})
        sources = self.store.query(sparql_prologue() + """
            SELECT ?source (SAMPLE(?title) AS ?name) (COUNT(DISTINCT ?g) AS ?graphs) WHERE {
              ?g prov:wasDerivedFrom ?source .
              OPTIONAL { ?source schema:headline|schema:name ?title }
            } GROUP BY ?source ORDER BY ?source""")
        return Stats(
            triples=len(self.store),
            named_graphs=len(self.store.named_graphs()),
            entities_by_class=[(row[0].value, int(row[1].value)) for row in classes.rows
                               if row[0] is not None and row[1] is not None],
            sources=[(row[0].value, row[1].value if row[1] else "", int(row[2].value))
                     for row in sources.rows if row[0] is not None and row[2] is not None],
        )


def with_prefixes(sparql: str) -> str:
    """The query with the project's prefixes declared, unless it declares its own."""
    if "PREFIX" in sparql.upper():
        return sparql
    return sparql_prologue() + sparql


def _looks_like_name(text: str) -> bool:
    stripped = text.strip()
    return bool(stripped) and all(c.isalnum() or c in "-_" for c in stripped)


def _severity(text: str) -> str:
    mapping = {"violation": "Violation", "warning": "Warning", "info": "Info"}
    try:
        return mapping[text.lower()]
    except KeyError:
        raise UsageError(f"--fail-on must be violation, warning or info (got {text!r})") from None


def build_store(store: Store, files: ProjectFiles) -> None:
    """Fill ``store`` from the project's ontology and data files, in one transaction."""
    store.add_quads([*ontology_quads(files), *data_quads(files)])


def open_project(path: str | Path | None = None, *, store: Store | None = None) -> Project:
    """Open a project folder (default: the current one, else the bundled project).

    Without ``store``, an in-memory Oxigraph store is built from ``ontology/`` and ``data/``.
    """
    from kg.store.embedded import EmbeddedStore

    files = ProjectFiles(find_root(path))
    if store is None:
        store = EmbeddedStore()
        build_store(store, files)
    return Project(files, store)


def validate_data(data: bytes | str, fmt: str = "trig", *, project: Project | None = None,
                  standalone: bool = True, fail_on: str = "Violation") -> ValidationReport:
    """Validate RDF text against the project's shapes, alone or in the project's context."""
    chosen = project if project is not None else open_project()
    return chosen.validate(data=data, fmt=fmt, standalone=standalone, fail_on=fail_on)


__all__ = ["EXPORT_FORMATS", "Project", "Stats", "build_store", "open_project",
           "validate_data", "with_prefixes"]

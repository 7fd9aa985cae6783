"""The library: open a project and query, export, validate, add to and retract from it.

>>> import kg
>>> project = kg.open_project()
>>> len(project.query("visited-sites").rows) > 0
True
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from kg.canonical import canonical_trig, canonical_turtle
from kg.contribute import AddOutcome, plan_add, plan_removal, stage, writable
from kg.errors import UsageError, ValidationFailed
from kg.formats import RDF_FORMAT_NAMES
from kg.namespaces import KGO, ONTOLOGY_GRAPH, PREFIXES, PROV, RDF, RDFS, SKOS
from kg.project import ProjectFiles, data_quads, find_root, ontology_quads, shapes_quads
from kg.queries import NamedQuery, find, parse_value
from kg.rdfio import MAX_INPUT_BYTES, RdfFormat, format_named, parse_bytes, parse_file, serialize
from kg.rdfs import subclasses
from kg.results import QueryResult
from kg.store.base import QueryRequest, Store, Trial
from kg.terms import DefaultGraph, GraphName, NamedNode, Quad, Term, Triple, term_value

if TYPE_CHECKING:
    from kg.validate.judge import Shapes
    from kg.validate.report import Finding, ValidationReport

EXPORT_FORMATS = RDF_FORMAT_NAMES
_PROVENANCE_PREDICATES = {
    PROV + "wasDerivedFrom",
    PROV + "wasQuotedFrom",
    PROV + "hadPrimarySource",
    KGO + "sentenceText",
    KGO + "sentenceNumber",
    KGO + "justification",
}
_LABELS = (SKOS + "prefLabel", "http://xmlns.com/foaf/0.1/name", RDFS + "label", "https://schema.org/name")


@dataclass
class Stats:
    """What the graph holds."""

    triples: int
    named_graphs: int
    entities_by_class: list[tuple[str, int]] = field(default_factory=list)
    sources: list[tuple[str, str, int]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The numbers as JSON-ready values (``kg stats --format json``, the home page's JSON)."""
        return {
            "triples": self.triples,
            "named_graphs": self.named_graphs,
            "entities_by_class": dict(self.entities_by_class),
            "sources": [{"source": s, "name": n, "graphs": c} for s, n, c in self.sources],
        }

    def to_json(self) -> str:
        import json

        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2)


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

    def query(
        self,
        name_or_sparql: str,
        params: Mapping[str, str | Term] | None = None,
        *,
        timeout: float | None = None,
        limit: int | None = None,
        **values: str | Term,
    ) -> QueryResult:
        """Run a named query (by name) or SPARQL text; ``params`` (a mapping, or keywords:
        ``query("visited-sites", lang="ru")``) bind its variables safely, as RDF terms.

        SPARQL text may use the project's prefixes without declaring them. A parameter named
        ``params``, ``timeout`` or ``limit`` goes in the mapping."""
        both = set(params or {}) & set(values)
        if both:
            raise UsageError(f"parameter {sorted(both)[0]!r} is given twice: in params and as a keyword")
        params = {**(params or {}), **values}
        if name_or_sparql.strip() in self.named_queries or _looks_like_name(name_or_sparql):
            named = self.named_query(name_or_sparql.strip())
            return self.store.query(
                QueryRequest(
                    named.text,
                    bindings=named.bindings(params),
                    prefixes=PREFIXES,
                    timeout=timeout,
                    limit=limit,
                )
            )
        bindings = {name: parse_value(value, "term", name) for name, value in (params or {}).items()}
        return self.store.query(
            QueryRequest(name_or_sparql, bindings=bindings, prefixes=PREFIXES, timeout=timeout, limit=limit)
        )

    # -- export ----------------------------------------------------------------------------
    def quads(self, graph: str | None = None, *, provenance: bool = True) -> list[Quad]:
        """The quads to export: all, or one named graph; without provenance, the plain facts
        (each once, without the records that describe the sentence graphs)."""
        if graph is not None:
            name = NamedNode(parse_value(graph, "iri", "graph").value)
            if name not in set(self.store.named_graphs()):
                raise UsageError(f"no named graph <{name.value}> in the store")
            quads = list(self.store.quads(name))
            if provenance:
                return quads
            facts = [Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in quads]
        elif provenance:
            return list(self.store.quads())
        else:
            facts = [Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in self.store.facts()]
        graphs = set(self.store.named_graphs())
        kept = {
            q
            for q in facts
            if not (
                q.subject in graphs
                and (q.predicate.value in _PROVENANCE_PREDICATES or q.predicate.value == RDF + "type")
            )
        }
        return sorted(kept, key=lambda q: (str(q.subject), q.predicate.value, str(q.object)))

    def export(
        self,
        fmt: str = "trig",
        *,
        graph: str | None = None,
        provenance: bool = True,
        frame_class: str | None = None,
    ) -> bytes:
        """The graph serialized: canonical Turtle/TriG, compact JSON-LD, N-Triples, N-Quads,
        RDF/XML. Graph formats (Turtle, N-Triples, RDF/XML) carry each fact once."""
        out = io.BytesIO()
        self.export_to(out, fmt, graph=graph, provenance=provenance, frame_class=frame_class)
        return out.getvalue()

    def export_to(
        self,
        out: IO[bytes],
        fmt: str = "trig",
        *,
        graph: str | None = None,
        provenance: bool = True,
        frame_class: str | None = None,
    ) -> None:
        """:meth:`export` written into ``out``. The whole dataset in canonical TriG, and the
        facts in canonical Turtle, are written graph by graph from a local store, in bounded
        memory (:mod:`kg.canonical_stream`); TriG of a big on-disk store by several processes at
        once (:mod:`kg.canonical_parts`)."""
        chosen = format_named(fmt)
        if (
            chosen.extension in ("trig", "ttl")
            and graph is None
            and provenance
            and self.store.capabilities.local
        ):
            from kg.canonical_stream import write_trig, write_turtle

            if chosen.extension == "trig":
                from kg.canonical_parts import write_trig_in_parts

                if write_trig_in_parts(self.store, out, PREFIXES):
                    return
            write = write_trig if chosen.extension == "trig" else write_turtle
            write(_StoreGraphs(self.store, facts=chosen.extension == "ttl"), out, PREFIXES)
            return
        out.write(self._serialized(chosen, graph, provenance, frame_class))

    def _serialized(
        self, chosen: RdfFormat, graph: str | None, provenance: bool, frame_class: str | None
    ) -> bytes:
        from kg.jsonld import compact, dumps, frame, load_context

        if not chosen.datasets and provenance and graph is None:
            quads = [Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in self.store.facts()]
        else:
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
        ordered = sorted(
            quads, key=lambda q: (str(q.graph_name), str(q.subject), q.predicate.value, str(q.object))
        )
        return serialize(ordered, chosen, prefixes=dict(PREFIXES)) or b""

    def frame_document(self, class_text: str) -> dict[str, Any]:
        """The JSON-LD frame ``export("jsonld", frame_class=...)`` applies: the class and its
        subclasses (RDFS over ``ontology/``) as ``@type``, the project context (docs/jsonld.md)."""
        from kg.jsonld import frame_document, load_context

        return frame_document(load_context(self.files.context_path), self._frame_types(class_text))

    def _frame_types(self, class_text: str) -> list[str]:
        return subclasses(self.vocabulary, parse_value(class_text, "iri", "frame").value)

    # -- validation ------------------------------------------------------------------------
    @functools.cached_property
    def vocabulary(self) -> list[Quad]:
        return list(ontology_quads(self.files))

    @functools.cached_property
    def judge_shapes(self) -> Shapes:
        """The shapes, compiled to SPARQL (pySHACL keeps the shapes that do not compile)."""
        from kg.validate.fast import compile_shapes
        from kg.validate.judge import Shapes
        from kg.validate.shacl import shapes_graph

        graph = shapes_graph(shapes_quads(self.files))
        return Shapes(graph, compile_shapes(graph), self.vocabulary)

    @property
    def shapes(self) -> object:
        """The shapes graph (an ``rdflib.Graph``)."""
        return self.judge_shapes.graph

    @property
    def compiled_shapes(self) -> object:
        return self.judge_shapes.compiled

    def validate_graph(self) -> ValidationReport:
        """Validate everything in the store against the shapes and kg's provenance rules."""
        from kg.validate.judge import judge_store

        report = judge_store(self.store, self.judge_shapes)
        report.findings = self._label(report.findings)
        return report

    def validate(
        self,
        files: Sequence[str | Path] | str | Path = (),
        *,
        data: bytes | str | None = None,
        fmt: str | None = None,
        standalone: bool = False,
        fail_on: str = "Violation",
        base: str | None = None,
        max_bytes: int = MAX_INPUT_BYTES,
    ) -> ValidationReport:
        """Validate new data (files, or ``data`` in ``fmt``) alone or in the graph's context:
        exactly what :meth:`add` would refuse. A file over ``max_bytes`` is refused."""
        new = self.read_contribution(files, data=data, fmt=fmt, base=base, max_bytes=max_bytes)
        return self.validate_change(new, (), standalone=standalone, fail_on=fail_on)

    def validate_change(
        self,
        added: Sequence[Quad],
        removed: Sequence[Quad] = (),
        *,
        standalone: bool = False,
        fail_on: str = "Violation",
    ) -> ValidationReport:
        """The findings a change would bring (nothing is written)."""
        from kg.validate.judge import judge_change, judge_standalone

        if standalone:
            report = judge_standalone(added, self.judge_shapes)
        else:
            report = judge_change(self.store, self.judge_shapes, added, removed, fail_on=_severity(fail_on))
        report.findings = self._label(report.findings, added)
        report.fail_on = _severity(fail_on)
        return report

    def read_contribution(
        self,
        files: Sequence[str | Path] | str | Path = (),
        *,
        data: bytes | str | None = None,
        fmt: str | None = None,
        base: str | None = None,
        max_bytes: int = MAX_INPUT_BYTES,
    ) -> list[Quad]:
        paths = [files] if isinstance(files, str | Path) else list(files)
        quads: list[Quad] = []
        for path in paths:
            quads.extend(parse_file(path, fmt, base_iri=base, max_bytes=max_bytes))
        if data is not None:
            raw = data.encode() if isinstance(data, str) else data
            quads.extend(parse_bytes(raw, format_named(fmt or "trig"), source="<data>", base_iri=base))
        if not paths and data is None:
            raise UsageError("nothing to validate: give one or more files")
        return quads

    def _label(self, findings: Iterable[Finding], extra: Sequence[Quad] = ()) -> list[Finding]:
        items = list(findings)
        labels = self.labels({f.focus for f in items if not f.focus.startswith("_:")}, extra)
        return [replace(f, label=labels.get(f.focus)) for f in items]

    def labels(self, iris: Iterable[str], extra: Sequence[Quad] = ()) -> dict[str, str]:
        """A display label for each IRI: English preferred label, else a name, else any label."""
        wanted = sorted(set(iris))
        out: dict[str, str] = {}
        for q in extra:
            subject, obj = term_value(q.subject), term_value(q.object)
            if q.predicate.value in _LABELS and subject in wanted and obj is not None:
                out.setdefault(subject or "", obj)
        for start in range(0, len(wanted), 200):
            values = " ".join(str(NamedNode(i)) for i in wanted[start : start + 200])
            result = self.store.query(
                QueryRequest(
                    f"SELECT ?x ?l WHERE {{ VALUES ?x {{ {values} }} "
                    "?x skos:prefLabel|foaf:name|rdfs:label|schema:name ?l "
                    "} ORDER BY ?x DESC(LANG(?l) = 'en') ?l",
                    prefixes=PREFIXES,
                )
            )
            for x, label in result.rows:
                if x is not None and label is not None:
                    out.setdefault(x.value, label.value)
        return out

    # -- changing --------------------------------------------------------------------------
    def add(
        self,
        files: Sequence[str | Path] | str | Path,
        *,
        fmt: str | None = None,
        fail_on: str = "Violation",
        base: str | None = None,
        max_bytes: int = MAX_INPUT_BYTES,
    ) -> AddOutcome:
        """Validate ``files`` in context; if they conform, write them to ``data/`` and the store.

        Raises :class:`~kg.errors.ValidationFailed` (with the report) and changes nothing if
        they do not conform.
        """
        writable(self.files)
        sources = [Path(files)] if isinstance(files, str | Path) else [Path(p) for p in files]
        if not sources:
            raise UsageError("nothing to add: give one or more files")
        by_source = {path: parse_file(path, fmt, base_iri=base, max_bytes=max_bytes) for path in sources}
        quads = [q for path in sources for q in by_source[path]]
        texts = plan_add(self.files, sources, by_source)
        self._judged_change(quads, (), texts, fail_on)
        graphs = sorted({q.graph_name.value for q in quads if not isinstance(q.graph_name, DefaultGraph)})
        return AddOutcome(quads=len(set(quads)), graphs=graphs, files=sorted(texts))

    def apply_change(
        self, added: Sequence[Quad], removed: Sequence[Quad] = (), *, fail_on: str = "Violation"
    ) -> ValidationReport:
        """Judge a change and, if it conforms, make it in the store (not in ``data/``): the
        guarded writes of the server. Raises :class:`~kg.errors.ValidationFailed`."""
        return self._judged_change(added, removed, {}, fail_on)

    def retract(
        self, source: str, *, with_inferences: bool = False, fail_on: str = "Violation"
    ) -> AddOutcome:
        """Take a source and every graph derived from it out of ``data/`` and the store, all or
        nothing. Inference graphs that rest on those graphs go too with ``with_inferences``;
        without it their existence refuses the retraction (naming them). Refused, with the
        report, when the rest of the graph would no longer conform."""
        writable(self.files)
        iri = NamedNode(parse_value(source, "iri", "source").value)
        graphs = self._derived_graphs(iri)
        if not graphs:
            raise UsageError(f"no graph in the store is derived from <{iri.value}>")
        resting = self._inferences_on(graphs)
        if resting and not with_inferences:
            names = ", ".join(f"<{g.value}>" for g in resting)
            told = f"inference graphs rest on this source: {names}; retract them too"
            raise UsageError(
                f"{told} (with_inferences=True), or remove them first",
                cli=f"{told} with --with-inferences, or remove them first",
            )
        leaving = [*graphs, *resting]
        texts, _ = plan_removal(self.files, leaving)
        removed = [q for g in leaving for q in self.store.quads(g)]
        self._judged_change((), removed, texts, fail_on)
        return AddOutcome(
            quads=len(removed), graphs=sorted(g.value for g in leaving), files=sorted(texts), verb="retracted"
        )

    def _derived_graphs(self, source: NamedNode) -> list[NamedNode]:
        result = self.store.query(
            QueryRequest(
                "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g prov:wasDerivedFrom ?source } }",
                bindings={"source": source},
                prefixes=PREFIXES,
            )
        )
        return sorted({g for (g,) in result.rows if isinstance(g, NamedNode)}, key=str)

    def _inferences_on(self, graphs: Sequence[NamedNode]) -> list[NamedNode]:
        """Graphs outside ``graphs`` derived (directly or through each other) from them."""
        found: set[NamedNode] = set()
        frontier = set(graphs)
        while frontier:
            values = " ".join(str(g) for g in frontier)
            result = self.store.query(
                QueryRequest(
                    f"SELECT DISTINCT ?g WHERE {{ VALUES ?from {{ {values} }} "
                    "GRAPH ?g { ?g prov:wasDerivedFrom ?from } }",
                    prefixes=PREFIXES,
                )
            )
            new = {g for (g,) in result.rows if isinstance(g, NamedNode)} - found - set(graphs)
            found |= new
            frontier = new
        return sorted(found, key=str)

    def _judged_change(
        self, added: Sequence[Quad], removed: Sequence[Quad], texts: Mapping[Path, str | None], fail_on: str
    ) -> ValidationReport:
        from kg.validate.judge import judge_change

        staged = stage(texts)
        try:

            def commit(trial: Trial) -> None:
                trial.commit(staged.publish)

            report = judge_change(
                self.store, self.judge_shapes, added, removed, fail_on=_severity(fail_on), commit=commit
            )
        finally:
            staged.discard()
        report.findings = self._label(report.findings, added)
        report.fail_on = _severity(fail_on)
        if not report.conforms:
            counts = report.counts()
            raise ValidationFailed(f"{counts['Violation']} violation(s); nothing was written", report)
        self.store.flush()
        return report

    # -- statistics ------------------------------------------------------------------------
    def stats(self) -> Stats:
        classes = self.store.query(
            QueryRequest(
                """
            SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE {
              ?x a ?class . FILTER(!STRSTARTS(STR(?class), STR(owl:)))
              FILTER(!STRSTARTS(STR(?class), STR(rdfs:)))
              FILTER NOT EXISTS { GRAPH ?ontology { ?x a ?class } }
            } GROUP BY ?class ORDER BY DESC(?n) ?class""",
                bindings={"ontology": NamedNode(ONTOLOGY_GRAPH)},
                prefixes=PREFIXES,
            )
        )
        sources = self.store.query(
            QueryRequest(
                """
            SELECT ?source (SAMPLE(?title) AS ?name) (COUNT(DISTINCT ?g) AS ?graphs) WHERE {
              ?g prov:wasDerivedFrom ?source .
              OPTIONAL { ?source schema:headline|schema:name ?title }
            } GROUP BY ?source ORDER BY ?source""",
                prefixes=PREFIXES,
            )
        )
        return Stats(
            triples=self.store.fact_count(),
            named_graphs=len(self.store.named_graphs()),
            entities_by_class=[
                (row[0].value, int(row[1].value))
                for row in classes.rows
                if row[0] is not None and row[1] is not None
            ],
            sources=[
                (row[0].value, row[1].value if row[1] else "", int(row[2].value))
                for row in sources.rows
                if row[0] is not None and row[2] is not None
            ],
        )

    def __repr__(self) -> str:
        return (
            f"<kg.Project {self.files.root} on {self.store.location}: "
            f"{len(self.named_queries)} named queries>"
        )

    def _repr_html_(self) -> str:
        """The project as a notebook shows it: where it is, its store, what it holds."""
        from kg.display import html_facts

        return html_facts(
            [
                ("project", str(self.files.root)),
                ("store", self.store.location),
                ("facts", str(self.store.fact_count())),
                ("named graphs", str(len(self.store.named_graphs()))),
                ("named queries", ", ".join(self.named_queries) or "none"),
            ],
            caption="kg project",
        )


def with_prefixes(sparql: str) -> str:
    """The query with the project's prefixes it uses declared."""
    from kg.sparql_text import with_prologue

    return with_prologue(sparql, dict(PREFIXES))[0]


def _looks_like_name(text: str) -> bool:
    stripped = text.strip()
    return bool(stripped) and all(c.isalnum() or c in "-_" for c in stripped)


def _severity(text: str) -> str:
    mapping = {"violation": "Violation", "warning": "Warning", "info": "Info"}
    try:
        return mapping[text.lower()]
    except KeyError:
        raise UsageError(f"fail_on must be violation, warning or info (got {text!r})") from None


def build_store(store: Store, files: ProjectFiles) -> None:
    """Fill ``store`` from the project's ontology and data files, in one transaction."""
    store.change([*ontology_quads(files), *data_quads(files)])


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


@dataclass(frozen=True)
class _StoreGraphs:
    """A store's graphs for the streaming writer: every graph as given, or the facts alone."""

    store: Store
    facts: bool = False

    def graph_names(self) -> list[GraphName]:
        if self.facts:
            return [DefaultGraph()]
        return [DefaultGraph(), *self.store.named_graphs()]

    def graph_quads(self, graph: GraphName) -> Iterable[Quad | Triple]:
        return self.store.facts() if self.facts else self.store.quads(graph)


def validate_data(
    data: bytes | str,
    fmt: str = "trig",
    *,
    project: Project | None = None,
    standalone: bool = True,
    fail_on: str = "Violation",
) -> ValidationReport:
    """Validate RDF text against the project's shapes, alone or in the project's context."""
    chosen = project if project is not None else open_project()
    return chosen.validate(data=data, fmt=fmt, standalone=standalone, fail_on=fail_on)


__all__ = [
    "EXPORT_FORMATS",
    "Project",
    "Stats",
    "build_store",
    "open_project",
    "validate_data",
    "with_prefixes",
]

"""The SPARQL service description (``GET /sparql`` without a query), in any RDF format.

It says what the W3C SPARQL 1.1 Service Description vocabulary can say (languages, result
formats, features, the default dataset and its named graphs), adds VoID statistics of the
dataset (triples, distinct subjects, properties and objects, classes with their instance
counts), and declares the prefixes the endpoint predeclares as SHACL prefix declarations
(``sh:declare [ sh:prefix "kgo" ; sh:namespace "..."^^xsd:anyURI ]``), so that a client can
write queries without a ``PREFIX`` line, as this server lets it.

Named graphs are listed one by one (with their triple counts) up to
:data:`MAX_LISTED_GRAPHS`; beyond, only their number is given, as ``schema:numberOfItems``
of the ``sd:GraphCollection`` the service names as ``sd:availableGraphs``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.canonical import response_turtle
from kg.namespaces import KGR, PREFIXES, RDF, SCHEMA, SH, XSD
from kg.server.render import Rendered, checked, rdf_body
from kg.terms import BlankNode, Literal, NamedNode, Term, Triple

if TYPE_CHECKING:
    from kg.api import Project
    from kg.server.tasks import Limits

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
FORMATS = "http://www.w3.org/ns/formats/"
MAX_LISTED_GRAPHS = 1000
"""Named graphs the description lists one by one; with more, it gives their number."""
RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)
DESCRIPTION_PREFIXES = {**PREFIXES, "sd": SD, "void": VOID, "formats": FORMATS}


@dataclass(frozen=True)
class Service:
    """What the description says about the server itself."""

    endpoint: str
    updates: bool = False
    federation: bool = False


def _integer(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD + "integer"))


def _count(project: Project, sparql: str) -> list[tuple[Term | None, ...]]:
    return list(project.store.query(sparql).rows)


def description_triples(
    project: Project, service: Service, max_listed: int = MAX_LISTED_GRAPHS
) -> list[Triple]:
    """The description as triples (read from the store: counts are of the facts view)."""
    sd, void = SD, VOID
    node = NamedNode(service.endpoint)
    dataset, default, collection = BlankNode("dataset"), BlankNode("default"), BlankNode("graphs")
    a = NamedNode(RDF + "type")
    out: list[Triple] = []

    def say(subject: NamedNode | BlankNode, predicate: str, obj: Term) -> None:
        out.append(Triple(subject, NamedNode(predicate), obj))

    say(node, RDF + "type", NamedNode(sd + "Service"))
    say(node, sd + "endpoint", node)
    say(node, sd + "supportedLanguage", NamedNode(sd + "SPARQL11Query"))
    if service.updates:
        say(node, sd + "supportedLanguage", NamedNode(sd + "SPARQL11Update"))
    for name in RESULT_FORMATS:
        say(node, sd + "resultFormat", NamedNode(FORMATS + name))
    say(node, sd + "feature", NamedNode(sd + "UnionDefaultGraph"))
    if service.federation:
        say(node, sd + "feature", NamedNode(sd + "BasicFederatedQuery"))
    say(node, sd + "defaultDataset", dataset)
    say(node, sd + "availableGraphs", collection)
    for index, (prefix, namespace) in enumerate(PREFIXES.items()):
        declaration = BlankNode(f"prefix{index}")
        say(node, SH + "declare", declaration)
        say(declaration, RDF + "type", NamedNode(SH + "PrefixDeclaration"))
        say(declaration, SH + "prefix", Literal(prefix))
        say(declaration, SH + "namespace", Literal(namespace, datatype=NamedNode(XSD + "anyURI")))

    for kind in (sd + "Dataset", void + "Dataset"):
        out.append(Triple(dataset, a, NamedNode(kind)))
    say(dataset, sd + "defaultGraph", default)
    say(dataset, void + "sparqlEndpoint", node)
    say(dataset, void + "uriSpace", Literal(KGR))
    say(default, RDF + "type", NamedNode(sd + "Graph"))
    triples = project.store.fact_count()
    say(default, void + "triples", _integer(triples))
    say(dataset, void + "triples", _integer(triples))
    row = _count(
        project,
        "SELECT (COUNT(DISTINCT ?s) AS ?s_) (COUNT(DISTINCT ?p) AS ?p_) "
        "(COUNT(DISTINCT ?o) AS ?o_) WHERE { ?s ?p ?o }",
    )[0]
    for predicate, value in zip(("distinctSubjects", "properties", "distinctObjects"), row, strict=True):
        say(dataset, void + predicate, _integer(int(value.value) if value is not None else 0))
    classes = project.stats().entities_by_class
    say(dataset, void + "classes", _integer(len(classes)))
    for index, (cls, count) in enumerate(classes):
        partition = BlankNode(f"class{index}")
        say(dataset, void + "classPartition", partition)
        say(partition, void + "class", NamedNode(cls))
        say(partition, void + "entities", _integer(count))

    graphs = sorted(project.store.named_graphs(), key=str)
    say(collection, RDF + "type", NamedNode(sd + "GraphCollection"))
    say(collection, SCHEMA + "numberOfItems", _integer(len(graphs)))
    if len(graphs) <= max_listed:
        sizes = {
            row[0].value: int(row[1].value)
            for row in _count(
                project, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
            )
            if row[0] is not None and row[1] is not None
        }
        for index, graph in enumerate(graphs):
            named, inner = BlankNode(f"graph{index}"), BlankNode(f"graph{index}-triples")
            for holder in (dataset, collection):
                say(holder, sd + "namedGraph", named)
            say(named, RDF + "type", NamedNode(sd + "NamedGraph"))
            say(named, sd + "name", graph)
            say(named, sd + "graph", inner)
            say(inner, RDF + "type", NamedNode(sd + "Graph"))
            say(inner, void + "triples", _integer(sizes.get(graph.value, 0)))
    return out


def service_description(
    project: Project, service: Service, media: str, limits: Limits, max_listed: int = MAX_LISTED_GRAPHS
) -> Rendered:
    """The description written in ``media`` (Turtle with the prefixes it uses)."""
    triples = description_triples(project, service, max_listed)
    if media == "text/turtle":
        text, canonical = response_turtle(triples, DESCRIPTION_PREFIXES)
        body = text.encode()
    else:
        body, canonical = rdf_body(project, triples, media)
    charset = "" if media.endswith("json") else "; charset=utf-8"
    return Rendered("graph", media + charset, checked(body, limits.max_bytes), False, canonical)


__all__ = ["MAX_LISTED_GRAPHS", "Service", "description_triples", "service_description"]

"""SERVICE and LOAD in disguise: requests that make a SPARQL engine fetch a URL, written every
way the grammar allows, and decoys that only look like it.

Each entry is a template: ``{base}`` is the listener's address (``http://127.0.0.1:PORT/``),
``{url}`` an endpoint on it, ``{port}`` its port. ``fetches`` says whether Oxigraph, given the request with
fetching allowed, really connects to the listener: the control test proves it for every entry
marked so, so no disguise here is a straw man. ``parses`` says whether rdflib's SPARQL grammar
reads it (an unreadable request is refused with 400, a readable one that fetches with 403).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Disguise:
    name: str
    template: str
    kind: str = "query"  # or "update"
    fetches: bool = True
    parses: bool = True

    def text(self, port: int) -> str:
        """The request, aimed at a listener on ``127.0.0.1:port``."""
        base = f"http://127.0.0.1:{port}/"
        return (
            self.template.replace("{url}", base + "sparql")
            .replace("{base}", base)
            .replace("{port}", str(port))
        )

    def __str__(self) -> str:
        return self.name


W = "{ ?a ?b ?x }"

QUERIES = [
    Disguise("plain", "SELECT ?x WHERE { SERVICE <{url}> " + W + " }"),
    Disguise("lower case", "select ?x where { service <{url}> " + W + " }"),
    Disguise("mixed case", "SELECT ?x WHERE { SeRvIcE <{url}> " + W + " }"),
    Disguise("silent", "SELECT ?x WHERE { SERVICE SILENT <{url}> " + W + " }"),
    Disguise("empty prefix glued", "PREFIX : <{base}> SELECT ?x WHERE { SERVICE:x " + W + " }"),
    Disguise("named prefix", "PREFIX far: <{base}> SELECT ?x WHERE { SERVICE far:sparql " + W + " }"),
    Disguise(
        "prefix called service", "PREFIX service: <{base}> SELECT ?x WHERE { SERVICE service:x " + W + " }"
    ),
    Disguise(
        "escaped local name before",
        r"SELECT ?x WHERE { VALUES ?z { kgr:a\# } SERVICE "
        "<{url}> " + W + " }",
        parses=False,
    ),
    Disguise(
        "escaped local name as service",
        r"PREFIX far: <{base}> SELECT ?x WHERE { SERVICE "
        r"far:sp\-arql " + W + " }",
    ),
    Disguise("comment between", "SELECT ?x WHERE { SERVICE # a remark\n <{url}> " + W + " }"),
    Disguise("comment with braces before", "# } SERVICE { \nSELECT ?x WHERE { SERVICE <{url}> " + W + " }"),
    Disguise("comment hiding nothing", "SELECT ?x WHERE { #\n SERVICE <{url}> " + W + " }"),
    Disguise(
        "unicode escape of keyword", r"SELECT ?x WHERE { \u0053ERVICE <{url}> " + W + " }", fetches=False
    ),
    Disguise("long unicode escape", r"SELECT ?x WHERE { \U00000053ERVICE <{url}> " + W + " }", fetches=False),
    Disguise(
        "fully escaped keyword",
        r"SELECT ?x WHERE { \u0073\u0065\u0072\u0076\u0069\u0063"
        r"\u0065 <{url}> " + W + " }",
        fetches=False,
    ),
    Disguise("escape inside the IRI", r"SELECT ?x WHERE { SERVICE <{base}\u0073parql> " + W + " }"),
    Disguise("subquery", "SELECT ?x WHERE { { SELECT ?x WHERE { SERVICE <{url}> " + W + " } } }"),
    Disguise(
        "nested subqueries",
        "SELECT ?x WHERE { { SELECT ?x WHERE { { SELECT ?x WHERE { SERVICE <{url}> " + W + " } } } } }",
    ),
    Disguise("optional", "SELECT ?x WHERE { OPTIONAL { SERVICE <{url}> " + W + " } }"),
    Disguise("union", "SELECT ?x WHERE { { BIND(1 AS ?x) } UNION { SERVICE <{url}> " + W + " } }"),
    Disguise("minus", "SELECT ?x WHERE { BIND(1 AS ?x) MINUS { SERVICE <{url}> " + W + " } }"),
    Disguise(
        "graph",
        "SELECT ?x WHERE { { BIND(1 AS ?y) } UNION { GRAPH ?g { ?s ?p ?o } } SERVICE <{url}> " + W + " }",
    ),
    Disguise(
        "filter exists", "SELECT ?x WHERE { BIND(1 AS ?x) FILTER EXISTS { SERVICE <{url}> " + W + " } }"
    ),
    Disguise(
        "filter not exists",
        "SELECT ?x WHERE { BIND(1 AS ?x) FILTER NOT EXISTS { SERVICE <{url}> " + W + " } }",
    ),
    Disguise("exists in bind", "SELECT ?e WHERE { BIND(EXISTS { SERVICE <{url}> " + W + " } AS ?e) }"),
    Disguise(
        "exists in order by",
        "SELECT ?x WHERE { BIND(1 AS ?x) } ORDER BY (EXISTS { SERVICE <{url}> " + W + " })",
    ),
    Disguise(
        "service variable from bind iri",
        'SELECT ?x WHERE { BIND(IRI("{url}") AS ?s) SERVICE ?s ' + W + " }",
        fetches=False,
    ),
    Disguise(
        "service variable from concat",
        'SELECT ?x WHERE { BIND(IRI(CONCAT("{base}", "sparql")) AS ?s) SERVICE ?s ' + W + " }",
        fetches=False,
    ),
    Disguise(
        "service variable from values",
        "SELECT ?x WHERE { VALUES ?s { <{url}> } SERVICE ?s " + W + " }",
        fetches=False,
    ),
    Disguise("relative iri with base", "BASE <{base}> SELECT ?x WHERE { SERVICE <sparql> " + W + " }"),
    Disguise(
        "dot segments with base", "BASE <{base}a/b/> SELECT ?x WHERE { SERVICE <../../sparql> " + W + " }"
    ),
    Disguise(
        "second base wins",
        "BASE <http://127.0.0.1:1/> BASE <{base}> SELECT ?x WHERE { SERVICE <sparql> " + W + " }",
    ),
    Disguise(
        "base then prefix", "BASE <{base}> PREFIX far: <./> SELECT ?x WHERE { SERVICE far:sparql " + W + " }"
    ),
    Disguise("construct", "CONSTRUCT { ?a ?b ?x } WHERE { SERVICE <{url}> " + W + " }"),
    Disguise("ask", "ASK { SERVICE <{url}> " + W + " }"),
    Disguise("describe", "DESCRIBE ?x WHERE { SERVICE <{url}> " + W + " }"),
    Disguise("no whitespace", "SELECT ?x WHERE{SERVICE<{url}>{?a ?b ?x}}"),
    Disguise("tabs and newlines", "SELECT ?x WHERE {\n\tSERVICE\n\t<{url}>\n\t" + W + "\n}"),
    Disguise("quote brace decoy", 'SELECT ?x WHERE { BIND("}" AS ?q) SERVICE <{url}> ' + W + " }"),
    Disguise(
        "triple quoted decoy",
        "SELECT ?x WHERE { BIND('''it''s # ''' AS ?q) SERVICE <{url}> " + W + " }",
        parses=False,
    ),
    Disguise(
        "hash inside an iri",
        "SELECT ?x WHERE { OPTIONAL { ?a <http://127.0.0.1:1/#x> ?b } SERVICE <{url}> " + W + " }",
        parses=False,
    ),
    Disguise(
        "hash inside a string", 'SELECT ?x WHERE { BIND("#" AS ?h) SERVICE <{url}> ' + W + " }", parses=False
    ),
    Disguise("variable named service", "SELECT ?SERVICE WHERE { SERVICE <{url}> { ?a ?b ?SERVICE } }"),
    Disguise("padding", "SELECT ?x WHERE {" + " " * 20000 + "SERVICE <{url}> " + W + " }"),
    Disguise("upper case scheme", "SELECT ?x WHERE { SERVICE <HTTP://127.0.0.1:{port}/sparql> " + W + " }"),
    Disguise("percent encoded path", "SELECT ?x WHERE { SERVICE <{base}%73parql> " + W + " }"),
    Disguise(
        "service in service",
        "SELECT ?x WHERE { SERVICE <{url}> { SERVICE <{url}> " + W + " } }",
        parses=False,
    ),
    Disguise(
        "deep in exists in optional",
        "SELECT ?x WHERE { BIND(1 AS ?x) OPTIONAL { BIND(2 AS "
        "?y) FILTER EXISTS { { SELECT ?a WHERE { SERVICE <{url}> " + W + " } } } } }",
    ),
    Disguise("values joined", "SELECT ?x WHERE { VALUES ?i { 1 2 3 } SERVICE <{url}> " + W + " }"),
    Disguise(
        "having exists",
        "SELECT (COUNT(*) AS ?n) WHERE { BIND(1 AS ?x) } GROUP BY ?x "
        "HAVING (EXISTS { SERVICE <{url}> " + W + " })",
    ),
    Disguise("load in a query", "LOAD <{url}>", fetches=False, parses=False),
]

DECOYS = [
    Disguise("keyword in a string", 'SELECT ?x WHERE { BIND("SERVICE <{url}> {}" AS ?x) }', fetches=False),
    Disguise(
        "keyword in a comment", "SELECT ?x WHERE { BIND(1 AS ?x) # SERVICE <{url}> {}\n }", fetches=False
    ),
    Disguise("keyword in an iri", "SELECT ?x WHERE { OPTIONAL { ?x <{base}SERVICE> ?y } }", fetches=False),
    Disguise(
        "keyword as a local name",
        "PREFIX ex: <{base}> SELECT ?x WHERE { OPTIONAL { ?x ex:SERVICE ?y } }",
        fetches=False,
    ),
    Disguise(
        "variables named service and load",
        "SELECT ?service ?load WHERE { BIND(1 AS ?service) BIND(2 AS ?load) }",
        fetches=False,
    ),
    Disguise("load in a literal", 'SELECT ?x WHERE { BIND("LOAD <{url}>" AS ?x) }', fetches=False),
]

UPDATES = [
    Disguise("load", "LOAD <{url}>", "update"),
    Disguise("load lower case", "load <{url}>", "update"),
    Disguise("load silent", "LOAD SILENT <{url}>", "update"),
    Disguise("load into graph", "LOAD <{url}> INTO GRAPH <http://127.0.0.1:1/g>", "update"),
    Disguise("load prefixed name", "PREFIX : <{base}> LOAD :", "update"),
    Disguise("load relative iri", "BASE <{base}> LOAD <sparql>", "update"),
    Disguise("load escaped keyword", r"\u004cOAD <{url}>", "update", fetches=False),
    Disguise("load after comment", "LOAD # remark\n <{url}>", "update"),
    Disguise(
        "load second operation",
        "INSERT DATA { <http://127.0.0.1:1/s> <http://127.0.0.1:1/p> 1 } ; LOAD <{url}>",
        "update",
    ),
    Disguise(
        "insert where service",
        "INSERT { GRAPH <http://127.0.0.1:1/g> { ?a ?b ?x } } WHERE { SERVICE <{url}> " + W + " }",
        "update",
    ),
    Disguise(
        "insert where prefixed service",
        "PREFIX : <{base}> INSERT { GRAPH "
        "<http://127.0.0.1:1/g> { ?a ?b ?x } } WHERE { SERVICE:x " + W + " }",
        "update",
    ),
    Disguise(
        "delete where service",
        "DELETE { GRAPH <http://127.0.0.1:1/g> { ?a ?b ?x } } WHERE { SERVICE <{url}> " + W + " }",
        "update",
    ),
    Disguise(
        "with delete insert service",
        "WITH <http://127.0.0.1:1/g> DELETE { ?a ?b ?x } "
        "INSERT { ?a ?b 1 } WHERE { SERVICE <{url}> " + W + " }",
        "update",
    ),
    Disguise(
        "insert service variable",
        "INSERT { GRAPH <http://127.0.0.1:1/g> { ?a ?b ?x } } "
        'WHERE { BIND(IRI("{url}") AS ?s) SERVICE ?s ' + W + " }",
        "update",
        fetches=False,
    ),
    Disguise(
        "insert escaped local name",
        r"PREFIX kgr: <https://kg.example.org/id/> "
        r"INSERT { GRAPH <http://127.0.0.1:1/g> { ?a ?b ?x } } "
        r"WHERE { VALUES ?z { kgr:a\# } SERVICE <{url}> " + W + " }",
        "update",
        parses=False,
    ),
]

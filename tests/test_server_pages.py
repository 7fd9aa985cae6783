"""Entity pages (linked data), pages for people, the one error shape, escaping, headers."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
import rdflib

from kg.server import Settings
from test_server_support import (
    EVIL_LABEL,
    GREAT_STONE,
    Served,
    project_with_evil_label,
    running,
)

SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
ALT = (rdflib.URIRef(GREAT_STONE), SKOS.altLabel, rdflib.Literal("Veliky Kamen", lang="en"))
PREF_RU = (rdflib.URIRef(GREAT_STONE), SKOS.prefLabel, rdflib.Literal("Великий камень", lang="ru"))
AGREEMENT_SENTENCE = "signed further cooperation agreements with Great Stone Industrial Park."


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    with running(project_with_evil_label(), Settings(max_body=100_000)) as server:
        yield server


# -- linked data -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
        ("application/json", "json-ld"),
        ("*/*", "turtle"),
    ],
)
def test_entity_by_accept(served: Served, accept: str, fmt: str) -> None:
    with served.client() as client:
        response = client.get("/id/great-stone-industrial-park", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["vary"] == "Accept"
    graph = rdflib.Graph().parse(data=response.content, format=fmt)
    assert ALT in graph and PREF_RU in graph
    assert set(graph.subjects()) == {rdflib.URIRef(GREAT_STONE)}


@pytest.mark.parametrize(
    ("ext", "media", "fmt"),
    [
        ("ttl", "text/turtle", "turtle"),
        ("jsonld", "application/ld+json", "json-ld"),
        ("nt", "application/n-triples", "nt"),
    ],
)
def test_entity_by_extension(served: Served, ext: str, media: str, fmt: str) -> None:
    with served.client() as client:
        response = client.get(f"/id/great-stone-industrial-park.{ext}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    graph = rdflib.Graph().parse(data=response.content, format=fmt)
    assert ALT in graph and PREF_RU in graph


def test_jsonld_is_compact_with_the_project_context(served: Served) -> None:
    with served.client() as client:
        document = client.get("/id/great-stone-industrial-park.jsonld").json()
    context = json.loads((served.project.files.context_path).read_text())["@context"]
    assert document["@context"] == context
    assert "http://www.w3.org/2004/02/skos/core#altLabel" not in json.dumps(document)


def test_entity_page_for_people(served: Served) -> None:
    with served.client() as client:
        response = client.get("/id/great-stone-industrial-park", headers={"Accept": "text/html"})
    page = response.text
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<h1 id="title">Great Stone Industrial Park</h1>' in page
    assert page.index('Great Stone Industrial Park<span class="lang">en</span>') < page.index(
        'Великий камень<span class="lang">ru</span>'
    )
    assert "Veliky Kamen" in page and 'Вялікі камень<span class="lang">be</span>' in page
    assert AGREEMENT_SENTENCE in page
    assert 'href="/id/great-stone-industrial-park-site"' in page
    assert 'href="/id/actp-rf-business-mission-results.agreements-great-stone"' in page  # incoming link
    assert "<svg" in page and "<script" not in page.replace(
        "&lt;script", ""
    )  # no script anywhere, escaped label aside


def test_unknown_entity_is_404_in_both_shapes(served: Served) -> None:
    with served.client() as client:
        program = client.get("/id/no-such-thing", headers={"Accept": "text/turtle"})
        person = client.get("/id/no-such-thing", headers={"Accept": "text/html"})
    assert program.status_code == person.status_code == 404
    assert program.json()["error"]["status"] == 404
    assert "Not found" in person.text and "no-such-thing" in person.text


def test_graph_iri_dereferences(served: Served) -> None:
    with served.client() as client:
        response = client.get("/graph/actp-rf-business-mission-results-s03", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert AGREEMENT_SENTENCE in response.text


# -- pages for people --------------------------------------------------------------------------
def test_home_page_and_its_json(served: Served) -> None:
    with served.client() as client:
        page = client.get("/", headers={"Accept": "text/html"})
        numbers = client.get("/", headers={"Accept": "application/json"}).json()
    assert numbers["triples"] == served.project.store.fact_count()
    assert str(numbers["triples"]) in page.text
    assert "Sites the mission visited" in page.text
    assert numbers["sources"]


@pytest.mark.parametrize("text", ["Great Stone", "great stone", "камень", "Вялікі"])
def test_search_in_any_language(served: Served, text: str) -> None:
    with served.client() as client:
        hits = client.get("/search", params={"q": text}, headers={"Accept": "application/json"}).json()
        page = client.get("/search", params={"q": text}, headers={"Accept": "text/html"})
    assert GREAT_STONE in [h["iri"] for h in hits]
    assert 'href="/id/great-stone-industrial-park"' in page.text


def test_named_query_form_and_results(served: Served) -> None:
    with served.client() as client:
        form = client.get("/queries/evidence", headers={"Accept": "text/html"})
        ran = client.get("/queries/visited-sites", headers={"Accept": "text/html"})
        as_csv = client.get("/queries/visited-sites.csv")
        as_json = client.get("/queries/visited-sites.json")
    # a required parameter missing: the form alone; none missing: the query runs at once
    assert 'name="entity"' in form.text and '<table class="results">' not in form.text
    assert 'name="mission"' in ran.text and 'name="run"' not in ran.text
    assert '<span id="row-count">5</span>' in ran.text
    assert 'href="/id/great-stone-industrial-park-site"' in ran.text
    rows = list(csv.reader(io.StringIO(as_csv.text)))
    assert len(rows) == 6
    assert as_csv.headers["content-disposition"] == 'attachment; filename="visited-sites.csv"'
    assert len(as_json.json()["results"]["bindings"]) == 5


def test_named_query_bad_parameter(served: Served) -> None:
    with served.client() as client:
        page = client.get(
            "/queries/visited-sites",
            params={"run": "1", "mission": "not an iri"},
            headers={"Accept": "text/html"},
        )
        program = client.get("/queries/visited-sites.json", params={"mission": "not an iri"})
    assert page.status_code == program.status_code == 400
    assert "not an IRI" in page.text
    assert "not an IRI" in program.json()["error"]["detail"]


def test_sparql_page(served: Served) -> None:
    query = f"SELECT ?label WHERE {{ <{GREAT_STONE}> skos:altLabel ?label }}"
    with served.client() as client:
        page = client.post("/query", data={"query": query}, headers={"Accept": "text/html"})
        bad = client.post("/query", data={"query": "SELECT {"}, headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert 'Veliky Kamen<span class="lang">en</span>' in page.text
    assert bad.status_code == 400
    assert 'id="error"' in bad.text and "&lt;query&gt;:1:" in bad.text


CONTRIBUTION = """@prefix kgr: <https://kg.example.org/id/> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
kgr:actp-rf schema:foundingDate "long ago" .
"""


def test_validation_page(served: Served) -> None:
    with served.client() as client:
        page = client.post(
            "/validate", files={"file": ("new.ttl", CONTRIBUTION.encode())}, headers={"Accept": "text/html"}
        )
        report = client.post(
            "/validate",
            files={"file": ("new.ttl", CONTRIBUTION.encode())},
            headers={"Accept": "application/json"},
        ).json()
    assert page.status_code == 200
    assert "Does not conform" in page.text and "foundingDate" in page.text
    assert report["conforms"] is False and report["standalone"] is False


def test_markup_in_labels_is_shown_as_text(served: Served) -> None:
    with served.client() as client:
        entity = client.get("/id/label-with-markup", headers={"Accept": "text/html"}).text
        great_stone = client.get("/id/great-stone-industrial-park", headers={"Accept": "text/html"}).text
        search = client.get("/search", params={"q": "script"}, headers={"Accept": "text/html"}).text
        sparql = client.get(
            "/query",
            params={"query": "SELECT ?l WHERE { ?x skos:prefLabel ?l FILTER CONTAINS(?l, 'script') }"},
            headers={"Accept": "text/html"},
        ).text
    escaped = "&lt;script&gt;alert(&#34;kg&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"
    for page in (entity, great_stone, search, sparql):
        assert EVIL_LABEL not in page
        assert "<script>" not in page  # the SPARQL page loads scripts by src only
        assert "&lt;script&gt;" in page
    assert escaped in entity


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/search?q=stone",
        "/queries",
        "/query",
        "/queries/visited-sites?run=1",
        "/validate",
        "/id/great-stone-industrial-park",
        "/id/no-such-thing",
    ],
)
def test_pages_need_nothing_the_policy_forbids(served: Served, path: str) -> None:
    with served.client() as client:
        page = client.get(path, headers={"Accept": "text/html"}).text
    parsed = PageParts()
    parsed.feed(page)
    parsed.close()
    assert parsed.inline == [], "inline script, style or event handler"
    assert all(src.startswith("/static/") for src in parsed.loads), parsed.loads
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "").split("<main>")[0]


class PageParts(HTMLParser):
    """What a page loads (script and stylesheet addresses) and what it carries inline."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.loads: list[str] = []
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.inline += [f"<{tag} {name}>" for name, _ in attrs if name == "style" or name.startswith("on")]
        if tag == "style":
            self.inline.append("<style>")
        if tag == "script":
            self._in_script = True
            if not values.get("src"):
                self.inline.append("<script> without src")
            else:
                self.loads.append(str(values["src"]))
        if tag == "link" and values.get("rel") == "stylesheet":
            self.loads.append(str(values.get("href")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline.append("script text")


def test_security_headers_on_pages(served: Served) -> None:
    with served.client() as client:
        page = client.get("/", headers={"Accept": "text/html"})
        data = client.get("/sparql", params={"query": "ASK {}"})
    policy = dict(part.strip().split(" ", 1) for part in page.headers["content-security-policy"].split(";"))
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == policy["style-src"] == policy["connect-src"] == "'self'"
    assert "unsafe" not in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert data.headers["x-content-type-options"] == "nosniff"


# -- one error shape, every route ---------------------------------------------------------------
ERRORS = [
    ("GET", "/nowhere", {}, 404),
    ("DELETE", "/", {}, 405),
    ("GET", "/search", {"params": {"q": "x"}, "method_override": "PUT"}, 405),
    ("GET", "/queries/no-such-query", {}, 404),
    ("GET", "/queries/visited-sites.json", {"params": {"nope": "1"}}, 400),
    ("PUT", "/queries", {}, 405),
    ("PUT", "/query", {}, 405),
    ("POST", "/validate", {"data": {"format": "ttl"}}, 400),
    ("POST", "/validate", {"files": {"file": ("x.ttl", b"<a> <b> .")}}, 400),
    ("GET", "/sparql", {"params": {"query": "ASK {"}}, 400),
    ("PATCH", "/sparql", {}, 405),
    ("POST", "/sparql", {"content": b"ASK {}", "headers": {"Content-Type": "text/plain"}}, 415),
    ("POST", "/sparql", {"data": {"update": "CLEAR ALL"}}, 403),
    ("GET", "/rdf-graphs/service", {}, 400),
    ("GET", "/rdf-graphs/service", {"params": {"graph": "https://kg.example.org/graph/no"}}, 404),
    ("PUT", "/rdf-graphs/service", {"params": {"graph": "https://kg.example.org/graph/x"}}, 403),
    ("GET", "/id/no-such-thing", {}, 404),
    ("GET", "/graph/no-such-graph", {}, 404),
    ("GET", "/static/missing.css", {}, 404),
    (
        "GET",
        "/id/great-stone-industrial-park",
        {"headers": {"Accept": "image/png"}, "programs_only": True},
        406,
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"), ERRORS, ids=lambda v: v if isinstance(v, str) else None
)
def test_error_shape(served: Served, method: str, path: str, kwargs: dict[str, object], status: int) -> None:
    options = dict(kwargs)
    method = str(options.pop("method_override", method))
    programs_only = options.pop("programs_only", False)
    headers = {"Accept": "application/json", **dict(options.pop("headers", {}))}  # type: ignore[call-overload]
    with served.client() as client:
        program = client.request(method, path, headers=headers, **options)  # type: ignore[arg-type]
        person = client.request(
            method,
            path,
            **options,  # type: ignore[arg-type]
            headers={**headers, "Accept": "text/html"},
            follow_redirects=True,
        )  # /sparql sends people to /query
    assert program.status_code == status, program.text
    assert program.headers["content-type"] == "application/json"
    body = program.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "title", "detail"}
    assert body["error"]["status"] == status
    assert isinstance(body["error"]["title"], str) and body["error"]["detail"]
    if programs_only:
        return
    assert person.status_code == status
    assert person.headers["content-type"].startswith("text/html")
    assert 'id="error"' in person.text

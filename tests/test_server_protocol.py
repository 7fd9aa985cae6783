"""The W3C SPARQL 1.1 Protocol tests (query part), run from their manifest against the server.

The manifest is read from ../shared/w3c (never copied here). Each request is sent as written,
with the manifest's ``/sparql/`` path prefix replaced by this server's ``/sparql``; the
manifest's graph data is loaded into named graphs named by its labels.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.dom import minidom

import httpx
import pytest
import rdflib

from kg.rdfio import N_TRIPLES, parse_file
from kg.terms import NamedNode, Quad
from test_server_support import Served, empty_project, running

PROTOCOL = (
    Path(__file__).resolve().parent.parent.parent
    / "shared"
    / "w3c"
    / "rdf-tests"
    / "sparql"
    / "sparql11"
    / "protocol"
)
MANIFEST = PROTOCOL / "manifest.ttl"

EXCLUDED = {
    "update_dataset_default_graph": "an update; the endpoint under test is read-only",
    "update_dataset_default_graphs": "an update; the endpoint under test is read-only",
    "update_dataset_named_graphs": "an update; the endpoint under test is read-only",
    "update_dataset_full": "an update; the endpoint under test is read-only",
    "update_post_form": "an update; the endpoint under test is read-only",
    "update_post_direct": "an update; the endpoint under test is read-only",
    "update_base_uri": "an update; the endpoint under test is read-only",
    "bad_multiple_updates": "a read-only endpoint refuses every update (403) before reading "
    "it, so the expected 4xx would prove nothing about the protocol",
    "bad_update_wrong_media_type": "as bad_multiple_updates: any update is refused with 403",
    "bad_update_missing_form_type": "as bad_multiple_updates: any update is refused with 403",
    "bad_update_non_utf8": "as bad_multiple_updates: any update is refused with 403",
    "bad_update_syntax": "as bad_multiple_updates: any update is refused with 403",
    "bad_update_dataset_conflict": "as bad_multiple_updates: any update is refused with 403",
}

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"


@dataclass
class ProtocolRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[int]
    fmt: str | None
    boolean: bool | None


@dataclass
class ProtocolTest:
    id: str
    name: str
    requests: list[ProtocolRequest]


def _read_manifest() -> tuple[list[ProtocolTest], dict[str, Path]]:
    graph = rdflib.Graph().parse(MANIFEST, format="turtle")
    entries = rdflib.collection.Collection(graph, next(graph.objects(None, MF.entries)))
    tests, data = [], {}
    for entry in entries:
        for graph_data in graph.objects(entry, UT.graphData):
            file = graph.value(graph_data, UT.graph)
            label = graph.value(graph_data, rdflib.RDFS.label)
            data[str(label)] = PROTOCOL / str(file).rsplit("/", 1)[-1]
        action = graph.value(entry, MF.action)
        requests = []
        for request in rdflib.collection.Collection(graph, graph.value(action, HT.requests)):
            headers = {}
            header_list = graph.value(request, HT.headers)
            if header_list is not None:
                for header in rdflib.collection.Collection(graph, header_list):
                    headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
            body_node = graph.value(request, HT.body)
            body = None
            if body_node is not None:
                encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(graph.value(body_node, CNT.chars)).encode(encoding)
            response = graph.value(request, HT.resp)
            statuses = {int(str(s).removeprefix(HTS)[0]) for s in graph.objects(response, MF.expectedStatus)}
            fmt = graph.value(response, MF.expectedFormat)
            boolean = graph.value(response, MF.expectedBoolean)
            rest = str(graph.value(request, HT.absolutePath)).removeprefix("/sparql/")
            requests.append(
                ProtocolRequest(
                    method=str(graph.value(request, HT.methodName)),
                    path="/sparql" + rest,
                    headers=headers,
                    body=body,
                    statuses=statuses,
                    fmt=None if fmt is None else str(fmt),
                    boolean=None if boolean is None else bool(boolean.toPython()),
                )
            )
        tests.append(ProtocolTest(str(entry).rsplit("#", 1)[-1], str(graph.value(entry, MF.name)), requests))
    return tests, data


TESTS, DATA = _read_manifest() if MANIFEST.is_file() else ([], {})


def test_manifest_is_read() -> None:
    assert MANIFEST.is_file(), f"the W3C protocol manifest is missing: {MANIFEST}"
    assert len(TESTS) == 34
    assert set(EXCLUDED) <= {t.id for t in TESTS}


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    project = empty_project()
    for label, path in DATA.items():
        project.store.add_quads(
            Quad(q.subject, q.predicate, q.object, NamedNode(label)) for q in parse_file(path, N_TRIPLES)
        )
    with running(project) as server:
        yield server


def _check(response: httpx.Response, expected: ProtocolRequest) -> None:
    assert response.status_code // 100 in expected.statuses, response.text
    media = response.headers.get("content-type", "").split(";")[0]
    if expected.fmt == "boolean":
        if media == "application/sparql-results+json":
            value = json.loads(response.text)["boolean"]
        else:
            assert media == "application/sparql-results+xml"
            node = minidom.parseString(response.content)  # noqa: S318 - our own server's output.getElementsByTagName("boolean")[0]
            value = node.firstChild.data == "true"
        if expected.boolean is not None:
            assert value is expected.boolean
    elif expected.fmt == "tabular":
        assert media in (
            "application/sparql-results+json",
            "application/sparql-results+xml",
            "text/csv",
            "text/tab-separated-values",
        )
        if media == "application/sparql-results+json":
            assert "bindings" in response.json()["results"]
    elif expected.fmt == "RDF":
        fmt = {
            "text/turtle": "turtle",
            "application/n-triples": "nt",
            "application/rdf+xml": "xml",
            "application/ld+json": "json-ld",
        }[media]
        rdflib.Graph().parse(data=response.content, format=fmt)


@pytest.mark.parametrize("test", [t for t in TESTS if t.id not in EXCLUDED], ids=lambda t: t.id)
def test_protocol(served: Served, test: ProtocolTest) -> None:
    with served.client() as client:
        for request in test.requests:
            response = client.request(
                request.method, request.path, headers=request.headers, content=request.body
            )
            _check(response, request)

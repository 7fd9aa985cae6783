"""Every result view pages and downloads: the SPARQL page, named queries and search show 100
rows a page with links to the others and the row count; ``.json``, ``.csv`` and ``.tsv`` give
the whole result within the server's caps; a named query's URL with its parameters runs."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from html import unescape

import pytest
import rdflib

from kg.server import Settings
from test_server_support import Served, fresh_project, running

ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    with running(fresh_project()) as server:
        yield server


@pytest.fixture(scope="module")
def capped() -> Iterator[Served]:
    with running(fresh_project(), Settings(max_rows=50)) as server:
        yield server


def _rows(page: str) -> list[list[str]]:
    """The result table's cells, as their markup (the text, and where the value links to)."""
    body = page.split('<table class="results">', 1)[1].split("</table>", 1)[0]
    return [
        re.findall(r"<td>(.*?)</td>", row, re.S)
        for row in re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S)
    ]


def _link(page: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}"', page)
    return unescape(found.group(1)) if found else None


def _count(page: str) -> int:
    found = re.search(r'<span id="row-count">(\d+)</span>', page)
    assert found, "the page says how many rows there are"
    return int(found.group(1))


def test_the_sparql_page_pages_through_the_whole_result(served: Served) -> None:
    total = len(served.project.query(ALL))
    assert total > 300
    seen: list[list[str]] = []
    with served.client() as client:
        page = client.get("/query", params={"query": ALL}, headers=HTML).text
        assert _count(page) == total
        assert len(_rows(page)) == 100
        assert _link(page, "prev") is None
        for _ in range(total // 100 + 2):  # bounded: one more than the pages there are
            rows = _rows(page)
            seen.extend(rows)
            following = _link(page, "next")
            if following is None:
                break
            assert "offset=" in following and "run=" not in following
            page = client.get(following, headers=HTML).text
        assert len(rows) == total - 100 * (total // 100) or len(rows) == 100
        last = client.get(_link(page, "first") or "", headers=HTML).text
    assert len(seen) == total
    assert _rows(last) == seen[:100]
    assert len({tuple(r) for r in seen}) == total  # each row once: pages neither overlap nor skip


def test_a_page_size_and_where_it_starts(served: Served) -> None:
    with served.client() as client:
        page = client.get("/query", params={"query": ALL, "limit": "25", "offset": "50"}, headers=HTML).text
        assert len(_rows(page)) == 25
        assert re.search(r'<span id="first-row">51</span>–<span id="last-row">75</span>', page)
        following = _link(page, "next") or ""
        assert "limit=25" in following and "offset=75" in following
        assert "offset=25" in (_link(page, "prev") or "")
        for bad in ({"offset": "-1"}, {"limit": "0"}, {"limit": "1001"}, {"offset": "x"}):
            assert client.get("/query", params={"query": ALL, **bad}, headers=HTML).status_code == 400


@pytest.mark.parametrize("ext", ["json", "csv", "tsv"])
def test_sparql_page_downloads_hold_the_whole_result(served: Served, ext: str) -> None:
    total = len(served.project.query(ALL))
    with served.client() as client:
        page = client.get("/query", params={"query": ALL}, headers=HTML).text
        href = unescape(re.search(rf'<a href="(/query\.{ext}\?[^"]+)" class="download">', page).group(1))
        download = client.get(href)
    assert download.status_code == 200
    assert download.headers["content-disposition"] == f'attachment; filename="query.{ext}"'
    if ext == "json":
        assert len(download.json()["results"]["bindings"]) == total
    elif ext == "csv":
        assert len(list(csv.reader(io.StringIO(download.text)))) == total + 1
    else:
        assert download.text.splitlines()[0] == "?s\t?p\t?o" and len(download.text.splitlines()) == total + 1


def test_a_construct_downloads_as_rdf(served: Served) -> None:
    query = "CONSTRUCT { ?s skos:prefLabel ?l } WHERE { ?s skos:prefLabel ?l }"
    expected = len(served.project.query(query))
    with served.client() as client:
        page = client.get("/query", params={"query": query}, headers=HTML).text
        links = re.findall(r'<a href="(/query\.(\w+)\?[^"]+)" class="download">', page)
        assert [ext for _, ext in links] == ["ttl", "nt", "jsonld", "rdf"]
        for href, ext in links:
            graph = rdflib.Graph().parse(
                data=client.get(unescape(href)).content,
                format={"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}[ext],
            )
            assert len(graph) == expected
        assert client.get("/query.csv", params={"query": query}).status_code == 406
        assert client.get("/query.xlsx", params={"query": query}).status_code == 404


def test_downloads_stop_at_the_servers_row_limit_and_say_so(capped: Served) -> None:
    with capped.client() as client:
        download = client.get("/query.csv", params={"query": ALL})
        page = client.get("/query", params={"query": ALL, "limit": "20", "offset": "40"}, headers=HTML).text
    assert len(download.text.splitlines()) == 51
    assert download.headers["kg-results-truncated"] == "50"
    assert (
        "more than 50 (cut at the server&#39;s limit)" in page
        or "more than 50 (cut at the server's limit)" in page
    )
    assert len(_rows(page)) == 10


def test_a_named_query_with_its_parameters_runs_at_once(served: Served) -> None:
    expected = served.project.query("evidence", entity="kgr:actp-rf")
    assert len(expected) > 0
    with served.client() as client:
        form = client.get("/queries/evidence", headers=HTML).text
        ran = client.get("/queries/evidence", params={"entity": "kgr:actp-rf"}, headers=HTML).text
        old = client.get("/queries/evidence", params={"entity": "kgr:actp-rf", "run": "1"}, headers=HTML).text
        downloads = {
            ext: client.get("/queries/evidence." + ext, params={"entity": "kgr:actp-rf"})
            for ext in ("json", "csv", "tsv")
        }
    assert '<table class="results">' not in form and 'name="entity"' in form
    assert _count(ran) == len(expected) == _count(old)
    assert 'name="run"' not in ran
    assert len(downloads["json"].json()["results"]["bindings"]) == len(expected)
    assert len(list(csv.reader(io.StringIO(downloads["csv"].text)))) == len(expected) + 1
    assert downloads["tsv"].text.splitlines()[0].split("\t") == [f"?{v}" for v in expected.variables]
    links = re.findall(r'<a href="([^"]+)" class="download">', ran)
    assert [unescape(h) for h in links] == [
        f"/queries/evidence.{e}?entity=kgr%3Aactp-rf" for e in ("json", "csv", "tsv")
    ]


def test_search_pages_and_downloads(served: Served) -> None:
    with served.client() as client:
        hits = client.get("/search", params={"q": "a"}, headers={"Accept": "application/json"}).json()
        everything = client.get("/search.json", params={"q": "a"}).json()
        page = client.get("/search", params={"q": "a", "limit": "10"}, headers=HTML).text
        second = client.get(_link(page, "next") or "", headers=HTML).text
        as_csv = list(csv.reader(io.StringIO(client.get("/search.csv", params={"q": "a"}).text)))
        as_tsv = client.get("/search.tsv", params={"q": "a"}).text.splitlines()
    total = len(everything)
    assert total > 20
    assert hits == everything[:100]  # the JSON answer is the first page, in the same order
    assert _count(page) == total
    assert page.count('<li class="hit">') == 10 and second.count('<li class="hit">') == 10
    titles = [unescape(t) for t in re.findall(r"<strong>(.*?)</strong>", page + second)]
    assert titles == [h["label"] for h in everything[:20]]
    assert as_csv[0] == ["entity", "label", "types", "matched"] and len(as_csv) == total + 1
    assert as_tsv[0] == "?entity\t?label\t?types\t?matched" and len(as_tsv) == total + 1
    assert [row[0] for row in as_csv[1:]] == [h["iri"] for h in everything]
    assert json.dumps(everything)  # plain JSON, the shape the search answers programs with

"""Input that asks kg to fetch, read or expand something: refused, and nothing is fetched.

RDF/XML with a DOCTYPE (billion laughs, external entities reading local files or URLs) and
JSON-LD with remote contexts are refused with an :class:`UnsafeInputError`; a local HTTP server
counts the requests, to show that none was made.
"""

from __future__ import annotations

import http.server
import io
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from tests.conftest import run_kg

from kg.errors import UnsafeInputError
from kg.rdfio import JSON_LD, RDF_XML, guarded, iter_parse_file, parse_bytes, parse_file
from kg.store.embedded import EmbeddedStore

RDFXML_HEAD = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://example.org/">'
)


class Counter(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Counter.hits.append(self.path)
        body = b'{"@context": {"name": "http://example.org/name"}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that serves a context at any path and records every request."""
    Counter.hits = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Counter)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", Counter.hits
    finally:
        httpd.shutdown()
        httpd.server_close()


def _entity_doc(doctype: str, body: str = "&e;") -> bytes:
    return (
        '<?xml version="1.0"?>\n'
        + doctype
        + "\n"
        + RDFXML_HEAD
        + '<rdf:Description rdf:about="http://example.org/a"><e:p>'
        + body
        + "</e:p></rdf:Description></rdf:RDF>\n"
    ).encode()


BILLION_LAUGHS = (
    '<!DOCTYPE rdf:RDF [\n <!ENTITY a "lol">\n'
    + "".join(f' <!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">\n' for i in range(9))
    + "]>"
)


def xxe(target: str) -> str:
    return f'<!DOCTYPE rdf:RDF [<!ENTITY e SYSTEM "{target}">]>'


def test_billion_laughs_is_refused_at_the_doctype(tmp_path: Path) -> None:
    path = tmp_path / "laughs.rdf"
    path.write_bytes(_entity_doc(BILLION_LAUGHS, "&j;"))
    with pytest.raises(UnsafeInputError, match=rf"^{re.escape(str(path))}:2:1: RDF/XML with a DOCTYPE"):
        parse_file(path)


def test_an_external_entity_never_reads_the_local_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("the secret")
    path = tmp_path / "xxe.rdf"
    path.write_bytes(_entity_doc(xxe(secret.as_uri())))
    with pytest.raises(UnsafeInputError, match="DOCTYPE or entity declaration is refused"):
        parse_file(path)


def test_an_external_entity_or_dtd_is_never_fetched(server: tuple[str, list[str]], tmp_path: Path) -> None:
    url, hits = server
    for doctype in (
        xxe(f"{url}/entity"),
        f'<!DOCTYPE rdf:RDF SYSTEM "{url}/dtd">',
        f'<!DOCTYPE rdf:RDF [<!ENTITY % p SYSTEM "{url}/param"> %p;]>',
    ):
        path = tmp_path / "remote.rdf"
        path.write_bytes(_entity_doc(doctype))
        with pytest.raises(UnsafeInputError):
            parse_file(path)
        with pytest.raises(UnsafeInputError):
            list(iter_parse_file(path, RDF_XML))
    assert hits == []


@pytest.mark.parametrize("layout", ["after-70k-comment", "inside-the-root", "lower-case", "after-the-root"])
def test_a_doctype_is_refused_wherever_it_stands(layout: str, tmp_path: Path) -> None:
    # Oxigraph expands internal entities wherever the declaration is, not only in the prolog.
    declaration = (
        '<!doctype r [<!ENTITY e "expanded">]>'
        if layout == "lower-case"
        else '<!DOCTYPE r [<!ENTITY e "expanded">]>'
    )
    inner = '<rdf:Description rdf:about="http://example.org/a"><e:p>&e;</e:p></rdf:Description>'
    text = {
        "after-70k-comment": f"<!--{'x' * 70_000}-->\n{declaration}\n{RDFXML_HEAD}{inner}</rdf:RDF>",
        "inside-the-root": f"{RDFXML_HEAD}\n{declaration}\n{inner}</rdf:RDF>",
        "lower-case": f'<?xml version="1.0"?>\n{declaration}\n{RDFXML_HEAD}{inner}</rdf:RDF>',
        "after-the-root": f"{RDFXML_HEAD}{inner.replace('&e;', 'x')}</rdf:RDF>\n{declaration}",
    }[layout]
    path = tmp_path / "doctype.rdf"
    path.write_text(text)
    with pytest.raises(UnsafeInputError, match=r"doctype\.rdf:2:1: RDF/XML with a DOCTYPE"):
        parse_file(path)
    with pytest.raises(UnsafeInputError, match=r"doctype\.rdf:2:1: RDF/XML with a DOCTYPE"):
        list(iter_parse_file(path, RDF_XML))
    store = EmbeddedStore()
    with pytest.raises(UnsafeInputError):
        store.load_file(path, "xml")
    assert len(store) == 0


def test_a_doctype_cut_between_two_chunks_of_a_stream_is_still_seen() -> None:
    declaration = b'<!DOCTYPE r SYSTEM "http://127.0.0.1:9/r.dtd">'
    data = b"<!--" + b"x" * 100 + b"-->" + declaration + RDFXML_HEAD.encode() + b"</rdf:RDF>"
    start = data.index(declaration)
    for cut in range(start + 1, start + 9):  # every cut inside "<!DOCTYPE"
        reader = guarded(io.BytesIO(data), RDF_XML, "stream")
        reader.read(cut)
        with pytest.raises(UnsafeInputError, match=r"^stream:1:1: RDF/XML with a DOCTYPE"):
            reader.read(len(data))


def test_billion_laughs_through_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "laughs.rdf"
    path.write_bytes(_entity_doc(BILLION_LAUGHS, "&j;"))
    done = run_kg("validate", "--standalone", path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"kg: error: {path}:2:1: RDF/XML with a DOCTYPE or entity declaration is refused "
        "(entities can expand without bound or read local files)"
    ]


# -- JSON-LD remote contexts ------------------------------------------------------------------

REMOTE_CONTEXTS = {
    "string": '{{"@context": "{url}/context.jsonld", "@id": "http://example.org/a", "name": "x"}}',
    "list": '{{"@context": [{{"ex": "http://example.org/"}}, "{url}/c"], "@id": "ex:a", "ex:p": "x"}}',
    "nested-node": '{{"@id": "http://example.org/a", "http://example.org/p": '
    '{{"@context": "{url}/nested", "@id": "http://example.org/b", "name": "x"}}}}',
    "import": '{{"@context": {{"@version": 1.1, "@import": "{url}/import"}}, '
    '"@id": "http://example.org/a", "name": "x"}}',
    "property-scoped": '{{"@context": {{"@version": 1.1, "p": {{"@id": "http://example.org/p", '
    '"@context": "{url}/scoped"}}}}, "@id": "http://example.org/a", '
    '"p": {{"name": "x"}}}}',
    "type-scoped": '{{"@context": {{"@version": 1.1, "T": {{"@id": "http://example.org/T", '
    '"@context": "{url}/typed"}}}}, "@id": "http://example.org/a", "@type": "T", '
    '"name": "x"}}',
    "relative": '{{"@context": "context.jsonld", "@id": "http://example.org/a", "name": "x"}}',
}


@pytest.mark.parametrize("case", REMOTE_CONTEXTS, ids=list(REMOTE_CONTEXTS))
def test_a_remote_jsonld_context_is_refused_and_never_fetched(
    case: str, server: tuple[str, list[str]]
) -> None:
    url, hits = server
    data = REMOTE_CONTEXTS[case].format(url=url).encode()
    with pytest.raises(
        UnsafeInputError,
        match=r"^doc:1:1: the JSON-LD document asks for a remote context, which kg "
        r"never fetches",
    ):
        parse_bytes(data, JSON_LD, source="doc", base_iri=f"{url}/doc.jsonld")
    assert hits == []


def test_a_remote_context_through_the_command_line_is_not_fetched(
    server: tuple[str, list[str]], tmp_path: Path
) -> None:
    url, hits = server
    path = tmp_path / "remote.jsonld"
    path.write_text(REMOTE_CONTEXTS["string"].format(url=url))
    done = run_kg("validate", "--standalone", path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert re.fullmatch(
        rf"kg: error: {re.escape(str(path))}:1:1: the JSON-LD document asks for "
        r"a remote context, which kg never fetches; .*\n",
        done.stderr,
    )
    assert hits == []


def test_an_inline_context_is_used(server: tuple[str, list[str]]) -> None:
    _, hits = server
    data = b'{"@context": {"name": "http://example.org/name"}, "@id": "http://example.org/a", "name": "x"}'
    (quad,) = parse_bytes(data, JSON_LD)
    assert quad.predicate.value == "http://example.org/name"
    assert hits == []

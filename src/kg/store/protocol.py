"""The SPARQL 1.1 Protocol, spoken through SPARQLWrapper: requests, answers, and what went wrong.

Answers become ``kg`` terms and a :class:`~kg.results.QueryResult`, exactly as the embedded
store gives them, so nothing above the seam can tell the stores apart. Every failure becomes one
:class:`~kg.errors.EndpointError` whose message says what happened in a user's words: the
endpoint is unreachable, refused the login, timed out, answered with an HTTP error (and the
server's own message), or is not a SPARQL endpoint at all.
"""

from __future__ import annotations

import ast
import base64
import json
import re
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http.client import HTTPException, HTTPResponse
from typing import Any
from urllib.parse import urlencode

from SPARQLWrapper import BASIC, POST, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    SPARQLWrapperException,
    Unauthorized,
    URITooLong,
)

from kg.errors import EndpointError, InputError, UsageError
from kg.rdfio import format_named, parse_bytes
from kg.results import QueryResult, Row
from kg.terms import BlankNode, Literal, NamedNode, Term

RESULTS_JSON = "application/sparql-results+json"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
MESSAGE_LIMIT = 300
"""Characters of a server's error message worth showing on one line."""

_STATUS = {
    QueryBadFormed: 400,
    Unauthorized: 401,
    EndPointNotFound: 404,
    URITooLong: 414,
    EndPointInternalError: 500,
}


@dataclass(frozen=True)
class Endpoint:
    """Where and how to reach a SPARQL service."""

    query_url: str
    update_url: str
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: its body, media type and the headers that matter."""

    body: bytes
    media_type: str
    headers: dict[str, str]


def send(
    endpoint: Endpoint,
    text: str,
    *,
    update: bool,
    accept: str,
    timeout: float | None = None,
    default_graphs: Sequence[str] = (),
    named_graphs: Sequence[str] = (),
) -> Answer:
    """POST a query or an update (form-encoded, so that long ones fit) and read the answer;
    ``default_graphs`` and ``named_graphs`` are the protocol's dataset of a query."""
    url = endpoint.update_url if update else endpoint.query_url
    wrapper = SPARQLWrapper(endpoint.query_url, updateEndpoint=endpoint.update_url)
    wrapper.setOnlyConneg(True)  # no format=xml parameter: Virtuoso would answer 406
    wrapper.setMethod(POST)
    wrapper.setRequestMethod(URLENCODED)
    wrapper.setTimeout(max(1, round(timeout or endpoint.timeout)))
    if endpoint.user is not None:
        wrapper.setHTTPAuth(BASIC)
        wrapper.setCredentials(endpoint.user, endpoint.password or "")
    # Whether this is a query or an update is known here; SPARQLWrapper's own guess searches
    # the text for keywords and takes "address" in a comment for the update ADD.
    wrapper.queryString = text
    wrapper.queryType = "INSERT" if update else "SELECT"
    wrapper.addCustomHttpHeader("Accept", accept)
    for iri in default_graphs:
        wrapper.addDefaultGraph(iri)
    for iri in named_graphs:
        wrapper.addNamedGraph(iri)
    with _translated(url, timeout or endpoint.timeout):
        response: HTTPResponse = wrapper.query().response
        body = response.read()
        headers = {k.lower(): v for k, v in response.getheaders()}
    media_type = headers.get("content-type", "").split(";")[0].strip().lower()
    return Answer(body=body, media_type=media_type, headers=headers)


def post_graph(endpoint: Endpoint, gsp_url: str, graph_iri: str, ntriples: bytes) -> None:
    """Add N-Triples to one graph with the Graph Store Protocol (``POST ?graph=IRI``)."""
    url = f"{gsp_url}{'&' if '?' in gsp_url else '?'}{urlencode({'graph': graph_iri})}"
    request = urllib.request.Request(  # noqa: S310
        url,
        data=ntriples,
        method="POST",
        headers={"Content-Type": "application/n-triples"},
    )
    if endpoint.user is not None:
        token = base64.b64encode(f"{endpoint.user}:{endpoint.password or ''}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    with (
        _translated(gsp_url, endpoint.timeout),
        urllib.request.urlopen(request, timeout=endpoint.timeout) as response,  # noqa: S310
    ):
        response.read()


@contextmanager
def _translated(url: str, timeout: float) -> Iterator[None]:
    """Every way an HTTP exchange fails, as one :class:`EndpointError` in a user's words."""
    try:
        yield
    except SPARQLWrapperException as error:
        raise _http_error(url, _STATUS.get(type(error), 0), _wrapped_body(error)) from None
    except urllib.error.HTTPError as error:
        raise _http_error(url, error.code, _read(error)) from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError | socket.timeout):
            raise _timeout(url, timeout) from None
        raise EndpointError(f"{url}: cannot reach the endpoint ({_reason(error.reason)})") from None
    except TimeoutError:
        raise _timeout(url, timeout) from None
    except (OSError, HTTPException) as error:
        raise EndpointError(f"{url}: the connection failed ({_reason(error)})") from None


def solutions(answer: Answer, url: str) -> QueryResult:
    """A SELECT or ASK answer (SPARQL 1.1 Query Results JSON) as a query result."""
    _refuse_html(answer, url)
    try:
        doc: dict[str, Any] = json.loads(answer.body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _not_sparql(url, answer) from None
    if "boolean" in doc:
        return QueryResult(kind="ask", boolean=bool(doc["boolean"]))
    try:
        variables = [str(v) for v in doc["head"]["vars"]]
        bindings = doc["results"]["bindings"]
        rows: list[Row] = [tuple(_term(b[v]) if v in b else None for v in variables) for b in bindings]
    except (KeyError, TypeError, ValueError) as error:
        raise EndpointError(f"{url}: the endpoint's results are malformed ({error})") from None
    _refuse_truncated(answer, url, len(rows))
    return QueryResult(kind="select", variables=variables, rows=rows)


def graph(answer: Answer, url: str) -> QueryResult:
    """A CONSTRUCT or DESCRIBE answer (N-Triples, Turtle or RDF/XML) as a query result."""
    _refuse_html(answer, url)
    try:
        chosen = format_named(answer.media_type or "application/n-triples")
    except UsageError:
        raise _not_sparql(url, answer) from None
    try:
        quads = parse_bytes(answer.body, chosen, source=url)
    except InputError as error:
        raise EndpointError(f"{url}: the endpoint's RDF is malformed ({error})") from None
    _refuse_truncated(answer, url, len(quads))
    return QueryResult(kind="graph", triples=[q.triple for q in quads])


def ask_is_sparql(answer: Answer, url: str) -> None:
    """Raise unless ``answer`` is a SPARQL boolean: the check that a URL is an endpoint."""
    result = solutions(answer, url)
    if result.kind != "ask":
        raise _not_sparql(url, answer)


# -- terms ------------------------------------------------------------------------------------
_BNODE_SAFE = re.compile(r"[^A-Za-z0-9]")


def _term(value: dict[str, str]) -> Term:
    kind = value["type"]
    text = value["value"]
    if kind == "uri":
        return NamedNode(text)
    if kind == "bnode":
        return BlankNode(_bnode_label(text))
    if kind in ("literal", "typed-literal"):  # "typed-literal" is SPARQL 1.0 JSON (Virtuoso)
        if "xml:lang" in value:
            return Literal(text, language=value["xml:lang"])
        if "datatype" in value:
            return Literal(text, datatype=NamedNode(value["datatype"]))
        return Literal(text)
    raise ValueError(f"unknown term type {kind!r}")


def _bnode_label(label: str) -> str:
    """A valid blank node label for any server's label (Virtuoso says ``nodeID://b10001``);
    one-to-one, so that two nodes never merge."""
    if label and label.isascii() and label.isalnum():
        return label
    return "x" + _BNODE_SAFE.sub(lambda m: f"_{ord(m.group()):x}_", label)


# -- failures ---------------------------------------------------------------------------------
def _http_error(url: str, status: int, body: bytes) -> EndpointError:
    message = _server_message(body)
    if status in (401, 403):
        what = "refused the login" if status == 401 else "refused access"
        hint = "check --user and --password (or KG_USER, KG_PASSWORD)"
        detail = f": {message}" if message else ""
        return EndpointError(f"{url}: the endpoint {what} (HTTP {status}){detail}; {hint}")
    if status == 404:
        return EndpointError(
            f"{url}: no SPARQL endpoint at this address (HTTP 404)" + (f": {message}" if message else "")
        )
    label = f"HTTP {status}" if status else "an HTTP error"
    return EndpointError(f"{url}: the endpoint answered {label}" + (f": {message}" if message else ""))


def _server_message(body: bytes) -> str:
    """The server's own words, on one line, without HTML markup."""
    text = body.decode("utf-8", errors="replace")
    if "<" in text and ">" in text and re.search(r"<(html|body|h1|p|title)\b", text, re.I):
        text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.I | re.S)
        text = re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 1] + "…"


def _wrapped_body(error: SPARQLWrapperException) -> bytes:
    """The response body SPARQLWrapper folded into its message (as the repr of the bytes)."""
    _, sep, tail = str(error).partition("\n\nResponse:\n")
    if not sep:
        return b""
    try:
        value = ast.literal_eval(tail.strip())
    except (ValueError, SyntaxError):
        return tail.encode()
    return value if isinstance(value, bytes) else str(value).encode()


def _read(error: urllib.error.HTTPError) -> bytes:
    try:
        return error.read()
    except (OSError, HTTPException):
        return b""


def _reason(reason: object) -> str:
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or type(reason).__name__


def _timeout(url: str, seconds: float) -> EndpointError:
    return EndpointError(
        f"{url}: the endpoint did not answer within {seconds:g} s "
        "(timed out); nothing was changed by this request"
    )


def _refuse_html(answer: Answer, url: str) -> None:
    if answer.media_type in ("text/html", "application/xhtml+xml") or answer.body.lstrip()[
        :15
    ].lower().startswith((b"<!doctype html", b"<html")):
        raise _not_sparql(url, answer)


def _not_sparql(url: str, answer: Answer) -> EndpointError:
    shown = answer.media_type or "no media type"
    return EndpointError(
        f"{url}: this is not a SPARQL endpoint (it answered with {shown}, not SPARQL results); check the URL"
    )


def _refuse_truncated(answer: Answer, url: str, count: int) -> None:
    """Virtuoso cuts answers at ``ResultSetMaxRows`` and says so only in a header; a partial
    answer presented as whole would be wrong, so it is an error."""
    limit = answer.headers.get("x-sparql-maxrows")
    if limit is not None and limit.isdigit() and count >= int(limit):
        raise EndpointError(
            f"{url}: the endpoint cut the answer at {limit} rows "
            "(Virtuoso's [SPARQL] ResultSetMaxRows); raise that limit"
        )

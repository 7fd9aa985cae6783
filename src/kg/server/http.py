"""HTTP plumbing: content negotiation, the one error shape, limits and security headers.

Errors reach programs in one JSON shape::

    {"error": {"status": 400, "title": "Bad Request", "detail": "the parser's message"}}

(a write refused by the shapes adds ``"report"``: the validation report), and reach people as
a page; which one is chosen by ``Accept``.
"""

from __future__ import annotations

import asyncio
import functools
import json
import time
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kg import errors

HTML = "text/html"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


class HttpError(Exception):
    """An error with its HTTP status, for the client."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra or {}


_STATUS: list[tuple[type[errors.KgError], int]] = [
    (errors.UnknownQueryError, 404),
    (errors.QueryTimeoutError, 504),
    (errors.ResultTooLargeError, 413),
    (errors.RemoteAccessRefused, 403),
    (errors.ValidationFailed, 422),
    (errors.EndpointError, 502),
    (errors.ProjectError, 500),
    (errors.StoreError, 500),
    (errors.KgError, 400),
]


def status_of(error: errors.KgError) -> int:
    return next(status for cls, status in _STATUS if isinstance(error, cls))


def parse_accept(header: str | None) -> list[tuple[str, float, int]]:
    """``Accept`` as (media range, quality, position) entries."""
    out = []
    for position, part in enumerate((header or "*/*").split(",")):
        pieces = [p.strip() for p in part.split(";")]
        if not pieces[0]:
            continue
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        out.append((pieces[0].lower(), quality, position))
    return out


def negotiate(header: str | None, offers: Sequence[str]) -> str | None:
    """The best of ``offers`` (first is the default) for an ``Accept`` header, or ``None``."""
    return _negotiated(header, tuple(offers))


@functools.lru_cache(maxsize=512)
def _negotiated(header: str | None, offers: tuple[str, ...]) -> str | None:
    """:func:`negotiate`, remembered: clients send the same few ``Accept`` headers."""
    best: tuple[float, int, int, int] | None = None
    chosen = None
    for index, offer in enumerate(offers):
        kind = offer.split("/")[0]
        for media, quality, position in parse_accept(header):
            if media == offer:
                specificity = 2
            elif media == f"{kind}/*":
                specificity = 1
            elif media == "*/*":
                specificity = 0
            else:
                continue
            if quality <= 0:
                continue
            key = (quality, specificity, -position if specificity else 0, -index)
            if best is None or key > best:
                best, chosen = key, offer
    return chosen


def wants_html(request: Request) -> bool:
    """Whether the client is a browser (prefers HTML to JSON)."""
    accept = request.headers.get("accept", "")
    return "text/html" in accept and negotiate(accept, ["application/json", HTML]) == HTML


def error_document(status: int, detail: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    body: dict[str, Any] = {"status": status, "title": title, "detail": detail}
    body.update(extra or {})
    return {"error": body}


def json_error(
    status: int, detail: str, extra: dict[str, Any] | None = None, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        json.dumps(error_document(status, detail, extra), ensure_ascii=False),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413, declared or streamed, and bodies
    that take longer than ``seconds`` to arrive with 408 (a slow upload holds a connection)."""

    def __init__(self, app: ASGIApp, limit: int, seconds: float = 10.0) -> None:
        self.app = app
        self.limit = limit
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        too_large = declared is not None and declared.isdigit() and int(declared) > self.limit
        seen = 0
        deadline = time.monotonic() + self.seconds

        async def counted() -> Message:
            nonlocal seen
            if too_large:  # refuse before reading a byte of it
                raise HttpError(413, _too_large_text(self.limit), headers={"Connection": "close"})
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                raise HttpError(
                    408,
                    f"the request body took longer than {self.seconds:g} s to arrive (--client-timeout)",
                    headers={"Connection": "close"},
                ) from None
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise HttpError(413, _too_large_text(self.limit))
            return message

        await self.app(scope, counted, send)


def _too_large_text(limit: int) -> str:
    return f"the request body is larger than the server accepts ({limit} bytes, --max-body)"


class SecurityHeaders:
    """Headers every response carries; pages also get a strict CSP and no framing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                content_type = dict(headers).get(b"content-type", b"")
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"no-referrer"))
                if content_type.startswith(b"text/html"):
                    headers.append((b"content-security-policy", CSP.encode()))
                    headers.append((b"x-frame-options", b"DENY"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def _host_name(header: bytes) -> str | None:
    """The host part of a ``Host`` header, lower case, without the port; ``None`` if malformed."""
    try:
        text = header.decode("ascii").strip().lower()
    except UnicodeDecodeError:
        return None
    if text.startswith("["):  # an IPv6 literal: [::1]:8000
        end = text.find("]")
        if end < 0 or (text[end + 1 :] and not (text[end + 1] == ":" and text[end + 2 :].isdigit())):
            return None
        return text[: end + 1]
    name, colon, port = text.partition(":")
    if colon and not port.isdigit():
        return None
    if not name or any(c in name for c in " /\\@?#"):
        return None
    return name.rstrip(".")


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


def allowed_host_names(bound: str, extra: Sequence[str]) -> tuple[str, ...]:
    """The ``Host`` names a server bound to ``bound`` answers: the bound address, the loopback
    names when it is a loopback or wildcard address, and ``extra`` (``--allowed-host``)."""
    names = [bound.lower() if ":" not in bound else f"[{bound.lower()}]"]
    if bound in ("127.0.0.1", "localhost", "::1", "0.0.0.0", "::"):  # noqa: S104
        names.extend(LOOPBACK_NAMES)
    names.extend(h.lower().rstrip(".") for h in extra)
    return tuple(dict.fromkeys(n for n in names if n not in ("0.0.0.0", "[::]")))  # noqa: S104


class AllowedHosts:
    """Answer only requests whose ``Host`` names this server (400 otherwise), against DNS
    rebinding: a page on another site that gets its own name resolved to 127.0.0.1 still
    sends its own name as ``Host``. Names are matched exactly, a name starting with a dot
    matches its subdomains too, and ``*`` matches any (as Django's ``ALLOWED_HOSTS``)."""

    def __init__(self, app: ASGIApp, names: Sequence[str]) -> None:
        self.app = app
        self.names = tuple(names)

    def allows(self, header: bytes | None) -> bool:
        if "*" in self.names:
            return True
        name = None if header is None else _host_name(header)
        if name is None:
            return False
        return any(
            name == allowed or (allowed.startswith(".") and (name.endswith(allowed) or name == allowed[1:]))
            for allowed in self.names
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        hosts = [value for key, value in scope["headers"] if key == b"host"]
        if len(hosts) != 1 or not self.allows(hosts[0]):
            shown = hosts[0].decode("latin-1")[:100] if hosts else "(none)"
            response = json_error(
                400,
                f"this server does not answer for the host {shown!r} "
                "(start it with --allowed-host NAME to add one)",
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def client_key(request: Request) -> str:
    """Who is asking, for sharing the workers: the client's address."""
    return request.client.host if request.client is not None else "local"

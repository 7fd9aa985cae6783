"""Connections that cannot be held open by a slow or silent client, nor fill memory with a head.

The server speaks HTTP/1.1 through uvicorn's ``httptools`` protocol (llhttp, the parser of
Node.js), on ``uvloop`` where it is installed. uvicorn closes a keep-alive connection that
stays idle after a response (``timeout_keep_alive``), but it waits forever for the head of a
request, and it sets no bound on the head's size: a client that connects and sends nothing, or
a byte every few seconds ("slowloris"), holds a connection as long as it likes, and one that
sends an endless header grows the parser's buffer. This protocol

* closes a connection whose request head is not complete ``client_timeout`` seconds after the
  connection (or the previous request);
* answers 431 and closes a connection whose request head (request line and headers) passes
  ``max_head`` bytes;
* drops a connection that accepts no response bytes for ``client_timeout`` seconds.

A slow body is cut by :class:`~kg.server.http.BodyLimit`.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

_TOO_LARGE_TEXT = b"the request head is too large to read; send a long query in a POST body"
_TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
    b"content-type: text/plain; charset=utf-8\r\n"
    b"content-length: " + str(len(_TOO_LARGE_TEXT)).encode() + b"\r\n"
    b"connection: close\r\n\r\n" + _TOO_LARGE_TEXT
)


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with deadlines for a request head and for writing, and a
    cap on the head's size."""

    client_timeout: float = 10.0
    max_head: int = 64 * 1024

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_deadline: asyncio.TimerHandle | None = None
        self._write_deadline: asyncio.TimerHandle | None = None
        self._head_open = True
        """Whether the bytes now arriving belong to a request head (none is complete yet)."""
        self._head_bytes = 0
        """Bytes received since the last head was complete: a bound on the open head's size."""
        self._head_size = 0
        """The size of the head being parsed, from its request target and header fields."""
        self._too_large = False

    def _arm_head_deadline(self) -> None:
        self._cancel_head_deadline()
        self._head_deadline = self.loop.call_later(self.client_timeout, self._head_too_slow)

    def _cancel_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_too_slow(self) -> None:
        self._head_deadline = None
        if self._head_open and not self.transport.is_closing():
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_deadline()

    def data_received(self, data: bytes) -> None:
        if self._head_open:
            self._head_bytes += len(data)
        super().data_received(data)
        if self._head_open and self._head_bytes > self.max_head and not self.transport.is_closing():
            self._refuse()

    def _refuse(self) -> None:
        self.transport.write(_TOO_LARGE)
        self.transport.close()

    def send_400_response(self, msg: str) -> None:
        if self._too_large:  # the parser stopped because a callback below refused the head
            self._refuse()
        else:
            super().send_400_response(msg)

    def on_message_begin(self) -> None:
        self._head_open = True
        self._head_size = 0
        super().on_message_begin()

    def on_url(self, url: bytes) -> None:
        self._head_size += len(url)
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._head_size += len(name) + len(value) + 4  # ": " and CRLF
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        if self._head_size > self.max_head:  # a whole head that came in one read
            self._too_large = True
            raise ValueError("request head too large")  # stops the parser: answered 431
        self._head_open = False
        self._head_bytes = 0
        self._cancel_head_deadline()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._head_open = True  # what follows is the next request's head

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self._head_open:
            self._arm_head_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_deadline()
        if self._write_deadline is not None:
            self._write_deadline.cancel()
        super().connection_lost(exc)

    def pause_writing(self) -> None:
        super().pause_writing()
        if self._write_deadline is None:
            self._write_deadline = self.loop.call_later(self.client_timeout, self.transport.abort)

    def resume_writing(self) -> None:
        super().resume_writing()
        if self._write_deadline is not None:
            self._write_deadline.cancel()
            self._write_deadline = None


def guarded_protocol(client_timeout: float, max_head: int) -> type[GuardedHttpToolsProtocol]:
    """The protocol class for uvicorn's ``http`` setting, with these limits."""
    return type(
        "GuardedHttpToolsProtocol",
        (GuardedHttpToolsProtocol,),
        {"client_timeout": client_timeout, "max_head": max_head},
    )

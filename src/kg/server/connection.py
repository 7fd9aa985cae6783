"""Connections that cannot be held open by a slow or silent client.

uvicorn closes a keep-alive connection that stays idle after a response (``timeout_keep_alive``)
and caps the size of a request head (h11's ``max_incomplete_event_size``), but it waits
forever for the head of a request: a client that connects and sends nothing, or a byte every
few seconds ("slowloris"), holds a connection as long as it likes. This protocol closes a
connection whose request head is not complete ``client_timeout`` seconds after the connection
(or the previous response), and one that accepts no response bytes for as long. A slow body is
cut by :class:`~kg.server.http.BodyLimit`.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with deadlines for reading a request head and for writing."""

    client_timeout: float = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_deadline: asyncio.TimerHandle | None = None
        self._write_deadline: asyncio.TimerHandle | None = None

    def _arm_head_deadline(self) -> None:
        self._cancel_head_deadline()
        self._head_deadline = self.loop.call_later(self.client_timeout, self._head_too_slow)

    def _cancel_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_too_slow(self) -> None:
        self._head_deadline = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_deadline()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._cancel_head_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
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


def guarded_protocol(client_timeout: float) -> type[GuardedH11Protocol]:
    """The protocol class for uvicorn's ``http`` setting, with this deadline."""
    return type("GuardedH11Protocol", (GuardedH11Protocol,), {"client_timeout": client_timeout})

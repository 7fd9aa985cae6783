"""What one running server holds: the project, its settings, the workers, the templates."""

from __future__ import annotations

import asyncio
import hmac
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from kg.server.http import HttpError, client_key
from kg.server.settings import Settings
from kg.server.tasks import Limits
from kg.store.pool import InlineRunner, WorkerPool

if TYPE_CHECKING:
    from starlette.templating import Jinja2Templates

    from kg.api import Project


@dataclass
class ServerState:
    project: Project
    settings: Settings
    runner: WorkerPool | InlineRunner
    templates: Jinja2Templates
    write_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def limits(self) -> Limits:
        chosen = self.settings
        return Limits(
            max_rows=chosen.max_rows, max_bytes=chosen.max_result_bytes, allow_service=chosen.allow_service
        )

    async def run(
        self, request: Request, task: Any, *args: Any, timeout: float | None = None, discard: bool = False
    ) -> Any:
        """``task`` in a query worker, on behalf of the client that sent ``request``."""
        return await self.runner.run(
            task, *args, timeout=timeout or self.settings.timeout, discard=discard, owner=client_key(request)
        )

    def authorize_write(self, request: Request) -> None:
        """403 on a read-only server; 401 without the right bearer token."""
        if not self.settings.allow_updates:
            raise HttpError(
                403, "this server is read-only (start it with --allow-updates and a token to accept writes)"
            )
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        expected = (self.settings.token or "").encode()
        if (
            scheme.lower() != "bearer"
            or not expected
            or not hmac.compare_digest(token.strip().encode(), expected)
        ):
            raise HttpError(
                401,
                "writes need 'Authorization: Bearer <token>' with the server's token",
                headers={"WWW-Authenticate": "Bearer"},
            )


def state_of(request: Request) -> ServerState:
    state: ServerState = request.app.state.kg
    return state

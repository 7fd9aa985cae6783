"""What ``kg serve`` can be told: limits, writes, security."""

from __future__ import annotations

from dataclasses import dataclass

from kg.errors import UsageError


@dataclass(frozen=True)
class Settings:
    """Options of one server. The defaults are the safe ones: loopback, read-only, no CORS."""

    host: str = "127.0.0.1"
    port: int = 8000
    #: seconds a query (or a page's queries) may run before its worker is killed
    timeout: float = 5.0
    #: seconds a validation (uploaded file, guarded write) may run
    validation_timeout: float = 60.0
    #: rows (or triples) a result may hold; more are cut off and the cut is reported
    max_rows: int = 10_000
    #: bytes a request body may hold (413 beyond)
    max_body: int = 2 * 1024 * 1024
    #: query worker processes (each holds the store; one runaway query takes one of them)
    workers: int = 2
    allow_updates: bool = False
    token: str | None = None
    allow_service: bool = False
    cors_origin: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.timeout <= 0 or self.validation_timeout <= 0:
            raise UsageError("--timeout must be a positive number of seconds")
        if self.max_rows < 1 or self.max_body < 1 or self.workers < 1:
            raise UsageError("--max-rows, --max-body and --workers must be at least 1")
        if self.allow_updates and not self.token:
            raise UsageError("--allow-updates needs a token: --token or the KG_TOKEN variable")

"""What ``kg serve`` can be told: limits, writes, security."""

from __future__ import annotations

from dataclasses import dataclass

from kg.errors import UsageError

MIB = 1024 * 1024


@dataclass(frozen=True)
class Settings:
    """Options of one server. The defaults are the safe ones: loopback, read-only, no CORS,
    no fetching of other URLs."""

    host: str = "127.0.0.1"
    port: int = 8000
    #: seconds a request may take in a query worker (waiting for one included); then 504
    timeout: float = 5.0
    #: seconds a guarded write (plan and validation) may take
    write_timeout: float = 60.0
    #: rows (or triples) a result may hold; more are cut off and the cut is reported
    max_rows: int = 10_000
    #: bytes a result may take written out (413 beyond)
    max_result_bytes: int = 64 * MIB
    #: bytes a request body may hold (413 beyond)
    max_body: int = 2 * 1024 * 1024
    #: query worker processes (each holds the store; one runaway query takes one of them)
    workers: int = 2
    #: workers one client (by address) may hold at a time; ``None``: half of them, at least 1
    client_workers: int | None = None
    #: bytes of memory a worker may add to what it holds at start (``None``: no ceiling)
    worker_memory: int | None = 1024 * MIB
    #: seconds a client may take to send a request head or body, or to accept response bytes
    client_timeout: float = 10.0
    #: open connections and requests at a time (503 beyond)
    max_connections: int = 256
    allow_updates: bool = False
    token: str | None = None
    allow_service: bool = False
    cors_origin: tuple[str, ...] = ()
    #: host names (``Host`` header) answered besides the bound address; ``*`` for any
    allowed_hosts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.timeout <= 0 or self.write_timeout <= 0 or self.client_timeout <= 0:
            raise UsageError("--timeout and --client-timeout must be positive numbers of seconds")
        if min(self.max_rows, self.max_body, self.workers, self.max_result_bytes, self.max_connections) < 1:
            raise UsageError(
                "--max-rows, --max-body, --max-result-bytes, --max-connections and "
                "--workers must be at least 1"
            )
        if self.client_workers is not None and not 1 <= self.client_workers <= self.workers:
            raise UsageError("--client-workers must be between 1 and --workers")
        if self.worker_memory is not None and self.worker_memory < 64 * MIB:
            raise UsageError("--worker-memory must be at least 64 (MiB)")
        if self.allow_updates and not self.token:
            raise UsageError("--allow-updates needs a token: --token or the KG_TOKEN variable")

    @property
    def share(self) -> int:
        """Workers one client may hold at a time."""
        return self.client_workers or max(1, self.workers // 2)

"""``kg serve``: publish the graph (SPARQL endpoint, entity pages, query pages)."""

from __future__ import annotations

import click

from kg.errors import UsageError

GRACEFUL_SHUTDOWN = 2
"""Seconds requests in flight get to finish once the server is told to stop (SIGTERM, Ctrl-C);
then they are cancelled and their workers killed."""
MAX_HEAD_BYTES = 64 * 1024
"""Bytes a request line (with a GET query) and headers may hold; a longer head is answered
431 (a longer query goes in a POST body)."""


@click.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (the default answers this machine only).",
)
@click.option("--port", default=8000, show_default=True, type=int, help="TCP port to listen on.")
@click.option(
    "--timeout",
    default=5.0,
    show_default=True,
    type=float,
    help="Seconds a request may take in a query worker (waiting included); it is "
    "then stopped (504). Uploads to /validate too.",
)
@click.option(
    "--write-timeout",
    default=60.0,
    show_default=True,
    type=float,
    help="Seconds a guarded write (plan and validation) may take.",
)
@click.option(
    "--max-rows",
    default=10_000,
    show_default=True,
    type=int,
    help="Rows a result may hold; the rest are cut off.",
)
@click.option(
    "--max-result-bytes",
    default=64 * 1024 * 1024,
    show_default=True,
    type=int,
    help="Bytes a result may take written out (413 beyond).",
)
@click.option(
    "--max-body",
    default=2 * 1024 * 1024,
    show_default=True,
    type=int,
    help="Bytes a request body may hold (413 beyond).",
)
@click.option("--workers", default=2, show_default=True, type=int, help="Query worker processes.")
@click.option(
    "--client-workers",
    type=int,
    help="Workers one client (by address) may hold at a time  [default: half of --workers, at least 1]",
)
@click.option(
    "--worker-memory",
    default=1024,
    show_default=True,
    type=int,
    metavar="MIB",
    help="MiB of memory a query worker may add to what it holds at start; 0: no ceiling.",
)
@click.option(
    "--client-timeout",
    default=10.0,
    show_default=True,
    type=float,
    help="Seconds a client may take to send a request, or to accept a response "
    "chunk; the connection is then closed.",
)
@click.option(
    "--max-connections",
    default=256,
    show_default=True,
    type=int,
    help="Connections and requests at a time (503 beyond).",
)
@click.option(
    "--allow-updates",
    is_flag=True,
    help="Accept SPARQL Update and Graph Store writes (with the token) that keep "
    "the graph conforming to the shapes.",
)
@click.option(
    "--token", envvar="KG_TOKEN", help="Bearer token for writes (prefer the variable). [env: KG_TOKEN]"
)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Allow SERVICE and LOAD, which make the server fetch other URLs (and let "
    "the query workers use the network).",
)
@click.option(
    "--cors-origin",
    multiple=True,
    metavar="ORIGIN",
    help="Allow cross-origin requests from ORIGIN (repeatable); off by default.",
)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="Also answer requests for this host name (the Host header; repeatable; "
    "'.example.org' for its subdomains, '*' for any).",
)
@click.pass_obj
def serve_command(
    obj: object,
    host: str,
    port: int,
    timeout: float,
    write_timeout: float,
    max_rows: int,
    max_result_bytes: int,
    max_body: int,
    workers: int,
    client_workers: int | None,
    worker_memory: int,
    client_timeout: float,
    max_connections: int,
    allow_updates: bool,
    token: str | None,
    allow_service: bool,
    cors_origin: tuple[str, ...],
    allowed_hosts: tuple[str, ...],
) -> None:
    """Publish the graph over HTTP: /sparql, entity pages at /id/..., pages for people.

    \b
    Examples:
      kg serve --port 8080
      KG_TOKEN=secret kg --store graph.db serve --allow-updates
    """
    from kg.cli.context import Context

    try:
        import uvicorn

        from kg.server import Settings, create_app
        from kg.server.connection import guarded_protocol
        from kg.server.defences import plan_defences
    except ImportError as error:  # pragma: no cover - the server's packages are dependencies
        raise click.ClickException(f"kg serve needs {error.name}: pip install kg") from None
    assert isinstance(obj, Context)
    try:
        settings = Settings(
            host=host,
            port=port,
            timeout=timeout,
            write_timeout=write_timeout,
            max_rows=max_rows,
            max_result_bytes=max_result_bytes,
            max_body=max_body,
            workers=workers,
            client_workers=client_workers,
            worker_memory=worker_memory * 1024 * 1024 if worker_memory else None,
            client_timeout=client_timeout,
            max_connections=max_connections,
            allow_updates=allow_updates,
            token=token,
            allow_service=allow_service,
            cors_origin=tuple(cors_origin),
            allowed_hosts=tuple(allowed_hosts),
        )
        project = obj.project
    except UsageError as error:
        raise click.UsageError(error.cli_message) from None
    defences = plan_defences(project, settings)
    app = create_app(project, settings, defences=defences)
    click.echo(
        f"kg: serving {project.files.root} ({project.store.location}) at "
        f"http://{host}:{port}/  (SPARQL: /sparql)",
        err=True,
    )
    for line in defences.report():
        click.echo(f"kg: {line}", err=True)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        server_header=False,
        proxy_headers=False,  # a client's address is its own: X-Forwarded-For is not believed
        http=guarded_protocol(client_timeout, MAX_HEAD_BYTES),
        loop="auto",  # uvloop where it is installed
        timeout_keep_alive=max(1, min(5, int(client_timeout))),
        limit_concurrency=max_connections,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN,
    )


commands = [serve_command]

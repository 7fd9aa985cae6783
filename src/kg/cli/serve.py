"""``kg serve``: publish the graph (SPARQL endpoint, entity pages, query pages)."""

from __future__ import annotations

import click

from kg.errors import UsageError


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (the default answers this machine only).")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--timeout", default=5.0, show_default=True, type=float,
              help="Seconds a query may run; it is then stopped (504).")
@click.option("--max-rows", default=10_000, show_default=True, type=int,
              help="Rows a result may hold; the rest are cut off.")
@click.option("--max-body", default=2 * 1024 * 1024, show_default=True, type=int,
              help="Bytes a request body may hold (413 beyond).")
@click.option("--workers", default=2, show_default=True, type=int,
              help="Query worker processes.")
@click.option("--allow-updates", is_flag=True,
              help="Accept SPARQL Update and Graph Store writes (with the token) that keep "
                   "the graph conforming to the shapes.")
@click.option("--token", envvar="KG_TOKEN", help="Bearer token for writes (prefer KG_TOKEN).")
@click.option("--allow-service", is_flag=True,
              help="Allow SERVICE and LOAD, which make the server fetch other URLs.")
@click.option("--cors-origin", multiple=True, metavar="ORIGIN",
              help="Allow cross-origin requests from ORIGIN (repeatable); off by default.")
@click.pass_obj
def serve_command(obj: object, host: str, port: int, timeout: float, max_rows: int,
                  max_body: int, workers: int, allow_updates: bool, token: str | None,
                  allow_service: bool, cors_origin: tuple[str, ...]) -> None:
    """Publish the graph over HTTP: /sparql, entity pages at /id/..., pages for people."""
    from kg.cli.context import Context

    try:
        import uvicorn

        from kg.server import Settings, create_app
    except ImportError as error:  # pragma: no cover - the server's packages are dependencies
        raise click.ClickException(f"kg serve needs {error.name}: pip install kg") from None
    assert isinstance(obj, Context)
    try:
        settings = Settings(host=host, port=port, timeout=timeout, max_rows=max_rows,
                            max_body=max_body, workers=workers, allow_updates=allow_updates,
                            token=token, allow_service=allow_service,
                            cors_origin=tuple(cors_origin))
        project = obj.project
    except UsageError as error:
        raise click.UsageError(str(error)) from None
    app = create_app(project, settings)
    click.echo(f"kg: serving {project.files.root} ({project.store.location}) at "
               f"http://{host}:{port}/  (SPARQL: /sparql)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
commands = [serve_command]

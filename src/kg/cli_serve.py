"""``kg serve``: publish the graph (SPARQL endpoint, entity pages, query pages)."""

from __future__ import annotations

import click


@click.command("serve")
def serve_command() -> None:
    """Publish the graph over HTTP."""
    raise click.UsageError("kg serve is not available yet")

"""The ``kg`` command line: parses arguments, calls the library, maps errors to exit codes.

Exit codes: 0 success (or conforms), 1 does not conform, 2 bad input or usage, 3 store
failure, 4 a query stopped at its ``--timeout``.
"""

from __future__ import annotations

import inspect
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from kg.cli import draft, export, query, serve, store, validate
from kg.cli.context import Context
from kg.errors import KgError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--project",
    type=click.Path(path_type=Path),
    envvar="KG_PROJECT",
    help="Project folder (ontology/, data/, queries/); default: here, else bundled. [env: KG_PROJECT]",
)
@click.option(
    "--store",
    type=click.Path(path_type=Path),
    envvar="KG_STORE",
    help="On-disk Oxigraph store to use instead of an in-memory one. [env: KG_STORE]",
)
@click.option(
    "--endpoint",
    envvar="KG_ENDPOINT",
    metavar="URL",
    help="A remote SPARQL 1.1 query endpoint to use as the store. [env: KG_ENDPOINT]",
)
@click.option(
    "--update-endpoint",
    envvar="KG_UPDATE_ENDPOINT",
    metavar="URL",
    help="The endpoint's SPARQL Update URL, if not the query URL. [env: KG_UPDATE_ENDPOINT]",
)
@click.option(
    "--gsp-endpoint",
    envvar="KG_GSP_ENDPOINT",
    metavar="URL",
    help="The endpoint's Graph Store Protocol URL, if it has one. [env: KG_GSP_ENDPOINT]",
)
@click.option("--user", envvar="KG_USER", help="User name for the endpoint. [env: KG_USER]")
@click.option(
    "--password",
    envvar="KG_PASSWORD",
    help="Password for the endpoint (prefer the variable). [env: KG_PASSWORD]",
)
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.version_option(package_name="kg")
@click.pass_context
def cli(
    ctx: click.Context,
    project: Path | None,
    store: Path | None,
    endpoint: str | None,
    update_endpoint: str | None,
    gsp_endpoint: str | None,
    user: str | None,
    password: str | None,
    debug: bool,
) -> None:
    """Keep a knowledge graph: query it, export it, validate and add new facts.

    \b
    Examples:
      kg query visited-sites
      kg --store graph.db validate --all
    """
    from kg.store.factory import StoreOptions

    options = StoreOptions(
        path=store,
        endpoint=endpoint,
        update_endpoint=update_endpoint,
        gsp_endpoint=gsp_endpoint,
        user=user,
        password=password,
    )
    ctx.obj = Context(project, options, debug)


def examples_last(command: click.Command) -> click.Command:
    """Move the examples that end a command's docstring to its epilog, which click prints after
    the options: every ``--help`` ends with its examples."""
    help_text = inspect.cleandoc(command.help or "")
    for marker in ("\b\nExamples:", "\b\nExample:"):
        head, found, tail = help_text.partition(marker)
        if found:
            command.help = head.rstrip()
            command.epilog = found + tail
            break
    return command


examples_last(cli)
for _module in (query, export, validate, draft, store, serve):
    for _command in _module.commands:
        cli.add_command(examples_last(_command))


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``kg`` console script."""
    args = list(argv) if argv is not None else sys.argv[1:]
    if "--debug" not in args:
        # an ill-typed literal is a validation finding; rdflib would also log it with a traceback
        logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
    try:
        cli.main(args=args, prog_name="kg")
    except KgError as error:  # raised while opening the project or the store
        if "--debug" in args:
            raise
        click.echo(f"kg: error: {error.cli_message}", err=True)
        sys.exit(error.exit_code)
    except BrokenPipeError:  # `kg query ... | head -1`: the reader has all it wanted
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)


__all__ = ["Context", "cli", "main"]

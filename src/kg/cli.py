"""The ``kg`` command line: parses arguments, calls the library, maps errors to exit codes.

Exit codes: 0 success (or conforms), 1 does not conform, 2 bad input or usage, 3 store error.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

from kg.api import EXPORT_FORMATS, Project, open_project
from kg.errors import KgError, UsageError
from kg.namespaces import shorten
from kg.results import RESULT_FORMATS, QueryResult
from kg.store.factory import StoreOptions, open_store
from kg.terms import BlankNode, Literal, Term

F = TypeVar("F", bound=Callable[..., Any])


class Context:
    """Options every command shares; the project is opened on first use."""

    def __init__(self, project: Path | None, store: StoreOptions, debug: bool) -> None:
        self.project_path = project
        self.store_options = store
        self.debug = debug
        self._project: Project | None = None

    @property
    def project(self) -> Project:
        if self._project is None:
            store = open_store(self.store_options, self.project_path)
            self._project = open_project(self.project_path, store=store)
        return self._project


def _errors(func: F) -> F:
    """Turn a ``kg`` error into one line on stderr and its exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        debug = bool(ctx.obj and ctx.obj.debug)
        try:
            return func(*args, **kwargs)
        except KgError as error:
            if debug:
                raise
            click.echo(f"kg: error: {error}", err=True)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("kg: interrupted; nothing was changed", err=True)
            ctx.exit(130)
        return None

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--project", type=click.Path(path_type=Path), envvar="KG_PROJECT",
              help="Project folder (ontology/, data/, queries/); default: here, else bundled.")
@click.option("--store", type=click.Path(path_type=Path), envvar="KG_STORE",
              help="On-disk Oxigraph store to use instead of an in-memory one.")
@click.option("--endpoint", envvar="KG_ENDPOINT", metavar="URL",
              help="A remote SPARQL 1.1 query endpoint to use as the store.")
@click.option("--update-endpoint", envvar="KG_UPDATE_ENDPOINT", metavar="URL",
              help="The endpoint's SPARQL Update URL, if not the query URL.")
@click.option("--gsp-endpoint", envvar="KG_GSP_ENDPOINT", metavar="URL",
              help="The endpoint's Graph Store Protocol URL, if it has one.")
@click.option("--user", envvar="KG_USER", help="User name for the endpoint.")
@click.option("--password", envvar="KG_PASSWORD", help="Password (prefer KG_PASSWORD).")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.version_option(package_name="kg")
@click.pass_context
def cli(ctx: click.Context, project: Path | None, store: Path | None, endpoint: str | None,
        update_endpoint: str | None, gsp_endpoint: str | None, user: str | None,
        password: str | None, debug: bool) -> None:
    """Keep a knowledge graph: query it, export it, validate and add new facts."""
    options = StoreOptions(path=store, endpoint=endpoint, update_endpoint=update_endpoint,
                           gsp_endpoint=gsp_endpoint, user=user, password=password)
    ctx.obj = Context(project, options, debug)


def _console(output: Any = None) -> Console:
    return Console(file=output, soft_wrap=False, width=None if sys.stdout.isatty() else 200)


@cli.command("queries")
@click.pass_obj
@_errors
def queries_command(obj: Context) -> None:
    """List the named queries: name, title, parameters."""
    table = Table("name", "title", "parameters", box=None, header_style="bold")
    for query in obj.project.named_queries.values():
        table.add_row(query.name, query.title,
                      ", ".join(p.signature() for p in query.parameters) or "-")
    _console().print(table)


def _display(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, Literal):
        return term.value + (f" @{term.language}" if term.language else "")
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    return shorten(term.value)


def _print_table(result: QueryResult) -> None:
    console = _console()
    if result.kind == "ask":
        console.print("yes" if result.boolean else "no")
        return
    table = Table(*result.variables, box=None, header_style="bold")
    for row in result.rows:
        table.add_row(*(_display(t) for t in row))
    console.print(table)
    console.print(f"[dim]{len(result.rows)} row(s)[/dim]")


def _parse_params(values: Sequence[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"--param takes NAME=VALUE (got {item!r})")
        params[name.strip()] = value
    return params


def _write(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as error:
        raise UsageError(f"{output}: cannot write ({error.strerror})") from None


@cli.command("query")
@click.argument("name", required=False)
@click.option("-e", "--expression", help="SPARQL query text.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a parameter: an IRI (<...> or CURIE), \"text\"@lang, \"v\"^^xsd:type.")
@click.option("-f", "--format", "fmt", default="table", show_default=True,
              help="table, csv, tsv, json, xml (SELECT/ASK); ttl, nt, jsonld... (CONSTRUCT).")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to a file.")
@click.option("--timeout", type=float, help="Stop the query after this many seconds.")
@click.pass_obj
@_errors
def query_command(obj: Context, name: str | None, expression: str | None, params: tuple[str, ...],
                  fmt: str, output: Path | None, timeout: float | None) -> None:
    """Run a named query, a .rq file, or -e 'SPARQL'."""
    if (name is None) == (expression is None):
        raise UsageError("give a query NAME, a FILE.rq, or -e 'SPARQL' (exactly one)")
    bound = _parse_params(params)
    project = obj.project
    if expression is not None:
        result = project.query(expression, bound, timeout=timeout)
    elif name is not None and name.endswith(".rq"):
        from kg.queries import load_query
        from kg.rdfio import read_bytes

        read_bytes(name)
        named = load_query(Path(name))
        result = project.store.query(named.text, bindings=named.bindings(bound), timeout=timeout)
    else:
        result = project.query(name or "", bound, timeout=timeout)
    _emit_result(result, fmt, output)


def _emit_result(result: QueryResult, fmt: str, output: Path | None) -> None:
    fmt = fmt.lower()
    if result.kind == "graph":
        from kg.canonical import canonical_turtle
        from kg.rdfio import format_named, serialize

        if fmt in ("table", "ttl", "turtle", "text/turtle"):
            _write(canonical_turtle(result.triples).encode(), output)
            return
        chosen = format_named(fmt)
        _write(serialize(result.triples, chosen) or b"", output)
        return
    media = {v: k for k, v in RESULT_FORMATS.items()}
    fmt = media.get(fmt, fmt)
    if fmt == "table":
        if output is not None:
            raise UsageError("--output needs a file format: csv, tsv, json or xml")
        _print_table(result)
        return
    if fmt not in RESULT_FORMATS:
        raise UsageError(f"unknown results format {fmt!r}: use table, csv, tsv, json or xml")
    _write(result.serialize(fmt), output)


@cli.command("export")
@click.option("-f", "--format", "fmt", default="trig", show_default=True,
              help=f"One of {', '.join(EXPORT_FORMATS)}, or a media type.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to a file.")
@click.option("--graph", help="Only this named graph (IRI or CURIE).")
@click.option("--no-provenance", is_flag=True, help="Plain facts: no graphs, no sentence records.")
@click.option("--frame", "frame_class", metavar="CLASS",
              help="JSON-LD only: one document per instance of CLASS, with its neighbours nested.")
@click.pass_obj
@_errors
def export_command(obj: Context, fmt: str, output: Path | None, graph: str | None,
                   no_provenance: bool, frame_class: str | None) -> None:
    """Export the graph: canonical Turtle/TriG, compact JSON-LD, N-Triples, N-Quads, RDF/XML."""
    if output is not None and fmt == "trig" and output.suffix:
        from kg.rdfio import guess_format

        fmt = guess_format(output).extension
    if frame_class is not None and fmt not in ("jsonld", "json-ld", "application/ld+json"):
        raise UsageError("--frame applies to JSON-LD only: add --format jsonld")
    data = obj.project.export(fmt, graph=graph, provenance=not no_provenance,
                              frame_class=frame_class)
    _write(data, output)


@cli.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--standalone", is_flag=True, help="Validate the files alone, not in context.")
@click.option("-f", "--format", "fmt", default="human", show_default=True,
              type=click.Choice(["human", "json", "ttl"]), help="Report format.")
@click.option("--input-format", help="RDF format of the files (default: by extension).")
@click.option("--fail-on", default="violation", show_default=True,
              type=click.Choice(["violation", "warning", "info"]),
              help="Lowest severity that makes the data not conform.")
@click.pass_obj
@_errors
def validate_command(obj: Context, files: tuple[Path, ...], standalone: bool, fmt: str,
                     input_format: str | None, fail_on: str) -> None:
    """Validate FILES against the shapes, in the context of the graph (exit 0 conforms,
    1 does not conform, 2 bad input)."""
    report = obj.project.validate(files, fmt=input_format, standalone=standalone,
                                  fail_on=fail_on)
    if fmt == "json":
        click.echo(report.to_json(), nl=False)
    elif fmt == "ttl":
        click.echo(report.to_turtle(), nl=False)
    else:
        click.echo(report.to_text(), nl=False)
    sys.exit(0 if report.conforms else 1)


@cli.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--input-format", help="RDF format of the files (default: by extension).")
@click.option("--fail-on", default="violation", show_default=True,
              type=click.Choice(["violation", "warning", "info"]))
@click.pass_obj
@_errors
def add_command(obj: Context, files: tuple[Path, ...], input_format: str | None,
                fail_on: str) -> None:
    """Validate FILES in context and, only if they conform, add them to data/ and the store."""
    from kg.errors import ValidationFailed

    try:
        outcome = obj.project.add(files, fmt=input_format, fail_on=fail_on)
    except ValidationFailed as refused:
        click.echo(refused.report.to_text(), nl=False)
        click.echo(f"kg: not added: {refused}", err=True)
        sys.exit(1)
    click.echo(outcome.summary())


@cli.command("stats")
@click.pass_obj
@_errors
def stats_command(obj: Context) -> None:
    """What the graph holds: triples, named graphs, entities by class, sources."""
    stats = obj.project.stats()
    console = _console()
    console.print(f"{stats.triples} triples in {stats.named_graphs} named graphs")
    table = Table("class", "entities", box=None, header_style="bold")
    for cls, count in stats.entities_by_class:
        table.add_row(shorten(cls), str(count))
    console.print(table)
    sources = Table("source", "name", "graphs", box=None, header_style="bold")
    for source, name, count in stats.sources:
        sources.add_row(shorten(source), name, str(count))
    console.print(sources)


def _register_extensions() -> None:
    """Commands that live in their own modules (stores, the server)."""
    from kg.cli_draft import register as register_draft
    from kg.cli_serve import serve_command
    from kg.cli_store import store_commands

    cli.add_command(serve_command)
    for command in store_commands:
        cli.add_command(command)
    register_draft(cli)


_register_extensions()


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
        click.echo(f"kg: error: {error}", err=True)
        sys.exit(error.exit_code)


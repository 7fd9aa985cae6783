"""``kg queries`` and ``kg query``: the named questions, and SPARQL."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from kg.cli.context import Context, errors, parse_params, write
from kg.errors import UsageError
from kg.formats import RDF_FORMAT_NAMES, RESULT_FORMAT_NAMES, listed

if TYPE_CHECKING:
    from kg.results import QueryResult
    from kg.terms import Term


@click.command("queries")
@click.pass_obj
@errors
def queries_command(obj: Context) -> None:
    """List the named queries: name, title, parameters.

    \b
    Examples:
      kg queries
      kg --project my-graph queries
    """
    from kg.cli.table import print_table

    rows = [
        [query.name, query.title, ", ".join(p.signature() for p in query.parameters) or "-"]
        for query in obj.project.named_queries.values()
    ]
    print_table(["name", "title", "parameters"], rows)


def _display(term: Term | None) -> str:
    from kg.namespaces import shorten
    from kg.terms import BlankNode, Literal

    if term is None:
        return ""
    if isinstance(term, Literal):
        return term.value + (f" @{term.language}" if term.language else "")
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    return shorten(term.value)


def _print_table(result: QueryResult) -> None:
    from kg.cli.table import print_table

    if result.kind == "ask":
        write(b"yes\n" if result.boolean else b"no\n", None)
        return
    rows = [[_display(t) for t in row] for row in result.rows]
    print_table(result.variables, rows, f"{len(result.rows)} row(s)")


@click.command("query")
@click.argument("name", required=False)
@click.option("-e", "--expression", help="SPARQL query text.")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help='Bind a parameter: an IRI (<...> or CURIE), "text"@lang, "v"^^xsd:type.',
)
@click.option(
    "-f",
    "--format",
    "fmt",
    default="table",
    show_default=True,
    help=f"Output format: table, {listed(RESULT_FORMAT_NAMES)} (SELECT, ASK); "
    f"{listed(RDF_FORMAT_NAMES)} (CONSTRUCT, DESCRIBE); or a media type.",
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to a file.")
@click.option("--timeout", type=float, help="Stop the query after this many seconds (exit code 4).")
@click.pass_obj
@errors
def query_command(
    obj: Context,
    name: str | None,
    expression: str | None,
    params: tuple[str, ...],
    fmt: str,
    output: Path | None,
    timeout: float | None,
) -> None:
    """Run a named query, a .rq file, or -e 'SPARQL'.

    \b
    Examples:
      kg query visited-sites
      kg query -e 'SELECT ?name WHERE { ?p a foaf:Person ; foaf:name ?name }'
    """
    if (name is None) == (expression is None):
        raise UsageError("give a query NAME, a FILE.rq, or -e 'SPARQL' (exactly one)")
    if timeout is not None and timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    bound = parse_params(params)
    project = obj.project
    if expression is not None:
        result = project.query(expression, bound, timeout=timeout)
    elif name is not None and name.endswith(".rq"):
        from kg.namespaces import PREFIXES
        from kg.queries import load_query
        from kg.rdfio import read_bytes
        from kg.store.base import QueryRequest

        read_bytes(name)
        named = load_query(Path(name))
        result = project.store.query(
            QueryRequest(named.text, bindings=named.bindings(bound), prefixes=PREFIXES, timeout=timeout)
        )
    else:
        result = project.query(name or "", bound, timeout=timeout)
    emit_result(result, fmt, output)


def emit_result(result: QueryResult, fmt: str, output: Path | None) -> None:
    from kg.formats import RESULT_FORMATS

    fmt = fmt.lower()
    if result.kind == "graph":
        from kg.canonical import canonical_turtle
        from kg.rdfio import format_named, serialize

        if fmt in ("table", "ttl", "turtle", "text/turtle"):
            write(canonical_turtle(result.triples).encode(), output)
            return
        chosen = format_named(fmt)
        write(serialize(result.triples, chosen) or b"", output)
        return
    media = {v: k for k, v in RESULT_FORMATS.items()}
    fmt = media.get(fmt, fmt)
    if fmt == "table":
        if output is not None:
            raise UsageError(f"--output needs a file format: {listed(RESULT_FORMAT_NAMES)}")
        _print_table(result)
        return
    if fmt not in RESULT_FORMATS:
        raise UsageError(f"unknown results format {fmt!r}: use one of table, {listed(RESULT_FORMAT_NAMES)}")
    write(result.serialize(fmt), output)


commands = [queries_command, query_command]

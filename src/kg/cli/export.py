"""``kg export`` and ``kg stats``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO

import click

from kg.cli.context import Context, errors, write
from kg.errors import UsageError
from kg.formats import RDF_FORMAT_NAMES, listed

FORMATS = RDF_FORMAT_NAMES
"""What ``kg export`` writes (``kg.api.EXPORT_FORMATS``)."""


@click.command("export")
@click.option(
    "-f",
    "--format",
    "fmt",
    default="trig",
    show_default=True,
    help=f"Output format: {listed(FORMATS)}, or a media type (default: from --output, else trig).",
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to a file.")
@click.option("--graph", help="Only this named graph (IRI or CURIE).")
@click.option("--no-provenance", is_flag=True, help="Plain facts: no graphs, no sentence records.")
@click.option(
    "--frame",
    "frame_class",
    metavar="CLASS",
    help="JSON-LD only: one document per instance of CLASS, with its neighbours nested.",
)
@click.pass_obj
@errors
def export_command(
    obj: Context,
    fmt: str,
    output: Path | None,
    graph: str | None,
    no_provenance: bool,
    frame_class: str | None,
) -> None:
    """Export the graph: canonical Turtle/TriG, compact JSON-LD, N-Triples, N-Quads, RDF/XML.

    \b
    Examples:
      kg export --format ttl --output graph.ttl
      kg export --format jsonld --no-provenance --output facts.jsonld
    """
    if output is not None and fmt == "trig" and output.suffix:
        from kg.rdfio import guess_format

        fmt = guess_format(output).extension
    if frame_class is not None and fmt not in ("jsonld", "json-ld", "application/ld+json"):
        raise UsageError("--frame applies to JSON-LD only: add --format jsonld")

    def export(out: BinaryIO) -> None:  # streamed: a big store is never held whole
        obj.project.export_to(out, fmt, graph=graph, provenance=not no_provenance, frame_class=frame_class)

    if output is None:
        export(sys.stdout.buffer)
        sys.stdout.flush()
        return
    partial = output.with_name(f".{output.name}.partial")
    try:
        with partial.open("wb") as out:
            export(out)
        partial.replace(output)  # whole or not at all
    except OSError as error:
        raise UsageError(f"{output}: cannot write ({error.strerror})") from None
    finally:
        partial.unlink(missing_ok=True)


@click.command("stats")
@click.option(
    "-f",
    "--format",
    "fmt",
    default="table",
    show_default=True,
    type=click.Choice(["table", "json"]),
    help="Output format.",
)
@click.pass_obj
@errors
def stats_command(obj: Context, fmt: str) -> None:
    """What the graph holds: distinct facts, named graphs, entities by class, sources.

    \b
    Examples:
      kg stats
      kg --store graph.db stats --format json
    """
    from kg.cli.table import print_table
    from kg.namespaces import shorten

    stats = obj.project.stats()
    if fmt == "json":
        write((stats.to_json() + "\n").encode(), None)
        return
    write(f"{stats.triples} triples in {stats.named_graphs} named graphs\n".encode(), None)
    print_table(["class", "entities"], [[shorten(cls), str(count)] for cls, count in stats.entities_by_class])
    print_table(
        ["source", "name", "graphs"],
        [[shorten(source), name, str(count)] for source, name, count in stats.sources],
    )


commands = [export_command, stats_command]

"""``kg load``, ``kg build``, ``kg dump``: whole-store commands (the library is ``kg.store.bulk``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kg.cli.context import Context, base_option, errors, input_format_option
from kg.errors import UsageError
from kg.formats import DUMP_FORMATS, listed

if TYPE_CHECKING:
    from kg.store.base import Store


def _store_for(obj: Context, *, check_fresh: bool = True) -> Store:
    from kg.store.factory import open_store

    store = open_store(obj.store_options, obj.project_path, check_fresh=check_fresh)
    if store is None:
        raise UsageError(
            "this command works on a store: give --store PATH (an on-disk store) "
            "or --endpoint URL (a SPARQL endpoint)"
        )
    return store


@click.command("load")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@input_format_option
@base_option
@click.option("-f", "--format", "old_format", hidden=True)
@click.pass_obj
@errors
def load_command(
    obj: Context, files: tuple[Path, ...], input_format: str | None, base: str | None, old_format: str | None
) -> None:
    """Bulk-load RDF FILES (a folder: every RDF file under it) into the store. On disk all
    files load, or none do; on an endpoint they go in batches, and a failure says what was
    written.

    \b
    Examples:
      kg --store graph.db load extra/ more.nt
      kg --store graph.db load -i ttl --base https://example.org/ notes.txt
    """
    from kg.cli.progress import progress
    from kg.store.bulk import load_files

    if old_format is not None:
        raise UsageError(
            "kg load reads RDF: give its format with -i/--input-format "
            "(-f/--format is the output format, on every command)"
        )
    with _store_for(obj) as store, progress("loading") as report:
        summary = load_files(store, files, input_format, progress=report, base=base)
    click.echo(summary.line())


@click.command("build")
@click.pass_obj
@errors
def build_command(obj: Context) -> None:
    """Rebuild the store from ontology/ and data/ (on disk, files added with `kg load` are
    loaded again); the old contents are replaced in one step.

    \b
    Examples:
      kg --store graph.db build
      kg --endpoint http://127.0.0.1:7878/query build
    """
    from kg.cli.progress import progress
    from kg.project import ProjectFiles, find_root
    from kg.store.bulk import rebuild

    files = ProjectFiles(find_root(obj.project_path))
    with _store_for(obj, check_fresh=False) as store, progress("building") as report:
        summary = rebuild(store, files, progress=report)
    click.echo(summary.line().replace("loaded", "built", 1))


@click.command("dump")
@click.option(
    "-f",
    "--format",
    "fmt",
    help=f"Output format: {listed([f.extension for f in DUMP_FORMATS])} (default: from --output, else nq).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write to this file (whole or not at all) instead of standard output.",
)
@click.pass_obj
@errors
def dump_command(obj: Context, fmt: str | None, output: Path | None) -> None:
    """Write every quad of the store, graph names kept, as N-Quads or TriG.

    \b
    Examples:
      kg --store graph.db dump --output graph.nq
      kg --store graph.db dump -f trig | gzip > graph.trig.gz
    """
    from kg.store.bulk import dump, dump_format, dump_to_file

    chosen = dump_format(fmt, output)
    store = obj.project.store
    if output is not None:
        dump_to_file(store, chosen, output)
        return
    dump(store, chosen, sys.stdout.buffer)
    sys.stdout.flush()


commands = [load_command, build_command, dump_command]

"""``kg load``, ``kg build``, ``kg dump``: whole-store commands (the library is ``kg.store.bulk``)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from kg.cli.context import Context, errors
from kg.errors import UsageError
from kg.project import ProjectFiles, find_root
from kg.store.base import LoadCallback, LoadProgress, Store
from kg.store.bulk import dump, dump_format, dump_to_file, load_files, rebuild
from kg.store.factory import open_store


class _RateColumn(ProgressColumn):
    """Quads per second, as the load goes."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} quads/s" if speed else "", style="cyan")


@contextmanager
def _progress(label: str) -> Iterator[LoadCallback | None]:
    """A live bar with quads and quads/s on a terminal; nothing otherwise (the summary line
    that follows says it all, and logs stay one line per command)."""
    if not sys.stderr.isatty():
        yield None
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
               TextColumn("{task.completed:,.0f} quads"), _RateColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True, refresh_per_second=2) as bar:
        task = bar.add_task(label, total=None)
        current: Path | None = None
        before = last = 0  # quads of the files already finished; of the current one

        def report(status: LoadProgress) -> None:
            nonlocal current, before, last
            if status.file != current:
                current, before = status.file, before + last
            last = status.quads
            bar.update(task, completed=before + last, description=f"{label} {status.file.name}")

        yield report


def _store_for(obj: Context, *, check_fresh: bool = True) -> Store:
    store = open_store(obj.store_options, obj.project_path, check_fresh=check_fresh)
    if store is None:
        raise UsageError("this command works on a store: give --store PATH (an on-disk store) "
                         "or --endpoint URL (a SPARQL endpoint)")
    return store


@click.command("load")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-f", "--format", "fmt", help="RDF format of every file (default: by extension).")
@click.pass_obj
@errors
def load_command(obj: Context, files: tuple[Path, ...], fmt: str | None) -> None:
    """Bulk-load RDF FILES into the store. On disk all files load, or none do; on an endpoint
    they go in batches, and a failure says what was written."""
    with _store_for(obj) as store, _progress("loading") as progress:
        summary = load_files(store, files, fmt, progress=progress)
    click.echo(summary.line())


@click.command("build")
@click.pass_obj
@errors
def build_command(obj: Context) -> None:
    """Rebuild the store from ontology/ and data/ (on disk, files added with `kg load` are
    loaded again); the old contents are replaced in one step."""
    files = ProjectFiles(find_root(obj.project_path))
    with _store_for(obj, check_fresh=False) as store, _progress("building") as progress:
        summary = rebuild(store, files, progress=progress)
    click.echo(summary.line().replace("loaded", "built", 1))


@click.command("dump")
@click.option("-f", "--format", "fmt", help="nq (default) or trig; guessed from --output.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Write to this file (whole or not at all) instead of standard output.")
@click.pass_obj
@errors
def dump_command(obj: Context, fmt: str | None, output: Path | None) -> None:
    """Write every quad of the store, graph names kept, as N-Quads or TriG."""
    chosen = dump_format(fmt, output)
    store = obj.project.store
    if output is not None:
        dump_to_file(store, chosen, output)
        return
    dump(store, chosen, sys.stdout.buffer)
    sys.stdout.flush()


commands = [load_command, build_command, dump_command]

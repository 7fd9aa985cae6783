"""A progress bar for loads and builds, on a terminal only."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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

from kg.store.base import LoadCallback, LoadProgress


class _RateColumn(ProgressColumn):
    """Quads per second, as the load goes."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} quads/s" if speed else "", style="cyan")


@contextmanager
def progress(label: str) -> Iterator[LoadCallback | None]:
    """A live bar with quads and quads/s on a terminal; nothing otherwise (the summary line
    that follows says it all, and logs stay one line per command)."""
    if not sys.stderr.isatty():
        yield None
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,.0f} quads"),
        _RateColumn(),
        TimeElapsedColumn(),
    )
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

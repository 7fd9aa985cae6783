"""Fixtures shared by the test files: the bundled project, copies to write to, the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import kg

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
KG = [sys.executable, "-m", "kg"]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(condition: bool, reason: str) -> None:
    """Skip with ``reason`` when ``condition`` fails; under CI=true, fail instead."""
    if condition:
        return
    if in_ci():
        pytest.fail(f"required under CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def project() -> kg.Project:
    """The bundled project, in memory, shared by read-only tests."""
    return kg.open_project(ROOT)


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    """A writable copy of the project folder."""
    target = tmp_path / "project"
    for part in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / part, target / part)
    return target


def run_kg(
    *args: str | Path, cwd: Path | None = None, input: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the ``kg`` command line in this process (as ``kg.cli.main``, with its standard
    streams, environment and working directory swapped in) and capture its output. Not for
    threads: use :func:`run_kg_process` there, and where a real process matters."""
    from click.testing import CliRunner

    from kg.cli import main

    argv = [str(a) for a in args]
    runner = CliRunner()
    previous = Path.cwd()
    code = 0
    with runner.isolation(input=input, env={"COLUMNS": "200", **(env or {})}) as streams:
        os.chdir(cwd or ROOT)
        try:
            main(argv)
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        finally:
            os.chdir(previous)
            sys.stdout.flush()
            sys.stderr.flush()
        out, err = streams[0].getvalue(), streams[1].getvalue()
    return subprocess.CompletedProcess(
        [*KG, *argv], code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
    )


def run_kg_process(
    *args: str | Path, cwd: Path | None = None, input: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the ``kg`` command line in a subprocess and capture its output."""
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    return subprocess.run(
        [*KG, *map(str, args)],
        cwd=cwd or ROOT,
        input=input,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=300,
        check=False,
    )


@pytest.fixture
def kg_cli() -> Iterator[object]:
    yield run_kg


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes, to prove nothing changed."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

"""Every command the README shows runs, as written, with the exit code the README promises."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from tests.conftest import ROOT, run_kg

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _console_commands() -> list[str]:
    commands = []
    for block in re.findall(r"```console\n(.*?)```", README, re.DOTALL):
        commands.extend(line[2:] for line in block.splitlines() if line.startswith("$ kg "))
    return commands


def test_readme_has_examples_for_every_command() -> None:
    shown = {
        shlex.split(c)[1] if not c.split()[1].startswith("--") else shlex.split(c)[3]
        for c in _console_commands()
    }
    assert {"queries", "query", "export", "validate", "add", "stats"} <= shown


def test_quick_start_is_two_commands() -> None:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None
    lines = [line for line in block.group(1).splitlines() if line.strip()]
    assert len(lines) == 2
    assert lines[0].endswith("kg query visited-sites")
    assert "pytest" in lines[1]


@pytest.mark.parametrize("command", _console_commands())
def test_readme_command_runs(command: str, tmp_path: Path) -> None:
    for part in ("ontology", "data", "queries", "examples"):
        shutil.copytree(ROOT / part, tmp_path / part)
    my_graph = tmp_path / "my-graph"
    for part in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / part, my_graph / part)
    args = shlex.split(command)[1:]
    expected = 1 if "--standalone" in args else 0
    result = run_kg(*args, cwd=tmp_path)
    assert result.returncode == expected, result.stderr
    assert "Traceback" not in result.stderr
    if args[-2:-1] == ["--output"] or "--output" in args:
        output = tmp_path / args[args.index("--output") + 1]
        assert output.stat().st_size > 0
    elif "add" in args:
        assert (my_graph / "data" / "new-post.trig").exists()
    elif "retract" in args:
        source = args[args.index("retract") + 1].removeprefix("kgr:")
        assert not (my_graph / "data" / f"{source}.trig").exists()
        assert "retracted" in result.stdout
    else:
        assert result.stdout.strip()


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README, re.DOTALL)


def test_the_python_example_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocks = _python_blocks()
    assert blocks, "the README shows the Python API"
    for part in ("ontology", "data", "queries", "examples"):
        shutil.copytree(ROOT / part, tmp_path / part)
    for part in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / part, tmp_path / "my-graph" / part)
    monkeypatch.chdir(tmp_path)
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})  # noqa: S102 - the README's own example
    printed = capsys.readouterr().out
    import kg

    evidence = kg.open_project(tmp_path).query("evidence", entity="kgr:actp-rf")
    assert printed.splitlines()[0].split() == evidence.variables  # the printed table's header
    assert (tmp_path / "my-graph" / "data" / "new-post.trig").exists()  # the add went through

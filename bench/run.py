"""The scale benchmark: kg against its peers, side by side, on the same generated files.

    python bench/run.py --sizes 100k,1M            # writes bench/RESULTS.md
    python bench/run.py --sizes 10M --repetitions 1

For each size it generates N-Quads (``bench/generate.py``), then measures, each operation in
its own process (peak RSS from ``wait4``): load (``kg load``, the library, raw
``pyoxigraph.Store.bulk_load``, ``rdflib``); every named query (library, raw pyoxigraph,
rdflib); export (canonical Turtle and compact JSON-LD, kg and rdflib); full validation (kg's
compiled shapes against pySHACL, from the file to the report); delta validation (a change of
about 1,000 triples in the context of the store); and, when ``kg serve`` exists, SPARQL
throughput against ``oxigraph serve`` on the same data.

Correctness is checked, and a failure stops the run with exit status 1: kg and pySHACL must
report the same findings (a small file with many injected violations always, and every size
where pySHACL finishes); the library and raw pyoxigraph must return the same rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate, parse_size  # noqa: E402
from report import write_results  # noqa: E402
from server import measure_servers  # noqa: E402


class CheckFailed(RuntimeError):
    """A correctness check of the benchmark failed."""


@dataclass
class Measure:
    """One operation measured: seconds (median of the repetitions) and peak RSS in MiB."""

    seconds: float | None
    rss_mib: float
    repetitions: int
    extra: dict[str, Any] = field(default_factory=dict)
    note: str = ""


def task(name: str, *args: str, timeout: float | None = None) -> tuple[dict[str, Any] | None, float]:
    """Run one task in a fresh process; its JSON output and its peak RSS (MiB)."""
    command = [sys.executable, str(HERE / "tasks.py"), name, *args]
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.PIPE)
        try:
            _pid, status, usage = _wait(process, timeout)
        except TimeoutError:
            return None, 0.0
        out.seek(0)
        text = out.read().decode()
        errors = process.stderr.read().decode() if process.stderr else ""
    if status != 0:
        raise RuntimeError(f"task {name} failed ({status}):\n{errors[-3000:]}")
    return json.loads(text.strip().splitlines()[-1]), usage.ru_maxrss / 1024


def command(
    argv: list[str],
    timeout: float | None = None,
    ok: tuple[int, ...] = (0,),
    env: dict[str, str] | None = None,
) -> tuple[float, float]:
    """Run a program; wall seconds and peak RSS (MiB). ``ok``: the exit codes that mean it ran
    (``kg validate`` exits 1 for data that does not conform)."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _pid, status, usage = _wait(process, timeout)
    if status not in ok:
        errors = process.stderr.read().decode() if process.stderr else ""
        raise RuntimeError(f"{' '.join(argv)} failed ({status}):\n{errors[-3000:]}")
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def commands(
    argv: list[str],
    repetitions: int,
    *,
    ok: tuple[int, ...] = (0,),
    before: Any = None,
    note: str = "wall time of the command, start-up included",
    env: dict[str, str] | None = None,
) -> Measure:
    """A command run ``repetitions`` times (``before()`` ahead of each run): the median wall
    time and the peak RSS."""
    times, peaks = [], []
    for _ in range(repetitions):
        if before is not None:
            before()
        seconds, rss = command(argv, ok=ok, env=env)
        times.append(seconds)
        peaks.append(rss)
    return Measure(statistics.median(times), max(peaks), repetitions, note=note)


def _wait(process: subprocess.Popen[bytes], timeout: float | None) -> tuple[int, int, Any]:
    if timeout is None:
        pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        return pid, process.returncode, usage
    deadline = dt.datetime.now() + dt.timedelta(seconds=timeout)
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return pid, process.returncode, usage
        if dt.datetime.now() > deadline:
            process.kill()
            os.wait4(process.pid, 0)
            process.returncode = -9
            raise TimeoutError
        time.sleep(0.5)


def repeated(
    name: str,
    args: list[str],
    repetitions: int,
    fresh_dir: Path | None = None,
) -> Measure:
    times, peaks = [], []
    result: dict[str, Any] = {}
    for _ in range(repetitions):
        if fresh_dir is not None:
            shutil.rmtree(fresh_dir, ignore_errors=True)
        out, rss = task(name, *args)
        assert out is not None
        result = out
        times.append(out["seconds"])
        peaks.append(rss)
    return Measure(statistics.median(times), max(peaks), repetitions, result)


# -- the sections ----------------------------------------------------------------------------
def check_findings(kg_file: Path, ref_file: Path, where: str) -> int:
    ours = {tuple(k) for k in json.loads(kg_file.read_text())}
    theirs = {tuple(k) for k in json.loads(ref_file.read_text())}
    if ours != theirs:
        lines = [f"kg only: {k}" for k in sorted(ours - theirs, key=str)[:20]]
        lines += [f"pySHACL only: {k}" for k in sorted(theirs - ours, key=str)[:20]]
        raise CheckFailed(
            f"{where}: kg and pySHACL report different findings "
            f"({len(ours)} vs {len(theirs)}):\n" + "\n".join(lines)
        )
    return len(ours)


def correctness(work: Path, size: int, seed: int, limit: float) -> dict[str, Any]:
    """kg and pySHACL on a small file where every kind of violation is injected often."""
    data = work / "check.nq"
    with data.open("w") as sink:
        generate(size, seed, 0.5, sink.write)
    kg_out, ref_out = work / "check-kg.json", work / "check-pyshacl.json"
    ours, _ = task("validate-kg", str(data), str(kg_out))
    theirs, _ = task("validate-pyshacl", str(data), str(ref_out), timeout=limit)
    if theirs is None:
        raise CheckFailed(f"pySHACL did not finish the correctness check in {limit} s")
    count = check_findings(kg_out, ref_out, "correctness check")
    assert ours is not None
    return {"size": size, "findings": count, "components": _components(kg_out)}


def _components(path: Path) -> list[str]:
    return sorted({k[3].rsplit("#", 1)[-1] for k in json.loads(path.read_text())})


def kg_cli(work: Path, *args: str) -> list[str]:
    """``kg`` on the benchmark's own copy of the project (``kg add`` writes into ``data/``)."""
    return ["kg", "--project", str(work / "project"), *args]


def copy_project(work: Path) -> None:
    target = work / "project"
    shutil.rmtree(target, ignore_errors=True)
    for part in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / part, target / part)


def user_env() -> dict[str, str]:
    """The environment of a user's shell: Python writes and reads its bytecode cache."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def startup(work: Path, reps: int) -> dict[str, Any]:
    """Whole-process start-up: ``kg --help``, ``kg query visited-sites`` on the bundled project,
    ``oxigraph query`` on the same data, ``python -c pass``."""
    env = user_env()
    command(["kg", "--help"], env=env)  # the bytecode cache is written once, as at installation
    runs = max(reps, 7)
    out = {
        "help": commands(["kg", "--help"], runs, env=env),
        "query": commands(["kg", "query", "visited-sites"], runs, env=env),
        "python": commands([sys.executable, "-c", "pass"], runs, env=env),
    }
    bundled = work / "bundled-oxigraph"
    shutil.rmtree(bundled, ignore_errors=True)
    texts, _ = task("bundled-store", str(bundled))
    assert texts is not None
    try:
        out["oxigraph"] = commands(
            [
                "oxigraph",
                "query",
                "--location",
                str(bundled),
                "--query",
                texts["visited-sites"],
                "--results-format",
                "csv",
            ],
            runs,
        )
    except (OSError, RuntimeError) as error:
        out["oxigraph"] = Measure(None, 0.0, 0, note=f"not measured: {error}")
    return out


def bench_size(
    label: str, work: Path, args: argparse.Namespace, pyshacl_state: dict[str, Any], first: bool
) -> dict[str, Any]:
    size = parse_size(label)
    reps = args.repetitions
    big = size >= 1_000_000
    once = 1 if big else reps
    out: dict[str, Any] = {"label": label}
    data = work / f"data-{label}.nq"
    change = work / f"change-{label}.nq"
    with data.open("w", buffering=1 << 20) as sink:
        quads, missions = generate(size, args.seed, args.violations, sink.write)
    with change.open("w") as sink:
        change_quads, _ = generate(
            1000, args.seed, 0.0, sink.write, header=False, first=10_000_000, link_to=1
        )
    out["quads"], out["missions"], out["change_quads"] = quads, missions, change_quads
    log(f"{label}: {quads} quads generated")
    skipped = Measure(None, 0.0, 0, note="not run (--skip)")

    # load
    kg_dir, ox_dir, cli_dir = work / f"kg-{label}", work / f"ox-{label}", work / f"cli-{label}"
    scratch = work / f"scratch-{label}"
    out["load_cli"] = commands(
        kg_cli(work, "--store", str(cli_dir), "load", str(data)),
        reps,
        before=lambda: shutil.rmtree(cli_dir, ignore_errors=True),
    )
    out["load_kg"] = repeated("load-kg", [str(data), str(kg_dir)], reps, kg_dir)
    out["load_kg_nofacts"] = repeated("load-kg-without-facts", [str(data), str(scratch)], once, scratch)
    out["load_oxigraph"] = repeated("load-oxigraph", [str(data), str(ox_dir)], reps, ox_dir)
    out["load_oxigraph_facts"] = repeated(
        "load-oxigraph-with-facts", [str(data), str(scratch)], once, scratch
    )
    shutil.rmtree(scratch, ignore_errors=True)
    out["load_rdflib"] = (
        skipped if "rdflib" in args.skip or big else repeated("load-rdflib", [str(data)], reps)
    )
    log(f"{label}: load measured")

    # queries
    lib, lib_rss = task("queries-kg", str(data), str(max(reps, 5)))
    assert lib is not None
    for name, q in lib["queries"].items():
        if q["rows"] != q["raw_rows"]:
            raise CheckFailed(f"query {name}: kg gave {q['rows']} rows, pyoxigraph {q['raw_rows']}")
    texts = work / "query-texts.json"
    texts.write_text(json.dumps({n: q["text"] for n, q in lib["queries"].items()}))
    if "rdflib" in args.skip or big:
        rdf, rdf_rss = {"queries": {}}, 0.0
    else:
        rdf, rdf_rss = task("queries-rdflib", str(data), str(texts), str(args.rdflib_query_limit))
    assert rdf is not None
    out["queries"] = {
        "kg": lib["queries"],
        "rdflib": rdf["queries"],
        "kg_rss": lib_rss,
        "rdflib_rss": rdf_rss,
    }
    for name, q in rdf["queries"].items():
        if q.get("rows") is not None and q["rows"] != lib["queries"][name]["rows"]:
            out["queries"].setdefault("row_mismatch", []).append(
                f"{name}: rdflib {q['rows']} rows, kg {lib['queries'][name]['rows']}"
            )
    query_cli = []
    for name in sorted(lib["queries"]):
        params = [f"--param={k}={v}" for k, v in lib["queries"][name].get("params", {}).items()]
        query_cli.append(
            (
                name,
                commands(kg_cli(work, "--store", str(cli_dir), "query", name, "--format", "csv", *params), 1),
            )
        )
    out["queries_cli"] = dict(query_cli)
    log(f"{label}: queries measured")

    # export, from the on-disk store as users export
    if "export" in args.skip:
        for key in ("export_trig", "export_ttl", "dump_oxigraph"):
            out[key] = skipped
    else:
        trig, ttl = work / f"export-{label}.trig", work / f"export-{label}.ttl"
        out["export_trig"] = commands(kg_cli(work, "--store", str(cli_dir), "export", "-o", str(trig)), once)
        out["export_ttl"] = commands(
            kg_cli(work, "--store", str(cli_dir), "export", "-f", "ttl", "-o", str(ttl)), once
        )
        out["dump_oxigraph"] = repeated("dump-oxigraph", [str(ox_dir), str(work / "dump.trig")], once)
        if first:
            check, _ = task("export-check", str(cli_dir), str(trig))
            assert check is not None
            if not check["identical"]:
                raise CheckFailed(f"{label}: the streamed TriG export differs from the in-memory writer's")
            out["export_identical"] = check["bytes"]
        for path in (trig, ttl, work / "dump.trig"):
            path.unlink(missing_ok=True)
        if not big and "rdflib" not in args.skip:
            out["export_rdflib_ttl"] = repeated("export-rdflib", [str(data), "ttl"], 1)
    log(f"{label}: export measured")

    # full validation
    kg_out, ref_out = work / f"findings-kg-{label}.json", work / f"findings-ref-{label}.json"
    if "validation" in args.skip:
        out["validate_kg"] = out["validate_cli"] = out["validate_all"] = skipped
    else:
        if size < 10_000_000:  # a file validated alone: memory grows with it (not a 10M step)
            out["validate_kg"] = repeated("validate-kg", [str(data), str(kg_out)], once)
            out["validate_cli"] = commands(
                kg_cli(work, "validate", "--standalone", str(data)), once, ok=(0, 1)
            )
        else:
            out["validate_kg"] = out["validate_cli"] = Measure(
                None, 0.0, 0, note="not run at this size (a file alone, in memory)"
            )
        out["validate_all"] = commands(
            kg_cli(work, "--store", str(cli_dir), "validate", "--all"), once, ok=(0, 1)
        )
    peers = first and "validation" not in args.skip and "peers" not in args.skip
    if peers:
        union = work / f"data-{label}.nt"
        task("union-ntriples", str(data), str(union))
        out["validate_pyrudof"] = repeated("validate-pyrudof", [str(union)], once)
        out["validate_turbo"] = repeated("validate-pyshacl-turbo", [str(union)], once)
        union.unlink()
    skip = "not run (--skip)" if {"validation", "pyshacl"} & set(args.skip) else pyshacl_state.get("skip")
    if skip:
        out["validate_pyshacl"] = Measure(None, 0.0, 0, note=skip)
    else:
        result, rss = task("validate-pyshacl", str(data), str(ref_out), timeout=args.pyshacl_limit)
        if result is None:
            note = f"did not finish in {args.pyshacl_limit:.0f} s (stopped)"
            out["validate_pyshacl"] = Measure(None, rss, 1, note=note)
            pyshacl_state["skip"] = f"not run: did not finish at {label} in {args.pyshacl_limit:.0f} s"
            pyshacl_state["lower_bound"] = args.pyshacl_limit
        else:
            out["validate_pyshacl"] = Measure(result["seconds"], rss, 1, result)
            out["findings_identical"] = check_findings(kg_out, ref_out, f"size {label}")
            if result["seconds"] * 10 > args.pyshacl_limit:
                pyshacl_state["skip"] = (
                    f"not run: {result['seconds']:.0f} s at {label}, and it grows at least linearly with size"
                )
                pyshacl_state["lower_bound"] = result["seconds"]
                pyshacl_state["lower_bound_size"] = out["quads"]
    log(f"{label}: validation measured")

    # a change: delta validation, then kg add (which writes a new generation)
    result, rss = task("delta-kg", str(kg_dir), str(change), str(max(reps, 3)))
    assert result is not None
    out["delta_kg"] = Measure(result["seconds"], rss, max(reps, 3), result)
    out["delta_cli"] = commands(
        kg_cli(work, "--store", str(cli_dir), "validate", str(change)), max(reps, 3), ok=(0, 1)
    )
    log(f"{label}: delta measured")

    # server
    if args.server_seconds > 0 and "server" not in args.skip:
        out["server"] = measure_servers(
            cli_dir, ox_dir, lib["queries"], args.server_seconds, args.clients, kg_cli(work)
        )
        log(f"{label}: server measured")

    cost, _ = task("add-facts-cost", str(cli_dir), str(change), str(scratch))
    out["add_facts"] = cost
    out["add_cli"] = commands(kg_cli(work, "--store", str(cli_dir), "add", str(change)), 1)
    log(f"{label}: add measured")
    for folder in (kg_dir, ox_dir, cli_dir):
        shutil.rmtree(folder, ignore_errors=True)
    copy_project(work)  # the contribution kg add wrote leaves the project
    if not args.keep:
        data.unlink()
    return out


def log(text: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {text}", file=sys.stderr, flush=True)


def machine() -> dict[str, str]:
    import pyoxigraph
    import pyshacl
    import rdflib

    import kg

    try:
        server = subprocess.run(
            ["oxigraph", "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        server = "not installed"
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {psutil.cpu_count()} CPU(s), "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB RAM, {platform.system()} "
        f"{platform.release()}",
        "python": platform.python_version(),
        "versions": f"kg {kg.__version__}, pyoxigraph {pyoxigraph.__version__}, "
        f"rdflib {rdflib.__version__}, pySHACL {pyshacl.__version__}, {server}",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100k,1M", help="comma-separated, e.g. 100k,1M,10M")
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--violations", type=float, default=0.001, help="injected violation rate of the measured files"
    )
    parser.add_argument(
        "--check-size",
        type=parse_size,
        default=parse_size("5k"),
        help="size of the correctness-check file (violation rate 0.5)",
    )
    parser.add_argument(
        "--pyshacl-limit",
        type=float,
        default=900.0,
        help="seconds pySHACL may take at one size before it is stopped",
    )
    parser.add_argument(
        "--rdflib-query-limit",
        type=int,
        default=20,
        help="seconds an rdflib query may take before it is stopped",
    )
    parser.add_argument(
        "--server-seconds",
        type=float,
        default=10.0,
        help="seconds of load per server (0: skip the server benchmark)",
    )
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--skip",
        type=lambda t: [x.strip() for x in t.split(",")],
        default=[],
        help="leave out: rdflib, export, validation, pyshacl, peers, server",
    )
    parser.add_argument(
        "--pyshacl-reference",
        metavar="QUADS=SECONDS",
        help="pySHACL's time at a size measured in an earlier run, for the "
        "ratios where it is not run (linear extrapolation, a lower bound)",
    )
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--workdir", type=Path, help="where the files go (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now()
    load_average = {"before": os.getloadavg()}
    try:
        copy_project(work)
        boot = startup(work, args.repetitions)  # first: nothing the run starts is still settling
        log("start-up measured")
        check = correctness(work, args.check_size, args.seed, args.pyshacl_limit)
        log(f"correctness check passed: {check['findings']} identical findings")
        pyshacl_state: dict[str, Any] = {}
        if args.pyshacl_reference:
            quads, seconds = args.pyshacl_reference.split("=")
            pyshacl_state.update(lower_bound=float(seconds), lower_bound_size=parse_size(quads))
        labels = [label.strip() for label in args.sizes.split(",")]
        sizes = [
            bench_size(label, work, args, pyshacl_state, index == 0) for index, label in enumerate(labels)
        ]
    except CheckFailed as failure:
        print(f"CORRECTNESS CHECK FAILED: {failure}", file=sys.stderr)
        return 1
    finally:
        if args.workdir is None and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    elapsed = (dt.datetime.now() - started).total_seconds()
    load_average["after"] = os.getloadavg()
    raw = {
        "machine": machine(),
        "settings": {k: str(v) for k, v in vars(args).items()},
        "check": check,
        "startup": boot,
        "sizes": sizes,
        "pyshacl": pyshacl_state,
        "elapsed": elapsed,
        "load": load_average,
    }
    args.output.with_suffix(".json").write_text(json.dumps(raw, default=vars, indent=1))
    write_results(
        args.output, raw["machine"], vars(args), check, boot, sizes, pyshacl_state, elapsed, load_average
    )
    log(f"wrote {args.output} ({elapsed:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

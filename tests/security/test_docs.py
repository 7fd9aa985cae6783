"""The security page states the numbers the code uses: a changed limit fails here until the
page says so."""

from __future__ import annotations

from kg import rdfc
from kg.cli import serve as cli_serve
from kg.rdfio import MAX_INPUT_BYTES
from kg.results import READ_CHUNK as _CHUNK
from kg.server.settings import Settings
from security.corpus import DECOYS, QUERIES, UPDATES
from security.live import ROOT


def _words(name: str) -> str:
    """The text with every run of white space as one space (lines wrap anywhere)."""
    return " ".join((ROOT / name).read_text(encoding="utf-8").split())


PAGE = _words("docs/security.md")
README = _words("README.md")


def test_the_security_page_states_the_limits_in_force() -> None:
    defaults = Settings()
    stated = [
        f"counts its steps ({rdfc.BASE_BUDGET:,} plus {rdfc.STEPS_PER_NODE} per blank node",
        f"checked every {_CHUNK} rows",
        f"`--worker-memory` MiB ({defaults.worker_memory // 2**20}",
        f"`--client-timeout` seconds ({defaults.client_timeout:g})",
        f"capped at {cli_serve.MAX_HEAD_BYTES // 1024} KiB (`431`",
        f"`--max-connections` ({defaults.max_connections})",
        f"gives requests in flight {cli_serve.GRACEFUL_SHUTDOWN} s",
        f"at most {MAX_INPUT_BYTES // 2**20} MiB",
        f"{len(QUERIES) + len(DECOYS) + len(UPDATES)} disguises and decoys",
    ]
    for text in stated:
        assert text in PAGE, text


def test_the_readme_states_the_corpus_size() -> None:
    assert f"Over {len(QUERIES) + len(DECOYS) + len(UPDATES)} disguises" in README

"""Which defences a server has, decided once at start and reported to the operator.

Some layers depend on the platform (a network namespace for the workers) or on the store (a
remote store runs queries at its endpoint, not in workers): :func:`plan_defences` finds out
which are active here, and :meth:`Defences.report` says so in a few lines, so an operator
never assumes a layer that is not there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.server.http import allowed_host_names
from kg.server.settings import MIB, Settings
from kg.store.confine import Confinement, probe_network_isolation

if TYPE_CHECKING:
    from kg.api import Project


@dataclass(frozen=True)
class Defences:
    settings: Settings
    #: whether queries run in killable worker processes (an embedded store)
    workers: bool
    confinement: Confinement
    #: why the workers cannot be isolated from the network, if they cannot
    network_unavailable: str | None = None

    @property
    def hosts(self) -> tuple[str, ...]:
        return allowed_host_names(self.settings.host, self.settings.allowed_hosts)

    def report(self) -> list[str]:
        """One line per layer, for the server's start-up message."""
        chosen = self.settings
        lines = []
        if chosen.allow_service:
            lines.append(
                "SERVICE and LOAD: allowed (--allow-service): queries may make the server fetch any URL"
            )
        else:
            lines.append("SERVICE and LOAD: refused (found by a SPARQL parser)")
        if not self.workers:
            lines.append("queries: run by the remote endpoint (its own limits apply); no worker isolation")
        elif self.confinement.network:
            lines.append("query workers: no network (a network namespace of their own)")
        elif not chosen.allow_service:
            lines.append(
                "query workers: network isolation unavailable here "
                f"({self.network_unavailable}); the SPARQL check alone stands"
            )
        if self.workers:
            memory = (
                "no memory ceiling"
                if self.confinement.memory is None
                else f"memory ceiling {self.confinement.memory // MIB} MiB each"
            )
            lines.append(
                f"query workers: {chosen.workers}, {chosen.share} per client; {memory}; "
                f"stopped after {chosen.timeout:g} s"
            )
        lines.append(
            f"results: at most {chosen.max_rows} rows and {chosen.max_result_bytes} "
            f"bytes; request bodies at most {chosen.max_body} bytes"
        )
        lines.append(
            "hosts answered: " + ", ".join(self.hosts) + "; slow clients cut after "
            f"{chosen.client_timeout:g} s"
        )
        return lines


def plan_defences(project: Project, settings: Settings) -> Defences:
    """The defences ``settings`` ask for, as far as this platform and store allow."""
    workers = project.store.capabilities.local
    reason = None
    network = False
    if workers and not settings.allow_service:
        reason = probe_network_isolation()
        network = reason is None
    memory = settings.worker_memory if workers else None
    return Defences(settings, workers, Confinement(network=network, memory=memory), reason)

"""The server over the other stores: on disk (read-only workers, refreshed after a write) and a
remote SPARQL endpoint (here, another kg server)."""

from __future__ import annotations

from pathlib import Path

from kg.api import Project
from kg.project import ProjectFiles
from kg.server import Settings
from kg.store.disk import DiskStore
from kg.store.remote import RemoteStore
from test_server_support import GREAT_STONE, ROOT, fresh_project, running

TOKEN = "disk-token"
ALT = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    'ASK { <https://kg.example.org/id/actp-rf> skos:altLabel "On disk"@en }'
)
UPDATE = (
    "INSERT DATA { GRAPH <https://kg.example.org/graph/test-disk> { "
    "<https://kg.example.org/graph/test-disk> <http://www.w3.org/ns/prov#wasDerivedFrom> "
    "<https://kg.example.org/id/actp-rf-business-mission-results> . "
    "<https://kg.example.org/id/actp-rf> "
    '<http://www.w3.org/2004/02/skos/core#altLabel> "On disk"@en } }'
)


def test_on_disk_store_workers_see_a_write(tmp_path: Path) -> None:
    files = ProjectFiles(ROOT)
    store = DiskStore(tmp_path / "store")
    store.build(files)
    first = store.generation
    settings = Settings(allow_updates=True, token=TOKEN, write_timeout=120)
    with running(Project(files, store), settings) as served, served.client() as client:
        accept = {"Accept": "application/sparql-results+json"}
        assert client.get("/sparql", params={"query": ALT}, headers=accept).json()["boolean"] is False
        response = client.post(
            "/sparql",
            content=UPDATE,
            headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
        )
        assert response.status_code == 200, response.text
        assert client.get("/sparql", params={"query": ALT}, headers=accept).json()["boolean"] is True
        assert store.generation != first  # the write is a new generation, which workers read
        current = store.generation
    store.close()
    assert not list((tmp_path / "store").glob("trials/*")), "no private trial is left behind"
    with DiskStore(tmp_path / "store") as writer:  # the next writer removes what readers held
        assert writer.generation == current
    generations = list((tmp_path / "store" / "generations").iterdir())
    assert [g.name for g in generations] == [current]
    store.close()


def test_remote_endpoint_store() -> None:
    with running(fresh_project()) as origin:
        remote = Project(ProjectFiles(ROOT), RemoteStore(origin.url + "/sparql"))
        with running(remote) as served, served.client() as client:
            page = client.get("/id/great-stone-industrial-park", headers={"Accept": "text/html"})
            hits = client.get(
                "/search", params={"q": "Veliky"}, headers={"Accept": "application/json"}
            ).json()
            rows = client.get("/queries/visited-sites.json").json()["results"]["bindings"]
            write = client.post("/sparql", data={"update": "CLEAR ALL"})
        assert page.status_code == 200 and "Veliky Kamen" in page.text
        assert GREAT_STONE in [h["iri"] for h in hits]
        assert len(rows) == 5
        assert write.status_code == 403

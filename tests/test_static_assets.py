"""The front-end files inside the package: vendored YASGUI as the registry built it, nothing
loaded from another host, served by exact name only, shipped in the wheel; the editor's
settings (prefixes, named queries as examples) as the SPARQL page hands them over."""

from __future__ import annotations

import hashlib
import http.client
import importlib.util
import json
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit

import pytest

from conftest import require
from kg.namespaces import PREFIXES
from kg.server.assets import static_files
from test_server_support import Served, fresh_project, running

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "src" / "kg" / "server" / "static"
VENDORED = STATIC / "yasgui"


def vendor_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("vendor_yasgui", ROOT / "scripts" / "vendor_yasgui.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    with running(fresh_project()) as server:
        yield server


# -- the vendored build ---------------------------------------------------------------------
def test_vendored_files_match_their_checksums() -> None:
    listed = {}
    for line in (VENDORED / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    present = {p.name for p in VENDORED.iterdir()} - {"SHA256SUMS"}
    assert set(listed) == present
    for name, digest in listed.items():
        assert hashlib.sha256((VENDORED / name).read_bytes()).hexdigest() == digest, name


def test_vendored_version_is_the_pinned_one() -> None:
    script = vendor_script()
    assert (VENDORED / "VERSION").read_text().splitlines() == [
        f"{script.PACKAGE} {script.VERSION}",
        f"integrity {script.INTEGRITY}",
    ]
    assert set(script.BUILT.values()) <= {p.name for p in VENDORED.iterdir()}
    assert f"{script.PACKAGE} {script.VERSION} (MIT)" in (VENDORED / "LICENSE").read_text()
    assert "codemirror" in (VENDORED / "THIRD-PARTY").read_text()


def test_the_integrity_digest_is_computed_as_npm_states_it() -> None:
    script = vendor_script()
    # the SRI form npm prints: the algorithm, a dash, the base64 digest
    assert script.sri_sha512(b"") == (
        "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="
    )


def _css_urls(path: Path) -> list[str]:
    import tinycss2

    def walk(nodes: list[object]) -> Iterator[str]:
        for node in nodes:
            kind = getattr(node, "type", "")
            if kind == "url":
                yield str(node.value)  # type: ignore[attr-defined]
            elif kind == "function" and node.lower_name == "url":  # type: ignore[attr-defined]
                yield "".join(str(getattr(a, "value", "")) for a in node.arguments).strip()  # type: ignore[attr-defined]
            elif kind == "at-rule" and node.lower_at_keyword == "import":  # type: ignore[attr-defined]
                yield "".join(str(getattr(a, "value", "")) for a in node.prelude).strip()  # type: ignore[attr-defined]
            for child in ("prelude", "content", "arguments"):
                inner = getattr(node, child, None)
                if isinstance(inner, list):
                    yield from walk(inner)

    rules = tinycss2.parse_stylesheet(path.read_text(encoding="utf-8"))
    errors = [r for r in rules if getattr(r, "type", "") == "error"]
    assert not errors, f"{path.name}: {errors[:3]}"
    return list(walk(rules))


def _need_tinycss2() -> None:
    try:
        import tinycss2  # noqa: F401
    except ImportError:
        require(False, "this test parses CSS with tinycss2 (pip install tinycss2)")


def test_the_stylesheet_reader_finds_every_kind_of_load(tmp_path: Path) -> None:
    _need_tinycss2()
    sheet = tmp_path / "x.css"
    sheet.write_text(
        '@import "https://a.example/i.css"; @media print { b { background: '
        'url(https://b.example/p.png) } } a { src: url("//c.example/f.woff2") }'
    )
    assert _css_urls(sheet) == ["https://a.example/i.css", "https://b.example/p.png", "//c.example/f.woff2"]


def test_no_stylesheet_loads_from_another_host() -> None:
    _need_tinycss2()
    sheets = sorted(STATIC.rglob("*.css"))
    assert {p.name for p in sheets} >= {"style.css", "query-editor.css", "yasgui.min.css"}
    for sheet in sheets:
        for url in _css_urls(sheet):
            parts = urlsplit(url.strip().strip("'\""))
            assert parts.scheme in ("", "data") and not parts.netloc, f"{sheet.name} loads {url}"


def test_our_script_names_no_other_host() -> None:
    text = (STATIC / "query-editor.js").read_text()
    assert "http:" not in text and "https:" not in text
    assert "eval(" not in text and "new Function" not in text and "innerHTML" not in text


# -- the route ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "media"),
    [
        ("/static/style.css", "text/css; charset=utf-8"),
        ("/static/query-editor.js", "text/javascript; charset=utf-8"),
        ("/static/yasgui/yasgui.min.js", "text/javascript; charset=utf-8"),
        ("/static/yasgui/yasgui.min.css", "text/css; charset=utf-8"),
        ("/static/yasgui/LICENSE", "text/plain; charset=utf-8"),
    ],
)
def test_nested_static_files_are_served_as_what_they_are(served: Served, path: str, media: str) -> None:
    with served.client() as client:
        response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == media
    assert response.content == (STATIC / path.removeprefix("/static/")).read_bytes()


@pytest.mark.parametrize(
    "path",
    [
        "/static/yasgui/",
        "/static/yasgui",
        "/static/",
        "/static/yasgui/../../app.py",
        "/static/yasgui/%2e%2e/%2e%2e/app.py",
        "/static/yasgui/..%2f..%2fapp.py",
        "/static//etc/passwd",
        "/static/yasgui/yasgui.min.js.map",
        "/static/../assets.py",
    ],
)
def test_nothing_but_the_listed_files_is_served(served: Served, path: str) -> None:
    address = urlsplit(served.url)
    connection = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port, timeout=30)
    try:
        connection.request("GET", path)  # sent as written: no client-side normalization
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status in (404, 307), (response.status, body[:200])
    assert b"import" not in body and b"root:" not in body


def test_only_files_of_a_served_kind_are_listed(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.js").write_text("1")
    (tmp_path / "sub" / "b.css").write_text("a{}")
    (tmp_path / "sub" / "LICENSE").write_text("MIT")
    (tmp_path / "secret.py").write_text("x = 1")
    (tmp_path / ".hidden.css").write_text("a{}")
    (tmp_path / "sub" / "link.css").symlink_to(tmp_path / "secret.py")
    files = static_files(tmp_path)
    assert sorted(files.files) == ["a.js", "sub/LICENSE", "sub/b.css"]
    assert files.lookup("sub/../secret.py") is None and files.lookup("sub") is None


def test_the_wheel_ships_every_static_file(tmp_path: Path) -> None:
    try:
        from hatchling.builders.wheel import WheelBuilder
    except ImportError:
        require(False, "building the wheel needs hatchling (pip install hatchling)")
        raise
    wheel = next(iter(WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        shipped_js = archive.read("kg/server/static/yasgui/yasgui.min.js")
    expected = {f"kg/server/static/{name}" for name in static_files(STATIC).files}
    assert expected <= names
    assert "kg/server/static/yasgui/SHA256SUMS" in names
    assert shipped_js == (VENDORED / "yasgui.min.js").read_bytes()


# -- what the page hands the editor -----------------------------------------------------------
class EditorParts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.editor: dict[str, str | None] = {}
        self.examples: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id") == "editor":
            self.editor = values
        if tag == "option" and values.get("data-query"):
            self.examples[str(values["value"])] = str(values["data-query"])


def test_the_editor_gets_the_endpoint_prefixes_and_every_named_query(served: Served) -> None:
    with served.client() as client:
        page = client.get("/query", headers={"Accept": "text/html"})
        parts = EditorParts()
        parts.feed(page.text)
        assert parts.editor["data-endpoint"] == "/sparql"
        assert json.loads(str(parts.editor["data-prefixes"])) == dict(PREFIXES)
        assert set(parts.examples) == set(served.project.named_queries)
        for name, text in parts.examples.items():
            answer = client.post(
                "/sparql", data={"query": text}, headers={"Accept": "application/sparql-results+json"}
            )
            assert answer.status_code == 200, (name, answer.text)
    bound = parts.examples["visited-sites"]
    mission = served.project.named_query("visited-sites").bindings()["mission"]
    assert f"VALUES ?mission {{ {mission} }}" in bound

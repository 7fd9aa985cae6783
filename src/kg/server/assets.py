"""The static files the pages load: the package's ``static/`` folder, by exact name only.

A request path is looked up in the list of files the folder holds, never joined to a
directory, so ``..``, encoded separators and folder names all miss; a file whose kind is not
listed in :data:`MEDIA_TYPES` is not served at all.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Final

from starlette.requests import Request
from starlette.responses import Response

from kg.server.http import HttpError

MEDIA_TYPES: Final = MappingProxyType(
    {
        ".css": "text/css; charset=utf-8",
        ".js": "text/javascript; charset=utf-8",
        ".svg": "image/svg+xml",
        ".png": "image/png",
        ".woff2": "font/woff2",
        ".woff": "font/woff",
    }
)
"""What each served kind of file is sent as."""

NOTICES: Final = frozenset({"LICENSE", "THIRD-PARTY", "VERSION", "SHA256SUMS"})
"""Plain-text files beside vendored code, served as text so the licence is a link away."""


@dataclass(frozen=True)
class StaticFiles:
    """The servable files under one folder, as ``relative/path -> (file, media type)``."""

    files: Mapping[str, tuple[Path, str]]

    def lookup(self, name: str) -> tuple[Path, str] | None:
        return self.files.get(name)


def media_type(path: Path) -> str | None:
    if path.name in NOTICES:
        return "text/plain; charset=utf-8"
    return MEDIA_TYPES.get(path.suffix.lower())


def static_files(root: Path) -> StaticFiles:
    """The files under ``root`` that may be served, found once when the app is built."""
    files: dict[str, tuple[Path, str]] = {}
    for path in sorted(root.rglob("*")):
        kind = media_type(path)
        if kind is None or not path.is_file() or path.is_symlink():
            continue
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts):
            continue
        files[relative.as_posix()] = (path, kind)
    return StaticFiles(MappingProxyType(files))


def static_endpoint(root: Path) -> Callable[[Request], Awaitable[Response]]:
    """The handler of ``/static/{name:path}`` for the files under ``root``."""
    files = static_files(root)

    async def static_file(request: Request) -> Response:
        found = files.lookup(request.path_params["name"])
        if found is None:
            raise HttpError(404, f"no file {request.url.path}")
        path, kind = found
        return Response(path.read_bytes(), media_type=kind, headers={"Cache-Control": "public, max-age=3600"})

    return static_file

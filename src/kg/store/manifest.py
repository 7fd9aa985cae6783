"""What an on-disk store was built from, so that a changed source file is noticed.

A build records, for every file under ``ontology/`` and ``data/``, its size, modification time
and SHA-256. Opening the store compares them with the files as they are now: size and time
equal means unchanged (cheap); otherwise the hash decides, so a ``git checkout`` that only
touches times is not mistaken for a change. Files added with ``kg load`` are recorded too (so
``kg build`` can load them again), but they are not part of the check: they live outside the
project.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import StoreError
from kg.project import ProjectFiles

FORMAT_VERSION = 1


@dataclass(frozen=True)
class FileStamp:
    """One source file as it was when the store took it in."""

    size: int
    mtime_ns: int
    sha256: str

    @classmethod
    def of(cls, path: Path) -> FileStamp:
        stat = path.stat()
        return cls(size=stat.st_size, mtime_ns=stat.st_mtime_ns, sha256=file_sha256(path))

    def matches(self, path: Path) -> bool:
        """Whether ``path`` still has this content (hashing only when size or time moved)."""
        try:
            stat = path.stat()
        except OSError:
            return False
        if stat.st_size != self.size:
            return False
        if stat.st_mtime_ns == self.mtime_ns:
            return True
        return file_sha256(path) == self.sha256


@dataclass(frozen=True)
class LoadedFile:
    """A file added with ``kg load``: where it was, in which format (and with which base IRI),
    how many quads it gave."""

    path: str
    format: str
    quads: int
    base: str | None = None


@dataclass
class Manifest:
    """The sources of one generation of an on-disk store."""

    project: str | None = None
    files: dict[str, FileStamp] = field(default_factory=dict)
    loaded: list[LoadedFile] = field(default_factory=list)

    @classmethod
    def of_project(cls, files: ProjectFiles, loaded: list[LoadedFile] | None = None) -> Manifest:
        stamps = {_relative(files, p): FileStamp.of(p) for p in files.source_files()}
        return cls(project=str(files.root), files=stamps, loaded=list(loaded or []))

    def changes(self, files: ProjectFiles) -> list[str]:
        """What differs between the recorded sources and the project's files now, for messages."""
        current = {_relative(files, p): p for p in files.source_files()}
        out = [f"{name} is new" for name in sorted(set(current) - set(self.files))]
        out += [f"{name} was removed" for name in sorted(set(self.files) - set(current))]
        out += [
            f"{name} changed"
            for name in sorted(set(current) & set(self.files))
            if not self.files[name].matches(current[name])
        ]
        return out

    def to_json(self) -> str:
        doc = {
            "version": FORMAT_VERSION,
            "project": self.project,
            "files": {k: asdict(v) for k, v in sorted(self.files.items())},
            "loaded": [asdict(item) for item in self.loaded],
        }
        return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str, where: str) -> Manifest:
        try:
            doc: dict[str, Any] = json.loads(text)
            if doc.get("version") != FORMAT_VERSION:
                raise ValueError(f"unknown manifest version {doc.get('version')!r}")
            return cls(
                project=doc.get("project"),
                files={k: FileStamp(**v) for k, v in doc.get("files", {}).items()},
                loaded=[LoadedFile(**item) for item in doc.get("loaded", [])],
            )
        except (ValueError, TypeError, AttributeError) as error:
            raise StoreError(
                f"{where}: unreadable store manifest ({error}); run `kg build` to rebuild the store"
            ) from None

    def write(self, path: Path) -> None:
        """Write the manifest durably (it must be on disk before the generation is published)."""
        with path.open("w", encoding="utf-8") as out:
            out.write(self.to_json())
            out.flush()
            os.fsync(out.fileno())

    @classmethod
    def read(cls, path: Path) -> Manifest:
        try:
            return cls.from_json(path.read_text(encoding="utf-8"), str(path))
        except FileNotFoundError:
            return cls()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _relative(files: ProjectFiles, path: Path) -> str:
    try:
        return path.relative_to(files.root).as_posix()
    except ValueError:
        return str(path)

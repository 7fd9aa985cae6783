"""Regenerate the YASGUI files under src/kg/server/static/yasgui/ from the npm registry.

The package and version are pinned below with the registry's sha512 integrity. The tarball is
fetched with the npm client (``npm pack``), its digest is checked against the pinned one and
against what the registry states today, and only the two built files the page loads are
copied out, byte for byte. The folder also gets the licence, the version, a list of the
packages bundled inside the build with their licences, and SHA256SUMS.

    python scripts/vendor_yasgui.py           # rewrite the folder
    python scripts/vendor_yasgui.py --check   # rebuild in a temporary folder, compare, exit 1 on a difference

Only this script needs npm; installing kg does not.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "@zazuko/yasgui"
VERSION = "4.6.2"
INTEGRITY = "sha512-Zw45KdPoAE1KRaAoxIHdQqeJxvaVG1oQdntw0hy0ktX35Zu8ZccuOLrXCLwR+GU+0xMzLw8Mjw6BkSZV2vUuQw=="
BUILT = {"package/build/yasgui.min.js": "yasgui.min.js", "package/build/yasgui.min.css": "yasgui.min.css"}
SOURCE_MAP = "package/build/yasgui.min.js.map"
TARGET = Path(__file__).resolve().parent.parent / "src" / "kg" / "server" / "static" / "yasgui"

# The text of the LICENSE file at the root of the YASGUI repository (MIT).
MIT = """\
The MIT License (MIT)

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
THE SOFTWARE.
"""


class VendorError(Exception):
    """The registry's package is not the pinned one, or npm failed."""


def npm(*args: str, cwd: Path) -> str:
    done = subprocess.run(["npm", *args], cwd=cwd, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise VendorError(f"npm {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def sri_sha512(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def fetch_tarball(work: Path) -> bytes:
    """The pinned tarball, checked against the pinned digest and the registry's."""
    spec = f"{PACKAGE}@{VERSION}"
    stated = json.loads(npm("view", spec, "dist.integrity", "--json", cwd=work))
    if stated != INTEGRITY:
        raise VendorError(f"the registry states {stated} for {spec}, pinned is {INTEGRITY}")
    packed = json.loads(npm("pack", spec, "--json", "--pack-destination", str(work), cwd=work))
    data = (work / packed[0]["filename"]).read_bytes()
    if sri_sha512(data) != INTEGRITY:
        raise VendorError(f"the tarball of {spec} does not match the pinned sha512")
    return data


def members(data: bytes, work: Path) -> dict[str, bytes]:
    """The files the page needs, and the source map, read by exact name (nothing extracted)."""
    path = work / "package.tgz"
    path.write_bytes(data)
    wanted = {*BUILT, SOURCE_MAP, "package/package.json"}
    out: dict[str, bytes] = {}
    with tarfile.open(path, "r:gz") as archive:
        for member in archive.getmembers():
            if member.name in wanted and member.isfile():
                handle = archive.extractfile(member)
                assert handle is not None
                out[member.name] = handle.read()
    missing = wanted - set(out)
    if missing:
        raise VendorError(f"the tarball has no {', '.join(sorted(missing))}")
    return out


def bundled_packages(source_map: bytes) -> list[str]:
    """The npm packages compiled into the bundle, as its source map lists them."""
    sources = json.loads(source_map)["sources"]
    names = set()
    for source in sources:
        found = re.search(r"node_modules/((?:@[^/]+/)?[^/]+)/", source)
        if found:
            names.add(found.group(1))
    return sorted(names)


def licences(work: Path) -> dict[str, str]:
    """Each dependency's declared licence, from the lockfile npm resolves for the package."""
    (work / "package.json").write_text('{"name": "vendor", "version": "0.0.0", "private": true}')
    npm(
        "install",
        "--package-lock-only",
        "--ignore-scripts",
        "--no-audit",
        "--no-fund",
        f"{PACKAGE}@{VERSION}",
        cwd=work,
    )
    lock = json.loads((work / "package-lock.json").read_text())
    out = {}
    for key, entry in lock["packages"].items():
        if key:
            out.setdefault(key.rsplit("node_modules/", 1)[-1], entry.get("license") or "not declared")
    return out


def build(target: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="kg-vendor-") as temp:
        work = Path(temp)
        data = fetch_tarball(work)
        files = members(data, work)
        meta = json.loads(files["package/package.json"])
        declared = licences(work)
        target.mkdir(parents=True, exist_ok=True)
        for old in target.iterdir():
            old.unlink()
        for name, out in BUILT.items():
            (target / out).write_bytes(files[name])
        holders = [meta.get("author", "")] + [c["name"] for c in meta.get("contributors", [])]
        (target / "LICENSE").write_text(
            f"{PACKAGE} {VERSION} ({meta['license']})\n"
            f"Authors: {', '.join(h for h in holders if h)}\n"
            f"Source: {meta['homepage']}\n\n{MIT}"
        )
        bundled = bundled_packages(files[SOURCE_MAP])
        width = max(len(name) for name in bundled)
        (target / "THIRD-PARTY").write_text(
            "Packages compiled into yasgui.min.js (from its source map), with the licence each\n"
            "declares in the npm registry:\n\n"
            + "".join(f"{name.ljust(width)}  {declared.get(name, 'not declared')}\n" for name in bundled)
        )
        (target / "VERSION").write_text(f"{PACKAGE} {VERSION}\nintegrity {INTEGRITY}\n")
        sums = [
            f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n"
            for path in sorted(target.iterdir())
            if path.name != "SHA256SUMS"
        ]
        (target / "SHA256SUMS").write_text("".join(sums))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="rebuild in a temporary folder and compare with the committed files",
    )
    args = parser.parse_args()
    try:
        if not args.check:
            build(TARGET)
            print(f"{PACKAGE} {VERSION} written to {TARGET}")
            return 0
        with tempfile.TemporaryDirectory(prefix="kg-vendor-check-") as temp:
            fresh = Path(temp) / "yasgui"
            build(fresh)
            differ = [
                p.name
                for p in sorted(fresh.iterdir())
                if not (TARGET / p.name).exists() or (TARGET / p.name).read_bytes() != p.read_bytes()
            ]
            extra = sorted({p.name for p in TARGET.iterdir()} - {p.name for p in fresh.iterdir()})
            if differ or extra:
                print(f"differs from the registry build: {', '.join(differ + extra)}", file=sys.stderr)
                return 1
            print(f"{TARGET} is the registry's {PACKAGE} {VERSION}")
            return 0
    except VendorError as error:
        print(f"vendor_yasgui: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

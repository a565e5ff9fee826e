"""The browser app's front-end packages, served from the virtual environment, never a CDN.

Solara's page loads its JavaScript and CSS from ``/_solara/cdn/<package>@<version>/...``,
which its server answers from ``proxy_cache_dir`` (``<venv>/share/solara/cdn``) and, for a
file not there, by fetching it from a public CDN: offline the page stays empty. ``fetch``
puts the pinned packages there with ``npm pack`` (the npm registry's ordinary client,
integrity checked against the pins below), once; ``missing`` lists what is not there yet.

``python -m sim.app.assets`` fetches what is missing (``.ci/setup`` runs it).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PACKAGES", "Package", "cdn_dir", "fetch", "missing", "referenced_by_solara"]

#: Marker written into a package folder once it is complete (holds the integrity hash).
MARKER = ".govsim-integrity"


@dataclass(frozen=True)
class Package:
    """One npm package at an exact version with its registry integrity hash."""

    name: str
    version: str
    integrity: str  #: npm's ``sha512-<base64>`` of the tarball

    @property
    def folder(self) -> str:
        """Folder under the cache the server looks in, e.g. ``requirejs@2.3.6``."""
        return f"{self.name}@{self.version}"


#: What solara 1.64's page and widgets load (its page template and vue files name these
#: versions; ``referenced_by_solara`` reads them back, and a test keeps the two in step).
PACKAGES: tuple[Package, ...] = (
    Package("@widgetti/solara-vuetify-app", "10.1.1",
            "sha512-Cdu6G7KIBeohT2jyeQUEDr61dhEozY23St+iDwfA3+ZyPZyoIza/nS4W2g8+dbs0Xhb+WQnXlaRI92TLgeY/Jw=="),
    Package("requirejs", "2.3.6",
            "sha512-ipEzlWQe6RK3jkzikgCupiTbTvm4S0/CAU5GlgptkN5SO6F3u0UD0K18wy6ErDqiCyP4J4YYe1HuAShvsxePLg=="),
    Package("font-awesome", "4.5.0",
            "sha512-XGGY8CN/NT8e5fKOC/K7CESNQ3+2oYOfZqwZcKgEMtcmTiHtFIH+XZWRoU0HtcdwhtSkpWXLfTIUlTdJ4PhX8A=="),
    Package("@widgetti/vue-grid-layout", "2.3.13-alpha.2",
            "sha512-zCPKe2r09eLUDl1NcdL66oPELDsbC07Z2xejPiQpPbE8hLITcr0DHvPEdL5UITQQilordKJwcxJXDE/QWo/KUA=="),
)


def cdn_dir() -> Path:
    """The folder solara's server serves ``/_solara/cdn/`` from (its ``proxy_cache_dir``
    default, worked out without importing solara, which takes seconds)."""
    given = os.environ.get("SOLARA_ASSETS_PROXY_CACHE_DIR")
    return Path(given) if given else Path(sys.prefix) / "share" / "solara" / "cdn"


def missing(*, root: Path | None = None) -> list[Package]:
    """Pinned packages not (completely) present under ``root`` (default: :func:`cdn_dir`)."""
    root = cdn_dir() if root is None else root
    out = []
    for p in PACKAGES:
        marker = root / p.folder / MARKER
        if not marker.is_file() or marker.read_text(encoding="ascii").strip() != p.integrity:
            out.append(p)
    return out


def referenced_by_solara() -> set[str]:
    """``name@version`` of every package the installed solara's page template and vue
    widgets load through the cdn path (what :data:`PACKAGES` must cover)."""
    import solara

    base = Path(solara.__file__).parent
    files = [base / "server" / "templates" / "solara.html.j2", *base.glob("widgets/vue/*.vue")]
    files += [base / "server" / "settings.py"]  # font-awesome's path
    found: set[str] = set()
    pattern = re.compile(r"(?:\}\}|getCdn\(\)\}|\")/((?:@[\w.-]+/)?[\w.-]+@\d+\.\d+\.\d+[\w.-]*)/")
    for f in files:
        found.update(pattern.findall(f.read_text(encoding="utf-8")))
    # The vuetify 3 app is for ipyvue/ipyvuetify 3, which the app extra excludes (< 2).
    return {name for name in found if "vuetify3" not in name}


def _sha512(path: Path) -> str:
    h = hashlib.sha512()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return "sha512-" + base64.b64encode(h.digest()).decode("ascii")


def _install(p: Package, root: Path, work: Path) -> None:
    """npm pack -> integrity check -> unpack into ``root/<name>@<version>`` (atomically)."""
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm not found: install Node.js (with npm) to fetch the app's front-end packages")
    out = subprocess.run([npm, "pack", f"{p.name}@{p.version}", "--json", "--pack-destination", str(work)],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"npm pack {p.name}@{p.version} failed: {out.stderr.strip().splitlines()[-1:]}")
    info = json.loads(out.stdout)[0]
    tgz = work / info["filename"]
    if info.get("integrity") != p.integrity or _sha512(tgz) != p.integrity:
        raise RuntimeError(f"{p.name}@{p.version}: integrity differs from the pinned hash; refusing to install it")
    unpack = work / "unpack"
    shutil.rmtree(unpack, ignore_errors=True)
    with tarfile.open(tgz) as tar:
        tar.extractall(unpack, filter="data")
    (unpack / "package" / MARKER).write_text(p.integrity + "\n", encoding="ascii")
    target = root / p.folder
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(target, ignore_errors=True)
    (unpack / "package").rename(target)


def fetch(*, root: Path | None = None) -> list[Package]:
    """Install the missing pinned packages; returns those installed (none: all were there)."""
    root = cdn_dir() if root is None else root
    todo = missing(root=root)
    with tempfile.TemporaryDirectory(prefix="govsim-npm-") as tmp:
        for p in todo:
            _install(p, root, Path(tmp))
    return todo


def main() -> int:
    try:
        done = fetch()
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    names = ", ".join(p.folder for p in done)
    print(f"app assets: {'installed ' + names if done else 'all present'} in {cdn_dir()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

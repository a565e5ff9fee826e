"""Where a result comes from: code version, package versions, configuration hash.

The *stable* part (commit and dirty flag, package versions, config hash) goes into every
table as Parquet metadata, so a table says which code and scenario made it while the same
file and seed still give byte-identical tables. Times, command lines and machines change
from run to run and go only into manifests (``sim.sweep.store``).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import socket
import subprocess
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from sim.errors import ScenarioError

REPO = Path(__file__).resolve().parents[2]
#: Packages whose version can change a run's numbers (recorded in every table).
MODEL_PACKAGES: tuple[str, ...] = ("govsim", "numpy", "scipy", "networkx", "mesa", "pydantic", "pyarrow")
#: Packages of the experiment tooling (recorded in manifests).
TOOL_PACKAGES: tuple[str, ...] = ("salib", "dask", "distributed", "ema-workbench", "matplotlib", "pandas")
PREFIX = "govsim."


def canonical_json(data: Any) -> str:
    """JSON with sorted keys and no spaces: the text that is hashed."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def config_hash(cfg: Any) -> str:
    """SHA-256 of a resolved scenario (``model_dump`` JSON, sorted keys)."""
    return sha256_text(canonical_json(cfg.model_dump(mode="json")))


def _git(*args: str) -> str | None:
    try:
        p = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, timeout=20,
                           env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"})
    except (OSError, subprocess.SubprocessError):
        return None
    return p.stdout.strip() if p.returncode == 0 else None


def command_line() -> str:
    """This process's command as a user would type it, without the machine's paths:
    ``govsim ...`` for the package's entry points, else the script's name and its arguments."""
    if not sys.argv or not sys.argv[0]:
        return ""
    first = Path(sys.argv[0])
    name = "govsim" if first.name == "govsim" or (first.name == "__main__.py" and first.parent.name == "sim") else first.name
    return " ".join([name, *sys.argv[1:]])


@lru_cache(maxsize=1)
def code_version() -> dict[str, Any]:
    """The checkout's commit and whether tracked files differ from it (None when not a git checkout)."""
    commit = _git("rev-parse", "HEAD")
    status = _git("status", "--porcelain", "--untracked-files=no") if commit else None
    return {"commit": commit, "dirty": None if status is None else bool(status)}


@lru_cache(maxsize=1)
def package_versions(packages: tuple[str, ...] = MODEL_PACKAGES) -> dict[str, str | None]:
    """Python's and the packages' versions (None: not installed)."""
    out: dict[str, str | None] = {"python": platform.python_version()}
    for pkg in packages:
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = None
    return out


def stable_metadata(**extra: Any) -> dict[bytes, bytes]:
    """Parquet schema metadata: ``govsim.commit``, ``govsim.dirty``, ``govsim.versions`` and
    each ``extra`` key (text as is, anything else as canonical JSON)."""
    code = code_version()
    items: dict[str, Any] = {"commit": code["commit"] or "unknown", "dirty": code["dirty"],
                             "versions": package_versions(), **extra}
    return {(PREFIX + k).encode(): (v if isinstance(v, str) else canonical_json(v)).encode() for k, v in items.items()}


#: Lock files a checkout may hold, recorded by hash in manifests when present.
LOCK_FILES: tuple[str, ...] = ("pylock.toml", "uv.lock", "poetry.lock", "requirements.lock", "requirements.txt")


@lru_cache(maxsize=1)
def installed_packages() -> tuple[str, ...]:
    """Every distribution installed in this interpreter as ``name==version``, sorted by name
    (what ``pip freeze`` lists, read without running pip)."""
    seen: dict[str, str] = {}
    for dist in metadata.distributions():
        name = (dist.metadata["Name"] or "").strip()
        if name:
            seen.setdefault(name.lower().replace("_", "-"), f"{name}=={dist.version}")
    return tuple(seen[k] for k in sorted(seen))


def environment_lock() -> dict[str, Any]:
    """The installed environment as a reviewer needs it to rebuild it: the package list, its
    SHA-256 (one line per package, sorted) and the checkout's lock file, if any, by hash."""
    packages = installed_packages()
    locks = [{"path": name, "sha256": file_sha256(REPO / name)} for name in LOCK_FILES if (REPO / name).is_file()]
    return {"packages_sha256": sha256_text("\n".join(packages) + "\n"), "packages": list(packages), "lock_files": locks}


class DirtyCheckout(ScenarioError):
    """Curated results may be published only from a clean commit."""


def require_clean(what: str) -> str:
    """The commit to publish ``what`` from; DirtyCheckout (one line, with the fix) if tracked
    files differ from it or this is not a git checkout. Asks git again, since files may have
    changed since :func:`code_version` was first asked (several curated jobs in one process)."""
    getattr(code_version, "cache_clear", lambda: None)()
    code = code_version()
    if code["commit"] is None:
        raise DirtyCheckout(f"cannot publish {what}: {REPO} is not a git checkout, so no commit would say what made "
                            "it; publish from a clone of the repository")
    if code["dirty"]:
        raise DirtyCheckout(f"cannot publish {what} from a checkout with uncommitted changes (git status): commit "
                            f"them first, so that the commit recorded ({code['commit'][:12]}) is what made it")
    return str(code["commit"])


#: Curated results (kept in git, cited by the docs): written only from a clean commit.
CURATED = REPO / "results" / "curated"


def check_publishable(path: str | Path) -> None:
    """Refuse (DirtyCheckout) to write into the curated results from a dirty checkout."""
    target = Path(path).resolve()
    if target == CURATED or CURATED in target.parents:
        require_clean(f"into {target.relative_to(REPO)}")


def environment() -> dict[str, Any]:
    """Everything a manifest records about where it ran (changes from run to run)."""
    return {
        **code_version(),
        "environment": environment_lock(),
        "versions": {**package_versions(), **package_versions(TOOL_PACKAGES)},
        "platform": platform.platform(),
        "machine": platform.machine(),
        "host": socket.gethostname(),
        "cpus": os.cpu_count(),
        "command": [Path(sys.argv[0]).name, *sys.argv[1:]] if sys.argv and sys.argv[0] else [],
    }

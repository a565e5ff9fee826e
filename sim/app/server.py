"""``govsim app``: serve the browser app with solara's server, offline.

Everything the page loads comes from this machine: solara's own files and the pinned
front-end packages in the virtual environment (``sim.app.assets``). Solara's server would
fetch any other ``/_solara/cdn/...`` file from a public CDN (a client-chosen path, written
into the venv); :class:`LocalAssetsOnly` answers 404 for those at once, and solara's fetch
is disabled as well. Telemetry and version
checks are off, the server binds to 127.0.0.1 unless told otherwise, and a closed browser
tab's session (with its model) is freed after :data:`SESSION_GRACE`.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import Any

__all__ = ["AppSetupError", "DEFAULT_HOST", "DEFAULT_PORT", "LocalAssetsOnly", "serve"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
#: How long a session outlives its closed tab (a reload within it reconnects).
SESSION_GRACE = "120s"
#: The module solara imports for the page (its ``Page`` component).
APP_MODULE = "sim.app.entry"


class AppSetupError(RuntimeError):
    """Something the app needs is not installed; the message says how to install it."""


def _check_installed() -> None:
    try:
        import solara  # noqa: F401
    except ImportError:
        raise AppSetupError("the browser app needs the 'app' extra: pip install -e '.[app]' (or run bash .ci/setup)") from None
    from sim.app.assets import cdn_dir, missing

    absent = missing()
    if absent:
        names = ", ".join(p.folder for p in absent)
        raise AppSetupError(f"front-end packages missing from {cdn_dir()} ({names}); run: python -m sim.app.assets")


def configure() -> None:
    """Solara settings for an offline, private, multi-session server (before it imports the app)."""
    os.environ["SOLARA_APP"] = APP_MODULE
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    os.environ.setdefault("SOLARA_KERNEL_CULL_TIMEOUT", SESSION_GRACE)
    os.environ.setdefault("SOLARA_THEME_SHOW_BANNER", "False")
    import solara.server.settings as server_settings

    server_settings.telemetry.mixpanel_enable = False
    server_settings.main.mode = "production"
    server_settings.kernel.cull_timeout = os.environ["SOLARA_KERNEL_CULL_TIMEOUT"]
    server_settings.theme.title = "govsim"
    server_settings.theme.show_banner = False
    # Plain http on this machine or a classroom network: solara falls back to samesite=lax itself.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")
    disable_cdn_fetch()


def disable_cdn_fetch() -> None:
    """Make solara's CDN fetch fail, so even a request that got past :class:`LocalAssetsOnly`
    never reaches the network (solara's route then answers 404)."""
    import solara.server.cdn_helper as cdn_helper

    cdn_helper.fetch_from_cdn = _no_cdn


def _no_cdn(url: str) -> bytes:
    raise PermissionError(f"govsim app serves only its pinned local front-end files, not {url}")


class LocalAssetsOnly:
    """ASGI wrapper: a request under ``/_solara/cdn/`` reaches solara only if it names a file
    inside one of the pinned packages (``sim.app.assets.PACKAGES``) present in the cache
    folder; anything else is answered 404 at once, without touching the network or the disk."""

    PREFIX = "/_solara/cdn/"

    def __init__(self, app: Any, root: Path | None = None) -> None:
        from sim.app.assets import PACKAGES, cdn_dir

        self.app = app
        self.root = (cdn_dir() if root is None else root).resolve()
        self.folders = {p.folder: (self.root / p.folder).resolve() for p in PACKAGES}

    def allowed(self, path: str) -> bool:
        """Whether ``path`` (after the cdn prefix) is a file of a pinned package."""
        parts = path.split("/")
        n = 2 if parts[0].startswith("@") else 1
        base = self.folders.get("/".join(parts[:n]))
        rest = parts[n:]
        if base is None or not rest or any(part in ("", ".", "..") or "\\" in part for part in rest):
            return False
        target = base.joinpath(*rest).resolve()
        return target.is_relative_to(base) and target.is_file()

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            path = scope.get("path", "")
            root_path = scope.get("root_path", "")
            if root_path and path.startswith(root_path):
                path = path[len(root_path):]
            if path.startswith(self.PREFIX) or path == self.PREFIX.rstrip("/"):
                if not self.allowed(path[len(self.PREFIX):]):
                    await _not_found(send)
                    return
        await self.app(scope, receive, send)


async def _not_found(send: Any) -> None:
    body = b"not found: govsim app serves only its pinned local front-end files\n"
    await send({"type": "http.response.start", "status": 404,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def serve(*, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> int:
    """Run the app server until interrupted; returns the exit code."""
    _check_installed()
    configure()
    import uvicorn
    from solara.server.starlette import app

    ready = threading.Event()
    config = uvicorn.Config(ReadyGate(LocalAssetsOnly(app), ready), host=host, port=port, log_level="warning", access_log=False,
                            ws_max_size=8 * 1024 * 1024, timeout_graceful_shutdown=3)
    server = uvicorn.Server(config)
    threading.Thread(target=_prepare_when_listening, args=(server, ready, f"http://{host}:{port}/"), daemon=True).start()
    server.run()
    return 0


class ReadyGate:
    """ASGI wrapper that holds sessions (websocket connections) until the page is prepared.

    The page module imports the model, which takes seconds; importing it once the server
    listens lets that overlap with the browser loading the page's JavaScript. Nothing may
    render meanwhile (a render would meet half-imported modules), so connections wait here.
    """

    def __init__(self, app: Any, ready: threading.Event) -> None:
        self.app, self.ready = app, ready

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        while scope["type"] == "websocket" and not self.ready.is_set():
            await asyncio.sleep(0.02)
        await self.app(scope, receive, send)


def _prepare_when_listening(server: Any, ready: threading.Event, url: str) -> None:
    """Once the server listens: import the page and the model, build the first session's
    simulation, then let sessions in."""
    while not server.started:
        if server.should_exit:
            return
        time.sleep(0.02)
    print(f"govsim app: {url}  (Ctrl+C stops it)", file=sys.stderr, flush=True)
    try:
        import sim.app.page  # noqa: F401
        from sim.app.ui_common import warm_up

        warm_up()
    finally:
        ready.set()

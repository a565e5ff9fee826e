"""``govsim app``: serve the browser app with solara's server, offline.

Everything the page loads comes from this machine: solara's own files and the pinned
front-end packages in the virtual environment (``sim.app.assets``). Telemetry and version
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
from typing import Any

__all__ = ["AppSetupError", "DEFAULT_HOST", "DEFAULT_PORT", "serve"]

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


def serve(*, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> int:
    """Run the app server until interrupted; returns the exit code."""
    _check_installed()
    configure()
    import uvicorn
    from solara.server.starlette import app

    ready = threading.Event()
    config = uvicorn.Config(ReadyGate(app, ready), host=host, port=port, log_level="warning", access_log=False,
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

"""``govsim app``: serve the browser app with solara's server, offline.

Everything the page loads comes from this machine: solara's own files and the pinned
front-end packages in the virtual environment (``sim.app.assets``). Telemetry and version
checks are off, the server binds to 127.0.0.1 unless told otherwise, and a closed browser
tab's session (with its model) is freed after :data:`SESSION_GRACE`.
"""

from __future__ import annotations

import os
import sys

__all__ = ["AppSetupError", "DEFAULT_HOST", "DEFAULT_PORT", "serve"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
#: How long a session outlives its closed tab (a reload within it reconnects).
SESSION_GRACE = "120s"
#: The module solara imports for the page (its ``Page`` component).
APP_MODULE = "sim.app.page"


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


def serve(*, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> int:
    """Run the app server until interrupted; returns the exit code."""
    _check_installed()
    configure()
    import uvicorn

    import sim.app.page  # noqa: F401  - import the app (and the model) before the first visitor arrives

    print(f"govsim app: http://{host}:{port}/  (Ctrl+C stops it)", file=sys.stderr, flush=True)
    config = uvicorn.Config("solara.server.starlette:app", host=host, port=port, log_level="warning",
                            access_log=False, ws_max_size=8 * 1024 * 1024)
    uvicorn.Server(config).run()
    return 0

"""From exploring to analysing: export the current settings as a scenario file, or load one.

A file that does not validate leaves the session as it was and shows the CLI's one-line
error in the page."""

from __future__ import annotations

import base64
import html
from collections.abc import Callable

import solara

from sim.app.scenario_io import check_upload_size, export_filename, export_yaml, load_uploaded, named_after_changes
from sim.app.ui_common import AppState, Help
from sim.scenario.loading import MAX_FILE_BYTES

__all__ = ["FileCard", "receive_upload"]


@solara.component_vue("upload.vue")
def UploadButton(label: str, max_bytes: int, event_upload: Callable[[dict], None] | None = None) -> None:
    """A file chooser (and drop target) that sends the chosen file's bytes to the server."""


def receive_upload(state: AppState, payload: dict) -> None:
    """Load an uploaded file (``payload``: name, size, data URL or None if too large)."""
    name = str(payload.get("name") or "uploaded.yaml")
    data_url = payload.get("data")
    size = int(payload.get("size") or 0)
    try:
        check_upload_size(size if data_url is not None else max(size, MAX_FILE_BYTES + 1), filename=name)
        data = base64.b64decode(str(data_url).partition(",")[2])
        cfg = load_uploaded(data, filename=name)
    except ValueError:  # data that is not base64: not sent by this page
        state.error.set(state.t("file.unreadable", file=name))
        state.notice.set("")
        return
    except Exception as exc:  # noqa: BLE001 - a ScenarioError's line, or the unexpected logged: the page stays alive
        state.fail(exc)
        state.notice.set("")
        return
    state.act(lambda: state.explorer.configure(cfg, source=name), builds=cfg,
              then=lambda: state.notice.set(state.t("file.loaded", name=cfg.name, file=name)))


@solara.component
def FileCard(state: AppState) -> None:
    """Export button, YAML preview and upload button (results show in the page's message line).
    The export is named after the changes made in the page (``named_after_changes``)."""
    state.revision.value  # noqa: B018 - the export follows the settings
    cfg = named_after_changes(state.explorer.origin, state.explorer.config)
    text = export_yaml(cfg)
    with solara.Card(state.t("file.title"), classes=["govsim-file"]):
        solara.FileDownload(text, filename=export_filename(cfg), label=state.t("file.export"), mime_type="application/x-yaml")
        with solara.Details(state.t("file.show")):
            solara.HTML(tag="pre", unsafe_innerHTML=html.escape(text), classes=["govsim-yaml"], style="font-size: 12px")
        Help(state.t("file.hint"))
        UploadButton(label=state.t("file.load"), max_bytes=MAX_FILE_BYTES,
                     event_upload=lambda payload: receive_upload(state, payload))

"""The app's server serves only the pinned local front-end files under solara's cdn path:
anything else is a 404 at once, and solara's own CDN fetch is disabled."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

pytest.importorskip("solara")

from sim.app import assets  # noqa: E402
from sim.app.server import LocalAssetsOnly, disable_cdn_fetch  # noqa: E402

REQUIREJS = next(p for p in assets.PACKAGES if p.name == "requirejs")
SCOPED = next(p for p in assets.PACKAGES if p.name.startswith("@"))


def call(app: LocalAssetsOnly, path: str, root_path: str = "") -> int:
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b""}

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(app({"type": "http", "path": path, "root_path": root_path}, receive, send))
    return sent[0]["status"]


@pytest.fixture()
def app(tmp_path: Path) -> LocalAssetsOnly:
    (tmp_path / REQUIREJS.folder).mkdir()
    (tmp_path / REQUIREJS.folder / "require.js").write_text("//js")
    (tmp_path / SCOPED.folder / "dist").mkdir(parents=True)
    (tmp_path / SCOPED.folder / "dist" / "main.css").write_text("/*css*/")
    (tmp_path / "secret.txt").write_text("no")
    (tmp_path / "other@1.0.0").mkdir()
    (tmp_path / "other@1.0.0" / "x.js").write_text("//not pinned")

    async def inner(scope: dict, receive: object, send: object) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})  # type: ignore[operator]

    return LocalAssetsOnly(inner, root=tmp_path)


def test_pinned_files_present_pass_to_solara(app: LocalAssetsOnly) -> None:
    assert call(app, f"/_solara/cdn/{REQUIREJS.folder}/require.js") == 200
    assert call(app, f"/_solara/cdn/{SCOPED.folder}/dist/main.css") == 200
    assert call(app, f"/prefix/_solara/cdn/{REQUIREJS.folder}/require.js", root_path="/prefix") == 200
    assert call(app, "/") == 200 and call(app, "/static/main.js") == 200  # the rest is not its business


@pytest.mark.parametrize("path", [
    "bogus@1.0.0/x.js",                     # not a pinned package
    "other@1.0.0/x.js",                     # in the cache folder but not pinned
    f"{REQUIREJS.folder}/missing.js",      # pinned package, file absent: solara would fetch it
    f"{REQUIREJS.folder}",                 # solara maps a bare package to its __main.js
    f"{REQUIREJS.folder}/",
    f"{REQUIREJS.folder}/../secret.txt",   # out of the package
    f"{REQUIREJS.folder}/./require.js",
    f"{SCOPED.folder}/dist",                # a folder
    "@widgetti/bogus@1.0.0/x.js",
    "secret.txt",
    "",
])
def test_anything_else_under_the_cdn_path_is_404(app: LocalAssetsOnly, path: str) -> None:
    assert call(app, "/_solara/cdn/" + path) == 404


def test_solaras_cdn_fetch_is_disabled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import solara.server.cdn_helper as cdn_helper

    monkeypatch.setattr(cdn_helper, "fetch_from_cdn", cdn_helper.fetch_from_cdn)  # restored afterwards
    disable_cdn_fetch()
    with pytest.raises(PermissionError, match="pinned local front-end files"):
        cdn_helper.get_path(tmp_path, "bogus@1.0.0/x.js")  # what solara's cdn route calls
    assert list(tmp_path.iterdir()) == []

"""The page's front-end packages are pinned, come from the npm registry with their
integrity checked, and live where solara's server serves them."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("solara")

from sim.app import assets  # noqa: E402


def test_the_pins_cover_every_package_the_installed_solara_loads() -> None:
    assert {p.folder for p in assets.PACKAGES} == assets.referenced_by_solara()


def test_the_cache_folder_is_the_one_solaras_server_serves() -> None:
    from solara.server.settings import assets as served

    assert assets.cdn_dir() == Path(served.proxy_cache_dir)


def test_setup_installed_every_pinned_package() -> None:
    assert assets.missing() == [], "run: python -m sim.app.assets"


def test_missing_notices_absent_and_stale_packages(tmp_path: Path) -> None:
    first, second = assets.PACKAGES[:2]
    (tmp_path / first.folder).mkdir(parents=True)
    (tmp_path / first.folder / assets.MARKER).write_text(first.integrity + "\n")
    (tmp_path / second.folder).mkdir(parents=True)
    (tmp_path / second.folder / assets.MARKER).write_text("sha512-stale\n")
    assert assets.missing(root=tmp_path) == list(assets.PACKAGES[1:])


def test_fetch_explains_a_missing_npm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(assets.shutil, "which", lambda _: None)
    with pytest.raises(RuntimeError, match="npm not found"):
        assets.fetch(root=tmp_path)


def test_govsim_app_says_how_to_install_missing_packages(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from sim.cli import main

    monkeypatch.setattr(assets, "missing", lambda: list(assets.PACKAGES[:1]))
    assert main(["app", "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: front-end packages missing") and "python -m sim.app.assets" in err and err.count("\n") == 1

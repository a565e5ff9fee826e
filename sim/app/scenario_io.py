"""Scenarios in and out of the page: the catalogue under ``scenarios/``, uploaded YAML text,
and the current settings exported as a scenario file ``govsim validate`` accepts.

The page reads scenario files only from ``scenarios/`` (picked by name from the catalogue,
never by a path the browser sends) and from uploaded text. Uploaded text goes through the
CLI's loader (``sim.scenario.loading.load_scenario_text``: the same guarded YAML parser, size limit
and one-line :class:`~sim.errors.ScenarioError`); its ``extends`` may name only a file
under ``scenarios/``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml

from sim.app.settings import APP_MAX_RESIDENTS, app_range
from sim.errors import ScenarioError
from sim.scenario.export import scenario_yaml
from sim.scenario.loading import EXTENDS, MAX_FILE_BYTES, load_scenario, load_scenario_text
from sim.schema import ScenarioConfig

__all__ = ["SCENARIOS", "catalogue", "changes", "check_upload_size", "export_filename", "export_yaml", "load_named", "load_uploaded",
           "named_after_changes"]

#: The scenario folder of the repository the app runs from.
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
_SUFFIXES = (".yaml", ".yml")


def catalogue(*, root: Path = SCENARIOS) -> list[str]:
    """Scenario files under ``root`` as relative POSIX paths, top-level files first."""
    found = [p.relative_to(root).as_posix() for p in root.rglob("*") if p.suffix in _SUFFIXES and p.is_file()]
    return sorted(found, key=lambda name: (name.count("/"), name))


def load_named(name: str, *, root: Path = SCENARIOS) -> ScenarioConfig:
    """Load catalogue entry ``name`` (anything not in the catalogue is refused)."""
    if name not in catalogue(root=root):
        raise ScenarioError(f"'{name}' is not a scenario under scenarios/", source="scenarios/")
    cfg = load_scenario(root / name)
    _check_size(cfg, f"scenarios/{name}")
    return cfg


def load_uploaded(data: bytes, *, filename: str, root: Path = SCENARIOS) -> ScenarioConfig:
    """Validate uploaded YAML bytes as the CLI would; ScenarioError (one line) if bad."""
    check_upload_size(len(data), filename=filename)
    source = _display_name(filename)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ScenarioError(f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8", source=source, line=line) from None
    _check_extends(text, source, root)
    try:
        cfg = load_scenario_text(text, source=source, base_dir=root)
    except ScenarioError as exc:
        raise _in_app_range(exc) from None
    _check_size(cfg, source)
    return cfg


def _in_app_range(exc: ScenarioError) -> ScenarioError:
    """The loader's error, with the app's range where the app allows less than the schema
    (``population.residents``: the schema's "allowed range [10, 5000000]" is not the app's)."""
    if exc.key != "population.residents" or "allowed range" not in exc.detail:
        return exc
    detail = re.sub(r"must be [<>]=? [\d.,]+ \(allowed range [^)]*\)", _OUTSIDE, exc.detail)
    return ScenarioError(detail, source=exc.source, line=exc.line, key=exc.key)


def check_upload_size(size: int, *, filename: str) -> None:
    """Refuse a file larger than the loader's limit before reading it."""
    if size > MAX_FILE_BYTES:
        raise ScenarioError(f"file is {size / 2**20:.1f} MB, larger than the {MAX_FILE_BYTES // 2**20} MB limit; "
                            "a scenario file is a few kB", source=_display_name(filename))


def _display_name(filename: str) -> str:
    """The uploaded file's own name, printable and short (never a client-side path)."""
    name = os.path.basename(filename.replace("\\", "/")) or "uploaded.yaml"
    name = "".join(c for c in name if c.isprintable())
    return name[:100] or "uploaded.yaml"


def _extends_target(text: str) -> Any:
    """The top-level ``extends`` value of YAML ``text`` (None if absent or unreadable), read
    from the parser's events (libyaml, as the loader uses), so nothing is expanded."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    depth, expect_value, key = 0, False, None
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if depth == 1 and expect_value and key == EXTENDS:
                    return event  # not a plain path: the loader explains
                depth += 1
                if depth == 2:
                    expect_value = False
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
                if depth == 1:
                    expect_value = False
            elif isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)) and depth == 1:
                if expect_value and key == EXTENDS:
                    return getattr(event, "value", None)
                key = getattr(event, "value", None) if not expect_value else None
                expect_value = not expect_value
    except yaml.YAMLError:
        return None
    return None


def _check_extends(text: str, source: str, root: Path) -> None:
    """Refuse an ``extends`` that leaves ``root`` (absolute paths, ``..``, links out)."""
    target = _extends_target(text)
    if not isinstance(target, str) or not target.strip():
        return
    real_root = root.resolve()
    resolved = (root / target).resolve()
    if not resolved.is_relative_to(real_root):
        raise ScenarioError(f"extends {target!r}: the app reads only files under scenarios/; "
                            "name one of them (e.g. 'community_system.yaml')", source=source, key=EXTENDS)


_OUTSIDE = f"outside the app's allowed range {app_range(('population', 'residents'))} (use 'govsim run' for bigger streets)"


def _check_size(cfg: ScenarioConfig, source: str) -> None:
    if cfg.population.residents > APP_MAX_RESIDENTS:
        raise ScenarioError(f"population.residents = {cfg.population.residents:,}: {_OUTSIDE}",
                            source=source, key="population.residents")


# --------------------------------------------------------------------------- export


def export_yaml(cfg: ScenarioConfig) -> str:
    """The scenario as a self-contained YAML file: its name, description, seed and days,
    and every other key whose value differs from the schema's default."""
    header = (f"# govsim scenario '{cfg.name}', exported from the browser app.\n"
              "# Keys not written here take the schema's defaults. Check it with: govsim validate <this file>\n")
    return scenario_yaml(cfg, header)


def export_filename(cfg: ScenarioConfig) -> str:
    """A file name for the export, from the scenario's name."""
    slug = re.sub(r"_+", "_", "".join(c if c.isalnum() or c in "-_" else "_" for c in cfg.name)).strip("_") or "scenario"
    return f"{slug[:80].rstrip('_')}.yaml"


#: Longest name :func:`named_after_changes` makes (the rest is counted: "and 3 more").
MAX_NAME = 100


def _leaves(data: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for k, v in data.items():
            out.update(_leaves(v, f"{prefix}{k}."))
        return out
    return {prefix[:-1]: data}


def changes(origin: ScenarioConfig, cfg: ScenarioConfig) -> list[tuple[str, Any, Any]]:
    """``(key, old, new)`` for every setting of ``cfg`` that differs from ``origin`` (name and
    description aside), in the schema's order."""
    old, new = _leaves(origin.model_dump(mode="json")), _leaves(cfg.model_dump(mode="json"))
    return [(k, old.get(k), v) for k, v in new.items() if k not in ("name", "description") and old.get(k) != v]


def _plain(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _short(key: str, value: Any) -> str:
    parts = key.split(".")
    if parts[0] == "mechanisms" and parts[-1] == "enabled":
        return parts[1] if value else f"no {parts[1]}"
    shown = ".".join(parts[1:]) if parts[0] == "mechanisms" else parts[-1]
    return f"{shown} {_plain(value)}"


def named_after_changes(origin: ScenarioConfig, cfg: ScenarioConfig) -> ScenarioConfig:
    """``cfg`` named after what changed from ``origin`` (``community_system + supervision,
    residents 2000``), its description saying so; unchanged: ``cfg`` as it is."""
    diff = changes(origin, cfg)
    if not diff:
        return cfg
    name, shown = origin.name + " +", 0
    for key, _, new in diff:
        piece = f" {_short(key, new)}"
        if len(name) + len(piece) > MAX_NAME and shown:
            break
        name += ("," if shown else "") + piece
        shown += 1
    if shown < len(diff):
        name += f" and {len(diff) - shown} more"
    lines = "; ".join(f"{k}: {_plain(old)} -> {_plain(new)}" for k, old, new in diff)
    note = f"Changed in the browser app from '{origin.name}': {lines}."
    description = f"{cfg.description.rstrip()}\n\n{note}" if cfg.description.strip() else note
    return cfg.model_copy(update={"name": name[:200], "description": description})

"""A sweep's or comparison's output folder as an RO-Crate a reviewer can rerun.

The crate follows the Workflow Run Crate profile (https://w3id.org/ro/wfrun/workflow/0.5):
the experiment file is the workflow (``mainEntity``, a ``ComputationalWorkflow`` in the
language "govsim experiment file"), govsim is the engine that ran it, and one
``CreateAction`` per session of the folder's manifest says when it ran, on which commit,
with the experiment and the scenario files as its objects and the tables as its results.
The manifest (with the installed packages and their hash) and ``experiment.json`` go in
as they are. The ``rocrate`` package writes the JSON-LD, so the crate validates against the
RO-Crate 1.1 specification it implements.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sim.output.provenance import file_sha256, package_versions
from sim.output.results import OutputError

__all__ = ["export_crate"]

PROFILES = ("https://w3id.org/ro/wfrun/process/0.5", "https://w3id.org/ro/wfrun/workflow/0.5",
            "https://w3id.org/workflowhub/workflow-ro-crate/1.0")
#: Output files of an engine folder, with what each is.
OUTPUTS = {
    "runs.parquet": "One row per run: factors, configuration hash and summary outcomes (units in the field metadata).",
    "timings.parquet": "Wall time, CPU time and memory of each run.",
    "daily.parquet": "Daily series of every run that kept them.",
    "journal.jsonl": "One checksummed line per finished run (the source the tables are rebuilt from).",
    "experiment.json": "The experiment's identity: scenarios as resolved, design, seeds.",
    "manifest.json": "Provenance: commit, installed packages and their hash, command lines and times of every session.",
}


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OutputError(f"{path}: cannot read it ({exc}); export a folder written by govsim compare or govsim sweep") from None
    if not isinstance(data, dict):
        raise OutputError(f"{path}: not a govsim manifest; export a folder written by govsim compare or govsim sweep")
    return data


def export_crate(folder: str | Path, dest: str | Path | None = None) -> Path:
    """Write the RO-Crate of engine folder ``folder`` to the zip file ``dest`` (default:
    ``FOLDER.crate.zip`` beside it); returns its path. OutputError (one line) for a folder
    that is not a finished engine folder, or for an input file changed since the runs."""
    from rocrate.model.computerlanguage import ComputerLanguage
    from rocrate.model.contextentity import ContextEntity
    from rocrate.model.softwareapplication import SoftwareApplication
    from rocrate.rocrate import ROCrate

    folder = Path(folder)
    manifest = _load(folder / "manifest.json")
    if not (folder / "runs.parquet").is_file():
        raise OutputError(f"{folder}: no runs.parquet; export a folder whose sweep or comparison has run")
    record = manifest.get("experiment") or {}
    dest = Path(dest) if dest is not None else folder.with_name(folder.name + ".crate.zip")

    crate = ROCrate(gen_preview=False)
    crate.name = f"govsim: {record.get('name', folder.name)}"
    crate.description = ("Inputs, outputs and provenance of a govsim experiment (an agent-based model of urban "
                         "grassroots governance); rerun with the command of each action on the commit it names.")
    crate.root_dataset["conformsTo"] = [{"@id": p} for p in PROFILES]
    crate.root_dataset["license"] = "MIT"
    lang = crate.add(ComputerLanguage(crate, identifier="#govsim-experiment", properties={
        "name": "govsim experiment file", "alternateName": "govsim YAML",
        "version": package_versions().get("govsim") or "unknown"}))
    engine = crate.add(SoftwareApplication(crate, identifier="#govsim", properties={
        "name": "govsim", "version": package_versions().get("govsim") or "unknown",
        "softwareRequirements": manifest.get("sessions", [{}])[-1].get("environment", {}).get("packages", [])}))

    inputs = []
    source = Path(str(record.get("file", "")))
    if source.is_file():
        _same(source, record.get("file_sha256"), "the experiment file")
        workflow = crate.add_workflow(source, dest_path=f"inputs/{source.name}", main=True, lang=lang,
                                      properties={"name": record.get("name", source.stem), "sha256": file_sha256(source)})
        inputs.append(workflow)
    else:
        workflow = crate.add_workflow(dest_path="inputs/experiment.json", main=True, lang=lang,
                                      source=folder / "experiment.json", properties={"name": record.get("name", "experiment")})
    for name, path in sorted((record.get("scenario_files") or {}).items()):
        p = Path(path)
        if p.is_file():
            _same(p, (record.get("scenario_sha256") or {}).get(name), f"scenario file {p}")
            inputs.append(crate.add_file(p, dest_path=f"inputs/scenarios/{name}.yaml",
                                         properties={"name": f"scenario {name}", "sha256": file_sha256(p),
                                                     "encodingFormat": "application/yaml"}))
    outputs = []
    for name, what in OUTPUTS.items():
        p = folder / name
        if p.is_file() and not (name == "experiment.json" and workflow.id.endswith("experiment.json")):
            outputs.append(crate.add_file(p, dest_path=name, properties={"name": name, "description": what,
                                                                         "sha256": file_sha256(p)}))
    for i, s in enumerate(manifest.get("sessions", [])):
        commit = s.get("commit") or "unknown"
        action = crate.add(ContextEntity(crate, identifier=f"#session-{i}", properties={
            "@type": "CreateAction", "name": f"govsim session {i + 1} on commit {commit[:12]}"
                                              + (" (with uncommitted changes)" if s.get("dirty") else ""),
            "startTime": s.get("start"), "endTime": s.get("end"), "actionStatus": _status(s.get("status")),
            "description": " ".join(map(str, s.get("command") or [])) or "govsim",
        }))
        action["instrument"] = workflow
        action["agent"] = engine
        action["object"] = inputs
        action["result"] = outputs
        crate.root_dataset.append_to("mentions", action)
    workflow["programmingLanguage"] = lang
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        crate.write_zip(dest)
    except OSError as exc:
        raise OutputError(f"{dest}: cannot write the crate ({exc.strerror or exc}); choose another --out") from None
    return dest


def _same(path: Path, recorded: str | None, what: str) -> None:
    if recorded and file_sha256(path) != recorded:
        raise OutputError(f"{path}: {what} changed since the runs (its SHA-256 differs from the manifest's); "
                          "restore it (git checkout) or rerun the experiment before exporting")


def _status(status: Any) -> dict[str, str]:
    done = status == "complete"
    return {"@id": "http://schema.org/" + ("CompletedActionStatus" if done else "FailedActionStatus")}

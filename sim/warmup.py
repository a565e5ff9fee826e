"""Warm-up: a model brought to the baseline's steady state before its scenario starts.

A scenario with ``warmup_days`` runs that many days under the pre-reform regime (every
mechanism off) before day 0 (``GovernanceModel.start_day``). The warm-up does not depend on
the scenario's mechanisms, its name or its length, so every scenario of a comparison that
shares the rest of its settings and its seed starts from the same state (common random
numbers), and the state can be computed once: :func:`warm_model` keeps it in a cache
(``sim.cache``: ``GOVSIM_CACHE_DIR``, default ``~/.cache/govsim``, capped at
``GOVSIM_CACHE_MAX_MB``), keyed by those settings and by the model's source code, and a
cached start gives byte-identical results to a computed one.
"""

from __future__ import annotations

import ast
import hashlib
import json
from functools import lru_cache
from pathlib import Path

from sim import cache
from sim.model import GovernanceModel
from sim.schema import ScenarioConfig

#: Largest population whose warm state is cached on disk (a snapshot is about 0.6 kB a resident).
MAX_CACHED_RESIDENTS = 200_000


#: Where the code that decides what a simulation computes lives, relative to the package: the
#: model core, its mechanisms and its outcomes (not the tools around it: scenario files, sweeps,
#: reports, docs generators, the CLI, the app).
MODEL_CODE: tuple[str, ...] = (
    "agents.py", "contacts.py", "graph.py", "handlers.py", "issues.py", "lifecycle.py", "model.py", "resources.py",
    "rng.py", "rules.py", "run.py", "schema.py", "social.py", "state.py", "vocab.py", "warmup.py",
    "mechanisms/*.py", "outcomes/*.py",
)


def _is_layout(node: ast.stmt) -> bool:
    """Statements that say where code stands, not what it computes: docstrings and imports of
    the package's own modules."""
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
        return True
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").split(".")[0] == "sim"
    return isinstance(node, ast.Import) and all(a.name.split(".")[0] == "sim" for a in node.names)


def computing_statements(source: str) -> list[str]:
    """What a module computes, statement by top-level statement: each statement's syntax tree
    without docstrings and imports of the package's modules, without line numbers."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list):
            body[:] = [n for n in body if not _is_layout(n)]
    return [ast.dump(n, annotate_fields=False) for n in tree.body]


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of the model's code (:data:`MODEL_CODE`) as it computes, not as it is laid out: the
    sorted hashes of its top-level statements, so that moving a definition to another module,
    renaming a file, or editing a docstring, a comment or an import of the package leaves it
    unchanged, and any change to a statement changes it. A cached warm state, and a curated
    result, is used only with the code that made it."""
    root = Path(__file__).resolve().parent
    paths = sorted({p for pattern in MODEL_CODE for p in root.glob(pattern)})
    parts = sorted(hashlib.sha256(s.encode()).hexdigest()
                   for p in paths for s in computing_statements(p.read_text(encoding="utf-8")))
    return hashlib.sha256("".join(parts).encode()).hexdigest()


def warmup_key(config: ScenarioConfig) -> str:
    """What the warm state depends on: every setting but the mechanisms, name, description
    and days; the seed; the code."""
    data = config.model_dump(mode="json", exclude={"mechanisms", "name", "description", "days"})
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((text + code_fingerprint()).encode()).hexdigest()


def _warm(config: ScenarioConfig) -> GovernanceModel:
    model = GovernanceModel(config)
    for _ in range(config.warmup_days):
        model.step()
    return model


def warm_model(config: ScenarioConfig) -> GovernanceModel:
    """A model of ``config`` at the end of its warm-up (its regime starts with the next
    step), from the cache when present; without a warm-up, a fresh model."""
    if config.warmup_days == 0:
        return GovernanceModel(config)
    cacheable = config.population.residents <= MAX_CACHED_RESIDENTS
    key = warmup_key(config)
    model = cache.load(key) if cacheable else None
    if not isinstance(model, GovernanceModel):
        model = _warm(config.model_copy(update={"mechanisms": type(config.mechanisms)()}))
        if cacheable:
            cache.store(key, model)
    model.config = config
    return model

"""Architecture rules: the core stays free of plotting and UI; one schema; one registry."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from sim.mechanisms import PHASES, REGISTRY
from sim.schema import ScenarioConfig

ROOT = Path(__file__).resolve().parents[1]
SPEC_KEYS = {
    "service_closed_loop", "devolved_authority", "digital_platform", "gig_worker_platform", "proactive_analysis",
    "five_level_grid", "whistle_summon", "regional_party_building", "vanguard_linkage", "flexible_coverage",
    "emotional_outreach", "community_activities", "responsibility_lists", "supervision", "leadership_intensity",
    "events",
}


def test_core_never_imports_matplotlib_or_solara() -> None:
    code = ("import sys, sim.run, sim.model, sim.scenario.loading, sim.outcomes.summary, sim.cli; "
            "from sim.run import run; from sim.schema import ScenarioConfig; "
            "run(ScenarioConfig(days=3, population={'residents': 100})); sim.cli.build_parser(); "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'solara', 'ipyvuetify', 'reacton') "
            "or (m.startswith('sim.app') and m not in ('sim.app', 'sim.app.server'))]; "
            "print(bad); sys.exit(1 if bad else 0)")
    p = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr


def test_only_the_cli_reaches_into_the_app_and_only_lazily() -> None:
    """No core module imports sim.app at module level; the CLI does so inside its app command."""
    for path in (ROOT / "sim").rglob("*.py"):
        if path.is_relative_to(ROOT / "sim" / "app"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n.startswith("sim.app") for n in names), f"{path.relative_to(ROOT)} imports the app at module level"


def test_every_spec_mechanism_registered_with_its_own_module() -> None:
    assert SPEC_KEYS <= set(REGISTRY), f"mechanisms of the specification not registered: {sorted(SPEC_KEYS - set(REGISTRY))}"
    for key, mech in REGISTRY.items():
        module = sys.modules[mech.params.__module__]
        assert module.__name__ == f"sim.mechanisms.{key}"
        assert "article.md#part-" in mech.paragraph("Article"), f"{module.__name__}: no *Article.* paragraph linking the digest"
        for label in ("Rule", "Null variant") if mech.spends_nothing else ("Rule", "Costs", "Null variant"):
            assert mech.paragraph(label), f"{module.__name__}: its docstring has no *{label}.* paragraph"
        assert mech.article and all(a.startswith("part-") for a in mech.article), key
        assert mech.configure or mech.hooks or mech.decides, f"{key} changes no rule"
        assert set(mech.hooks) <= set(PHASES)


def test_every_parameter_has_description_and_default() -> None:
    def walk(model: type) -> None:
        for name, info in model.model_fields.items():
            assert info.description, f"{model.__name__}.{name} has no description"
            ann = info.annotation
            if isinstance(ann, type) and hasattr(ann, "model_fields"):
                walk(ann)

    walk(ScenarioConfig)
    ScenarioConfig()  # every default validates


def test_step_reads_as_the_days_phases() -> None:
    tree = ast.parse((ROOT / "sim" / "model.py").read_text())
    step = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "step")
    calls = [ast.unparse(s.value.func) for s in step.body if isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)]
    order = ["lifecycle.arrive", "lifecycle.detect", "lifecycle.route", "lifecycle.handle",
             "lifecycle.feedback_and_experience", "lifecycle.abandon", "social.self_govern", "social.spread_trust"]
    positions = [calls.index(c) for c in order]
    assert positions == sorted(positions)


def test_agents_do_not_write_model_state() -> None:
    """Agents are read-only views: no assignment in sim/agents.py targets anything under self.model."""
    tree = ast.parse((ROOT / "sim" / "agents.py").read_text())
    targets = [t for n in ast.walk(tree) if isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign))
               for t in (n.targets if isinstance(n, ast.Assign) else [n.target])]
    written = [ast.unparse(t) for t in targets if ast.unparse(t).startswith("self.model.")]
    assert not written, written
    calls = [ast.unparse(n) for n in ast.walk(tree) if isinstance(n, ast.Call)
             and ast.unparse(n.func).endswith((".at", ".fill", ".put"))]
    assert not calls, calls


def test_mesa_objects_mirror_the_arrays() -> None:
    """Mesa agents are views onto the vectorised state; the network space is built on request."""
    from sim.agents import GridWorker, Organisation, Resident
    from sim.model import GovernanceModel

    model = GovernanceModel(ScenarioConfig(days=5, population={"residents": 300}), with_space=True)
    for _ in range(5):
        model.step()
    residents = model.agents_by_type[Resident]
    assert len(residents) == 300 and len(model.grid.all_cells.cells) == 300
    r = model.residents[17]
    assert r.trust == model.state.trust[17] and r.group in ("local", "migrant", "gig", "elderly")
    assert len(model.agents_by_type[GridWorker]) == model.pop.n_grid_cells
    assert len(model.agents_by_type[Organisation]) == model.handlers.n
    assert sum(o.queue_length for o in model.organisations) == int(model.queue_lengths().sum())


def test_lint_clean() -> None:
    """ruff (configured in pyproject.toml) finds nothing."""
    import shutil

    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if not Path(ruff).exists():
        import pytest

        pytest.skip("ruff not installed")
    p = subprocess.run([ruff, "check", "sim", "tests", "experiments"], cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 0, p.stdout[-3000:]


# ------------------------------------------------------------------ import directions
#: The allowed import directions, lowest layer first: a module may import modules of its own
#: layer or of a lower one, never of a higher one, and no import chain may come back to where
#: it started (imports inside functions count; ``if TYPE_CHECKING:`` blocks do not).
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("sim.vocab", "sim.rng", "sim.errors", "sim.issues", "sim.resources")),
    ("core", ("sim.graph", "sim.rules", "sim.handlers", "sim.state", "sim.contacts", "sim.lifecycle", "sim.social",
              "sim.agents", "sim.mechanisms", "sim.schema", "sim.model")),
    ("outcomes", ("sim.outcomes",)),
    ("run", ("sim.run", "sim.warmup", "sim.cache")),
    ("scenario", ("sim.scenario",)),
    ("output", ("sim.output",)),
    ("sweep", ("sim.sweep",)),
    ("analysis", ("sim.analysis", "sim.calibration", "sim.odd")),
    ("interfaces", ("sim.cli", "sim.__main__", "sim.app")),
)


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted((ROOT / "sim").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _runtime_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Import statements anywhere in ``tree`` except under ``if TYPE_CHECKING:``."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports at run time (the defining module of each name)."""
    mods = _modules()
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for mod, path in mods.items():
        package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
        for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base for a in node.names]
            graph[mod] |= {t for t in targets if t in mods and t != mod}
    return graph


def _layer(module: str) -> int:
    for i, (_, prefixes) in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return i
    raise AssertionError(f"{module} belongs to no layer of LAYERS: add it to the one it sits in")


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, or None (iterative depth-first search)."""
    state: dict[str, int] = {}
    for start in sorted(graph):
        if start in state:
            continue
        stack: list[tuple[str, list[str]]] = [(start, sorted(graph[start]))]
        path, state[start] = [start], 1
        while stack:
            node, todo = stack[-1]
            if not todo:
                state[node] = 2
                stack.pop()
                path.pop()
                continue
            nxt = todo.pop()
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, sorted(graph[nxt])))
    return None


def test_the_import_graph_finds_function_level_imports_and_cycles() -> None:
    """The checker itself: an import inside a function is an edge, one under TYPE_CHECKING is not,
    and a cycle is found."""
    tree = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import a\ndef f():\n    import b\n")
    assert [ast.unparse(n) for n in _runtime_imports(tree)] == ["from typing import TYPE_CHECKING", "import b"]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "c", "b", "a"] or _cycle(
        {"a": {"b"}, "b": {"c"}, "c": {"a"}}) is not None
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_no_import_cycle_at_run_time() -> None:
    cycle = _cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_imports_go_down_the_layers() -> None:
    """Each module imports only its own layer or lower ones (LAYERS, written down in the README)."""
    upward = [f"{m} ({LAYERS[_layer(m)][0]}) imports {t} ({LAYERS[_layer(t)][0]})"
              for m, targets in import_graph().items() for t in sorted(targets) if _layer(t) > _layer(m)]
    assert not upward, "\n".join(upward)


def test_the_core_loads_without_every_mechanism() -> None:
    """Importing a core module loads what it uses, not the mechanism registry."""
    code = ("import sys, sim.graph, sim.rules, sim.state, sim.handlers, sim.lifecycle; "
            "bad = sorted(m for m in sys.modules if m.startswith(('sim.mechanisms', 'sim.schema', 'sim.model'))); "
            "print(bad); sys.exit(1 if bad else 0)")
    p = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr


def test_sub_packages_say_what_they_are_and_may_import() -> None:
    """Each sub-package's docstring says what it is and what it may import; the top level stays small."""
    for init in sorted((ROOT / "sim").glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert doc and "import" in doc, f"{init.relative_to(ROOT)}: say what the package is and what it may import"
    top = sorted(p.name for p in (ROOT / "sim").glob("*.py") if p.name not in ("__init__.py", "__main__.py"))
    assert len(top) <= 21, f"sim/ holds {len(top)} modules: {top}"

"""The generated blocks of the ODD document (``docs/ODD.md``): everything in it that comes from
the code, so that it cannot drift.

The machinery (markers, rendering, the staleness check, number and table formatting) is in
:mod:`sim.odd.markdown`; this module says which blocks the document has and what each says.
``python -m sim.odd`` rewrites ``docs/ODD.md`` in place; ``python -m sim.odd --check`` exits 1
with a one-line message naming the stale or missing blocks.

Everything generated is read from the code: parameter tables from the pydantic schema
(:class:`sim.schema.ScenarioConfig` and each mechanism's ``Params``: key path, default,
range from ``FieldInfo.metadata``, description), the mechanism list from
:data:`sim.mechanisms.REGISTRY`, the rule changes each mechanism's ``configure`` makes (by
applying it to the default rules), what each mechanism spends and its null variant (by
stepping a small model with the mechanism alone on, and from its module docstring), the
handler kinds and pools from :mod:`sim.handlers` and :data:`sim.resources.POOLS`, the day's
schedule from the source of :meth:`sim.model.GovernanceModel.step`, the status and
transition table from :data:`sim.issues.TRANSITIONS`, the outcome tables from
:data:`sim.outcomes.registry.REGISTRY`, and the random streams from :data:`sim.rng.PURPOSES` and the
mechanisms' own streams, with the functions that draw from each (found by reading the
package's source).

Output is deterministic: fixed orderings (schema, registry and enum order; sorted where
the source is a set), fixed number formatting, and a fixed seed for the small model. This
module never imports matplotlib.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import math
import re
import sys
import textwrap
import types
import typing
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import numpy as np
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sim import issues as issues_mod
from sim import rng as rng_mod
from sim.graph import build_population
from sim.handlers import Handlers
from sim.mechanisms import PHASES, REGISTRY, Mechanism
from sim.mechanisms.base import DECISIONS
from sim.odd import markdown as md
from sim.outcomes.registry import HEADLINE, RESOURCE_USE
from sim.outcomes.registry import REGISTRY as OUTCOMES
from sim.output.datadict import ISSUE_COLUMNS, WRITTEN_AS
from sim.rules import Rules
from sim.scenario.walk import is_model, unwrap
from sim.schema import ScenarioConfig, field_bounds
from sim.vocab import CATEGORIES, GROUPS, KIND_LEVEL, KIND_NAMES, LEVELS, SCOPES

__all__ = ["BLOCKS", "DOC", "block_names", "generate", "main", "render", "stale_blocks"]

ROOT = Path(__file__).resolve().parents[2]
#: The ODD document this module maintains.
DOC = ROOT / "docs" / "ODD.md"
PACKAGE = Path(__file__).resolve().parents[1]

# =========================================================================== ranges


def _bounds(metadata: Sequence[Any]) -> str | None:
    """Interval notation from annotated_types constraints (Ge, Gt, Le, Lt)."""
    lo, lo_open, hi, hi_open = field_bounds(metadata)
    if lo is None and hi is None:
        return None
    left = "(−∞" if lo is None else ("(" if lo_open else "[") + md.num(lo)
    right = "∞)" if hi is None else md.num(hi) + (")" if hi_open else "]")
    return f"{left}, {right}"


def _lengths(metadata: Sequence[Any]) -> str | None:
    lo = next((m.min_length for m in metadata if getattr(m, "min_length", None) is not None), None)
    hi = next((m.max_length for m in metadata if getattr(m, "max_length", None) is not None), None)
    if lo is None and hi is None:
        return None
    if lo is None:
        return f"length ≤ {md.num(hi)}"
    if hi is None:
        return f"length ≥ {md.num(lo)}"
    return f"length {md.num(lo)}–{md.num(hi)}"


def _type_range(tp: Any, metadata: Sequence[Any], default: Any = None) -> str:
    """Type and admissible values of a field, for the range column."""
    tp, more = unwrap(tp)
    metadata = list(more) + list(metadata)
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_range(a, metadata) for a in get_args(tp))
    if tp is bool:
        return "bool"
    if tp in (int, float):
        b = _bounds(metadata)
        return f"{tp.__name__} in {b}" if b else f"{tp.__name__}, unbounded"
    if tp is str:
        n = _lengths(metadata)
        return f"string, {n}" if n else "string"
    if origin is Literal:
        return "one of " + ", ".join(f"`{a}`" for a in get_args(tp))
    if origin is tuple:
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            item = args[0]
            if item is str and default and all(x in CATEGORIES for x in default):
                return "list of issue categories"
            if is_model(item):
                return f"list of {item.__name__} entries (rows below)"
            return f"list of {_type_range(item, [])}"
        parts = {_type_range(a, []) for a in args}
        if len(parts) == 1:
            return f"{len(args)} values, each {parts.pop()}"
        return "tuple (" + "; ".join(_type_range(a, []) for a in args) + ")"
    if origin is dict:
        return "mapping"
    if is_model(tp):
        fields = tp.model_fields
        kinds = {_type_range(f.annotation, f.metadata) for f in fields.values()}
        each = kinds.pop() if len(kinds) == 1 else "see fields"
        return "{" + ", ".join(fields) + "}: each " + each
    return getattr(tp, "__name__", str(tp))


# =========================================================================== parameter tables


def _has_required(model: type[BaseModel]) -> bool:
    return any(f.is_required() for f in model.model_fields.values())


def _default_of(info: FieldInfo) -> Any:
    if info.is_required():
        return None
    return info.get_default(call_default_factory=True)


def _param_rows(model: type[BaseModel], prefix: str, instance: BaseModel | None,
                skip: tuple[str, ...] = ()) -> list[list[str]]:
    """Rows (key, default, range, description) for the fields of ``model``, recursing into
    nested parameter groups; ``instance`` supplies defaults (None: fields are required)."""
    rows: list[list[str]] = []
    for name, info in model.model_fields.items():
        if name in skip:
            continue
        path = f"{prefix}{name}"
        ann = info.annotation
        if instance is not None:
            default: Any = getattr(instance, name)
            shown = f"`{md.value(default)}`"
        elif info.is_required():
            default, shown = None, "required"
        else:
            default = _default_of(info)
            shown = f"`{md.value(default)}`"
        desc = info.description or ""
        if is_model(ann) and not _has_required(ann):
            rows.extend(_param_rows(ann, path + ".", default))
            continue
        rows.append([f"`{path}`", shown, _type_range(ann, info.metadata, default), desc])
        args = get_args(ann)
        if get_origin(ann) is tuple and len(args) == 2 and args[1] is Ellipsis and is_model(args[0]):
            rows.extend(_param_rows(args[0], path + "[].", None))
    return rows


def _param_table(rows: list[list[str]]) -> str:
    return md.table(["key", "default", "range", "description"], rows)


def _section_table(section: str, skip: tuple[str, ...] = (), note: dict[str, str] | None = None) -> str:
    """Parameter table of one top-level section of the scenario schema."""
    cfg = ScenarioConfig()
    info = ScenarioConfig.model_fields[section]
    model = info.annotation
    rows = _param_rows(model, f"{section}.", getattr(cfg, section), skip=tuple(skip) + tuple(note or ()))
    for key, text in (note or {}).items():
        rows.append([f"`{section}.{key}`", "see below", "", text])
    return _param_table(rows)


def _top_level() -> str:
    cfg = ScenarioConfig()
    rows = [
        [f"`{name}`", f"`{md.value(getattr(cfg, name))}`", _type_range(info.annotation, info.metadata), info.description or ""]
        for name, info in ScenarioConfig.model_fields.items()
        if not is_model(info.annotation)
    ]
    return _param_table(rows)


#: Nested parts of a section that get their own block: (section, field) -> (block, note).
_SPLIT: dict[tuple[str, str], tuple[str, str]] = {
    ("population", "ties"): ("params-ties", "Social-tie generator: table below."),
    ("issues", "categories"): ("params-categories",
                               "Per-category shares, costs, cross-department probabilities and scopes: table below."),
}


def _section_block(section: str) -> Callable[[], str]:
    def block() -> str:
        note = {f: text for (sec, f), (_, text) in _SPLIT.items() if sec == section}
        return _section_table(section, note=note)

    return block


def _ties() -> str:
    cfg = ScenarioConfig()
    info = type(cfg.population).model_fields["ties"]
    return _param_table(_param_rows(info.annotation, "population.ties.", cfg.population.ties))


def _categories() -> str:
    cfg = ScenarioConfig()
    cats = cfg.issues.categories
    model = type(next(iter(cats.values())))
    fields = _param_table(_param_rows(model, "issues.categories.<category>.", None))
    header = ["category", *[f for f in model.model_fields if f != "scope"],
              *[f"scope: {s}" for s in SCOPES]]
    rows = []
    for c in CATEGORIES:
        cc = cats[c]
        row = [f"`{c}`"] + [md.value(getattr(cc, f)) for f in model.model_fields if f != "scope"]
        row += [md.value(x) for x in cc.scope]
        rows.append(row)
    total = sum(cats[c].share for c in CATEGORIES)
    return (fields + "\n\nDefaults per category (shares sum to " + md.num(round(total, 9)) + "):\n\n"
            + md.table(header, rows))


def _hooks_text(m: Mechanism) -> str:
    hooks = [f"{phase} → `{m.hooks[phase].__name__}`" for phase in PHASES if phase in m.hooks]
    return ", ".join(hooks) if hooks else "none"


def _decisions_text(m: Mechanism) -> str:
    points = [f"{point} → `{m.decides[point].__name__}`" for point in DECISIONS if point in m.decides]
    return ", ".join(points) if points else "none"


def _mechanism_sections() -> str:
    """Section 7.8.k of every registered mechanism, in registry order, from its module alone:
    the docstring's title and paragraphs, how it is wired, its parameters."""
    out = []
    for i, (key, m) in enumerate(REGISTRY.items(), start=1):
        module = m.module.replace(".", "/") + ".py"
        wiring = (f"Module `{module}`; source: {m.source}. "
                  f"Configures rules at set-up: {'yes (`' + m.configure.__name__ + '`)' if m.configure else 'no'}; "
                  f"hooks: {_hooks_text(m)}; decisions: {_decisions_text(m)}.")
        table = _param_table(_param_rows(m.params, f"mechanisms.{key}.", m.params()))
        out.append("\n\n".join([f"#### 7.8.{i} `{key}`: {m.title[:1].lower()}{m.title[1:]}", *m.sections(), wiring, table]))
    return "\n\n".join(out)


# =========================================================================== mechanisms and rules


def _mechanisms() -> str:
    rows = []
    for i, (key, m) in enumerate(REGISTRY.items(), start=1):
        rows.append([str(i), f"`{key}`", m.summary, m.source,
                     f"`{m.configure.__name__}`" if m.configure else "—", _hooks_text(m), _decisions_text(m)])
    return md.table(["#", "key", "summary", "source", "configures rules", "hooks (phase → function)",
                     "decisions (point → function)"], rows)


_RULE_INDEX: dict[str, tuple[tuple[str, ...], ...]] = {
    "authority": (KIND_NAMES, CATEGORIES),
    "reach": (KIND_NAMES,),
    "active": (KIND_NAMES,),
    "case_hours": (KIND_NAMES,),
    "channel_access": (GROUPS,),
}


def _rule_value(name: str, v: Any) -> str:
    if name == "reach":
        return SCOPES[int(v)]
    return md.value(v.item() if isinstance(v, np.generic) else v)


def _rule_diff(name: str, before: Any, after: Any) -> list[str]:
    """Human-readable changes of one ``Rules`` field."""
    if isinstance(before, np.ndarray):
        if np.array_equal(before, after):
            return []
        labels = _RULE_INDEX.get(name)
        out = []
        if before.ndim == 2 and labels and len(labels) == 2:
            for i in range(before.shape[0]):
                gained = [labels[1][j] for j in range(before.shape[1]) if after[i, j] and not before[i, j]]
                lost = [labels[1][j] for j in range(before.shape[1]) if before[i, j] and not after[i, j]]
                if gained:
                    out.append(f"`{name}[{labels[0][i]}]` gains {', '.join(gained)}")
                if lost:
                    out.append(f"`{name}[{labels[0][i]}]` loses {', '.join(lost)}")
            return out
        for idx in zip(*np.nonzero(before != after)):
            label = ",".join(labels[k][i] if labels else str(i) for k, i in enumerate(idx))
            out.append(f"`{name}[{label}]`: {_rule_value(name, before[idx])} → {_rule_value(name, after[idx])}")
        return out
    if before == after or (isinstance(before, float) and isinstance(after, float)
                           and math.isclose(before, after, rel_tol=0, abs_tol=0)):
        return []
    return [f"`{name}`: {_rule_value(name, before)} → {_rule_value(name, after)}"]


def _rule_changes() -> str:
    base_cfg = ScenarioConfig()
    rows = []
    for key, m in REGISTRY.items():
        if not m.configure:
            continue
        base = Rules.from_config(base_cfg)
        rules = Rules.from_config(base_cfg)
        m.configure(rules, m.params(enabled=True))
        changes: list[str] = []
        for f in dataclasses.fields(Rules):
            changes += _rule_diff(f.name, getattr(base, f.name), getattr(rules, f.name))
        rows.append([f"`{key}`", "; ".join(changes) if changes else "no change at default parameters"])
    return md.table(["mechanism", "rule changes at default parameters (base scenario → with the mechanism alone)"], rows)


def _handler_kinds() -> str:
    from sim.handlers import CASE_POOLS, work_account

    cfg = ScenarioConfig()
    rules = Rules.from_config(cfg)
    h = Handlers.build(build_population(cfg.population.model_copy(update={"residents": 200}), np.random.default_rng(0),
                                        households_per_grid_worker=cfg.capacity.households_per_grid_worker))
    rows = []
    for k, name in enumerate(KIND_NAMES):
        auth = [c for j, c in enumerate(CATEGORIES) if rules.authority[k, j]]
        auth_s = "its own category (one department per category)" if name == "department" else (", ".join(auth) or "none")
        handler = np.array([h.offset[k]])
        pools = sorted({CASE_POOLS[int(work_account(h, handler, np.array([c], np.int8))[0][0])] for c in range(len(CATEGORIES))})
        rows.append([f"`{name}`", LEVELS[int(KIND_LEVEL[k])], "yes" if rules.active[k] else "no",
                     md.num(float(rules.case_hours[k])), ", ".join(f"`{p}`" for p in pools), auth_s, SCOPES[int(rules.reach[k])]])
    return (md.table(["handler kind", "level", "exists in the base scenario", "hours per attempt (base)", "hours drawn from",
                    "authority (base)", "widest scope it may handle"], rows)
            + "\n\nAn attempt that ends in a referral or a refusal at intake (buck-passing) takes "
            + f"`capacity.triage_hours` ({md.num(cfg.capacity.triage_hours)}) instead. A compound's property cases take "
            + "its property staff's hours, its simple cases (under the five-level grid or vanguard linkage) the "
            + "community's party volunteers'. A batched issue takes a share `batch_share` of the case hours (proactive "
            + "analysis), and the street office's first attempt on a cross-department issue adds the hours of organising "
            + "a summons (whistle summons).")


def _pools() -> str:
    from sim.resources import POOLS

    rows = [[f"`{p.name}`", p.unit, p.level, p.description] for p in POOLS]
    return md.table(["pool", "unit", "one account per", "what it holds"], rows)


# =========================================================================== schedule


_ATTR_TYPES: dict[str, str] = {"pools": "sim.resources.Pools", "handlers": "sim.handlers.Handlers",
                               "state": "sim.state.ResidentState", "issues": "sim.issues.IssueTable"}


def _resolve(obj_path: str) -> Any:
    module, _, attr = obj_path.rpartition(".")
    mod = sys.modules.get(module) or __import__(module, fromlist=[attr])
    return getattr(mod, attr)


def _call_doc(call: ast.Call, namespace: dict[str, Any]) -> tuple[str, str]:
    """(qualified name, first docstring paragraph) of a call in ``step``."""
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in namespace:
        target = getattr(namespace[func.value.id], func.attr, None)
        name = f"{namespace[func.value.id].__name__}.{func.attr}"
        return name, md.first_paragraph(getattr(target, "__doc__", None))
    if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute)
            and isinstance(func.value.value, ast.Name) and func.value.value.id == "self"
            and func.value.attr in _ATTR_TYPES):
        cls = _resolve(_ATTR_TYPES[func.value.attr])
        name = f"{cls.__module__}.{cls.__name__}.{func.attr}"
        return name, md.first_paragraph(getattr(getattr(cls, func.attr, None), "__doc__", None))
    if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self"
            and "GovernanceModel" in namespace):
        method = getattr(namespace["GovernanceModel"], func.attr, None)
        doc = md.first_paragraph(getattr(method, "__doc__", None))
        if not doc and method is not None:  # no docstring: say what it calls
            body = ast.parse(textwrap.dedent(inspect.getsource(method))).body[0]
            calls = [f"`{ast.unparse(n)}`" for n in sorted((n for n in ast.walk(body) if isinstance(n, ast.Call)),
                                                      key=lambda n: (n.lineno, n.col_offset))]
            doc = "calls " + ", ".join(calls) + "." if calls else ""
        return f"GovernanceModel.{func.attr}", doc
    return ast.unparse(func), ""


def _schedule() -> str:
    from sim import model as model_mod

    src = textwrap.dedent(inspect.getsource(model_mod.GovernanceModel.step))
    fn = ast.parse(src).body[0]
    assert isinstance(fn, ast.FunctionDef)
    body = fn.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    ns = vars(model_mod)
    lines = []
    for i, stmt in enumerate(body, start=1):
        code = ast.unparse(stmt)
        call = stmt.value if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) else None
        if (call is not None and isinstance(call.func, ast.Attribute) and call.func.attr == "_hooks"
                and call.args and isinstance(call.args[0], ast.Constant)):
            phase = call.args[0].value
            hooked = [f"`{k}.{m.hooks[phase].__name__}`" for k, m in REGISTRY.items() if phase in m.hooks]
            lines.append(f"{i}. **Mechanism hooks, phase `{phase}`** (`{code}`), in registry order: "
                         + (", ".join(hooked) if hooked else "none") + ".")
        elif call is not None:
            _, doc = _call_doc(call, ns)
            lines.append(f"{i}. `{code}` — {doc}" if doc else f"{i}. `{code}`")
        else:
            lines.append(f"{i}. `{code}`")
    return "\n".join(lines)


def _setup() -> str:
    conf = [f"`{k}.{m.configure.__name__}`" for k, m in REGISTRY.items() if m.configure]
    setup = [f"`{k}.{m.hooks['setup'].__name__}`" for k, m in REGISTRY.items() if "setup" in m.hooks]
    return ("- Rules rebuilt from the scenario, then each enabled mechanism's rule configuration, in registry order: "
            + (", ".join(conf) if conf else "none") + ".\n"
            + "- Pools resized to the configured rules (what each holds is kept, up to its new cap); resource use "
            + "counted from here on.\n"
            + "- Set-up hooks of the enabled mechanisms, in registry order: "
            + (", ".join(setup) if setup else "none") + ".\n"
            + "- Every resident's channel access recomputed from the configured rules.")


# =========================================================================== issues


def _comments(source: str) -> dict[str, str]:
    """``#:`` comments after the members of an enum or dataclass, or the keys of a dict, by name."""
    out = {}
    for line in source.splitlines():
        m = re.match(r"\s*[\"']?(\w+)[\"']?\s*(?::[^=#]*)?(?:=[^#]*)?#:\s*(.*)$", line)
        if m:
            out[m.group(1)] = m.group(2).strip()
    return out


_TRANSITION_MEANING: dict[tuple[str, str], str] = {
    ("LATENT", "REPORTED"): "detection: self-report (also at a gig-worker session), grid patrol, party member "
                            "(vanguard), proactive analysis or an outreach visit",
    ("LATENT", "RESOLVED"): "residents' self-governance of a collective issue nobody has reported",
    ("LATENT", "ABANDONED"): "the resident lives with an unreported issue (hazard 1/latent lifetime)",
    ("REPORTED", "QUEUED"): "routing to a first handler (the same day)",
    ("QUEUED", "QUEUED"): "reassignment: referral, escalation, buck-passing, sequential referral, no budget",
    ("QUEUED", "RESOLVED"): "real resolution by a handler or a party takeover (both through `lifecycle.fix`), or by "
                            "self-governance",
    ("QUEUED", "FALSE_CLOSED"): "closure on paper of a failing attempt (a handler's or a takeover's) when the staff "
                                "it draws on are under pressure",
    ("QUEUED", "ABANDONED"): "the reporter gives up (hazard 1/patience, lower while kept informed)",
    ("FALSE_CLOSED", "QUEUED"): "an audit (supervision) finds a paper closure and reopens it",
}


def _transitions() -> str:
    S = issues_mod.Status
    notes = _comments(inspect.getsource(S))
    status_rows = [[str(int(s)), f"`{s.name}`", notes.get(s.name, "")] for s in S]
    legal = sorted(issues_mod.TRANSITIONS, key=lambda t: (int(t[0]), int(t[1])))
    trans_rows = [[f"`{a.name}`", f"`{b.name}`", _TRANSITION_MEANING.get((a.name, b.name), "—")] for a, b in legal]
    grid_header = ["from \\ to", *[s.name for s in S]]
    grid = [[s.name, *["✓" if (s, t) in issues_mod.TRANSITIONS else "" for t in S]] for s in S]
    return (md.table(["code", "status", "meaning"], status_rows) + "\n\n"
            + "Legal transitions (`IssueTable.move` refuses any other):\n\n"
            + md.table(["from", "to", "what happens"], trans_rows) + "\n\n"
            + md.table(grid_header, grid))


def _issue_meaning(name: str) -> str:
    """What an in-memory issue column means: the data dictionary's definition if it is written,
    else its ``#:`` comment in ``sim.issues``."""
    written = ISSUE_COLUMNS.get(WRITTEN_AS.get(name, name))
    return written.definition if written else _comments(inspect.getsource(issues_mod)).get(name, "")


def _issue_attributes() -> str:
    rows = []
    for name, (dtype, fill) in issues_mod.COLUMNS.items():
        if name == "status":
            init = issues_mod.Status(int(fill)).name
        elif name == "channel":
            init = issues_mod.Channel(int(fill)).name
        else:
            init = md.value(fill.item() if isinstance(fill, np.generic) else fill)
        rows.append([f"`{name}`", np.dtype(dtype).name, init, _issue_meaning(name)])
    return md.table(["attribute", "type", "initial", "meaning"], rows)


# =========================================================================== outcomes, streams


_BETTER = {1: "higher", -1: "lower", 0: "–"}


def _daily() -> str:
    rows = [[f"`{o.name}`", o.kind, o.definition, o.unit, o.denominator or "–", _BETTER[o.direction]]
            for o in OUTCOMES.values()]
    return md.table(["outcome", "kind", "definition", "unit", "denominator", "better when"], rows)


def _headline() -> str:
    return md.table(["outcome", "label", "better when"],
                  [[f"`{k}`", OUTCOMES[k].label, _BETTER[OUTCOMES[k].direction]] for k in (*HEADLINE, *RESOURCE_USE)])


def _stream_users() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """For each random stream of the core, and for each mechanism's own stream, the functions
    of the package that draw from it (``model.streams.<purpose>``, ``model.rng_of("<key>")``)."""
    users: dict[str, set[str]] = {p: set() for p in rng_mod.PURPOSES}
    own: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        module = ".".join(rel.parts)
        if module.startswith("sim.odd.generate"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))

        def visit(node: ast.AST, scope: list[str], module: str = module) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    visit(child, [*scope, child.name])
                    continue
                where = ".".join([module.removeprefix("sim."), *scope])
                if (isinstance(child, ast.Attribute) and child.attr in users
                        and isinstance(child.value, ast.Attribute) and child.value.attr == "streams"):
                    users[child.attr].add(where)
                if (isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute) and child.func.attr == "rng_of"
                        and child.args and isinstance(child.args[0], ast.Constant)):
                    own.setdefault(str(child.args[0].value), set()).add(where)
                visit(child, scope)

        visit(tree, [])
    return {p: sorted(u) for p, u in users.items()}, {k: sorted(own[k]) for k in REGISTRY if k in own}


def _streams() -> str:
    users, own = _stream_users()
    rows = [[str(i), f"`{p}`", ", ".join(f"`{u}`" for u in users[p]) or "—"]
            for i, p in enumerate(rng_mod.PURPOSES)]
    mech_rows = [[f"`{k}`", ", ".join(f"`{u}`" for u in fns)] for k, fns in own.items()]
    return (md.table(["spawn key", "stream", "drawn from by"], rows)
            + "\n\nMechanisms' own streams (`sim.rng.mechanism_stream`: spawn key "
            + f"({rng_mod._MECHANISM_KEY}, CRC-32 of the mechanism's key)); mechanisms not listed draw no random numbers "
            + "of their own:\n\n" + md.table(["mechanism", "drawn from by"], mech_rows))


# =========================================================================== what mechanisms spend


#: The small run in which the mechanism-costs block observes what each mechanism spends:
#: the schema's defaults with these residents, days and seed, no warm-up.
COST_RUN: dict[str, int] = {"residents": 2_000, "days": 90, "seed": 0}
_USES: dict[Any, frozenset[tuple[str, str]]] = {}


def _uses_in_run(key: str | None) -> frozenset[tuple[str, str]]:
    """(pool, use) pairs with hours or budget spent in :data:`COST_RUN` with mechanism ``key``
    alone on (None: none on); computed once per process and mechanism definition."""
    from sim.model import GovernanceModel

    m = REGISTRY.get(key) if key else None
    cache_key = (key, m.params, m.configure, tuple(m.hooks.items())) if m else None
    if cache_key not in _USES:
        cfg = ScenarioConfig(days=COST_RUN["days"], seed=COST_RUN["seed"], warmup_days=0,
                             population={"residents": COST_RUN["residents"]},
                             mechanisms={key: {"enabled": True}} if key else {})
        model = GovernanceModel(cfg)
        for _ in range(cfg.days):
            model.step()
        _USES[cache_key] = frozenset((pool, use) for pool, use, amount in model.pools.use_table() if amount > 0)
    return _USES[cache_key]


def _null_variant(m: Mechanism) -> str:
    """The mechanism's "Null variant" paragraph."""
    return m.paragraph("Null variant") or "not stated"


def _mechanism_costs() -> str:
    base = _uses_in_run(None)
    rows = []
    for key, m in REGISTRY.items():
        new = sorted(_uses_in_run(key) - base)
        pools: dict[str, list[str]] = {}
        for pool, use in new:
            pools.setdefault(pool, []).append(use)
        spends = "; ".join(f"`{pool}`: {', '.join(uses)}" for pool, uses in pools.items()) or "no use of its own"
        rows.append([f"`{key}`", spends, _null_variant(m)])
    run = (f"{COST_RUN['residents']:,} residents, {COST_RUN['days']} days, seed {COST_RUN['seed']}, "
           "no warm-up, schema defaults")
    return (f"Pools and uses observed in a small run ({run}) with the mechanism alone on, beyond the uses of the "
            "same run with every mechanism off (`GovernanceModel.pools.use_table()`):\n\n"
            + md.table(["mechanism", "pools and uses it spends on", "null variant"], rows))


# =========================================================================== registry of blocks


def _blocks() -> dict[str, Callable[[], str]]:
    blocks: dict[str, Callable[[], str]] = {"params-scenario": _top_level}
    split_blocks = {"params-ties": _ties, "params-categories": _categories}
    for section, info in ScenarioConfig.model_fields.items():
        if is_model(info.annotation) and section != "mechanisms":
            blocks[f"params-{section}"] = _section_block(section)
            for (sec, _), (name, _) in _SPLIT.items():
                if sec == section:
                    blocks[name] = split_blocks[name]
    blocks |= {
        "mechanisms": _mechanisms,
        "rule-changes": _rule_changes,
        "handler-kinds": _handler_kinds,
        "pools": _pools,
        "schedule": _schedule,
        "setup": _setup,
        "transitions": _transitions,
        "issue-attributes": _issue_attributes,
        "daily-outcomes": _daily,
        "headline-outcomes": _headline,
        "random-streams": _streams,
        "mechanism-costs": _mechanism_costs,
    }
    blocks["mechanism-sections"] = _mechanism_sections
    return blocks


#: Generated block name -> function producing its Markdown content.
BLOCKS: dict[str, Callable[[], str]] = _blocks()


def block_names() -> list[str]:
    """Names of every block the document must contain."""
    return list(BLOCKS)


def generate(name: str) -> str:
    """The content of generated block ``name`` (no markers, ends without a newline)."""
    try:
        fn = BLOCKS[name]
    except KeyError:
        raise ValueError(f"unknown generated block '{name}'; known: {', '.join(BLOCKS)}") from None
    return fn().rstrip("\n")


def render(text: str) -> str:
    """``text`` with the content of every generated block replaced by freshly generated content."""
    return md.render(text, generate)


def stale_blocks(text: str) -> tuple[list[str], list[str]]:
    """(blocks whose content differs from what would be generated, blocks missing from ``text``)."""
    return md.stale_blocks(text, block_names(), generate)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m sim.odd``: regenerate the ODD document; ``--check``: exit 1 if it is stale."""
    return md.cli(argv, prog="python -m sim.odd", doc=DOC, names=block_names(), generate=generate,
                  description=__doc__.split("\n\n")[0])


if __name__ == "__main__":
    raise SystemExit(main())

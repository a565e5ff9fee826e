"""Publication-ready figures (sim.analysis.plotting, sim.analysis.report_plots, sim.output.labels):
every figure of a report and a comparison is rendered on tiny sweeps and inspected just before it
is saved (``FIGURE_HOOKS``): nothing clipped, journal widths, words instead of code keys, one
colour per scenario across figures; PDFs embed no Type 3 font and SVGs keep their text."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import matplotlib
import pytest

from sim.analysis import plotting
from sim.analysis.compare import compare
from sim.analysis.report import report
from sim.outcomes.registry import REGISTRY
from sim.output.labels import contrast_label, factor_label, outcome_label, statistic_label
from sim.schema import ScenarioConfig
from sim.sweep.engine import run_experiment
from sim.sweep.executors import serial_executor
from sim.sweep.experiment import Experiment

ROOT = Path(__file__).resolve().parents[1]
BASE = str(ROOT / "scenarios" / "community_system.yaml")
SMALL = {"population.residents": 200, "days": 20}
OUTCOMES = ["trust_mean", "resolution_days_median", "backlog", "used_grid_workers"]
FACTORS = {"capacity.households_per_grid_worker": [300, 500], "capacity.routing_accuracy": [0.3, 0.9]}


def _colour(handle: object) -> str:
    """A legend handle's colour (a line's, or a patch's or a collection's face or edge)."""
    import numpy as np

    for getter in ("get_color", "get_facecolor", "get_edgecolor"):
        c = getattr(handle, getter, lambda: None)()
        if c is None:
            continue
        if not isinstance(c, str):
            c = np.asarray(c)
            if c.ndim == 2:
                if not len(c):
                    continue
                c = c[0]
            if len(c) == 4 and c[3] == 0:
                continue
        return matplotlib.colors.to_hex(c)
    return ""


class Seen:
    """What the figures looked like when they were saved."""

    def __init__(self) -> None:
        self.figures: dict[str, dict] = {}

    def __call__(self, fig: matplotlib.figure.Figure, path: Path) -> None:
        texts = [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text()]
        legend = {}
        for leg in fig.legends + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]:
            for handle, text in zip(leg.legend_handles, leg.get_texts()):
                legend[text.get_text()] = _colour(handle)
        self.figures[str(path)] = {"problems": plotting.layout_problems(fig), "size": tuple(fig.get_size_inches()),
                                   "texts": texts, "legend": legend}


@pytest.fixture(scope="module")
def seen() -> Iterator[Seen]:
    s = Seen()
    plotting.FIGURE_HOOKS.append(s)
    yield s
    plotting.FIGURE_HOOKS.remove(s)


@pytest.fixture(scope="module")
def factorial(tmp_path_factory: pytest.TempPathFactory, seen: Seen) -> Path:
    """A 2 × 2 factorial of two scenarios, 2 seeds, and its report in PDF, SVG and PNG."""
    out = tmp_path_factory.mktemp("fig") / "sweep"
    exp = Experiment.build([BASE, {"file": BASE, "name": "strict", "set": {"mechanisms.supervision.enabled": True}}],
                           name="fig", set=SMALL, factors=FACTORS, replications=2, outcomes=OUTCOMES)
    run_experiment(exp, out, executor=serial_executor)
    report(out)
    return out / "report"


@pytest.fixture(scope="module")
def comparison(tmp_path_factory: pytest.TempPathFactory, seen: Seen) -> Path:
    d = tmp_path_factory.mktemp("cmpfig")
    files = []
    for name, extra in (("base", ""), ("loop", "mechanisms: {service_closed_loop: {enabled: true}}\n"),
                        ("grid", "mechanisms: {five_level_grid: {enabled: true}}\n")):
        (d / f"{name}.yaml").write_text(f"name: {name}\npopulation: {{residents: 200}}\ndays: 20\n{extra}", encoding="utf-8")
        files.append(d / f"{name}.yaml")
    compare(files, 2, d / "cmp")
    return d / "cmp"


def figures_under(seen: Seen, folder: Path) -> dict[str, dict]:
    found = {p: f for p, f in seen.figures.items() if Path(p).parent == folder}
    assert found, f"no figure saved under {folder}"
    return found


def test_every_figure_fits_its_canvas_at_a_journal_width(factorial: Path, comparison: Path, seen: Seen) -> None:
    figs = {**figures_under(seen, factorial), **figures_under(seen, comparison)}
    names = {Path(p).stem for p in figs}
    assert {"paired_effects", "adequacy", "comparison", "comparison_summary"} <= names
    assert any(n.startswith("factor_") for n in names) and any(n.startswith("heatmap_") for n in names)
    for path, f in figs.items():
        assert f["problems"] == [], path
        width, height = f["size"]
        assert width in (plotting.SINGLE, plotting.DOUBLE), (path, width)
        assert height <= plotting.MAX_HEIGHT, (path, height)


def test_a_long_legend_and_title_are_fitted_not_clipped(tmp_path: Path, seen: Seen) -> None:
    """Thirty scenarios with long names and a long title: the legend takes fewer columns and the
    title wraps; both stay inside the canvas (the check itself finds a legend pushed outside)."""
    import numpy as np

    names = [f"scenario number {k} with a rather long descriptive name" for k in range(30)]
    day = np.arange(5.0)
    bands = {"trust_mean": (day, day - 1, day + 1)}
    plotting.plot_compare([(n, day, bands) for n in names], tmp_path / "long.png", panels={"trust_mean": ("Mean trust", "0–1")},
                          title="A title " * 40, n_seeds=2, formats=())
    f = seen.figures[str(tmp_path / "long.png")]
    assert f["problems"] == []
    fig, ax = plotting.plt.subplots(figsize=(plotting.SINGLE, 2))
    fig.legend([ax.plot([0], [0])[0]], ["x" * 200], loc="lower left")
    assert any("legend" in p for p in plotting.layout_problems(fig))
    plotting.plt.close(fig)


def test_figures_speak_in_words_with_units(factorial: Path, comparison: Path, seen: Seen) -> None:
    keys = set(REGISTRY) | set(FACTORS) | {"mechanisms.supervision.enabled"}
    for path, f in {**figures_under(seen, factorial), **figures_under(seen, comparison)}.items():
        for text in f["texts"]:
            leaked = [k for k in keys if re.search(rf"(?<![\w.]){re.escape(k)}(?![\w.])", text)]
            assert not leaked, f"{path}: code key {leaked} in {text!r}"
    texts = " ".join(t for f in figures_under(seen, factorial).values() for t in f["texts"]).replace("\n", " ")
    assert "Households per grid worker" in texts
    assert "Median days to resolution (days)" in texts
    forest = " ".join(seen.figures[str(factorial / "paired_effects.pdf")]["texts"])
    assert "Δ (days)" in forest and "Δ (0–1 scale)" in forest  # units on the paired-effect panels


def _scenario_of(label: str, names: list[str]) -> str | None:
    first = label.split(" − ")[0]
    return first if first in names else None


def test_one_colour_per_scenario_across_the_figures_of_a_report(factorial: Path, comparison: Path, seen: Seen) -> None:
    for folder, names in ((factorial, ["community_system", "strict"]), (comparison, ["base", "loop", "grid"])):
        expected = {n: plotting.scenario_styles(names)[n].color for n in names}
        colours: dict[str, set[str]] = {}
        legends = 0
        for f in figures_under(seen, folder).values():
            for label, colour in f["legend"].items():
                scenario = _scenario_of(label, names)
                if scenario:
                    legends += 1
                    colours.setdefault(scenario, set()).add(colour.lower())
        assert legends >= len(names), folder
        for n, cs in colours.items():
            assert cs == {expected[n].lower()}, (folder, n, cs)
        assert len({expected[n] for n in names}) == len(names)
        assert set(expected.values()) <= set(plotting.PALETTE)


def test_styles_are_deterministic_and_distinct_beyond_the_palette() -> None:
    names = [f"s{k}" for k in range(30)]
    a, b = plotting.scenario_styles(names), plotting.scenario_styles(list(names))
    assert a == b and a["s0"].color == plotting.PALETTE[0]
    assert len({(s.color, s.ls) for s in a.values()}) == 28  # 7 colours × 4 line styles, then repeating
    assert a["s7"].color == a["s0"].color and a["s7"].ls != a["s0"].ls


def test_every_report_figure_in_png_pdf_and_svg(factorial: Path, comparison: Path) -> None:
    for folder in (factorial, comparison):
        stems = {p.stem for p in folder.glob("*.png")}
        assert stems
        for stem in stems:
            assert (folder / f"{stem}.pdf").read_bytes()[:5] == b"%PDF-"
            assert b"<svg" in (folder / f"{stem}.svg").read_bytes()[:3000]


def test_svg_keeps_its_text(factorial: Path, comparison: Path) -> None:
    for svg in [*factorial.glob("*.svg"), *comparison.glob("*.svg")]:
        text = svg.read_text(encoding="utf-8")
        assert text.count("<text") >= 3, svg
        assert "font-family" in text or "font:" in text, svg
    assert "Households per grid worker" in (factorial / "factor_capacity.households_per_grid_worker.svg").read_text()


def test_pdfs_embed_no_type3_font(factorial: Path, comparison: Path) -> None:
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts is not installed (Debian: apt-get install poppler-utils; .ci/setup installs it)")
    pdfs = [*factorial.glob("*.pdf"), *comparison.glob("*.pdf")]
    assert len(pdfs) >= 6
    for pdf in pdfs:
        out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        rows = out.splitlines()[2:]
        assert rows, f"{pdf}: no font listed\n{out}"
        assert not [r for r in rows if "Type 3" in r], f"{pdf} embeds a Type 3 font:\n{out}"
        assert all(" yes " in r for r in rows), f"{pdf}: a font is not embedded:\n{out}"
        assert any("TrueType" in r for r in rows), out


def test_sampled_design_draws_main_effects_not_heatmaps(tmp_path: Path, seen: Seen) -> None:
    exp = Experiment.build([BASE], name="lhs", set=SMALL, replications=1, outcomes=OUTCOMES[:2],
                           factors={"capacity.routing_accuracy": {"low": 0.2, "high": 1.0},
                                    "behaviour.trust_learning_rate": {"low": 0.05, "high": 0.5}},
                           design={"method": "lhs", "samples": 6, "seed": 1})
    run_experiment(exp, tmp_path / "s", executor=serial_executor)
    rep = report(tmp_path / "s", formats=("png",))
    names = {p.name for p in rep.files}
    assert not [n for n in names if n.startswith("heatmap_")], names
    assert "factor_capacity.routing_accuracy.png" in names and "factor_behaviour.trust_learning_rate.png" in names
    for path, f in figures_under(seen, tmp_path / "s" / "report").items():
        assert f["problems"] == [], path


def test_single_run_figure_in_three_formats(tmp_path: Path) -> None:
    from sim.run import run
    from tests.strategies import tiny

    result = run(tiny(days=10))
    path = plotting.plot_run(result.daily, tmp_path / "run.png", title="tiny")
    assert path == tmp_path / "run.png"
    assert {p.suffix for p in tmp_path.iterdir()} == {".png", ".pdf", ".svg"}
    assert "Median days to resolution, last 30 days" in (tmp_path / "run.svg").read_text()


def _keys(model: type, prefix: str = "") -> Iterator[str]:
    for name, info in model.model_fields.items():
        ann = info.annotation
        if isinstance(ann, type) and hasattr(ann, "model_fields"):
            yield from _keys(ann, f"{prefix}{name}.")
        else:
            yield prefix + name


def test_every_schema_key_and_outcome_has_a_label_in_words() -> None:
    keys = list(_keys(ScenarioConfig)) + ["issues.categories.pets.share", "issues.categories.care.resource_cost"]
    assert len(keys) > 100
    for key in keys:
        label = factor_label(key)
        assert label != key and "_" not in label and not re.search(r"[\u4e00-\u9fff]", label), (key, label)
    assert factor_label("capacity.households_per_grid_worker") == "Households per grid worker"
    assert factor_label("mechanisms.supervision.enabled").endswith("(on/off)")
    assert factor_label("behaviour.trust_initial.gig") == "Initial mean trust in grassroots governance, gig workers"
    assert factor_label("issues.categories.pets.share") == "Pets: share of arising issues in this category"
    assert factor_label("no.such.key") == "no.such.key"
    for name, o in REGISTRY.items():
        assert outcome_label(name) == f"{o.label} ({o.unit})"
        assert outcome_label(name, delta=True).startswith("Δ ")
    assert contrast_label("capacity.routing_accuracy: 0.9 − 0.3").startswith("Probability an issue is first sent")
    assert contrast_label("scenario: b − a") == "b − a"
    assert statistic_label("resolution_days_median") == "Median days to resolution (days)"
    assert statistic_label("verdict_at_3_seeds") == "Verdict at 3 seeds"


def test_index_prim_convergence_and_expectation_figures_fit(tmp_path: Path, seen: Seen) -> None:
    """The figures the tiny sweeps above do not draw, on rows shaped as their callers make them:
    Morris indices over every capacity and behaviour factor (only the most influential drawn),
    PRIM's trajectory, the convergence panels and the expectations' forest plot."""
    import numpy as np

    from sim.analysis import report_plots as rp

    factors = [k for k in _keys(ScenarioConfig) if k.startswith(("capacity.", "behaviour.")) and "enabled" not in k][:44]
    rows = [{"scenario": "base", "outcome": o, "factor": f, "mu_star": (k * 7 % 11) + 1.0, "mu_star_low": (k * 7 % 11) + 0.5,
             "mu_star_high": (k * 7 % 11) + 1.5} for o in OUTCOMES for k, f in enumerate(factors)]
    rp.plot_indices(rows, [("mu_star", "mu_star_low", "mu_star_high")], tmp_path / "morris.png", formats=("svg",),
                    title="Morris indices", names={"mu_star": "μ*"})
    f = seen.figures[str(tmp_path / "morris.png")]
    assert f["problems"] == [] and f["size"][1] <= plotting.MAX_HEIGHT
    shown = re.search(rf"the (\d+) most influential of {len(factors)} factors", " ".join(f["texts"]).replace("\n", " "))
    assert shown and 6 <= int(shown.group(1)) <= rp.MAX_FACTORS_SHOWN
    trajectory = [{"coverage": 1 - 0.02 * i, "density": 0.4 + 0.01 * i, "res_dim": i % 3, "chosen": i == 10} for i in range(30)]
    rp.plot_prim(trajectory, tmp_path / "prim.png", formats=(), title="PRIM: where backlog ≤ 5 issues")
    rng = np.random.default_rng(1)
    series = [{o: rng.normal(size=60).cumsum() for o in OUTCOMES} for _ in range(3)]
    conv = [{"outcome": o, "equilibrium": 0.0, "noise": 1.0} for o in OUTCOMES]
    plotting.plot_convergence(series, conv, tmp_path / "convergence.png", warmup=20)
    exp_rows = [{"expectation": str(k), "outcome": o, "comparison": c, "mean_a": 2.0, "diff": 0.1 * k, "ci_low": 0.1 * k - 0.2,
                 "ci_high": 0.1 * k + 0.2} for k in range(1, 9) for o in OUTCOMES[:2]
                for c in ("mechanism − baseline", "null − baseline")]
    exp_rows += [{"expectation": "5", "outcome": "trust_mean", "comparison": f"{arm}: peak − level {x}", "mean_a": 0.5,
                  "diff": 0.01, "ci_low": 0.0, "ci_high": 0.02} for arm in ("rule", "null") for x in (0, 1)]
    plotting.plot_expectations(exp_rows, tmp_path / "expectations.png")
    for name in ("prim", "convergence", "expectations"):
        f = seen.figures[str(tmp_path / f"{name}.png")]
        assert f["problems"] == [], name
        assert f["size"][0] in (plotting.SINGLE, plotting.DOUBLE), name
    assert {p.suffix for p in tmp_path.glob("expectations.*")} == {".png", ".pdf", ".svg"}
    legend = seen.figures[str(tmp_path / "expectations.png")]["legend"]
    assert {"Mechanism − baseline", "Null variant − baseline", "Leadership rule: peak − level 0"} <= set(legend)

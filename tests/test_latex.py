"""LaTeX tables that go into a paper (sim.output.tables): table environments with caption and
label, headers in words with units, siunitx S columns, wide tables reshaped, p values in
scientific notation; every table a comparison and a report write is compiled with pdflatex
(or lualatex) in a minimal document, when an engine with siunitx is installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from sim.analysis.compare import compare
from sim.analysis.report import report
from sim.output.tables import LONG_ROWS, latex_table, latex_wide, write_latex
from sim.sweep.engine import run_experiment
from sim.sweep.executors import serial_executor
from sim.sweep.experiment import Experiment

ROOT = Path(__file__).resolve().parents[1]
BASE = str(ROOT / "scenarios" / "community_system.yaml")
DOCUMENT = r"""\documentclass{article}
\usepackage{siunitx,booktabs,longtable}
\setlength{\textwidth}{17cm}\setlength{\oddsidemargin}{-0.46cm}\setlength{\evensidemargin}{-0.46cm}
\begin{document}
\input{%s}
\end{document}
"""


def engine() -> str | None:
    for name in ("pdflatex", "lualatex"):
        if shutil.which(name):
            kpse = shutil.which("kpsewhich")
            if kpse and all(subprocess.run([kpse, f], capture_output=True).returncode == 0
                            for f in ("siunitx.sty", "booktabs.sty", "longtable.sty")):
                return name
    return None


def compile_tex(tex: Path, work: Path) -> str:
    """Compile ``tex`` wrapped in :data:`DOCUMENT` twice (longtable settles its widths); the log."""
    name = engine()
    if name is None:
        pytest.skip("no LaTeX engine with siunitx, booktabs and longtable (Debian: apt-get install texlive-latex-base "
                    "texlive-latex-recommended texlive-science; .ci/setup installs them)")
    work.mkdir(parents=True, exist_ok=True)
    doc = work / f"doc_{tex.stem}.tex"
    doc.write_text(DOCUMENT % tex.resolve().as_posix(), encoding="utf-8")
    for _ in range(2):
        p = subprocess.run([name, "-interaction=nonstopmode", "-halt-on-error", doc.name], cwd=work, capture_output=True,
                           text=True, errors="replace", timeout=120)
        log = (work / f"doc_{tex.stem}.log").read_text(errors="replace")
        assert p.returncode == 0, f"{tex.name} does not compile:\n" + "\n".join(
            line for line in log.splitlines() if line.startswith("!") or "error" in line.lower())[:3000]
    return log


def check_compiles(tex: Path, work: Path) -> None:
    log = compile_tex(tex, work)
    assert not re.search(r"^! ", log, re.M), tex.name
    assert "Package siunitx Error" not in log and "Invalid" not in log, tex.name
    wide = [float(m) for m in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log)]
    assert all(w < 30 for w in wide), f"{tex.name}: overfull lines {wide} pt (wider than a page of 17 cm)"


@pytest.fixture(scope="module")
def comparison(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("latex")
    for name, extra in (("base", ""), ("loop_x", "mechanisms: {service_closed_loop: {enabled: true}}\n")):
        (d / f"{name}.yaml").write_text(f"name: {name}\npopulation: {{residents: 200}}\ndays: 20\n{extra}", encoding="utf-8")
    compare([d / "base.yaml", d / "loop_x.yaml"], 2, d / "cmp", plots=False)
    return d / "cmp"


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("latexrep") / "sweep"
    exp = Experiment.build([BASE, {"file": BASE, "name": "strict", "set": {"mechanisms.supervision.enabled": True}}],
                           name="tex", set={"population.residents": 200, "days": 20},
                           factors={"capacity.households_per_grid_worker": [300, 500]}, replications=2,
                           outcomes=["trust_mean", "resolution_days_median", "backlog"])
    run_experiment(exp, out, executor=serial_executor)
    report(out, formats=("png",))
    return out / "report"


def test_comparison_tables_are_wide_with_units_and_compile(comparison: Path, tmp_path: Path) -> None:
    tex = (comparison / "comparison.tex").read_text()
    assert tex.count(r"\begin{table}") >= 3  # means, differences, p values (each in blocks of outcomes)
    for label in ("tab:comparison-means", "tab:comparison-differences", "tab:comparison-p"):
        assert rf"\label{{{label}}}" in tex
    assert r"\caption{" in tex and "S[table-format=" in tex and r"\toprule" in tex
    flat = re.sub(r"\\begin\{tabular\}\[b\]\{@\{\}c@\{\}\}|\\end\{tabular\}|\\\\", " ", tex)
    assert "Mean trust (0--1 scale)" in " ".join(flat.split())  # the header in words with its unit
    assert "trust\\_mean" not in tex and "resolution\\_days" not in tex  # no code keys
    means = tex.split(r"\label{tab:comparison-means}")[1].split(r"\midrule")[1].split(r"\bottomrule")[0]
    body = [line for line in means.splitlines() if line.strip()]
    assert [r.split(" & ")[0] for r in body] == ["base", r"loop\_x"]  # one row per scenario
    assert " +- " in means  # mean ± half-width
    assert r"\,e" not in tex
    for t in ("comparison.tex", "costs.tex"):
        check_compiles(comparison / t, tmp_path)


def test_report_tables_compile(report_dir: Path, tmp_path: Path) -> None:
    tables = sorted(report_dir.glob("*.tex"))
    assert {t.stem for t in tables} >= {"paired_effects", "adequacy", "factor_effects"}
    for t in tables:
        text = t.read_text()
        assert r"\caption{" in text and r"\label{tab:" in text, t.name
        assert r"\begin{table}" in text or r"\begin{longtable}" in text, t.name
        check_compiles(t, tmp_path)
    effects = (report_dir / "paired_effects.tex").read_text()
    assert "Households per grid worker: 500 - 300" in effects and "capacity.households" not in effects
    assert "$p$ (Holm)" in effects
    wide = (report_dir / "factor_effects.tex").read_text()
    assert "Households per grid worker" in wide and "Backlog" in wide and "(issues)" in wide


def test_p_values_in_scientific_notation_in_s_columns(tmp_path: Path) -> None:
    rows = [{"outcome": "resolution_days_median", "diff": -1.25, "p_t": 5.882e-06, "p_holm": 0.0412, "n": 10},
            {"outcome": "trust_mean", "diff": 0.0123456, "p_t": 0.5, "p_holm": None, "n": 10},
            {"outcome": "backlog", "diff": float("inf"), "p_t": float("nan"), "p_holm": 1.0, "n": 10}]
    tex = latex_table(rows, ["outcome", "diff", "p_t", "p_holm", "n"], caption="Effects on 5% of days & more.",
                      label="tab:x")
    assert "5.9e-6" in tex and "0.041" in tex and r"\,e" not in tex
    assert r"{$\infty$}" in tex and "{--}" in tex
    assert r"\caption{Effects on 5\% of days \& more.}" in tex and r"\label{tab:x}" in tex
    assert "S[table-format=1.1e-1]" in tex  # p values: one digit, a decimal, a negative exponent
    assert "Median days to resolution (days)" in tex and "$p$ (paired" in tex
    path = write_latex(rows, ["outcome", "diff", "p_t", "p_holm", "n"], tmp_path / "effects.tex")
    assert r"\label{tab:effects}" in path.read_text()
    check_compiles(path, tmp_path / "build")


def test_long_tables_become_longtables_and_compile(tmp_path: Path) -> None:
    rows = [{"scenario": f"s{k}", "outcome": o, "mean": k * 1.5 + 0.25, "ci_low": k * 1.5, "ci_high": k * 1.5 + 0.5,
             "p": 10.0 ** -k} for k in range(12) for o in ("trust_mean", "backlog", "resolution_rate")]
    assert len(rows) > LONG_ROWS
    path = write_latex(rows, ["scenario", "outcome", "mean", "ci_low", "ci_high", "p"], tmp_path / "long.tex")
    text = path.read_text()
    assert r"\begin{longtable}" in text and r"\endhead" in text and r"\begin{table}" not in text
    assert "1.0e-11" in text
    check_compiles(path, tmp_path / "build")
    wide = latex_wide(rows, index=("scenario",), caption="Means.", label="tab:w", per_block=2)
    assert wide.count(r"\begin{tabular}{") == 2  # three outcomes in blocks of two
    assert r"\label{tab:w}" in wide and r"\label{tab:w-2}" in wide
    assert "1.8 +- 0.25" not in wide and "1.75 +- 0.25" in wide  # the mean to the half-width's decimal place
    (tmp_path / "wide.tex").write_text(wide, encoding="utf-8")
    check_compiles(tmp_path / "wide.tex", tmp_path / "build")


def test_sensitivity_and_discovery_tables_compile(tmp_path: Path) -> None:
    """The tables of Sobol, Morris and PRIM reports (their rows as ``sim.analysis.methods`` makes them)."""
    from sim.analysis.report import Report, _save

    factors = ["capacity.routing_accuracy", "behaviour.trust_learning_rate", "mechanisms.supervision.audit_rate"]
    sobol = [{"scenario": "base", "outcome": o, "factor": f, "S1": 0.1 * k, "S1_low": 0.1 * k - 0.05, "S1_high": 0.1 * k + 0.05,
              "ST": 0.2 * k, "ST_low": 0.2 * k - 0.1, "ST_high": 0.2 * k + 0.1}
             for o in ("trust_mean", "backlog") for k, f in enumerate(factors)]
    morris = [{"scenario": "base", "outcome": "backlog", "factor": f, "mu_star": 3.0 + k, "mu_star_low": 2.0 + k,
               "mu_star_high": 4.0 + k, "mu": -1.5, "sigma": 0.25} for k, f in enumerate(factors)]
    limits = [{"factor": f, "min": 0.1, "max": 0.9, "restricted": k == 0, "coverage": 0.6, "density": 0.8}
              for k, f in enumerate(factors)]
    trajectory = [{"step": i, "coverage": 1 - 0.01 * i, "density": 0.5 + 0.01 * i, "mass": 1 - 0.02 * i, "res_dim": i % 3,
                   "chosen": i == 20} for i in range(40)]
    rep = Report(out=tmp_path)
    for name, rows in (("sobol", sobol), ("morris", morris), ("discovery_backlog", limits),
                       ("discovery_backlog_trajectory", trajectory)):
        _save(rows, tmp_path, name, rep)
        text = (tmp_path / f"{name}.tex").read_text()
        assert "capacity.routing" not in text and r"\label{tab:" in text, name
        check_compiles(tmp_path / f"{name}.tex", tmp_path / "build")
    assert r"$S_1$ $\pm$\\95\%~CI" in (tmp_path / "sobol.tex").read_text()  # S1 and its symmetric interval in one column
    assert r"\begin{longtable}" in (tmp_path / "discovery_backlog_trajectory.tex").read_text()
    assert "PRIM" in (tmp_path / "discovery_backlog.tex").read_text()

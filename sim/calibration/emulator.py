"""Gaussian-process emulators of a model's outputs and the implausibility of history matching
(:mod:`sim.calibration.history`): emulators, implausibility, and which targets conflict.

One emulator per output: scikit-learn's ``GaussianProcessRegressor`` on inputs scaled to
[0, 1] (the prior box), a constant mean (the training mean, ``normalize_y``), an anisotropic
Matérn 5/2 kernel times a constant, and a ``WhiteKernel`` for what the replicates do not
explain. It is trained on each design point's mean over seeds; the seed variance, pooled over
the points with two or more finite replicates, enters the fit as each mean's known noise
(``alpha`` = pooled variance / seeds of that point) and is reported for the implausibility,
which compares one realisation (the world) with the model. With one seed a point, the fitted
white noise stands for the seed variance.

:meth:`Emulator.predict` gives the mean and variance of the *mean* model output E[f(x)]
(the white noise and the replicates' noise left out); :meth:`Emulator.loo` the closed-form
leave-one-out predictions at the fitted hyperparameters (Rasmussen & Williams 2006, eq. 5.12;
Bastos & O'Hagan 2009): standardised errors, the share within ±2 and the LOO R².
Deterministic for a fixed ``random_state`` (the optimiser's restarts).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.linalg import cho_solve

__all__ = ["Emulator", "Figure", "Loo", "combine", "conflicts", "fit_emulator", "implausibility", "pooled_variance"]


@dataclass(frozen=True)
class Loo:
    """Leave-one-out diagnostics of an emulator over its training points."""

    mean: np.ndarray  #: LOO predicted means
    sd: np.ndarray  #: LOO predictive SDs (of the noisy training mean)
    std_errors: np.ndarray  #: (y - LOO mean) / LOO SD
    within2: float  #: share of standardised errors within ±2 (about 0.95 for a well-calibrated emulator)
    r2: float  #: 1 - SSE / SST of the LOO means


def pooled_variance(y: np.ndarray) -> tuple[float, int]:
    """Pooled within-point variance of ``y`` (points × seeds, NaN where missing) and its
    degrees of freedom (0 when no point has two finite seeds: the variance is then NaN)."""
    finite = np.isfinite(y)
    n = finite.sum(axis=1)
    rows = n >= 2
    if not rows.any():
        return math.nan, 0
    yy = np.where(finite, y, np.nan)[rows]
    dev = yy - np.nanmean(yy, axis=1, keepdims=True)
    df = int((n[rows] - 1).sum())
    return float(np.nansum(dev**2) / df), df


class Emulator:
    """A fitted GP emulator of one output over the unit box (see the module docstring)."""

    def __init__(self, gp: object, x: np.ndarray, y: np.ndarray, seed_var: float, seed_df: int) -> None:
        self.gp, self.x, self.y = gp, x, y
        self.seed_var, self.seed_df = seed_var, seed_df

    @property
    def scale(self) -> float:
        return float(np.atleast_1d(self.gp._y_train_std)[0])  # type: ignore[attr-defined]

    @property
    def white(self) -> float:
        """The fitted white-noise variance, in the output's units squared."""
        return float(self.gp.kernel_.k2.noise_level) * self.scale**2  # type: ignore[attr-defined]

    @property
    def length_scales(self) -> np.ndarray:
        return np.atleast_1d(self.gp.kernel_.k1.k2.length_scale)  # type: ignore[attr-defined]

    @property
    def run_var(self) -> float:
        """Variance of one run around the mean output (the pooled seed variance, or the fitted
        white noise when there are no replicates)."""
        return self.seed_var if math.isfinite(self.seed_var) else self.white

    def predict(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean and variance of E[f(x)] at unit-box points ``x`` (n × d)."""
        gp = self.gp
        smooth = gp.kernel_.k1  # type: ignore[attr-defined]
        out_m, out_v = np.empty(len(x)), np.empty(len(x))
        for lo in range(0, len(x), 4096):
            xs = x[lo:lo + 4096]
            k = smooth(xs, gp.X_train_)  # type: ignore[attr-defined]
            m = k @ gp.alpha_  # type: ignore[attr-defined]
            v = cho_solve((gp.L_, True), k.T)  # type: ignore[attr-defined]
            var = smooth.diag(xs) - np.einsum("ij,ji->i", k, v)
            out_m[lo:lo + 4096] = m * self.scale + float(np.atleast_1d(gp._y_train_mean)[0])  # type: ignore[attr-defined]
            out_v[lo:lo + 4096] = np.maximum(var, 0.0) * self.scale**2
        return out_m, out_v

    def loo(self) -> Loo:
        """Closed-form leave-one-out predictions at the fitted hyperparameters."""
        gp = self.gp
        kinv = cho_solve((gp.L_, True), np.eye(len(self.x)))  # type: ignore[attr-defined]
        d = np.diag(kinv)
        resid = gp.alpha_.ravel() / d  # type: ignore[attr-defined]
        mean = self.y - resid * self.scale
        sd = np.sqrt(1.0 / d) * self.scale
        e = (self.y - mean) / sd
        sst = float(np.sum((self.y - self.y.mean()) ** 2))
        r2 = 1.0 - float(np.sum((self.y - mean) ** 2)) / sst if sst > 0 else math.nan
        return Loo(mean=mean, sd=sd, std_errors=e, within2=float(np.mean(np.abs(e) <= 2)), r2=r2)


def fit_emulator(x: np.ndarray, runs: np.ndarray, *, random_state: int = 0, restarts: int = 2) -> Emulator | None:
    """An emulator of one output from unit-box points ``x`` (n × d) and their runs (n × seeds,
    NaN where a run gives no value); None when fewer than three points have a value."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

    counts = np.isfinite(runs).sum(axis=1)
    keep = counts > 0
    if keep.sum() < 3:
        return None
    x, runs, counts = x[keep], runs[keep], counts[keep]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        y = np.nanmean(runs, axis=1)
    seed_var, df = pooled_variance(runs)
    spread = float(np.std(y)) or 1.0
    alpha = (seed_var / counts if math.isfinite(seed_var) else np.zeros(len(y))) / spread**2 + 1e-10
    d = x.shape[1]
    kernel = (ConstantKernel(1.0, (1e-3, 1e3)) * Matern(length_scale=np.full(d, 0.5), length_scale_bounds=(1e-2, 1e2), nu=2.5)
              + WhiteKernel(1e-3, (1e-9, 1e1)))
    gp = GaussianProcessRegressor(kernel, alpha=alpha, normalize_y=True, n_restarts_optimizer=restarts,
                                  random_state=random_state)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gp.fit(x, y)
    return Emulator(gp, x, y, seed_var, df)


def implausibility(em: Emulator | None, x: np.ndarray, *, value: float, other_var: float,
                   comparison: str = "within") -> np.ndarray:
    """I(x) = |z − E[f(x)]| / sqrt(Var_emulator(x) + Var_seed + ``other_var``) at unit-box
    points ``x``, ``other_var`` being the discrepancy and observation variances; one-sided
    for a floor (``at_least``: no gap above it) or a ceiling (``at_most``). Zero everywhere
    without an emulator (an output that gave no value cannot rule anything out)."""
    if em is None:
        return np.zeros(len(x))
    m, v = em.predict(x)
    gap = value - m
    if comparison == "at_least":
        gap = np.maximum(gap, 0.0)
    elif comparison == "at_most":
        gap = np.minimum(gap, 0.0)
    return np.abs(gap) / np.sqrt(v + em.run_var + other_var)


@dataclass(frozen=True)
class Figure:
    """A matched target: its figure, the SDs of observation error and model discrepancy, and
    whether it is a level, a floor (``at_least``) or a ceiling (``at_most``)."""

    id: str
    value: float
    observation_sd: float
    discrepancy_sd: float
    comparison: str = "within"

    @property
    def other_var(self) -> float:
        return self.observation_sd**2 + self.discrepancy_sd**2


def combine(imp: np.ndarray, rank: str) -> np.ndarray:
    """Maximum or second maximum over targets (the last axis)."""
    if rank == "second" and imp.shape[1] >= 2:
        return np.sort(imp, axis=1)[:, -2]
    return imp.max(axis=1)


def conflicts(imp: np.ndarray, ids: Sequence[str], cutoff: float) -> dict[str, Any]:
    """Which targets rule out the space, alone and in pairs, on a sample of points (``imp``:
    points × targets): per target the share it alone leaves non-implausible and its smallest
    implausibility; per pair the share both leave; the pairs that cannot be met together (each
    can alone, never both) and the targets that cannot be met at all."""
    ok = imp <= cutoff
    n = max(len(imp), 1)
    alone = {t: {"nonimplausible_alone": float(ok[:, j].sum() / n), "rules_out": float(1 - ok[:, j].sum() / n),
                 "min_implausibility": float(imp[:, j].min()) if len(imp) else math.nan} for j, t in enumerate(ids)}
    pairs = []
    for a in range(len(ids)):
        for b in range(a + 1, len(ids)):
            pairs.append({"a": ids[a], "b": ids[b], "joint": float((ok[:, a] & ok[:, b]).sum() / n),
                          "min_max_implausibility": float(np.max(imp[:, [a, b]], axis=1).min()) if len(imp) else math.nan})
    clash = [p for p in pairs if p["joint"] == 0 and alone[p["a"]]["nonimplausible_alone"] > 0
             and alone[p["b"]]["nonimplausible_alone"] > 0]
    clash.sort(key=lambda p: -p["min_max_implausibility"])
    order = sorted(ids, key=lambda t: -alone[t]["rules_out"])
    return {"sample": len(imp), "targets": alone, "pairs": pairs, "conflicting_pairs": [[p["a"], p["b"]] for p in clash],
            "unreachable": [t for t in ids if alone[t]["nonimplausible_alone"] == 0], "rules_out_most": order[0] if ids else None,
            "all_jointly": float(ok.all(axis=1).sum() / n)}

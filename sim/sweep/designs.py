"""Designs of experiments: which factor values each design point gets.

``factorial`` crosses the factors' lists (enumerated lazily, any point found by index);
``points`` zips them (explicit points, one per position); ``lhs`` draws ``samples`` points
by Latin hypercube (scipy); ``sobol`` (Saltelli's scheme)
and ``morris`` (trajectories) come from SALib, so that ``govsim report`` can compute their
indices from the same matrix. Integer factors get sampled values rounded to the nearest
integer; the matrix itself stays unrounded.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sim.sweep.experiment import Experiment, Scalar

__all__ = ["design_bytes", "design_limit_bytes", "design_matrix", "design_points", "design_size", "point_lookup",
           "salib_problem", "sampled_points"]


def salib_problem(exp: Experiment) -> dict[str, Any]:
    """The SALib problem of a sampled design: names and bounds of the factors."""
    return {"num_vars": len(exp.factors), "names": list(exp.factor_names),
            "bounds": [[r.low, r.high] for _, r in exp.factors]}  # type: ignore[union-attr]


def design_matrix(exp: Experiment) -> np.ndarray:
    """The sampled design (points × factors, unrounded) of an lhs, sobol or morris design,
    built once per design (read-only; its size is checked when the experiment is loaded)."""
    return _matrix(exp.design, tuple((k, r.low, r.high) for k, r in exp.factors))  # type: ignore[union-attr]


@functools.lru_cache(maxsize=2)
def _matrix(d: Any, factors: tuple[tuple[str, float, float], ...]) -> np.ndarray:
    n = d.samples or 0
    problem = {"num_vars": len(factors), "names": [f[0] for f in factors], "bounds": [[f[1], f[2]] for f in factors]}
    need, limit = design_bytes(d.method, n, len(factors), second_order=d.second_order), design_limit_bytes()
    if need > limit:
        from sim.errors import ScenarioError

        raise ScenarioError(f"the {d.method} design of {n:,} samples over {len(factors)} factors needs about "
                            f"{need / 2**20:,.0f} MB to build, more than the {limit / 2**20:,.0f} MB allowed; lower design.samples")
    x = _build(d, n, problem)
    x.flags.writeable = False
    return x


def _build(d: Any, n: int, problem: dict[str, Any]) -> np.ndarray:
    if d.method == "lhs":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=problem["num_vars"], seed=np.random.default_rng(d.seed)).random(n)
        lo, hi = np.array(problem["bounds"]).T
        return qmc.scale(unit, lo, hi)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SALib's advice on powers of 2 and on seeding
        if d.method == "sobol":
            from SALib.sample import sobol

            return np.asarray(sobol.sample(problem, n, calc_second_order=d.second_order, seed=d.seed))
        from SALib.sample import morris

        return np.asarray(morris.sample(problem, n, num_levels=d.levels, seed=d.seed))


def sampled_points(method: str, samples: int, k: int, *, second_order: bool = False) -> int:
    """Points of a sampled design of ``samples`` over ``k`` factors (from the parameters alone)."""
    return {"lhs": samples, "sobol": samples * (2 * k + 2 if second_order else k + 2), "morris": samples * (k + 1)}[method]


#: Peak memory of building a sampled design, per matrix cell: the float64 matrix and the
#: sampler's temporaries (SALib's Sobol and Morris samplers peak near twice the matrix).
DESIGN_BYTES_PER_CELL = 8 * 3
#: Largest sampled design built (its peak memory; also never more than a quarter of what is available).
MAX_DESIGN_BYTES = 512 * 2**20


def design_bytes(method: str, samples: int, k: int, *, second_order: bool = False) -> int:
    """Estimated peak memory of building a sampled design."""
    return sampled_points(method, samples, k, second_order=second_order) * k * DESIGN_BYTES_PER_CELL


def design_limit_bytes() -> int:
    """The most memory a sampled design may take to build: :data:`MAX_DESIGN_BYTES`, or a
    quarter of the available memory when that is less."""
    from sim.scenario.loading import available_memory_bytes

    have = available_memory_bytes()
    return MAX_DESIGN_BYTES if have is None else min(MAX_DESIGN_BYTES, have // 4)


def design_size(exp: Experiment) -> int:
    """Number of design points, without generating them."""
    if not exp.factors:
        return 1
    d, k = exp.design, len(exp.factors)
    if d.method == "points":
        return len(exp.factors[0][1])  # type: ignore[arg-type]
    if d.method == "factorial":
        return math.prod(len(v) for _, v in exp.factors)  # type: ignore[arg-type]
    return sampled_points(d.method, d.samples or 0, k, second_order=d.second_order)


def point_lookup(exp: Experiment) -> Callable[[int], dict[str, Scalar]]:
    """A function from point index to factor values (mixed-radix for factorial designs, a
    row of the design matrix otherwise)."""
    names = exp.factor_names
    if not exp.factors:
        return lambda p: {}
    if exp.design.method == "points":
        columns = [v for _, v in exp.factors]
        return lambda p: {k: vals[p] for k, vals in zip(names, columns)}  # type: ignore[index]
    if exp.design.method == "factorial":
        levels = [v for _, v in exp.factors]

        def factorial(p: int) -> dict[str, Scalar]:
            out = {}
            for name, vals in zip(reversed(names), reversed(levels)):  # the last factor varies fastest
                p, i = divmod(p, len(vals))  # type: ignore[arg-type]
                out[name] = vals[i]  # type: ignore[index]
            return {k: out[k] for k in names}
        return factorial
    matrix = design_matrix(exp)
    return lambda p: {k: (int(np.rint(v)) if k in exp.integer_factors else float(v)) for k, v in zip(names, matrix[p])}


def design_points(exp: Experiment) -> Iterator[dict[str, Scalar]]:
    """The design's points in order, as the factor values a run uses (lazily for factorial
    designs; integer factors rounded)."""
    if not exp.factors:
        yield {}
        return
    names = exp.factor_names
    if exp.design.method == "points":
        for values in zip(*(v for _, v in exp.factors)):  # type: ignore[misc]
            yield dict(zip(names, values))
        return
    if exp.design.method == "factorial":
        for combo in itertools.product(*(v for _, v in exp.factors)):  # type: ignore[misc]
            yield dict(zip(names, combo))
        return
    for row in design_matrix(exp):
        yield {k: (int(np.rint(v)) if k in exp.integer_factors else float(v)) for k, v in zip(names, row)}

"""``govsim``: run, validate and compare scenarios; export the scenario JSON Schema.

Bad input ends with one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from sim.errors import ScenarioError

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line with exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"error: {message} (see '{self.prog} --help')", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="govsim", description="Simulate party-building-led urban grassroots governance.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    r = sub.add_parser("run", help="run one scenario and write its tables and plot")
    r.add_argument("scenario", type=Path)
    r.add_argument("--seed", type=_positive, help="override the scenario's seed")
    r.add_argument("--days", type=_positive, help="override the scenario's number of days")
    r.add_argument("--out", type=Path, help="output folder (default results/<name>-seed<seed>)")
    r.add_argument("--csv", action="store_true", help="also write CSV tables")
    r.add_argument("--quiet", action="store_true", help="no progress bar")

    v = sub.add_parser("validate", help="check scenario files without running them")
    v.add_argument("scenarios", type=Path, nargs="+")

    s = sub.add_parser("schema", help="write the scenario JSON Schema")
    s.add_argument("--out", type=Path, default=None, help="file to write (default: stdout)")

    c = sub.add_parser("compare", help="compare scenarios over common random numbers")
    c.add_argument("scenarios", type=Path, nargs="+")
    c.add_argument("--seeds", type=_positive, default=10, help="replications per scenario (seeds 0..N-1)")
    c.add_argument("--days", type=_positive, help="override days for every scenario")
    c.add_argument("--residents", type=_positive, help="override population.residents for every scenario")
    c.add_argument("--out", type=Path, default=Path("results/compare"), help="output folder")
    c.add_argument("--workers", type=_positive, default=None, help="worker processes (default: all cores)")
    c.add_argument("--quiet", action="store_true", help="no progress bar")

    from sim.app.server import DEFAULT_HOST, DEFAULT_PORT  # plain constants; solara loads only when serving

    a = sub.add_parser("app", help="serve the browser app (needs the 'app' extra)")
    a.add_argument("--host", default=DEFAULT_HOST, help=f"address to bind (default {DEFAULT_HOST}: this machine only)")
    a.add_argument("--port", type=_positive, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    return p


def _overrides(args: argparse.Namespace) -> dict[str, int]:
    out: dict[str, int] = {}
    if getattr(args, "seed", None) is not None:
        out["seed"] = args.seed
    if getattr(args, "days", None) is not None:
        out["days"] = args.days
    if getattr(args, "residents", None) is not None:
        out["population.residents"] = args.residents
    return out


def cmd_validate(args: argparse.Namespace) -> int:
    from sim.loading import load_scenario

    for path in args.scenarios:
        cfg = load_scenario(path)
        on = [k for k, v in cfg.mechanisms if v.enabled]
        print(f"ok: {path} ({cfg.name}, {cfg.population.residents} residents, {cfg.days} days, "
              f"mechanisms: {', '.join(on) or 'none'})")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from sim.loading import load_scenario
    from sim.outcomes import HEADLINE, REGISTRY, RESOURCE_USE
    from sim.results import write_run
    from sim.run import run

    cfg = load_scenario(args.scenario, overrides=_overrides(args))
    out = args.out or Path("results") / f"{cfg.name}-seed{cfg.seed}"
    with _progress(total=cfg.days, desc=f"{cfg.name} (seed {cfg.seed})", quiet=args.quiet) as bar:
        result = run(cfg, progress=lambda _day: bar.update(1))
    files = write_run(result, out, csv=args.csv)
    from sim.plotting import plot_run

    files.append(plot_run(result.daily, out / "run.png", title=f"{cfg.name}, seed {cfg.seed}, {cfg.population.residents:,} residents"))
    h = result.headline
    shown = (*HEADLINE, *RESOURCE_USE)
    width = max(len(REGISTRY[k].label) for k in shown)
    print(f"\n{cfg.name}: {cfg.population.residents:,} residents, {cfg.days} days, seed {cfg.seed}, "
          f"{result.issues.num_rows:,} issues; simulated in {result.timings['simulate_s']:.2f} s")
    for key in shown:
        print(f"  {REGISTRY[key].label:<{width}}  {h[key]:>12.4g}  {REGISTRY[key].unit}")
    print("wrote: " + ", ".join(str(f) for f in files))
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from sim.schema import json_schema

    text = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    else:
        sys.stdout.write(text)
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from sim.compare import compare_cli

    return compare_cli(args, overrides=_overrides(args))


def _progress(*, total: int, desc: str, quiet: bool):  # noqa: ANN202
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="day", disable=quiet or None, file=sys.stderr, leave=False)


def cmd_app(args: argparse.Namespace) -> int:
    from sim.app.server import AppSetupError, serve

    try:
        return serve(host=args.host, port=args.port)
    except AppSetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


COMMANDS = {"run": cmd_run, "validate": cmd_validate, "schema": cmd_schema, "compare": cmd_compare, "app": cmd_app}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130

"""``govsim``: run, validate, compare and sweep scenarios, report on sweeps, export schemas.

Bad input (a scenario, an experiment file, an option, an output folder) ends with one line on
stderr and exit code 2, never a traceback. Commands live in :data:`COMMANDS`: a name, a help
line, a function adding its options and a function running it; adding a command is one entry.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def _workers(text: str) -> int:
    value = _positive(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1 worker process, got {value} (1 runs in this process)")
    return value


def _port(text: str) -> int:
    value = _positive(text)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is a number from 1 to 65535, got {value} (e.g. --port 8765)")
    return value


def _unencodable(args: argparse.Namespace) -> str | None:
    """The first path argument holding a byte that is not UTF-8, described on one line."""
    for name, value in vars(args).items():
        for path in value if isinstance(value, list) else [value]:
            if not isinstance(path, Path):
                continue
            try:
                str(path).encode("utf-8")
            except UnicodeEncodeError as exc:
                shown = str(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                byte = str(path)[exc.start].encode("utf-8", "surrogateescape")[0]
                what = f"--{name.replace('_', '-')} " if name in ("out",) else ""
                return (f"{what}{shown}: the path has a byte that is not UTF-8 (0x{byte:02x}); results record their paths "
                        "as UTF-8 text: rename it or choose another path")
    return None


def _setting(text: str) -> tuple[str, str]:
    if "\n" in text or "\r" in text:
        first = text.splitlines()[0] if text.splitlines() else ""
        raise argparse.ArgumentTypeError(f"a --set value must be one line, got a line break after {first!r}; give each "
                                         "setting its own --set KEY=VALUE, a list as [a, b]")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise argparse.ArgumentTypeError("a --set value must be UTF-8 text; it has a byte that is not") from None
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE (e.g. population.residents=2000), got '{text}'")
    return key.strip(), value


def _add_set(p: argparse.ArgumentParser) -> None:
    p.add_argument("--set", dest="sets", type=_setting, action="append", default=[], metavar="KEY=VALUE",
                   help="override a scenario key for every run, e.g. --set population.residents=2000 (repeatable)")


def _add_execution(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workers", type=_workers, default=None, help="local worker processes (default: all cores; capped by "
                   "cores and memory)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--scheduler", metavar="ADDRESS", help="run on an existing Dask cluster, e.g. tcp://10.0.0.5:8786")
    g.add_argument("--dask-local", type=_workers, metavar="N", help="start a Dask LocalCluster of N worker processes "
                   "(capped by memory: ~250 MB a worker plus one run)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def _args_run(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", type=Path)
    p.add_argument("--seed", type=_positive, help="override the scenario's seed")
    p.add_argument("--days", type=_positive, help="override the scenario's number of days")
    _add_set(p)
    p.add_argument("--out", type=Path, help="output folder (default results/<name>-seed<seed>)")
    p.add_argument("--csv", action="store_true", help="also write CSV tables")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def _args_validate(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenarios", type=Path, nargs="+", help="scenario files (or experiment files with --experiment)")
    p.add_argument("--experiment", action="store_true", help="the files are experiment files")


def _args_schema(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, default=None, help="file to write (default: stdout)")
    p.add_argument("--experiment", action="store_true", help="the schema of experiment files instead of scenarios")


def _args_compare(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenarios", type=Path, nargs="+")
    p.add_argument("--seeds", type=_positive, default=10, help="replications per scenario (seeds 0..N-1)")
    p.add_argument("--days", type=_positive, help="override days for every scenario")
    p.add_argument("--residents", type=_positive, help="override population.residents for every scenario")
    _add_set(p)
    p.add_argument("--out", type=Path, default=None, help="output folder (default: results/compare-<hash>, one per comparison)")
    _add_execution(p)


def _args_sweep(p: argparse.ArgumentParser) -> None:
    p.add_argument("experiment", type=Path, help="experiment file (experiments/*.yaml)")
    p.add_argument("--out", type=Path, default=None, help="output folder (default: results/<name>)")
    p.add_argument("--replications", type=_positive, default=None, help="override the file's replications")
    _add_set(p)
    _add_execution(p)


def _args_optimize(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, help="optimisation file (experiments/optimize.yaml)")
    p.add_argument("--out", type=Path, default=None, help="output folder (default: results/<name>)")
    _add_set(p)
    _add_execution(p)


def _args_report(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", type=Path, help="a sweep's or comparison's output folder")
    p.add_argument("--out", type=Path, default=None, help="report folder (default: FOLDER/report)")
    p.add_argument("--discover", action="append", default=[], metavar="OUTCOME>=X",
                   help="scenario discovery (PRIM): which factor ranges keep OUTCOME >= X (or <= X); repeatable")
    p.add_argument("--formats", default="pdf,svg,png", help="figure formats (default: pdf,svg,png)")
    p.add_argument("--rank-by", default=None, metavar="OUTCOME",
                   help="outcome the decision views rank the options by (default: the first outcome with a better direction)")
    p.add_argument("--per", default=None, metavar="POOL",
                   help="cost of the options: a pool (grid_workers, departments, ...), 'hours' (every hour pool, the default) "
                        "or 'budget'")


def _args_calibrate(p: argparse.ArgumentParser) -> None:
    p.add_argument("targets", type=Path, help="targets file with a calibration section (experiments/targets.yaml)")
    p.add_argument("--out", type=Path, default=None, help="output folder (default results/calibration; with --method history "
                   "results/history-matching)")
    # --method history (sim.calibration.history): waves of emulated runs instead of ABC rejection
    p.add_argument("--method", choices=("abc", "history"), default="abc", help="abc: ABC rejection (default); history: history "
                   "matching over residents' and handlers' parameters (calibration.history of the targets file)")
    for flag, what in (("--waves", "most waves"), ("--points", "design points per wave"),
                       ("--candidates", "candidates screened per wave")):
        p.add_argument(flag, type=_positive, default=None, help=f"--method history: {what} (default: the file's)")
    p.add_argument("--match", default=None, metavar="REGIME[,REGIME]", help="--method history: the regimes whose figures "
                   "are matched (default: the file's calibration.history.match, else every regime); the others are predicted")
    p.add_argument("--regime", action="append", default=[], metavar="REGIME=FILE", help="--method history: run REGIME's "
                   "figures on another scenario file (a structure to test, e.g. party_led_full=scenarios/posterior/"
                   "party_led_full_ranking.yaml; repeatable)")
    p.add_argument("--no-posterior", action="store_true", help="--method history: stop after the waves")
    p.add_argument("--discrepancy", type=float, default=None, metavar="TOLERANCES", help="--method history: the "
                   "model-discrepancy SD in tolerances of each figure (default: the file's calibration.history.discrepancy)")
    for flag, what in (("--samples", "prior draws"), ("--seeds", "seeds per draw"), ("--fit-seeds", "seeds of the fit")):
        p.add_argument(flag, type=_positive, default=None, help=f"{what} (default: the file's)")
    p.add_argument("--accept", type=float, default=None, help="share of draws accepted (default: the file's)")
    p.add_argument("--publish", action="store_true", help="copy the results to results/curated/calibration/ and write "
                   "scenarios/calibrated/ (run from the repository root)")
    _add_set(p)
    p.add_argument("--workers", type=_workers, default=None, help="local worker processes (default: all cores)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")


# --------------------------------------------------------------------------- commands


def _args_app(p: argparse.ArgumentParser) -> None:
    from sim.app.server import DEFAULT_HOST, DEFAULT_PORT  # plain constants; solara loads only when serving

    p.add_argument("--host", default=DEFAULT_HOST, help=f"address to bind (default {DEFAULT_HOST}: this machine only)")
    p.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")


def _sets(args: argparse.Namespace) -> dict[str, Any]:
    from sim.scenario.loading import parse_value

    out: dict[str, Any] = {}
    for key, value in getattr(args, "sets", []):
        out[key] = parse_value(value, source=f"--set {key}={value}")
    return out


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    out = _sets(args)
    for attr, key in (("seed", "seed"), ("days", "days"), ("residents", "population.residents")):
        if getattr(args, attr, None) is not None:
            out[key] = getattr(args, attr)
    return out


def _is_experiment_file(path: Path) -> bool:
    """Whether ``path`` reads as an experiment file (a top-level ``scenarios`` list, which no scenario has)."""
    from sim.scenario.loading import read_yaml
    from sim.schema import ScenarioConfig

    try:
        data = read_yaml(path).data
    except ScenarioError:
        return False  # the scenario loader reports it
    return isinstance(data, dict) and "scenarios" in data and "scenarios" not in ScenarioConfig.model_fields


def _notes(notes: Sequence[str]) -> None:
    for note in notes:
        print(f"note: {note}", file=sys.stderr)


def cmd_validate(args: argparse.Namespace) -> int:
    from sim.scenario.loading import load_scenario

    for path in args.scenarios:
        recognised = not args.experiment and _is_experiment_file(path)
        if args.experiment or recognised:
            from sim.sweep.experiment import load_experiment

            exp = load_experiment(path)
            _notes(exp.notes)
            n_s, n_f = len(exp.scenarios), len(exp.factors)
            print(f"ok: {path} ({'experiment file: ' if recognised else ''}{exp.name}, {exp.n_runs:,} runs, "
                  f"{n_s} scenario{'s' if n_s != 1 else ''}, {n_f} factor{'s' if n_f != 1 else ''}, {exp.design.method} design)")
            continue
        cfg = load_scenario(path)
        on = [k for k, v in cfg.mechanisms if v.enabled]
        print(f"ok: {path} ({cfg.name}, {cfg.population.residents} residents, {cfg.days} days, "
              f"mechanisms: {', '.join(on) or 'none'})")
    return 0


def _run_out(args: argparse.Namespace, cfg: Any) -> Path:
    """``--out``, or ``results/<name>-seed<seed>`` with the name made folder-safe (never outside results/)."""
    from sim.output.results import safe_name

    if args.out:
        return Path(args.out)
    root = Path("results")
    out = root / f"{safe_name(cfg.name)}-seed{cfg.seed}"
    assert out.parent == root
    return out


def cmd_run(args: argparse.Namespace) -> int:
    from sim.outcomes.registry import HEADLINE, REGISTRY, RESOURCE_USE
    from sim.output.results import replacing_run, run_folder, write_run
    from sim.scenario.loading import load_scenario

    if _is_experiment_file(args.scenario):
        raise ScenarioError(f"{args.scenario}: is an experiment file (it lists scenarios), not a scenario; run it with "
                            f"'govsim sweep {args.scenario}'")
    cfg = load_scenario(args.scenario, overrides=_overrides(args))
    out = _run_out(args, cfg)
    issues = cfg.issues.rate_per_resident_day * cfg.population.residents * cfg.days
    with run_folder(out, need_bytes=int((150 * issues + 3000 * cfg.days) * (2 if args.csv else 1)) + 2_000_000):
        from sim.run import run

        with _progress(total=cfg.days, desc=f"{cfg.name} (seed {cfg.seed})", quiet=args.quiet) as bar:
            result = run(cfg, progress=lambda _day: bar.update(1))
        from sim.analysis.plotting import plot_run

        with replacing_run(out) as tmp:
            written = write_run(result, tmp, csv=args.csv)
            written.append(plot_run(result.daily, tmp / "run.png",
                                    title=f"{cfg.name}, seed {cfg.seed}, {cfg.population.residents:,} residents"))
        files = [out / f.name for f in written]
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
    if args.experiment:
        from sim.sweep.experiment import experiment_json_schema as json_schema
    else:
        from sim.schema import json_schema
    text = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    else:
        sys.stdout.write(text)
    return 0


@contextmanager
def _executor(args: argparse.Namespace) -> Iterator[Any]:
    """The Dask executor when asked for (``--scheduler``, ``--dask-local``), else None (local)."""
    if not (args.scheduler or args.dask_local):
        yield None
        return
    if args.dask_local:  # started at the first jobs, its workers capped by the memory their runs need
        from sim.sweep.engine import LocalDask

        with LocalDask(args.dask_local) as local:
            yield local
        return
    from sim.sweep.executors import dask_client, dask_executor

    try:
        ctx = dask_client(scheduler=args.scheduler)
        client = ctx.__enter__()
    except (OSError, TimeoutError) as exc:
        raise ScenarioError(f"--scheduler {args.scheduler}: cannot connect ({exc}); check the address and that the "
                            "scheduler runs") from None
    try:
        yield dask_executor(client)
    finally:
        ctx.__exit__(None, None, None)


def cmd_compare(args: argparse.Namespace) -> int:
    from sim.analysis.compare import compare_cli

    with _executor(args) as executor:
        return compare_cli(args, overrides=_overrides(args), executor=executor)


def cmd_sweep(args: argparse.Namespace) -> int:
    from sim.output.results import safe_name
    from sim.sweep.engine import run_experiment
    from sim.sweep.experiment import load_experiment

    exp = load_experiment(args.experiment, sets=_sets(args), replications=args.replications)
    _notes(exp.notes)
    out = args.out or Path("results") / safe_name(exp.name)
    with _executor(args) as executor:
        result = run_experiment(exp, out, executor=executor, workers=args.workers, quiet=args.quiet,
                                manifest={"command": sys.argv})
    print(f"{exp.name}: {result.ran} runs done now, {result.resumed} resumed"
          + (f", {result.redone} redone (damaged or changed)" if result.redone else "") + f" ({result.seconds:.1f} s)")
    print("wrote: " + ", ".join(str(f) for f in result.files))
    print(f"next: govsim report {out}")
    return 0


def cmd_optimize(args: argparse.Namespace) -> int:
    import shlex
    import time

    from sim.output.results import safe_name
    from sim.sweep.optimize import load_optimization, optimize

    t0 = time.perf_counter()
    opt = load_optimization(args.file, sets=_sets(args))
    out = args.out or Path("results") / safe_name(opt.name)
    with _executor(args) as executor:
        result = optimize(opt, out, executor=executor, workers=args.workers, quiet=args.quiet, manifest={"command": sys.argv})
    from sim.analysis.frontier import write_report

    words = ["optimize", str(args.file), "--out", str(out), *(f"--set={k}={v}" for k, v in args.sets)]
    command = "govsim " + " ".join(shlex.quote(a) for a in words)
    result.files += write_report(result, command=command, seconds=time.perf_counter() - t0)
    best = result.cheapest
    print(f"{opt.name}: {len(result.candidates)} mixes, {result.ran} runs done now, {result.resumed} resumed "
          f"({time.perf_counter() - t0:.1f} s); frontier of {len(result.frontier)} point(s)")
    print(f"cheapest feasible mix: c{best.id} {best.point}" if best else "no evaluated mix meets every constraint")
    print(f"wrote: {out / 'optimize.md'}, {out / 'frontier.csv'}, {out / 'candidates.csv'}, {out / 'frontier.png'}, "
          f"{out / 'frontier'}/point-N.yaml")
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    if args.method == "history":
        from sim.calibration.history import history_cli

        args.out = args.out or Path("results") / "history-matching"
        return history_cli(args, _sets(args))
    from sim.calibration.abc import calibrate_cli

    for flag, given in (("--match", args.match), ("--no-posterior", args.no_posterior), ("--regime", args.regime),
                        ("--discrepancy", args.discrepancy is not None)):
        if given:
            raise ScenarioError(f"{flag} applies to --method history")
    args.out = args.out or Path("results") / "calibration"
    if args.accept is not None and not 0 < args.accept <= 1:
        raise ScenarioError(f"--accept {args.accept:g}: must be a share in (0, 1]")
    return calibrate_cli(args, _sets(args))


def cmd_report(args: argparse.Namespace) -> int:
    from sim.analysis.report import report_cli

    return report_cli(args)


def cmd_app(args: argparse.Namespace) -> int:
    from sim.app.server import AppSetupError, serve

    try:
        return serve(host=args.host, port=args.port)
    except AppSetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _progress(*, total: int, desc: str, quiet: bool):  # noqa: ANN202
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="day", disable=quiet or None, file=sys.stderr, leave=False)


def _args_crate(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", type=Path, help="output folder of govsim compare or govsim sweep")
    p.add_argument("--out", type=Path, default=None, help="zip file to write (default: FOLDER.crate.zip beside the folder)")


def cmd_crate(args: argparse.Namespace) -> int:
    from sim.output.crate import export_crate

    path = export_crate(args.folder, args.out)
    print(f"wrote {path} (RO-Crate, Workflow Run Crate profile)")
    return 0


@dataclass(frozen=True)
class Command:
    """A subcommand: its help line, its options and what it does."""

    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


COMMANDS: dict[str, Command] = {
    "run": Command("run one scenario and write its tables and plot", _args_run, cmd_run),
    "validate": Command("check scenario (or experiment) files without running them", _args_validate, cmd_validate),
    "schema": Command("write the JSON Schema of scenario (or experiment) files", _args_schema, cmd_schema),
    "compare": Command("compare scenarios over common random numbers", _args_compare, cmd_compare),
    "sweep": Command("run an experiment file: factors, designs, replications", _args_sweep, cmd_sweep),
    "optimize": Command("the cheapest mix of mechanisms reaching a target, and the cost-outcome frontier",
                        _args_optimize, cmd_optimize),
    "report": Command("figures and tables of a sweep or comparison, for a paper", _args_report, cmd_report),
    "crate": Command("export a sweep or comparison folder as an RO-Crate (inputs, tables, provenance)", _args_crate,
                     cmd_crate),
    "calibrate": Command("estimate the behavioural parameters from public figures (ABC)", _args_calibrate, cmd_calibrate),
    "app": Command("serve the browser app (needs the 'app' extra)", _args_app, cmd_app),
}


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="govsim", description="Simulate party-building-led urban grassroots governance.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, command in COMMANDS.items():
        command.arguments(sub.add_parser(name, help=command.help))
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from sim.output.results import describe_write_error
    from sim.sweep.engine import Interrupted

    bad_path = _unencodable(args)
    if bad_path:
        print(f"error: {bad_path}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        return COMMANDS[args.command].run(args)
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        print(f"error: {describe_write_error(exc, getattr(args, 'out', None) or '.')}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted; finished runs are kept: the same command resumes", file=sys.stderr)
        return 130
    except Interrupted as exc:
        print(f"stopped by {exc}; finished runs are kept: the same command resumes", file=sys.stderr)
        return 128 + exc.signum

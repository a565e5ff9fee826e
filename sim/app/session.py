"""One browser session's simulation: its model (and, side by side, a second one on the same
seed), their daily histories, and stepping them together.

Nothing here is shared between sessions: each page builds its own :class:`Explorer`. The
play loop and button clicks reach it from different threads, so every change and every
read of the models happens under :attr:`Explorer.lock`.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from sim import cache
from sim.app.series import History
from sim.app.settings import with_value
from sim.outcomes.daily import daily_row
from sim.schema import ScenarioConfig
from sim.warmup import MAX_CACHED_RESIDENTS, warm_model, warmup_key

__all__ = ["SPREAD_SEEDS", "Explorer", "Run", "needs_build", "spread_configs"]

#: Extra seeds the optional spread runs (each a whole street more to warm up and step).
SPREAD_SEEDS = 3


def spread_configs(config: ScenarioConfig, k: int = SPREAD_SEEDS) -> list[ScenarioConfig]:
    """``config`` on the ``k`` seeds after its own (the spread's runs)."""
    return [config.model_copy(update={"seed": config.seed + j}) for j in range(1, k + 1)]


def needs_build(config: ScenarioConfig) -> bool:
    """Whether a model of ``config`` means simulating its warm-up (its warm state is not in
    the cache): seconds to a minute, so the page says so while it builds."""
    if config.warmup_days == 0:
        return False
    if config.population.residents > MAX_CACHED_RESIDENTS or cache.max_bytes() == 0:
        return True
    return not (cache.cache_dir() / f"{warmup_key(config)}.pkl").exists()


class Run:
    """A model built from a config, stepped day by day, with its chart history."""

    def __init__(self, config: ScenarioConfig) -> None:
        self.config = config
        self.model = warm_model(config)  # from the baseline's steady state (cached; sim.warmup)
        self.history = History()

    @property
    def day(self) -> int:
        """Days simulated so far."""
        return self.history.n

    @property
    def finished(self) -> bool:
        return self.day >= self.config.days

    def step(self) -> None:
        """One day, then record today's outcomes."""
        self.model.step()
        self.history.record(self.model, daily_row(self.model))


class Explorer:
    """The session's runs: ``a`` (the scenario being explored) and optionally ``b`` (a
    second scenario on ``a``'s seed, stepped with it: common random numbers), which is
    either another scenario or ``a``'s settings plus one change (:attr:`b_change`).

    A change of ``a``'s settings keeps the run it ends as :attr:`reference` (its history and
    settings), for the charts to draw faintly under the new run."""

    def __init__(self, config: ScenarioConfig, *, source: str = "") -> None:
        self.lock = threading.RLock()
        self.source = source
        self.origin = config  #: the scenario as loaded, before any change in the page
        self.a = Run(config)
        self.b: Run | None = None
        self.b_source = ""
        self.b_change: tuple[tuple[str, ...], Any] | None = None  #: B is A's settings with this key set so
        self.reference: History | None = None  #: the run before the last change of settings (None: none yet)
        self.reference_config: ScenarioConfig | None = None
        self.spread: list[Run] = []  #: ``a``'s settings on :data:`SPREAD_SEEDS` more seeds (empty: off)

    @property
    def config(self) -> ScenarioConfig:
        return self.a.config

    @property
    def day(self) -> int:
        return self.a.day

    @property
    def finished(self) -> bool:
        return self.a.finished or (self.b is not None and self.b.finished)

    def runs(self) -> list[Run]:
        """Every run stepped together: ``a``, ``b`` if comparing, the spread's if on."""
        return [self.a, *([self.b] if self.b is not None else []), *self.spread]

    def set_spread(self, on: bool) -> None:
        """Run ``a``'s settings on :data:`SPREAD_SEEDS` more seeds beside it (or stop); every
        run restarts from day 0 so that all stay on the same day."""
        with self.lock:
            config, b_config = self.a.config, None if self.b is None else self.b.config
        spread = [Run(c) for c in spread_configs(config)] if on else []
        a, b = Run(config), None if b_config is None else Run(b_config)
        with self.lock:
            self.a, self.b, self.spread = a, b, spread

    def configure(self, config: ScenarioConfig, *, source: str | None = None) -> None:
        """Explore ``config`` from day 0 (the side-by-side run restarts on its seed); with a
        ``source``, ``config`` is a newly loaded scenario (its settings are the defaults).
        The new models are built outside the lock (the page goes on drawing the old ones
        meanwhile), then swapped in."""
        with self.lock:
            b_config = None if self.b is None else (self._plus_change(config) if self.b_change else self.b.config)
        a = Run(config)
        b = None if b_config is None else Run(b_config.model_copy(update={"seed": config.seed}))
        spread = [Run(c) for c in spread_configs(config)] if self.spread else []
        with self.lock:
            old = self.a
            self.a, self.b, self.spread = a, b, spread
            if config != old.config and old.day > 0:  # a run that never stepped leaves the older reference
                self.reference, self.reference_config = old.history, old.config
            if source is not None:
                self.source = source
                self.origin = config

    def forget_reference(self) -> None:
        """Stop drawing the earlier run."""
        with self.lock:
            self.reference = self.reference_config = None

    def reset(self) -> None:
        """Back to day 0 with the same settings."""
        self.configure(self.a.config)

    @property
    def changed(self) -> bool:
        """Whether the settings differ from the scenario as loaded."""
        return self.a.config != self.origin

    def restore_defaults(self) -> None:
        """Back to the loaded scenario's own settings, from day 0."""
        self.configure(self.origin)

    def compare_with(self, config: ScenarioConfig | None, *, source: str = "") -> None:
        """Run ``config`` side by side on ``a``'s seed (None: stop comparing); both restart."""
        with self.lock:
            a_config = self.a.config
        b = None if config is None else Run(self.paired(config))
        a = Run(a_config)
        spread = [Run(c) for c in spread_configs(a_config)] if self.spread else []
        with self.lock:
            self.a, self.b, self.spread = a, b, spread
            self.b_source = source if config is not None else ""
            self.b_change = None

    def compare_change(self, path: tuple[str, ...], value: Any) -> None:
        """Run ``a``'s settings with ``path`` set to ``value`` side by side (and keep it so when
        ``a``'s settings change); both restart. SettingError if the schema refuses it."""
        with self.lock:
            a_config = self.a.config
        b_config = with_value(a_config, path, value)
        b, a = Run(self.paired(b_config)), Run(a_config)
        spread = [Run(c) for c in spread_configs(a_config)] if self.spread else []
        with self.lock:
            self.a, self.b, self.spread = a, b, spread
            self.b_change = (path, value)
            self.b_source = ""

    def _plus_change(self, config: ScenarioConfig) -> ScenarioConfig:
        assert self.b_change is not None
        return with_value(config, *self.b_change)

    def paired(self, config: ScenarioConfig) -> ScenarioConfig:
        """``config`` on ``a``'s seed (side by side: common random numbers)."""
        return config.model_copy(update={"seed": self.a.config.seed})

    def step(self, days: int = 1) -> int:
        """Advance every run by up to ``days`` days (not past the end); returns days done."""
        done = 0
        with self.lock:
            while done < days and not self.finished:
                for run in self.runs():
                    run.step()
                done += 1
        return done

    def advance(self, *, seconds: float, max_days: int) -> int:
        """Step for about ``seconds`` (at least one day unless finished), at most ``max_days``."""
        start, done = time.perf_counter(), 0
        while done < max_days and not self.finished:
            done += self.step(1)
            if time.perf_counter() - start >= seconds:
                break
        return done

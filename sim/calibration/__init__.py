"""Calibration to public figures: targets files, the ABC run and history matching (GP emulators,
implausibility, waves) on the sweep engine, calibrated scenarios.

May import the core, outcomes, scenario, output, sweep and ``sim.analysis.stats``; imported by the CLI.
"""

"""Batches of runs: experiment files and designs, one job, the engine, executors (processes, Dask) and the resumable store.

May import the core, ``sim.outcomes``, ``sim.run``, ``sim.scenario`` and ``sim.output``; imported by analysis, calibration and the CLI.
"""

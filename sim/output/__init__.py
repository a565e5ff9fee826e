"""Result files: tables with units and nulls, CSV and LaTeX, provenance, the data dictionary.

May import ``sim.outcomes``, ``sim.issues`` and ``sim.errors`` (the run's result type only for type checking); imported by sweeps and above.
"""

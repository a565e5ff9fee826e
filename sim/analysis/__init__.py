"""Analysis of finished runs: paired statistics, ``govsim compare``, ``govsim report``, sensitivity and PRIM, figures.

May import everything below it (core, outcomes, scenario, output, sweep); the only sub-package that imports matplotlib.
"""

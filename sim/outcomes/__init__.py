"""Outcomes: the registry (one definition per outcome, with its tie statistics), the daily table, a run's summary.

May import the model core (``sim.*`` modules, ``sim.mechanisms``); imported by the run function and everything above it.
"""

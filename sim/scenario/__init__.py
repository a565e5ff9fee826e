"""Scenario files: the hardened YAML reader, ``extends`` and dotted overrides, the schema walker, one-line errors.

May import the schema, ``sim.vocab`` and ``sim.errors`` only; imported by sweeps, the ODD, the CLI and the app.
"""

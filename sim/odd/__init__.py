"""The ODD description's code-derived parts (``python -m sim.odd``; ``--check`` fails when ``docs/ODD.md`` is stale).

May import the core, ``sim.mechanisms``, ``sim.outcomes`` and ``sim.scenario``; nothing imports it but the CLI and tests.
"""

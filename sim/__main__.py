"""``python -m sim`` is the ``govsim`` command."""

from sim.cli import main

raise SystemExit(main())

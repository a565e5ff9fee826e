"""``python -m sim.odd``: regenerate (or ``--check``) the code-derived parts of ``docs/ODD.md``."""

from sim.odd.generate import main

raise SystemExit(main())

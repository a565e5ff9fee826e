"""The browser app (``govsim app``): students explore the model live in a browser, and
analysts turn what they find into scenario files.

Solara components over the same ``GovernanceModel``, schema and outcome registry as the
CLI; nothing here is imported by the model core (``tests/test_architecture.py``).

Modules, one concept each:

* ``server``: serve the page with solara's server, offline; ``assets``: the pinned
  front-end packages it serves from the virtual environment;
* ``page``: the page, its play loop and its background builder; ``ui_*``: its parts (sidebar,
  views, distribution, neighbourhood, mechanisms, side by side, scenario file, about);
  ``ui_common``: a session's state; ``*.vue``: small browser-side widgets (the zoomable
  neighbourhood drawing, the file chooser, the committing slider);
* ``session``: a session's models, stepped together, and the run before the last change;
  ``series``: what the charts plot and their axes; ``changes``: one change of settings in
  words; ``settings``: controls generated from the schema; ``scenario_io``: the scenario
  catalogue, uploads and export; ``neighbourhood``, ``resident``, ``article``: the data
  behind those views; ``svg``: charts drawn on the server;
* ``i18n``, ``ui_text``, ``texts_zh``, ``texts_about``: every text in English and Chinese.
"""

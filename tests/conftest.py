"""Test-session settings: on CI, hypothesis runs derandomised so a green build stays green
(locally it explores new examples every run; pin what it finds with @example)."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

"""What the browser tests share: Debian's Chromium driven by Playwright for Python.

The `browser` fixture lives in tests/conftest.py. Tests ask for their database fixtures
before it: Django keeps a connection per context, and one opened after Playwright has
started is left open when the test ends (PostgreSQL then refuses to drop the test
database: "being accessed by other users").
"""

from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Screenshots for people to look at.
SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"

needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="make browser-deps installs Chromium"
)

"""A test hook: pause a publish at a named point, so that tests can kill or race it there."""

from __future__ import annotations

import os
import sys
import time


def pause(stage: str) -> None:
    """Test hook: with SPRX_TEST_PAUSE_AT=stage, stop here until SPRX_TEST_RESUME_FILE exists
    (or for ever), so that tests can kill or race a publish at a known point."""
    if os.environ.get("SPRX_TEST_PAUSE_AT") != stage:
        return
    print(f"SPRX-PAUSED {stage}", file=sys.stderr, flush=True)
    resume = os.environ.get("SPRX_TEST_RESUME_FILE")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if resume and os.path.exists(resume):
            return
        time.sleep(0.05)

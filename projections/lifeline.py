"""A rebuild worker's lifeline to the rebuild that started it: when the parent dies
(SIGKILL included) the worker dies too, so no orphan goes on writing into the fresh
``rm_next_*`` tables that the next rebuild drops and remakes."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PARENT_VARIABLE = "TRACKER_REBUILD_PARENT"


def die_with_parent() -> None:
    """Make this process die when the rebuild that started it dies (however: SIGKILL
    included), so that no worker goes on writing into fresh tables nobody will swap in,
    while the next rebuild drops and remakes them. Linux: ``PR_SET_PDEATHSIG``; elsewhere
    (and as a check of the race before it was set) a thread watching the parent's pid."""
    parent = int(os.environ.get(PARENT_VARIABLE, "0") or 0)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if parent and os.getppid() != parent:
        os._exit(3)  # the parent died before the signal was asked for

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(3)

    if parent:
        threading.Thread(target=watch, name="parent-watch", daemon=True).start()


_PR_SET_PDEATHSIG = 1

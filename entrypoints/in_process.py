"""The read models kept current by a thread of the API process: the embedded default
(``TRACKER_PROJECTOR_IN_PROCESS``), where no separate ``tracker project`` runs."""

from __future__ import annotations

import logging
import threading

from projections.engine import Projector

log = logging.getLogger("tracker.api")


class InProcessProjector:
    """Follows the log with ``projector`` (made by the composition root) until stopped;
    a failure is logged and the thread tries again. Its read store is closed on stop."""

    def __init__(self, projector: Projector) -> None:
        self.projector = projector
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="projector", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        projector = self.projector
        try:
            while not self._stop.is_set():
                try:
                    projector.setup()
                    projector.follow(self._stop.is_set, poll=0.2)
                except Exception:
                    log.exception("projector failed; retrying in 5 s")
                    self._stop.wait(5)
        finally:
            projector.store.close()

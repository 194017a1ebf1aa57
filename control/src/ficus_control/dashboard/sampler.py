"""Samples every domain's forward and reverse lag and shadow mismatch rate every few seconds
into the dashboard's `History`, and measures the plan's criteria in the same round (so their
soak clocks see a criterion stop holding while nobody looks), in one daemon thread started and
stopped with control's app."""

from __future__ import annotations

import logging
import threading
import time

from ficus_control.bootstrap import Control
from ficus_control.dashboard.core.history import History, Sample

log = logging.getLogger(__name__)

SHADOW_WINDOW_SECONDS = 60  # the mismatch rate plotted is that of the last minute


class Sampler:
    def __init__(self, control: Control, history: History, interval: float = 5.0) -> None:
        self.control = control
        self.history = history
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="dashboard-sampler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def sample_once(self) -> None:
        for domain in self.control.service.domains.names:
            lag = self.control.lag.lag(domain)
            shadow = self.control.service.shadow.latest_window(domain, SHADOW_WINDOW_SECONDS)
            sample = Sample(
                time.time(), lag.seconds_behind, shadow.rate, shadow.compared,
                self._reverse_lag(domain),
            )  # fmt: skip
            self.history.add(domain, sample)
        if self.control.plan is not None:
            self.control.plan.views()  # keeps the soak clocks (see PlanService.sample)

    def _reverse_lag(self, domain: str) -> float | None:
        reverse = self.control.plan.signals.reverse if self.control.plan is not None else None
        if reverse is None:
            return None
        health = reverse.health(domain)
        return None if health.error is not None else health.lag_seconds

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.sample_once()
            except Exception:  # a failed round (database down) must not end the sampling
                log.exception("dashboard sampling failed; next round in %ss", self.interval)
            self._stop.wait(self.interval)

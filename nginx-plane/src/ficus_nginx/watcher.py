"""The agent's guard: reads nginx's access log (`core.accesslog`), feeds each request's outcome
to its domain's guard (`core.watch`) and performs what the guard asks, as the Python proxy does:
a read trip takes effect in nginx at once (the agent's own state, through the shared dict) and
is reported to control (`POST /trip`); a rollback of the reads or writes lane is requested
(`POST /rollback`), control drains a writes lane before it flips."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from ficus_contracts.cutover import Direction
from ficus_contracts.guard.domain import Action, Trip
from ficus_contracts.guard.reports import Report
from ficus_nginx.agent import Agent
from ficus_nginx.core.accesslog import parse
from ficus_nginx.core.watch import Watch, payload
from ficus_nginx.logtail import LogTail
from ficus_nginx.reporting import ControlReporter

log = logging.getLogger(__name__)


class Watcher:
    def __init__(
        self, agent: Agent, watch: Watch, reporter: ControlReporter, tail: LogTail
    ) -> None:
        self.agent = agent
        self.watch = watch
        self.reporter = reporter
        self.tail = tail

    async def run(self) -> None:
        """Follow the log from its current end, until cancelled."""
        self.tail.skip_existing()
        async for lines in self.tail.follow():
            self.consume(lines)

    def consume(self, lines: Iterable[str]) -> None:
        for line in lines:
            outcome = parse(line)
            if outcome is not None:
                state = self.agent.state.get(outcome.domain)
                guard = self.watch.guard(outcome.domain, outcome.direction)
                guard.follow(state.version if state is not None else 0)
                step = self.watch.record(outcome)
                if step.breaker is not None:
                    self.agent.set_breaker(outcome.domain, outcome.direction, step.breaker)
                self.perform(outcome.domain, outcome.direction, step.actions)

    def perform(self, domain: str, direction: Direction, actions: Iterable[Action]) -> None:
        for action in actions:
            body = payload(direction, action, self.agent.state.get(domain))
            log.warning("nginx plane: %s of %s %s: %s", type(action).__name__.lower(), domain,
                        direction.value, action.reason)  # fmt: skip
            if isinstance(action, Trip):
                self.agent.trip_reads(domain)
                delivered = self._delivered(domain)
                self.reporter.submit(Report("trip", domain, body, delivered))
            else:
                self.reporter.submit(Report("rollback", domain, body))

    def _delivered(self, domain: str) -> Callable[[], None]:
        return lambda: self.agent.trip_delivered(domain)

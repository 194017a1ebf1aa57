"""The cutover table `ficus status` prints under the stack table, when the control database
answers."""

from __future__ import annotations

from rich.console import Console

from ficus_control.commands import render
from ficus_control.errors import ControlError


def print_cutover_state(console: Console, stack_db_url: str | None = None) -> None:
    """Print every domain's cutover state; print nothing if the control DB is unreachable.
    The database is FICUS_CONTROL_DB_URL when set, else the local stack's (`stack_db_url`)."""
    from ficus_control.api.schemas import DomainOut  # keeps `ficus` quick to start
    from ficus_control.bootstrap import bootstrap
    from ficus_control.settings import ControlSettings

    settings = ControlSettings()
    updates: dict[str, object] = {"http_timeout": 1.0}
    if stack_db_url is not None and "db_url" not in settings.model_fields_set:
        updates["db_url"] = stack_db_url
    settings = settings.model_copy(update=updates)
    control = bootstrap(settings)
    try:
        states = control.service.states()
    except ControlError:
        return
    finally:
        control.close()
    render.domains(console, [DomainOut.of(state).model_dump(mode="json") for state in states])

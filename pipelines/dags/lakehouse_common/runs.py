"""Which `load_date` a run works on, from what Airflow hands the task."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date


def resolve_load_date(
    conf_value: str | None,
    event_extras: Iterable[Mapping[str, object]],
    logical_ds: str | None,
) -> str | None:
    """The explicit `load_date` param wins; then the newest triggering asset event's `load_date`
    (an ingest run that just finished); then the run's logical date. None when there is none."""
    if conf_value:
        return date.fromisoformat(conf_value).isoformat()
    from_events = [str(e["load_date"]) for e in event_extras if e.get("load_date")]
    if from_events:
        return date.fromisoformat(from_events[-1]).isoformat()
    return logical_ds

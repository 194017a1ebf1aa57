"""Change events in Debezium's envelope, parsed into one `ChangeEvent` model (pure).

Accepts Debezium JSON with schemas on (`{"schema": …, "payload": …}`) or off, decimals as
strings, as base64 "precise" bytes (the scale comes from the field schema, else from column
hints) or as doubles, DATETIME as epoch ms/µs, TIMESTAMP as ISO-8601 UTC strings, DATE as epoch
days, tombstones (a null value: `parse_debezium` returns None) and ops c/u/d/r/t. The embedded
binlog engine builds `ChangeEvent`s directly; `to_debezium` renders any event back into the
envelope (schemas on), which is also the raw form kept in the dead-letter table.
"""

from __future__ import annotations

import base64
import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from ficus_sync.errors import EnvelopeError

Value = str | int | float | Decimal | datetime | date | bytes | None
Row = dict[str, Value]

_EPOCH = datetime(1970, 1, 1)
_EPOCH_DATE = date(1970, 1, 1)


class Op(enum.StrEnum):
    CREATE = "c"
    UPDATE = "u"
    DELETE = "d"
    READ = "r"
    TRUNCATE = "t"


@dataclass(frozen=True, slots=True)
class SourcePosition:
    """Where an event sits in the source: binlog file/pos, GTID, commit time (ms)."""

    file: str | None = None
    pos: int | None = None
    gtid: str | None = None
    ts_ms: int | None = None


@dataclass(frozen=True, slots=True)
class ChangeEvent:
    table: str
    op: Op
    before: Row | None
    after: Row | None
    source: SourcePosition = field(default_factory=SourcePosition)
    transaction_id: str | None = None
    database: str | None = None

    @property
    def row(self) -> Row:
        """The row image that identifies the row: after, else before."""
        image = self.after if self.after is not None else self.before
        return image if image is not None else {}


class Kind(enum.StrEnum):
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATETIME = "datetime"
    TIMESTAMP = "timestamp"
    DATE = "date"
    TEXT = "text"
    BINARY = "binary"
    FLOAT = "float"


@dataclass(frozen=True, slots=True)
class ColumnHint:
    """What a schemaless value means: the column's kind, decimal scale, fractional digits."""

    kind: Kind
    scale: int = 0
    fsp: int = 0


TableHints = Mapping[str, ColumnHint]

_DECIMAL = "org.apache.kafka.connect.data.Decimal"
_VAR_DECIMAL = "io.debezium.data.VariableScaleDecimal"
_NAMED: dict[str, Kind] = {
    "io.debezium.time.Timestamp": Kind.DATETIME,
    "org.apache.kafka.connect.data.Timestamp": Kind.DATETIME,
    "io.debezium.time.ZonedTimestamp": Kind.TIMESTAMP,
    "io.debezium.time.Date": Kind.DATE,
    "org.apache.kafka.connect.data.Date": Kind.DATE,
}


def parse_debezium(
    value: bytes | str | Mapping[str, Any] | None,
    hints: Mapping[str, TableHints] | None = None,
) -> ChangeEvent | None:
    """Parse one Debezium record value; None for a tombstone. `hints` (per table) give the
    meaning of schemaless values (decimal scale, DATETIME vs integer)."""
    doc = _load(value)
    if doc is None:
        return None
    if "payload" in doc and "schema" in doc:
        if doc["payload"] is None:
            return None
        return _from_payload(doc["payload"], _field_schemas(doc["schema"]), hints or {})
    return _from_payload(doc, {}, hints or {})


def _load(value: bytes | str | Mapping[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, Mapping):
        return dict(value)
    try:
        doc = json.loads(value)
    except ValueError as exc:
        raise EnvelopeError(f"not JSON: {exc}") from exc
    if doc is not None and not isinstance(doc, dict):
        raise EnvelopeError("a Debezium value must be a JSON object")
    return doc


def _field_schemas(schema: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The `after` (or `before`) row struct's field schemas, by column name."""
    for part in schema.get("fields", []):
        if part.get("field") in ("after", "before") and part.get("fields"):
            return {f["field"]: f for f in part["fields"]}
    return {}


def _from_payload(
    payload: Mapping[str, Any],
    schemas: Mapping[str, Mapping[str, Any]],
    hints: Mapping[str, TableHints],
) -> ChangeEvent:
    try:
        op = Op(payload["op"])
    except (KeyError, ValueError) as exc:
        raise EnvelopeError(f"unknown or missing op: {payload.get('op')!r}") from exc
    source = payload.get("source") or {}
    table = source.get("table")
    if not table:
        raise EnvelopeError("source.table is missing")
    table_hints = hints.get(table, {})
    transaction = payload.get("transaction") or {}
    return ChangeEvent(
        table=table,
        op=op,
        before=_row(payload.get("before"), schemas, table_hints),
        after=_row(payload.get("after"), schemas, table_hints),
        source=SourcePosition(
            file=source.get("file"),
            pos=source.get("pos"),
            gtid=source.get("gtid"),
            ts_ms=source.get("ts_ms"),
        ),
        transaction_id=transaction.get("id"),
        database=source.get("db"),
    )


def _row(
    image: Mapping[str, Any] | None,
    schemas: Mapping[str, Mapping[str, Any]],
    hints: TableHints,
) -> Row | None:
    if image is None:
        return None
    return {
        name: _value(name, raw, schemas.get(name), hints.get(name)) for name, raw in image.items()
    }


def _value(name: str, raw: Any, schema: Mapping[str, Any] | None, hint: ColumnHint | None) -> Value:
    if raw is None:
        return None
    try:
        if schema is not None and schema.get("name"):
            return _by_schema(raw, schema)
        if hint is not None:
            return _by_hint(raw, hint)
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise EnvelopeError(f"column {name}: cannot decode {raw!r}: {exc}") from exc
    if isinstance(raw, str | int | float):
        return raw
    raise EnvelopeError(f"column {name}: unsupported JSON value {raw!r}")


def _by_schema(raw: Any, schema: Mapping[str, Any]) -> Value:
    name = schema["name"]
    if name == _DECIMAL:
        scale = int((schema.get("parameters") or {}).get("scale", 0))
        return _decimal(raw, scale)
    if name == _VAR_DECIMAL:
        return _unscaled(raw["value"], int(raw["scale"]))
    if name in _NAMED:
        return _by_hint(raw, ColumnHint(_NAMED[name], fsp=3))
    if name == "io.debezium.time.MicroTimestamp":
        return _by_hint(raw, ColumnHint(Kind.DATETIME, fsp=6))
    if name == "ficus.Bytes":
        return base64.b64decode(raw)
    return raw  # type: ignore[no-any-return]


def _by_hint(raw: Any, hint: ColumnHint) -> Value:
    if hint.kind is Kind.DECIMAL:
        return _decimal(raw, hint.scale)
    if hint.kind is Kind.DATETIME and isinstance(raw, int):
        unit = "microseconds" if hint.fsp > 3 else "milliseconds"
        return _EPOCH + timedelta(**{unit: raw})
    if hint.kind is Kind.TIMESTAMP and isinstance(raw, str):
        return _iso_utc(raw)
    if hint.kind is Kind.DATE and isinstance(raw, int):
        return _EPOCH_DATE + timedelta(days=raw)
    if hint.kind is Kind.BINARY and isinstance(raw, str):
        return base64.b64decode(raw)
    return raw  # type: ignore[no-any-return]


def _decimal(raw: Any, scale: int) -> Decimal:
    """A decimal from a string ("99.0000"), a double (99.0) or base64 unscaled bytes."""
    if isinstance(raw, float | int):
        return Decimal(repr(raw)).quantize(Decimal(1).scaleb(-scale))
    if isinstance(raw, str):
        try:
            return Decimal(raw) if _looks_numeric(raw) else _unscaled(raw, scale)
        except ArithmeticError:
            return _unscaled(raw, scale)
    raise ValueError("not a decimal")


def _looks_numeric(text: str) -> bool:
    stripped = text.lstrip("+-")
    return bool(stripped) and stripped.replace(".", "", 1).isdigit()


def _unscaled(encoded: str, scale: int) -> Decimal:
    unscaled = int.from_bytes(base64.b64decode(encoded, validate=True), "big", signed=True)
    return Decimal(unscaled).scaleb(-scale)


def _iso_utc(text: str) -> datetime:
    """ISO-8601 in UTC ("2024-01-15T10:20:30Z") as a naive UTC datetime."""
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def to_debezium(event: ChangeEvent) -> dict[str, Any]:
    """The event as a Debezium envelope with schemas on (self-describing, reparseable)."""
    fields = _schema_fields(event.after if event.after is not None else event.before or {})
    payload = {
        "before": _encode_row(event.before),
        "after": _encode_row(event.after),
        "source": {
            "connector": "ficus-binlog",
            "db": event.database,
            "table": event.table,
            "file": event.source.file,
            "pos": event.source.pos,
            "gtid": event.source.gtid,
            "ts_ms": event.source.ts_ms,
        },
        "op": event.op.value,
        "transaction": {"id": event.transaction_id} if event.transaction_id else None,
    }
    row_schema = {"type": "struct", "optional": True, "fields": fields}
    schema = {
        "type": "struct",
        "fields": [{**row_schema, "field": "before"}, {**row_schema, "field": "after"}],
    }
    return {"schema": schema, "payload": payload}


def _schema_fields(row: Row) -> list[dict[str, Any]]:
    return [{"field": name, **_schema_of(value)} for name, value in row.items()]


def _schema_of(value: Value) -> dict[str, Any]:
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        scale = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return {"type": "bytes", "name": _DECIMAL, "parameters": {"scale": str(scale)}}
    if isinstance(value, datetime):
        return {"type": "int64", "name": "io.debezium.time.MicroTimestamp"}
    if isinstance(value, date):
        return {"type": "int32", "name": "io.debezium.time.Date"}
    if isinstance(value, bytes):
        return {"type": "bytes", "name": "ficus.Bytes"}
    return {"type": type(value).__name__}


def _encode_row(row: Row | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {name: _encode(value) for name, value in row.items()}


def _encode(value: Value) -> Any:
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        scale = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        unscaled = int(value.scaleb(scale))
        size = max(1, (unscaled.bit_length() + 8) // 8)
        return base64.b64encode(unscaled.to_bytes(size, "big", signed=True)).decode()
    if isinstance(value, datetime):
        delta = value.replace(tzinfo=None) - _EPOCH
        return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    if isinstance(value, date):
        return (value - _EPOCH_DATE).days
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value

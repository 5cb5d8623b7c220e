"""Describes an Iceberg table as pyiceberg reads it through the Lakehouse catalog, for the console's
catalog browser to be compared with: the schema flattened depth-first (a struct's fields, a list's
element, a map's key and value after their parent), the partition spec, the sort order, the
snapshots, the refs and the metadata log.

Environment: LH_CATALOG_URI (pyiceberg reads metadata only: no S3 settings are needed).
Argument: the table identifier, e.g. console.orders. Prints one JSON object; 64-bit ids as strings.
"""

import json
import os
import sys

from pyiceberg.catalog import load_catalog
from pyiceberg.types import ListType, MapType, NestedField, StructType


def type_text(t) -> str:
    # The console shows a struct as "struct" (its fields follow on their own rows); pyiceberg's
    # text for lists and maps of primitives is Iceberg's own (list<string>, map<string, long>).
    return "struct" if isinstance(t, StructType) else str(t)


def flatten(fields, depth: int, out: list) -> None:
    for f in fields:
        out.append(
            {
                "id": f.field_id,
                "name": f.name,
                "type": type_text(f.field_type),
                "required": f.required,
                "depth": depth,
            }
        )
        children(f.field_type, depth + 1, out)


def children(t, depth: int, out: list) -> None:
    if isinstance(t, StructType):
        flatten(t.fields, depth, out)
    elif isinstance(t, ListType):
        flatten([t.element_field], depth, out)
    elif isinstance(t, MapType):
        flatten([t.key_field, t.value_field], depth, out)


def main() -> None:
    catalog = load_catalog("lakehouse", type="rest", uri=os.environ["LH_CATALOG_URI"])
    table = catalog.load_table(sys.argv[1])
    md = table.metadata
    schema = table.schema()
    names = {f.field_id: f.name for f in schema.fields}
    fields: list = []
    flatten(schema.fields, 0, fields)
    spec = table.spec()
    order = table.sort_order()
    snapshots = []
    for s in md.snapshots:
        summary = s.summary
        snapshots.append(
            {
                "snapshotId": str(s.snapshot_id),
                "parentSnapshotId": None
                if s.parent_snapshot_id is None
                else str(s.parent_snapshot_id),
                "sequenceNumber": s.sequence_number,
                "timestampMs": s.timestamp_ms,
                "operation": summary.operation.value if summary else None,
                "summary": dict(summary.additional_properties) if summary else {},
            }
        )
    print(
        json.dumps(
            {
                "formatVersion": md.format_version,
                "location": table.location(),
                "schemaId": schema.schema_id,
                "fields": fields,
                "specId": spec.spec_id,
                "partitionFields": [
                    {
                        "fieldId": p.field_id,
                        "name": p.name,
                        "sourceId": p.source_id,
                        "sourceName": names.get(p.source_id, ""),
                        "transform": str(p.transform),
                    }
                    for p in spec.fields
                ],
                "sortFields": [
                    {
                        "sourceId": o.source_id,
                        "transform": str(o.transform),
                        "direction": o.direction.value,
                        "nullOrder": o.null_order.value,
                    }
                    for o in order.fields
                ],
                "currentSnapshotId": None
                if md.current_snapshot_id is None
                else str(md.current_snapshot_id),
                "snapshots": snapshots,
                "refs": {
                    name: {"snapshotId": str(r.snapshot_id), "type": r.snapshot_ref_type.value}
                    for name, r in md.refs.items()
                },
                "metadataLog": [
                    {"timestampMs": m.timestamp_ms, "metadataFile": m.metadata_file}
                    for m in md.metadata_log
                ],
            }
        )
    )


if __name__ == "__main__":
    main()

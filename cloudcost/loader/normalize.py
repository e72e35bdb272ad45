"""One SQL SELECT per file that brings any CUR flavour to the raw shape of ``cloudcost.schema``.

Column names are normalized the Athena way (``naming.athena_name``), then every raw column is taken from
its source column (several source spellings of one name are coalesced), converted to the raw type, or
NULL when the file does not have it. Empty strings become NULL. Map-like data becomes JSON text:

* ``resource_tags``: the CUR 2.0 map, or the legacy ``resource_tags_*`` / ``resourceTags/...`` columns with
  the CUR 2.0 key spelling (``user_cost_center``); empty values dropped. Columns that normalize to one key
  (``resourceTags/user:Team`` and ``resourceTags/user:team``) also keep their values under their original
  keys (``user:Team``, ``user:team``): no value is dropped, and a rule can name the exact key.
* ``cost_category``: the CUR 2.0 map (keys normalized the same way) or the ``cost_category_*`` columns.
* ``discount``: the CUR 2.0 map or the ``discount_*`` columns, zero and empty amounts dropped; NULL when
  the file carries no discount data at all (that absence is what tells "line mode" from "net mode").
* ``product``: every product attribute without a raw column of its own.

Every conversion that can fail on bad text (a number, a timestamp, a JSON map) is recorded with a check
expression, so a failed load can name the file, the column and the offending value.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from cloudcost.loader.flavour import InspectedFile, SourceColumn
from cloudcost.loader.naming import athena_name, sql_athena_name
from cloudcost.schema import CUR_COLUMNS, SQL_TYPES, RawColumn
from cloudcost.sql_text import quote_identifier, sql_string

RAW_COLUMN_NAMES = frozenset(column.name for column in CUR_COLUMNS)
# Product attributes with a raw column of their own, by their key in a product map ("instance_type").
PRODUCT_COLUMN_KEYS = {
    column.name.removeprefix("product_"): column.name for column in CUR_COLUMNS if column.name.startswith("product_")
}
# The legacy `product/region` attribute holds the region code when `product/regionCode` is absent.
REGION_FALLBACK_KEY = "region"

STAGING_EXTRA_COLUMNS = ("source_file", "source_format", "source_file_index")

_NUMERIC_TYPES = (
    "DOUBLE",
    "FLOAT",
    "REAL",
    "DECIMAL",
    "INTEGER",
    "BIGINT",
    "SMALLINT",
    "TINYINT",
    "HUGEINT",
    "UBIGINT",
    "UINTEGER",
    "USMALLINT",
    "UTINYINT",
    "UHUGEINT",
)
_INTEGER_TYPES = ("INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER")
_MAP_PREFIXES = {
    "resource_tags": "resource_tags_",
    "cost_category": "cost_category_",
    "discount": "discount_",
}
_PRODUCT_MAP_COLUMN = "__cloudcost_product_map"


@dataclass(frozen=True)
class Conversion:
    """A source column whose text must convert; ``bad_sql`` is true on a row where it cannot."""

    source_column: str
    raw_column: str
    expected: str  # "a number", "a timestamp", "a JSON object"
    bad_sql: str
    value_sql: str


@dataclass(frozen=True)
class FilePlan:
    inspected: InspectedFile
    index: int
    select_sql: str
    conversions: tuple[Conversion, ...]
    missing_required: tuple[str, ...]
    notes: tuple[str, ...] = ()
    # Parquet: the same SELECT plus ``source_row`` (the 1-based row in the file), read straight from the file
    numbered_sql: str | None = None


def original_key(column_name: str) -> str:
    """A flattened map column's key as written: ``resourceTags/user:Team`` -> ``user:Team``."""
    if "/" in column_name:
        return column_name.split("/", 1)[1]
    lowered = athena_name(column_name)
    for prefix in _MAP_PREFIXES.values():
        if lowered.startswith(prefix):
            return lowered.removeprefix(prefix)
    return column_name


def _is(type_name: str, prefixes: Sequence[str]) -> bool:
    upper = type_name.upper()
    return any(upper == prefix or upper.startswith(prefix + "(") for prefix in prefixes)


def _is_text(column: SourceColumn) -> bool:
    return column.duckdb_type.upper() == "VARCHAR"


def _is_map(column: SourceColumn) -> bool:
    return column.duckdb_type.upper().startswith("MAP(")


class _PlanBuilder:
    def __init__(self, inspected: InspectedFile) -> None:
        self.inspected = inspected
        self.conversions: list[Conversion] = []
        self.notes: list[str] = []
        self.groups: dict[str, list[SourceColumn]] = {}
        for column in inspected.columns:
            self.groups.setdefault(athena_name(column.name), []).append(column)

    # -- scalar conversions ------------------------------------------------------------------------
    def text(self, column: SourceColumn) -> str:
        ref = column.identifier
        if _is_text(column):
            return f"nullif({ref}, '')"
        if _is(column.duckdb_type, _INTEGER_TYPES) and athena_name(column.name).endswith("account_id"):
            # an account id stored as a number lost its leading zeros; AWS account ids have 12 digits
            return f"lpad(cast({ref} as varchar), 12, '0')"
        return f"nullif(cast({ref} as varchar), '')"

    def double(self, column: SourceColumn, raw_name: str) -> str:
        ref = column.identifier
        if _is(column.duckdb_type, _NUMERIC_TYPES):
            return f"cast({ref} as double)"
        if not _is_text(column):
            return f"cast({ref} as double)"
        trimmed = f"nullif(trim({ref}), '')"
        self.conversions.append(
            Conversion(
                column.name,
                raw_name,
                "a number",
                f"{trimmed} is not null and try_cast({trimmed} as double) is null",
                ref,
            )
        )
        return f"cast({trimmed} as double)"

    def timestamp(self, column: SourceColumn, raw_name: str) -> str:
        ref = column.identifier
        if not _is_text(column):
            # TIMESTAMP (any unit), DATE, and TIMESTAMP WITH TIME ZONE (read in the UTC session zone)
            return f"cast({ref} as timestamp)"
        trimmed = f"nullif(trim({ref}), '')"
        self.conversions.append(
            Conversion(
                column.name,
                raw_name,
                "a timestamp",
                f"{trimmed} is not null and try_cast({trimmed} as timestamptz) is null",
                ref,
            )
        )
        return f"cast(cast({trimmed} as timestamptz) as timestamp)"

    def convert(self, column: SourceColumn, raw: RawColumn) -> str:
        if raw.type == "double":
            return self.double(column, raw.name)
        if raw.type in ("timestamp", "date"):
            expression = self.timestamp(column, raw.name)
            return f"cast({expression} as date)" if raw.type == "date" else expression
        return self.text(column)

    # -- maps --------------------------------------------------------------------------------------
    def map_value(self, column: SourceColumn, raw_name: str, value_type: str) -> str:
        """A CUR 2.0 map column as a DuckDB MAP(VARCHAR, value_type) (JSON text in CSV files)."""
        ref = column.identifier
        if _is_map(column):
            return ref
        trimmed = f"nullif(trim({ref}), '')"
        map_type = f"map(varchar, {value_type})"
        self.conversions.append(
            Conversion(
                column.name,
                raw_name,
                "a JSON object",
                f"{trimmed} is not null and try_cast(try_cast({trimmed} as json) as {map_type}) is null",
                ref,
            )
        )
        return f"cast(cast({trimmed} as json) as {map_type})"

    def flattened(self, prefix: str, exclude: frozenset[str] = frozenset()) -> dict[str, list[SourceColumn]]:
        """Columns like ``resource_tags_user_team`` by their key (``user_team``)."""
        return {
            name.removeprefix(prefix): columns
            for name, columns in self.groups.items()
            if name.startswith(prefix) and name != prefix.rstrip("_") and name not in exclude
        }

    def first_of(self, expressions: Sequence[str]) -> str:
        return expressions[0] if len(expressions) == 1 else f"coalesce({', '.join(expressions)})"

    def json_from_columns(self, entries: dict[str, str], number_values: bool = False) -> str:
        """A JSON object from (key -> SQL value) pairs, skipping NULL values (and zero amounts), as text.

        ``'"key":' || to_json(NULL)`` is NULL and ``concat_ws`` skips NULLs, so no CASE per value is needed.
        """
        if not entries:
            return "'{}'"
        parts = []
        for key, value in entries.items():
            kept = f"nullif({value}, 0)" if number_values else value
            parts.append(f"{sql_string(json.dumps(key) + ':')} || to_json({kept})")
        return f"'{{' || concat_ws(',', {', '.join(parts)}) || '}}'"

    @staticmethod
    def json_from_entries(entries_sql: str) -> str:
        """A JSON object from a DuckDB list of {key, value} structs."""
        pairs = f"list_transform({entries_sql}, lambda e: to_json(e.key) || ':' || to_json(e.value))"
        return f"'{{' || array_to_string({pairs}, ',') || '}}'"

    def map_json(self, map_name: str) -> str:
        """resource_tags / cost_category / discount as JSON text."""
        is_discount = map_name == "discount"
        value_type = "double" if is_discount else "varchar"
        bare = self.groups.get(map_name, [])
        if bare:
            source = self.map_value(bare[0], map_name, value_type)
            keep = "e.value <> 0" if is_discount else "e.value <> ''"
            entries = f"list_filter(map_entries({source}), lambda e: {keep})"
            if map_name == "cost_category":
                renamed = f"{{'key': {sql_athena_name('e.key')}, 'value': e.value}}"
                entries = f"list_transform({entries}, lambda e: {renamed})"
            return f"coalesce({self.json_from_entries(entries)}, '{{}}')"
        columns = self.flattened(_MAP_PREFIXES[map_name])
        if not columns:
            return "cast(null as varchar)" if is_discount else "'{}'"
        if is_discount:
            values = {key: self.first_of([self.double(c, "discount") for c in group]) for key, group in columns.items()}
            return self.json_from_columns(values, number_values=True)
        values: dict[str, str] = {}
        for key, group in columns.items():
            values[key] = self.first_of([self.text(c) for c in group])
            if len(group) > 1:
                # keys differing only in case or punctuation (AWS tag keys are case-sensitive): each value
                # stays under its own original key too; the normalized key keeps the first, as before
                originals = [original_key(column.name) for column in group]
                values.update({original: self.text(c) for original, c in zip(originals, group, strict=True)})
                self.notes.append(
                    f"{self.inspected.data_file.path}: {map_name} keys {', '.join(map(repr, originals))} all "
                    f"normalize to {key!r}; each value is kept under its original key, and {key!r} holds the "
                    f"first ({originals[0]!r}): mapping rules should name the exact key."
                )
        return self.json_from_columns(values)

    def product_json(self) -> str:
        extras = self.flattened("product_", exclude=frozenset(RAW_COLUMN_NAMES))
        from_columns = {key: self.first_of([self.text(c) for c in group]) for key, group in extras.items()}
        if not self.groups.get("product"):
            return self.json_from_columns(from_columns)
        consumed = sorted(set(PRODUCT_COLUMN_KEYS) | set(from_columns))
        consumed_list = "[" + ", ".join(sql_string(key) for key in consumed) + "]"
        extra_entries = (
            "["
            + ", ".join(f"{{'key': {sql_string(key)}, 'value': {value}}}" for key, value in from_columns.items())
            + "]"
        )
        map_entries = (
            f"list_filter(map_entries({quote_identifier(_PRODUCT_MAP_COLUMN)}), "
            f"lambda e: e.value <> '' and not list_contains({consumed_list}, e.key))"
        )
        if from_columns:
            typed = f"{extra_entries}::struct(key varchar, value varchar)[]"
            extras_sql = f"list_filter({typed}, lambda e: e.value is not null)"
            entries = f"list_concat(coalesce({map_entries}, []), {extras_sql})"
        else:
            entries = f"coalesce({map_entries}, [])"
        return self.json_from_entries(entries)

    # -- the whole select --------------------------------------------------------------------------
    def raw_expression(self, raw: RawColumn) -> str | None:
        candidates = [self.convert(column, raw) for column in self.groups.get(raw.name, [])]
        product_key = raw.name.removeprefix("product_") if raw.name.startswith("product_") else None
        has_product_map = bool(self.groups.get("product"))
        if product_key is not None and has_product_map:
            candidates.append(f"nullif({quote_identifier(_PRODUCT_MAP_COLUMN)}[{sql_string(product_key)}], '')")
        if raw.name == "product_region_code":
            candidates += [self.text(column) for column in self.groups.get("product_region", [])]
            if has_product_map:
                region = f"{quote_identifier(_PRODUCT_MAP_COLUMN)}[{sql_string(REGION_FALLBACK_KEY)}]"
                candidates.append(f"nullif({region}, '')")
        return self.first_of(candidates) if candidates else None

    def build(self, index: int) -> FilePlan:
        selected: list[str] = []
        missing: list[str] = []
        for raw in CUR_COLUMNS:
            if raw.type == "json":
                expression = self.product_json() if raw.name == "product" else self.map_json(raw.name)
            else:
                found = self.raw_expression(raw)
                if found is None and raw.required:
                    missing.append(raw.name)
                expression = found or f"cast(null as {SQL_TYPES['duckdb'][raw.type]})"
            selected.append(f"{expression} as {raw.name}")
        path = str(self.inspected.data_file.path)
        selected += [
            f"{sql_string(path)} as source_file",
            f"{sql_string(self.inspected.source_format)} as source_format",
            f"{index} as source_file_index",
        ]
        select_sql = self._select(selected, self.inspected.reader_sql)
        numbered_sql = None
        reader = self.inspected.reader_sql
        if self.inspected.data_file.file_format == "parquet" and reader.endswith(")"):
            numbered = f"{reader[:-1]}, file_row_number = true)"
            numbered_sql = self._select([*selected, "source_rows.file_row_number + 1 as source_row"], numbered)
        return FilePlan(
            self.inspected,
            index,
            select_sql,
            tuple(self.conversions),
            tuple(missing),
            tuple(self.notes),
            numbered_sql,
        )

    def _select(self, selected: list[str], reader: str) -> str:
        source = reader
        if self.groups.get("product"):
            product_map = self.map_value(self.groups["product"][0], "product", "varchar")
            source = f"(select *, {product_map} as {quote_identifier(_PRODUCT_MAP_COLUMN)} from {source})"
        return "select\n  " + ",\n  ".join(selected) + f"\nfrom {source} as source_rows"


def plan_file(inspected: InspectedFile, index: int) -> FilePlan:
    """The SELECT bringing one inspected file to the raw shape (plus its source columns)."""
    return _PlanBuilder(inspected).build(index)


def diagnose_sql(plan: FilePlan) -> str | None:
    """One scan that finds, per checked column, the first value that cannot be converted."""
    if not plan.conversions:
        return None
    parts = []
    for position, conversion in enumerate(plan.conversions):
        parts.append(f"count(*) filter (where {conversion.bad_sql}) as bad_{position}")
        value = f"cast({conversion.value_sql} as varchar)"
        parts.append(f"first({value}) filter (where {conversion.bad_sql}) as value_{position}")
    return f"select {', '.join(parts)} from {plan.inspected.reader_sql}"

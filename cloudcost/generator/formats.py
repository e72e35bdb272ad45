"""Turn the internal table into each CUR flavour's columns, names and types.

* ``legacy_parquet``: Athena snake_case names; text columns hold '' (never NULL) and numbers 0.0 where AWS
  leaves them empty, rates and reservation unit counts are text (``'0.0104000000'``), as in real exports.
  Some columns only exist from a given month on (schema drift).
* ``legacy_csv``: ``category/Name`` headers; every value is text, empty when absent; dates
  ``2026-05-01T00:00:00.000Z``. Same drifting column set as legacy Parquet.
* ``cur2_parquet``: the fixed CUR 2.0 column list; ``product``, ``resource_tags``, ``cost_category`` and
  ``tags`` are MAP<VARCHAR, VARCHAR> and ``discount`` MAP<VARCHAR, DOUBLE>, as AWS writes them; text is
  NULL where absent.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .columns import (
    BY_NAME,
    COST_CATEGORIES,
    CUR2_COLUMNS,
    CUR2_PROMOTED_PRODUCT,
    DRIFTING,
    LEGACY_COLUMNS,
    TAG_KEYS,
)
from .lines import TemplateRegistry, map_rows

FORMATS = ("legacy_csv", "legacy_parquet", "cur2_parquet")


def legacy_columns(active_drift: frozenset[str]) -> list[str]:
    """Internal names of the legacy columns present in a period (drifting ones only when active)."""
    return [c.name for c in LEGACY_COLUMNS if c.name not in DRIFTING or DRIFTING[c.name] in active_drift]


def _float_values(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.asarray(column.to_numpy(zero_copy_only=False), dtype=np.float64)


def number_text(values: np.ndarray, integer: bool = False) -> pa.Array:
    """Numbers as AWS writes them in text columns (10 decimals); NaN -> NULL."""
    missing = np.isnan(values)
    clean = np.round(np.where(missing, 0.0, values), 10) + 0.0
    if integer:
        text = pc.cast(pa.array(np.rint(clean).astype(np.int64)), pa.string())
    else:
        text = pc.cast(pc.cast(pa.array(clean), pa.decimal128(38, 10), safe=False), pa.string())
        text = pc.if_else(pa.array(clean == 0), pa.scalar("0.0000000000"), text)  # not '0E-10'
    return pc.if_else(pa.array(missing), pa.scalar(None, pa.string()), text)


def _blank_to_null(column: pa.Array) -> pa.Array:
    if pa.types.is_dictionary(column.type):
        dictionary = column.dictionary
        positions = np.flatnonzero(np.asarray(dictionary.to_pylist(), dtype=object) == "")
        if len(positions) == 0:
            return column
        indices = column.indices
        mask = pc.is_in(indices, value_set=pa.array(positions.astype(np.int32)))
        return pa.DictionaryArray.from_arrays(pc.if_else(mask, pa.scalar(None, indices.type), indices), dictionary)
    return pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)


def _null_to_blank(column: pa.Array) -> pa.Array:
    if column.null_count == 0:
        return column
    if pa.types.is_dictionary(column.type):
        return _null_to_blank(column.cast(pa.string()))
    return pc.fill_null(column, "")


def _iso_text(column: pa.Array) -> pa.Array:
    """'2026-05-01T00:00:00.000Z' (%S of a millisecond timestamp carries the milliseconds)."""
    return pc.strftime(column, format="%Y-%m-%dT%H:%M:%SZ")


def _decimal_text(values: np.ndarray) -> pa.Array:
    """Shortest text of each number, with '.0' on whole numbers as AWS writes them ('24.0'); NaN -> NULL."""
    missing = np.isnan(values)
    text = pc.cast(pa.array(np.where(missing, 0.0, values)), pa.string())
    whole = pc.match_substring_regex(text, r"^-?[0-9]+$")
    text = pc.if_else(whole, pc.binary_join_element_wise(text, ".0", ""), text)
    return pc.if_else(pa.array(missing), pa.scalar(None, pa.string()), text)


class Converter:
    """Flavour conversion of internal tables for one billing period."""

    def __init__(
        self,
        flavour: str,
        registry: TemplateRegistry,
        active_drift: frozenset[str],
        tag_sets: list[dict[str, str]],
        tag_keys_active: frozenset[str],
        account_names: list[str],
        payer_name: str,
        account_cost_categories: list[dict[str, str]],
    ) -> None:
        if flavour not in FORMATS:
            raise ValueError(f"--format must be one of {', '.join(FORMATS)}, not {flavour!r}")
        self.flavour = flavour
        self.registry = registry
        self.columns = legacy_columns(active_drift)
        self.tag_sets = tag_sets
        self.tag_keys_active = tag_keys_active
        self.account_names = account_names
        self.payer_name = payer_name
        self.account_cost_categories = account_cost_categories
        self._convert: Callable[[pa.Table], pa.Table] = {
            "legacy_parquet": self._legacy_parquet,
            "legacy_csv": self._legacy_csv,
            "cur2_parquet": self._cur2,
        }[flavour]

    def convert(self, table: pa.Table) -> pa.Table:
        return self._convert(table)

    def _templates(self, table: pa.Table, blank_as_null: bool) -> pa.Table:
        tpl = table.column("_tpl").combine_chunks()
        return self.registry.table(blank_as_null).take(tpl).combine_chunks()

    # ------------------------------------------------------------ legacy Parquet
    def _legacy_parquet(self, table: pa.Table) -> pa.Table:
        out = {}
        templates = self._templates(table, blank_as_null=False)
        for name in self.columns:
            col = BY_NAME[name]
            if col.level == "template":
                out[name] = templates.column(name).combine_chunks()
                continue
            data = table.column(name).combine_chunks()
            if col.kind == "num":
                out[name] = pa.array(np.nan_to_num(_float_values(data), nan=0.0))
            elif col.kind == "numstr":
                text = number_text(_float_values(data), integer=name == "reservation_number_of_reservations")
                out[name] = pc.fill_null(text, "")
            elif col.kind == "ts":
                out[name] = data
            else:
                out[name] = _null_to_blank(data)
        return pa.table(out)

    # ------------------------------------------------------------ legacy CSV (all text)
    def _legacy_csv(self, table: pa.Table) -> pa.Table:
        out = {}
        templates = self._templates(table, blank_as_null=True)
        for name in self.columns:
            col = BY_NAME[name]
            if col.level == "template":
                out[col.csv] = templates.column(name).combine_chunks().cast(pa.string())
                continue
            data = table.column(name).combine_chunks()
            if col.kind == "num":
                out[col.csv] = _decimal_text(_float_values(data))
            elif col.kind == "numstr":
                out[col.csv] = number_text(_float_values(data), integer=name == "reservation_number_of_reservations")
            elif col.kind == "ts":
                out[col.csv] = _iso_text(data)
            else:
                text = data.cast(pa.string()) if pa.types.is_dictionary(data.type) else data
                out[col.csv] = _blank_to_null(text)
        return pa.table(out)

    # ------------------------------------------------------------ CUR 2.0 Parquet
    def _maps(self, per_entity: list[list[tuple[str, str]]], index: pa.Array) -> pa.Array:
        lengths = np.array([len(e) for e in per_entity], dtype=np.int64)
        keys = pa.array([k for e in per_entity for k, _ in e], pa.string())
        values = pa.array([v for e in per_entity for _, v in e], pa.string())
        return map_rows(lengths, keys, values, index.to_numpy())

    def _cur2(self, table: pa.Table) -> pa.Table:
        n = table.num_rows
        tags_index = table.column("_tags").combine_chunks()
        account_index = table.column("_account").combine_chunks()
        templates = self._templates(table, blank_as_null=True)
        out: dict[str, pa.Array] = {}
        for name, kind in CUR2_COLUMNS:
            if name in BY_NAME and BY_NAME[name].level == "template":
                out[name] = templates.column(name).combine_chunks()
            elif name == "product":
                tpl = table.column("_tpl").combine_chunks().to_numpy()
                out[name] = self.registry.product_maps(CUR2_PROMOTED_PRODUCT, tpl)
            elif name == "resource_tags":
                entries = [[(k, v) for k, v in sorted(s.items()) if k in self.tag_keys_active] for s in self.tag_sets]
                out[name] = self._maps(entries, tags_index)
            elif name == "tags":
                headers = dict(TAG_KEYS)
                entries = [
                    [(headers[k], v) for k, v in sorted(s.items()) if k in self.tag_keys_active] for s in self.tag_sets
                ]
                out[name] = self._maps(entries, tags_index)
            elif name == "cost_category":
                entries = [[(k, c[k]) for k in COST_CATEGORIES if c.get(k)] for c in self.account_cost_categories]
                out[name] = self._maps(entries, account_index)
            elif name == "discount":
                out[name] = pa.MapArray.from_arrays(
                    pa.array(np.zeros(n + 1, np.int32)), pa.array([], pa.string()), pa.array([], pa.float64())
                )
            elif name == "bill_payer_account_name":
                out[name] = pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int32)), pa.array([self.payer_name]))
            elif name == "line_item_usage_account_name":
                out[name] = pa.DictionaryArray.from_arrays(account_index, pa.array(self.account_names))
            elif name in BY_NAME:
                col = BY_NAME[name]
                data = table.column(name).combine_chunks()
                if col.kind == "num":
                    out[name] = pa.array(np.nan_to_num(_float_values(data), nan=0.0))
                elif col.kind == "numstr":
                    out[name] = number_text(_float_values(data), integer=name == "reservation_number_of_reservations")
                elif col.kind == "ts":
                    out[name] = data
                else:
                    out[name] = _blank_to_null(data)
            elif kind == "double" or kind == "map_double":
                out[name] = pa.nulls(n, pa.float64())
            elif kind == "timestamp":
                out[name] = pa.nulls(n, pa.timestamp("ms"))
            else:
                out[name] = pa.nulls(n, pa.string())
        return pa.table(out)

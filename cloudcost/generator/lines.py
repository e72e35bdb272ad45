"""Line items in columnar form: templates, blocks of lines, and the internal Arrow table.

A *template* holds everything lines of one kind share (line item type, product, usage type, pricing,
commitment, billing entity, …); a *block* holds per-line values (template index, account, tags, times,
resource id, amounts) as numpy arrays. ``materialize`` turns a block into an Arrow table with the internal
(legacy Parquet) column names; string columns stay dictionary-encoded, which keeps writing fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from .columns import (
    LEGACY_COLUMNS,
    NUMERIC_LINE_COLUMNS,
    TAG_KEYS,
    TEMPLATE_COLUMNS,
    ZERO_DEFAULT,
)

LINE_TYPES: tuple[str, ...] = (
    "Usage",
    "DiscountedUsage",
    "RIFee",
    "Fee",
    "SavingsPlanCoveredUsage",
    "SavingsPlanNegation",
    "SavingsPlanRecurringFee",
    "SavingsPlanUpfrontFee",
    "EdpDiscount",
    "PrivateRateDiscount",
    "Credit",
    "Refund",
    "Tax",
)
PRICING_MODELS: tuple[str, ...] = ("none", "on_demand", "reserved", "savings_plan", "spot", "free_tier")

# per-template attributes used for bookkeeping (never written)
META_FIELDS: dict[str, int] = {
    "meta_product": -1,  # index into TemplateRegistry.product_codes
    "meta_invoice": -1,  # index into TemplateRegistry.invoice_keys
    "meta_line_type": -1,  # index into LINE_TYPES
    "meta_host_type": -1,  # index into company.host_types (instance usage only)
    "meta_family": -1,  # index into TemplateRegistry.families (cur_instance_family: db.r6g, cache.m6g, m5)
    "meta_pricing_model": 0,  # index into PRICING_MODELS
    "meta_reservation": -1,
    "meta_plan": -1,
    "meta_edp": 0,  # 1 = the line's unblended cost is subject to the EDP discount
    "meta_taxable": 0,  # 1 = taxed on the AWS anniversary invoice
    "meta_private_rate": 0,  # 1 = data transfer out with a private rate
}
META_FLOAT_FIELDS: dict[str, float] = {
    "meta_units_per_hour": 0.0,  # xlarge-normalized units of one usage hour (instance usage only)
}


TEMPLATE_DEFAULTS: dict[str, str] = {
    "invoice_key": "AWS|Anniversary",
    "bill_billing_entity": "AWS",
    "bill_bill_type": "Anniversary",
    "bill_invoicing_entity": "Amazon Web Services, Inc.",
    "line_item_legal_entity": "Amazon Web Services, Inc.",
    "line_item_currency_code": "USD",
    "pricing_currency": "USD",
}
# line types whose unblended cost the enterprise discount (EDP) applies to
EDP_LINE_TYPES: frozenset[str] = frozenset(
    {"Usage", "RIFee", "Fee", "SavingsPlanRecurringFee", "SavingsPlanUpfrontFee", "PrivateRateDiscount"}
)


# macros/cur_instance.sql: the instance type in a usage type (`SpotUsage:c5.large`, `InstanceUsage:db.r4.large`)
_USAGE_TYPE_INSTANCE = re.compile(r":((?:db\.|cache\.)?[a-z][a-z0-9-]*\.[a-z0-9-]+)(?:\.search|\.elasticsearch)?$")


def cur_instance_family(product_instance_type: str, usage_type: str) -> str:
    """The instance family the semantic layer gives a line (macros/cur_instance.sql), '' when it has none.

    The instance type is the product's (OpenSearch's `.search` suffix dropped) or, when that is empty, the one in
    the usage type; the family is everything before its last dot, so RDS and ElastiCache keep their prefix:
    `db.r6g.large` -> `db.r6g`, `cache.m6g.large` -> `cache.m6g`, `m5.2xlarge` -> `m5`.
    """
    instance_type = product_instance_type.replace(".elasticsearch", "").replace(".search", "")
    if not instance_type:
        match = _USAGE_TYPE_INSTANCE.search(usage_type)
        instance_type = match.group(1) if match else ""
    family, dot, size = instance_type.rpartition(".")
    return family if dot and family and size else ""


class TemplateRegistry:
    """Distinct line templates; the Arrow table of all templates is rebuilt only when new ones appear."""

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.products: list[dict[str, str]] = []
        self._index: dict[tuple, int] = {}
        self.product_codes: list[str] = []
        self.families: list[str] = []
        self._tables: dict[bool, pa.Table] = {}
        self._product_map: tuple[np.ndarray, pa.Array, pa.Array] | None = None
        self.invoice_keys: list[str] = []
        self._meta_lists: dict[str, list] = {name: [] for name in (*META_FIELDS, *META_FLOAT_FIELDS)}
        self._meta: dict[str, np.ndarray] = {}
        self.cache: dict[tuple, int] = {}  # callers' own memo of template indices

    def _code(self, values: list[str], value: str) -> int:
        if value not in values:
            values.append(value)
        return values.index(value)

    def add(self, product: dict[str, str] | None = None, **fields: object) -> int:
        product = product or {}
        key = (tuple(sorted(product.items())), tuple(sorted((k, str(v)) for k, v in fields.items())))
        found = self._index.get(key)
        if found is not None:
            return found
        row: dict = {name: "" for name in TEMPLATE_COLUMNS}
        row.update(META_FIELDS)
        row.update(META_FLOAT_FIELDS)
        row.update(TEMPLATE_DEFAULTS)
        for name, value in fields.items():
            if name not in row:
                raise KeyError(f"unknown template field {name!r}")
            row[name] = value
        for attr, value in product.items():
            column = f"product_{attr}"
            if column not in row:
                raise KeyError(f"unknown product attribute {attr!r}")
            row[column] = value
        line_type = str(row["line_item_line_item_type"])
        if "meta_taxable" not in fields:
            row["meta_taxable"] = int(row["invoice_key"] == "AWS|Anniversary" and line_type != "Tax")
        if "meta_edp" not in fields:
            row["meta_edp"] = int(
                row["bill_billing_entity"] == "AWS"
                and line_type in EDP_LINE_TYPES
                and row["line_item_product_code"] != "AWSSupportBusiness"
            )
        row["meta_product"] = self._code(self.product_codes, str(row["line_item_product_code"]))
        row["meta_invoice"] = self._code(self.invoice_keys, str(row["invoice_key"]))
        row["meta_line_type"] = LINE_TYPES.index(str(row["line_item_line_item_type"]))
        family = cur_instance_family(str(row["product_instance_type"]), str(row["line_item_usage_type"]))
        if family:
            row["meta_family"] = self._code(self.families, family)
        index = len(self.rows)
        for name, values in self._meta_lists.items():
            values.append(row[name])
        self._meta.clear()
        self.rows.append(row)
        self.products.append(dict(product))
        self._index[key] = index
        self._tables.clear()
        self._product_map = None
        return index

    def table(self, blank_as_null: bool = False) -> pa.Table:
        """Every template's text columns, dictionary-encoded ('' as NULL when blank_as_null)."""
        found = self._tables.get(blank_as_null)
        if found is None:
            columns = {}
            for name in TEMPLATE_COLUMNS:
                values = [r[name] for r in self.rows]
                if blank_as_null:
                    values = [v if v != "" else None for v in values]
                columns[name] = pa.array(values, pa.string()).dictionary_encode()
            found = self._tables[blank_as_null] = pa.table(columns)
        return found

    def meta(self, name: str) -> np.ndarray:
        """A bookkeeping attribute of every template, as an array indexed by template."""
        found = self._meta.get(name)
        if found is None:
            dtype = np.float64 if name in META_FLOAT_FIELDS else np.int32
            found = self._meta[name] = np.array(self._meta_lists[name], dtype=dtype)
        return found

    def product_maps(self, keep: frozenset[str], tpl: np.ndarray) -> pa.Array:
        """CUR 2.0 `product` map of each line: its template's attributes without a column of their own."""
        if self._product_map is None:
            entries = [[(k, v) for k, v in p.items() if k not in keep and v != ""] for p in self.products]
            lengths = np.array([len(e) for e in entries], dtype=np.int64)
            keys = pa.array([k for e in entries for k, _ in e], pa.string())
            values = pa.array([v for e in entries for _, v in e], pa.string())
            self._product_map = (lengths, keys, values)
        lengths, keys, values = self._product_map
        return map_rows(lengths, keys, values, tpl)


def map_rows(
    lengths: np.ndarray, keys: pa.Array, values: pa.Array, index: np.ndarray, value_type: pa.DataType | None = None
) -> pa.Array:
    """A MAP column whose row i is entity index[i]'s entries (entity e owns lengths[e] consecutive entries)."""
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    row_lengths = lengths[index]
    offsets = np.concatenate([[0], np.cumsum(row_lengths)]).astype(np.int32)
    total = int(offsets[-1])
    entry = np.arange(total, dtype=np.int64) - np.repeat(offsets[:-1].astype(np.int64) - starts[index], row_lengths)
    take = pa.array(entry)
    return pa.MapArray.from_arrays(
        pa.array(offsets), keys.take(take), values.take(take).cast(value_type or pa.string())
    )


@dataclass
class Block:
    tpl: np.ndarray
    account: np.ndarray
    tags: np.ndarray
    start: np.ndarray  # usage start, epoch seconds
    end: np.ndarray
    interval_start: np.ndarray  # identity_time_interval bounds, epoch seconds
    interval_end: np.ndarray
    key: np.ndarray  # uint64 seed of identity_line_item_id
    resource: pa.Array
    nums: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.tpl)


def make_block(
    n: int,
    *,
    tpl,
    account,
    tags=0,
    start,
    end,
    interval_start=None,
    interval_end=None,
    key,
    resource: pa.Array | None = None,
    **nums: np.ndarray | float,
) -> Block:
    def arr(value, dtype) -> np.ndarray:
        out = np.asarray(value, dtype=dtype)
        return np.broadcast_to(out, (n,)).copy() if out.shape != (n,) else out

    for name in nums:
        if name not in NUMERIC_LINE_COLUMNS:
            raise KeyError(f"unknown numeric column {name!r}")
    start_a = arr(start, np.int64)
    end_a = arr(end, np.int64)
    return Block(
        tpl=arr(tpl, np.int32),
        account=arr(account, np.int16),
        tags=arr(tags, np.int32),
        start=start_a,
        end=end_a,
        interval_start=start_a if interval_start is None else arr(interval_start, np.int64),
        interval_end=end_a if interval_end is None else arr(interval_end, np.int64),
        key=arr(key, np.uint64),
        resource=resource if resource is not None else pa.nulls(n, pa.string()).fill_null(""),
        nums={name: arr(value, np.float64) for name, value in nums.items()},
    )


def concat_blocks(blocks: list[Block]) -> Block:
    blocks = [b for b in blocks if len(b)]
    if not blocks:
        return make_block(0, tpl=[], account=[], start=[], end=[], key=[])
    names = sorted({name for b in blocks for name in b.nums})
    nums = {}
    for name in names:
        default = 0.0 if name in ZERO_DEFAULT else np.nan
        nums[name] = np.concatenate([b.nums.get(name, np.full(len(b), default)) for b in blocks])
    return Block(
        tpl=np.concatenate([b.tpl for b in blocks]),
        account=np.concatenate([b.account for b in blocks]),
        tags=np.concatenate([b.tags for b in blocks]),
        start=np.concatenate([b.start for b in blocks]),
        end=np.concatenate([b.end for b in blocks]),
        interval_start=np.concatenate([b.interval_start for b in blocks]),
        interval_end=np.concatenate([b.interval_end for b in blocks]),
        key=np.concatenate([b.key for b in blocks]),
        resource=pa.concat_arrays([b.resource.cast(pa.string()) for b in blocks]),
        nums=nums,
    )


def select(block: Block, mask: np.ndarray) -> Block:
    idx = np.flatnonzero(mask)
    return Block(
        tpl=block.tpl[idx],
        account=block.account[idx],
        tags=block.tags[idx],
        start=block.start[idx],
        end=block.end[idx],
        interval_start=block.interval_start[idx],
        interval_end=block.interval_end[idx],
        key=block.key[idx],
        resource=block.resource.take(pa.array(idx)),
        nums={k: v[idx] for k, v in block.nums.items()},
    )


# ---------------------------------------------------------------- deterministic ids

_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def mix64(values: np.ndarray) -> np.ndarray:
    """splitmix64 finalizer, vectorized: a well-spread 64-bit hash of each value."""
    z = values.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def combine(*parts) -> np.ndarray:
    """Hash several integer arrays (or scalars) into one uint64 array."""
    with np.errstate(over="ignore"):
        acc = np.uint64(0x6A09E667F3BCC909)
        for part in parts:
            acc = mix64(np.asarray(part).astype(np.uint64) ^ (acc * np.uint64(31)))
    return np.asarray(acc, dtype=np.uint64)


_BASE32 = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz234567", dtype=np.uint8)
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def _fixed_width_strings(chars: np.ndarray) -> pa.Array:
    n, width = chars.shape
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(chars.tobytes())])


def line_item_ids(keys: np.ndarray) -> pa.Array:
    """52-character base32 ids like AWS's identity_line_item_id, one per key."""
    n = len(keys)
    with np.errstate(over="ignore"):
        words = [mix64(keys ^ np.uint64(round_ * 0x2545F4914F6CDD1D)) for round_ in range(1, 6)]
    chars = np.empty((n, 52), dtype=np.uint8)
    for j in range(52):
        word = words[j // 12]
        chars[:, j] = ((word >> np.uint64((j % 12) * 5)) & np.uint64(31)).astype(np.uint8)
    return _fixed_width_strings(_BASE32[chars])


def hex_ids(prefix: str, keys: np.ndarray, digits: int = 17) -> pa.Array:
    """AWS-style resource ids: prefix + hex digits (``i-0…``, ``vol-0…``) from keys."""
    n = len(keys)
    pre = np.frombuffer(prefix.encode(), dtype=np.uint8)
    chars = np.empty((n, len(pre) + digits), dtype=np.uint8)
    chars[:, : len(pre)] = pre
    chars[:, len(pre)] = ord("0")
    for j in range(1, digits):
        chars[:, len(pre) + j] = _HEX[((keys >> np.uint64(((j - 1) % 16) * 4)) & np.uint64(15)).astype(np.uint8)]
    return _fixed_width_strings(chars)


# ---------------------------------------------------------------- materialize


@dataclass
class Context:
    """What materialize needs besides the block: the period, accounts and tag sets."""

    registry: TemplateRegistry
    payer_account_id: str
    account_ids: list[str]
    account_cost_categories: list[dict[str, str]]
    tag_sets: list[dict[str, str]]
    period_start: int  # epoch seconds
    period_end: int
    tag_columns_active: frozenset[str]  # tag keys active this period


def time_intervals(start: np.ndarray, end: np.ndarray) -> pa.Array:
    base = int(start.min()) if len(start) else 0
    span = 1_000_000_000  # seconds; intervals are shorter than 30 years
    pairs = (start.astype(np.int64) - base) * span + (end.astype(np.int64) - start.astype(np.int64))
    uniq, inverse = np.unique(pairs, return_inverse=True)
    texts = []
    for p in uniq:
        offset, length = divmod(int(p), span)
        s, e = base + offset, base + offset + length
        texts.append(
            np.datetime_as_string(np.datetime64(s, "s"), unit="s")
            + "Z/"
            + np.datetime_as_string(np.datetime64(e, "s"), unit="s")
            + "Z"
        )
    return pa.DictionaryArray.from_arrays(pa.array(inverse.astype(np.int32)), pa.array(texts, pa.string()))


def _timestamps(seconds: np.ndarray) -> pa.Array:
    return pa.array(seconds.astype("datetime64[s]").astype("datetime64[ms]"), pa.timestamp("ms"))


def _dictionary(values: list[str], indices: np.ndarray) -> pa.Array:
    return pa.DictionaryArray.from_arrays(pa.array(indices.astype(np.int32)), pa.array(values, pa.string()))


MONEY_PRECISION = 10


def materialize(block: Block, ctx: Context) -> pa.Table:
    """The internal table: the per-line legacy columns (internal names) plus the template, tag set and account
    index of each line (``_tpl``, ``_tags``, ``_account``); template columns are added by each flavour."""
    n = len(block)
    columns: dict[str, pa.Array] = {}
    account_values = ctx.account_ids
    for col in LEGACY_COLUMNS:
        name = col.name
        if col.level == "template":
            continue  # taken from the templates by each flavour
        if col.level == "tag":
            key = next(k for k, header in TAG_KEYS if header == col.csv)
            if key in ctx.tag_columns_active:
                values = [s.get(key, "") for s in ctx.tag_sets]
            else:
                values = [""] * len(ctx.tag_sets)
            columns[name] = _dictionary(values, block.tags)
        elif col.level == "cost_category":
            cat = col.csv.split("/", 1)[1]
            columns[name] = _dictionary([c.get(cat, "") for c in ctx.account_cost_categories], block.account)
        elif name == "identity_line_item_id":
            columns[name] = line_item_ids(block.key)
        elif name == "identity_time_interval":
            columns[name] = time_intervals(block.interval_start, block.interval_end)
        elif name == "bill_invoice_id":
            columns[name] = pa.nulls(n, pa.string())  # set per delivery by the writer
        elif name == "bill_payer_account_id":
            columns[name] = _dictionary([ctx.payer_account_id], np.zeros(n, dtype=np.int32))
        elif name == "bill_billing_period_start_date":
            columns[name] = _timestamps(np.full(n, ctx.period_start))
        elif name == "bill_billing_period_end_date":
            columns[name] = _timestamps(np.full(n, ctx.period_end))
        elif name == "line_item_usage_account_id":
            columns[name] = _dictionary(account_values, block.account)
        elif name == "line_item_usage_start_date":
            columns[name] = _timestamps(block.start)
        elif name == "line_item_usage_end_date":
            columns[name] = _timestamps(block.end)
        elif name == "line_item_resource_id":
            columns[name] = block.resource
        else:
            default = 0.0 if name in ZERO_DEFAULT else np.nan
            values = block.nums.get(name)
            if values is None:
                values = np.full(n, default)
            elif col.kind == "num":
                values = np.round(values, MONEY_PRECISION) + 0.0  # + 0.0 turns -0.0 into 0.0
            columns[name] = pa.array(values, pa.float64(), from_pandas=False)
    columns["_tpl"] = pa.array(block.tpl)
    columns["_tags"] = pa.array(block.tags)
    columns["_account"] = pa.array(block.account.astype(np.int32))
    return pa.table(columns)

"""Generate a whole synthetic CUR history: deliveries, generation.json, finance and forecast files.

Work goes period by period and, inside a period, chunk by chunk (a few days at a time), so memory stays
bounded whatever ``rows`` is: each chunk's lines are built with numpy, turned into an Arrow table once and
appended to every delivery of the period that holds those days (month-to-date deliveries hold the first
days, the final one all of them). Lines that depend on the whole period (RIFee, fees, tax) are built per
delivery from per-day figures accumulated along the way.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from . import catalog
from .anomalies import LABEL_FILE, StreamEffects, add_new_usage_types, plan_injections, write_labels
from .capacity import capacity_matrix
from .charges import (
    PeriodTotals,
    edp_lines,
    late_credit_amount,
    map_credit_lines,
    period_lines,
    plan_fee_lines,
    private_rate_lines,
)
from .columns import COST_CATEGORIES
from .commitments import build_commitments
from .company import COST_CENTER_TAG_FROM_PERIOD, PAYER_NAME, Company, build_company
from .company_folder import BUDGET_REFERENCE_ROWS, COMPANY_FOLDER, write_demo_company
from .deliveries import GENERATION_FILE, latest_deliveries
from .document import generation_document
from .finance import SIGN_OFFS_FILE, build_invoices, write_finance, write_sign_offs
from .forecasts import write_finance_forecasts, write_usage_forecasts
from .formats import FORMATS, Converter
from .lines import LINE_TYPES, PRICING_MODELS, Block, Context, TemplateRegistry, concat_blocks, materialize
from .payer_move import move_account
from .payers import write_payers
from .stream_lines import StreamTable
from .streams import build_streams
from .timeline import Period, PlannedDelivery, Window, build_window, plan_deliveries, to_datetime
from .usage import instance_lines
from .writers import REPORT_NAMES, DeliveryWriter, delivery_paths, write_manifest, write_period_manifest

DEFAULT_ROWS = 200_000
DEFAULT_START = "2026-05"
DEFAULT_MONTHS = 6
MTD_HISTORY_MONTHS = 3
CHUNK_ROWS = 80_000
ROWS_PER_FILE = 1_000_000
ROUNDING_PERIOD = 0
ROUNDING_TARGET = 0.0049  # CUR total minus the invoice (cents) for the documented rounding difference
GRANULARITIES = {"daily": 24, "hourly": 1}
CREDIT_MEMO_KEY = "AWS|Refund|s3-requests"  # the refund credit memo booked in the next period's ledger


@dataclass
class Options:
    out: Path
    flavour: str = "cur2_parquet"
    rows: int = DEFAULT_ROWS
    months: int = DEFAULT_MONTHS
    start: date = date(2026, 5, 1)
    seed: int = 42
    restate: bool = True
    month_to_date: bool = True
    granularity: str = "daily"
    rows_per_file: int = ROWS_PER_FILE
    inject_anomalies: bool = False
    payers: int = 1
    """1: payer A only; 2-3 add payers B (USD CUR, EUR invoice) and C (INR), see cloudcost.generator.payers"""
    move_account: bool = False
    """one linked account of payer A moves to payer B mid open month, see cloudcost.generator.payer_move"""


@dataclass
class Result:
    out: Path
    generation: dict
    rows_written: int
    seconds: float
    company: Company = field(repr=False)


# ---------------------------------------------------------------- company and scale


def _build(seed: int, window: Window, scale: float) -> tuple[Company, np.ndarray]:
    company = build_company(seed, window, scale)
    running = capacity_matrix(company)
    build_commitments(company, running)
    build_streams(company)
    return company, running


def estimate_rows(company: Company, running: np.ndarray, bucket: int) -> float:
    """About how many line items the window will hold (final deliveries)."""
    hours = running.shape[1]
    if bucket == 24:
        per_bucket = running[:, : hours // 24 * 24].reshape(running.shape[0], -1, 24).max(axis=2)
    else:
        per_bucket = running
    instance = float(per_bucket.sum()) * 1.3
    streams = len(company.streams) * hours / bucket
    fixed = hours / 24 * 60 + len(company.window.periods) * 120
    return instance + streams + fixed


def choose_company(seed: int, window: Window, rows: int, bucket: int) -> tuple[Company, np.ndarray]:
    scale = 1.0
    for _ in range(3):
        company, running = _build(seed, window, scale)
        estimate = estimate_rows(company, running, bucket)
        scale = float(np.clip(scale * rows / estimate, 0.02, 5000.0))
    return _build(seed, window, scale)


# ---------------------------------------------------------------- bookkeeping along the way


class Actuals:
    """Figures the forecast files are made from: units per host type and day, cost per month and grain."""

    def __init__(self, company: Company) -> None:
        self.company = company
        self.host_units = np.zeros((len(company.host_types), company.window.days))
        self.monthly: dict[str, dict[tuple[str, str, str], list[float]]] = {}

    def add(self, registry: TemplateRegistry, block: Block, period: Period) -> None:
        if len(block) == 0:
            return
        epoch0 = self.company.window.epoch_seconds()
        host = registry.meta("meta_host_type")[block.tpl]
        usage = block.nums.get("line_item_usage_amount", np.zeros(len(block)))
        mask = host >= 0
        if mask.any():
            day = (block.interval_start[mask] - epoch0) // 86400
            units = usage[mask] * registry.meta("meta_units_per_hour")[block.tpl[mask]]
            np.add.at(self.host_units, (host[mask], day), units)
        model = registry.meta("meta_pricing_model")[block.tpl]
        line_type = registry.meta("meta_line_type")[block.tpl]
        usage_like = (model > 0) & (line_type != LINE_TYPES.index("SavingsPlanNegation"))
        if not usage_like.any():
            return
        public = block.nums.get("pricing_public_on_demand_cost", np.zeros(len(block)))
        amortized = block.nums.get("line_item_unblended_cost", np.zeros(len(block))).copy()
        ri = model == PRICING_MODELS.index("reserved")
        sp = model == PRICING_MODELS.index("savings_plan")
        if ri.any():
            amortized[ri] = block.nums["reservation_effective_cost"][ri]
        if sp.any():
            amortized[sp] = block.nums["savings_plan_savings_plan_effective_cost"][sp]
        product = registry.meta("meta_product")[block.tpl]
        family = registry.meta("meta_family")[block.tpl]
        keys = np.stack([product, family, model], axis=1)[usage_like]
        uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
        pub = np.bincount(inverse.ravel(), weights=public[usage_like], minlength=len(uniq))
        amo = np.bincount(inverse.ravel(), weights=amortized[usage_like], minlength=len(uniq))
        target = self.monthly.setdefault(period.label, {})
        for (p, f, m), a, b in zip(uniq.tolist(), pub, amo, strict=True):
            key = (registry.product_codes[p], registry.families[f] if f >= 0 else "", PRICING_MODELS[m])
            entry = target.setdefault(key, [0.0, 0.0])
            entry[0] += float(a)
            entry[1] += float(b)


class InvoiceIds:
    """Invoice ids of a closed period, one per invoice key (billing entity, bill type, purchase)."""

    def __init__(self, seed: int, period: Period) -> None:
        self.seed = seed
        self.period = period

    def get(self, key: str, default: str = "") -> str:
        return catalog.stable_number(self.seed, self.period.label, key, digits=10)

    def __getitem__(self, key: str) -> str:
        return self.get(key)


# ---------------------------------------------------------------- chunks


def _chunks(period: Period, cutoffs: list[int], rows_per_day: float) -> list[tuple[int, int]]:
    """Day ranges [d0, d1) of the period, cut at every delivery cut-off and kept to about CHUNK_ROWS lines."""
    span = max(1, min(7, int(CHUNK_ROWS // max(rows_per_day, 1.0))))
    bounds = sorted({0, period.data_days, *[c for c in cutoffs if 0 < c < period.data_days]})
    chunks = []
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        day = lo
        while day < hi:
            chunks.append((day, min(hi, day + span)))
            day += span
    return chunks


def _chunk_block(
    company: Company,
    registry: TemplateRegistry,
    streams: StreamTable,
    running: np.ndarray,
    period: Period,
    h0: int,
    h1: int,
    bucket: int,
) -> Block:
    usage = concat_blocks(
        [instance_lines(company, registry, running, h0, h1, bucket), streams.lines(period, h0, h1, bucket)]
    )
    derived = concat_blocks(
        [
            plan_fee_lines(company, registry, usage, h0, h1, bucket),
            private_rate_lines(company, registry, usage),
            map_credit_lines(company, registry, usage, period),
        ]
    )
    both = concat_blocks([usage, derived])
    return concat_blocks([both, edp_lines(company, registry, both, daily=True)])


# ---------------------------------------------------------------- generate


def _delivered_at(seed: int, planned: PlannedDelivery) -> datetime:
    minute = int(catalog.stable_number(seed, planned.period.label, planned.kind, planned.as_of, digits=6)) % 3600
    return to_datetime(planned.delivered_on) + timedelta(hours=6, seconds=minute)


SCRATCH = ".generator-scratch"


def _prepare_out(out: Path) -> None:
    """Make `out` ready: empty, or holding only what an earlier (possibly interrupted) generation wrote."""
    owned = {
        GENERATION_FILE,
        LABEL_FILE,
        SCRATCH,
        "finance",
        "sign_offs",
        "forecasts",
        "payers",
        COMPANY_FOLDER,
        *REPORT_NAMES.values(),
    }
    if out.exists():
        foreign = sorted(p.name for p in out.iterdir() if p.name not in owned)
        if foreign:
            raise FileExistsError(
                f"{out} is not empty and holds files the generator did not write ({', '.join(foreign[:5])}): "
                "choose an empty --out folder"
            )
        for entry in out.iterdir():
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    out.mkdir(parents=True, exist_ok=True)


@dataclass
class _OpenDelivery:
    """A planned delivery being written."""

    planned: PlannedDelivery
    sequence: int
    folder_id: str
    delivered_at: datetime
    writer: DeliveryWriter


class _Run:
    """One generation: the company, its deliveries, and what is accumulated for the finance files."""

    def __init__(self, options: Options, progress: Callable[[int, int], None] | None) -> None:
        self.options = options
        self.progress = progress
        self.bucket = GRANULARITIES[options.granularity]
        self.window = build_window(options.start, options.months)
        self.company, self.running = choose_company(options.seed, self.window, options.rows, self.bucket)
        self.registry = TemplateRegistry()
        planned = plan_injections(self.company, options.seed) if options.inject_anomalies else []
        self.injections = add_new_usage_types(self.company, planned)
        self.streams = StreamTable(self.company, self.registry)
        self.streams.effects = StreamEffects(self.company, self.injections)
        mtd_months = MTD_HISTORY_MONTHS if options.month_to_date else 0
        self.planned = plan_deliveries(self.window, mtd_months, options.restate)
        self.sequence = {id(p): i + 1 for i, p in enumerate(self.planned)}
        rows_per_day = estimate_rows(self.company, self.running, self.bucket) / self.window.days
        self.chunks = {
            period.label: _chunks(period, [p.cutoff_day for p in self.planned if p.period == period], rows_per_day)
            for period in self.window.periods
        }
        self.total_steps = sum(len(c) for c in self.chunks.values()) + len(self.planned)
        self.done = 0
        self.actuals = Actuals(self.company)
        self.scratch = options.out / SCRATCH
        self.records: list[dict] = []
        self.finals: list[tuple[Period, dict[str, list[float]], InvoiceIds]] = []
        self.rows_written = 0
        self.restated: dict | None = None
        self.rounding: dict | None = None
        ml_start = min((f.start_hour for f in self.company.fleets if f.host_type == "ml-training"), default=1e18)
        self.gpu_from = next(
            (p.index for p in self.window.periods if p.start_hour + p.data_days * 24 > ml_start),
            len(self.window.periods),
        )
        self.account_ids = [a.account_id for a in self.company.accounts]
        self.account_names = [a.name for a in self.company.accounts]
        self.cost_categories = [{COST_CATEGORIES[0]: a.business_unit} for a in self.company.accounts]

    def _step(self) -> None:
        self.done += 1
        if self.progress:
            self.progress(self.done, self.total_steps)

    def run(self) -> None:
        self.scratch.mkdir(exist_ok=True)
        for period in self.window.periods:
            self._period(period)
        shutil.rmtree(self.scratch, ignore_errors=True)
        self.records.sort(key=lambda r: r["sequence"])
        previous: dict[str, str] = {}
        latest = {r["billing_period"]: r["sequence"] for r in self.records}
        for record in self.records:
            record["latest"] = latest[record["billing_period"]] == record["sequence"]
            record["supersedes"] = previous.get(record["billing_period"])
            previous[record["billing_period"]] = record["delivery_id"]

    def _period(self, period: Period) -> None:
        """Write every delivery of one billing period, chunk by chunk."""
        options, company = self.options, self.company
        drift = {"cost_center"} if period.index >= COST_CENTER_TAG_FROM_PERIOD else set()
        if period.index >= self.gpu_from:
            drift.add("gpu")
        tag_keys = {"aws_autoscaling_group_name", "user_environment", "user_host_type", "user_name", "user_team"}
        if "cost_center" in drift:
            tag_keys.add("user_cost_center")
        period_epoch = int(to_datetime(period.start).timestamp())
        ctx = Context(
            self.registry,
            company.payer_account_id,
            self.account_ids,
            self.cost_categories,
            company.tags.sets,
            period_epoch,
            int(to_datetime(period.end).timestamp()),
            frozenset(tag_keys),
        )
        converter = Converter(
            options.flavour,
            self.registry,
            frozenset(drift),
            company.tags.sets,
            frozenset(tag_keys),
            self.account_names,
            PAYER_NAME,
            self.cost_categories,
        )
        deliveries = [self._open(p, converter) for p in self.planned if p.period == period]
        totals = PeriodTotals(period.data_days, len(company.accounts), len(company.reservations))
        for d0, d1 in self.chunks[period.label]:
            h0 = period.start_hour + d0 * 24
            h1 = period.start_hour + d1 * 24
            block = _chunk_block(company, self.registry, self.streams, self.running, period, h0, h1, self.bucket)
            totals.add(self.registry, block, period_epoch)
            self.actuals.add(self.registry, block, period)
            table = materialize(block, ctx)
            for delivery in deliveries:
                if delivery.planned.cutoff_day >= d1:
                    delivery.writer.write(table)
                if delivery.planned.cutoff_day == d1:
                    delivery.writer.flush()  # it gets no more chunks: do not keep them in memory
            self._step()
        for delivery in deliveries:
            self._close(delivery, ctx, converter, totals)
            self._step()
        write_period_manifest(max(deliveries, key=lambda d: d.sequence).writer.paths)

    def _open(self, planned: PlannedDelivery, converter: Converter) -> _OpenDelivery:
        options = self.options
        period = planned.period
        folder_id = catalog.stable_uuid(options.seed, options.flavour, period.label, planned.kind, planned.as_of)
        delivered = _delivered_at(options.seed, planned)
        paths = delivery_paths(options.out, options.flavour, period, folder_id, delivered)
        invoice_ids = InvoiceIds(options.seed, period) if planned.kind in ("final", "restated") else None
        writer = DeliveryWriter(options.flavour, paths, converter, invoice_ids, options.rows_per_file, self.scratch)
        return _OpenDelivery(planned, self.sequence[id(planned)], folder_id, delivered, writer)

    def _close(self, delivery: _OpenDelivery, ctx: Context, converter: Converter, totals: PeriodTotals) -> None:
        """Add the period lines (fees, tax, …) as of the delivery's cut-off, close its files, record it."""
        planned, writer = delivery.planned, delivery.writer
        period = planned.period
        complete = planned.kind in ("final", "restated")
        nudge = 0.0
        if planned.kind == "final" and period.index == ROUNDING_PERIOD:
            trial = period_lines(self.company, self.registry, period, planned.cutoff_day, True, False, totals)
            current = writer.totals.by_invoice_key.get("AWS|Anniversary", [0.0])[0]
            current += _anniversary_sum(self.registry, trial)
            nudge = float(np.floor(current * 100) / 100 + ROUNDING_TARGET - current)
            self.rounding = {"period": period.label}
        block = period_lines(
            self.company,
            self.registry,
            period,
            planned.cutoff_day,
            complete,
            planned.kind == "restated",
            totals,
            tax_nudge=nudge,
        )
        writer.write(materialize(block, ctx))
        files = writer.close()
        out = self.options.out
        write_manifest(
            self.options.flavour,
            writer.paths,
            out,
            period,
            delivery.folder_id,
            self.company.payer_account_id,
            converter.columns,
            files,
            delivery.delivered_at,
        )
        self.rows_written += writer.totals.rows
        by_invoice = []
        for key, (amount, tax, _first) in sorted(writer.totals.by_invoice_key.items()):
            entity, bill_type = key.split("|")[:2]
            by_invoice.append(
                {
                    "invoice_id": writer.invoice_ids.get(key) if writer.invoice_ids else "",
                    "invoice_key": key,
                    "billing_entity": entity,
                    "bill_type": bill_type,
                    "unblended_cost": amount,
                    "tax": tax,
                }
            )
        self.records.append(
            {
                "sequence": delivery.sequence,
                "delivery_id": delivery.folder_id,
                "billing_period": period.label,
                "kind": planned.kind,
                "delivered_on": planned.delivered_on.isoformat(),
                "delivered_at": delivery.delivered_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "as_of": planned.as_of.isoformat(),
                "data_through": (planned.as_of - timedelta(days=1)).isoformat(),
                "invoiced": complete,
                "path": writer.paths.folder.relative_to(out).as_posix(),
                "files": [f.relative_to(out).as_posix() for f in files],
                "manifest": writer.paths.manifest.relative_to(out).as_posix(),
                "row_count": writer.totals.rows,
                "totals": {
                    "unblended_cost": writer.totals.unblended,
                    "public_on_demand_cost": writer.totals.public_on_demand,
                    "by_invoice": by_invoice,
                    "by_line_item_type": dict(sorted(writer.totals.by_line_item_type.items())),
                },
            }
        )
        if planned.kind == "final":
            self.finals.append((period, writer.totals.by_invoice_key, InvoiceIds(self.options.seed, period)))
        if planned.kind == "restated":
            self.restated = {"period": period, "delivery_id": delivery.folder_id, "unblended": writer.totals.unblended}

    def finance_and_forecasts(self) -> tuple[dict[str, str], list[dict], list[dict], int, int]:
        out = self.options.out
        invoices = build_invoices(self.finals)
        files, discrepancies = write_finance(out, self.company, invoices, CREDIT_MEMO_KEY, self.rounding)
        if self.restated is not None:
            period = self.restated["period"]
            final_total = next(
                r["totals"]["unblended_cost"]
                for r in self.records
                if r["billing_period"] == period.label and r["kind"] == "final"
            )
            discrepancies.append(
                {
                    "kind": "restatement_after_close",
                    "billing_period": period.label,
                    "invoice_id": InvoiceIds(self.options.seed, period)["AWS|Anniversary"],
                    "billing_entity": "AWS",
                    "delivery_id": self.restated["delivery_id"],
                    "closed_on": period.closed_on.isoformat(),
                    "late_credit": late_credit_amount(self.company),
                    "delta_unblended": self.restated["unblended"] - final_total,
                    "expected_status": "exception",
                    "description": "Closed month re-delivered with a late credit (and the tax it changes) after the "
                    "books closed; the invoice and the ledger still hold the original amounts",
                }
            )
        sign_offs = write_sign_offs(out, self.company, discrepancies, self.records)
        files["sign_offs"] = SIGN_OFFS_FILE
        usage_rows = write_usage_forecasts(out, self.company, self.actuals.host_units)
        finance_rows = write_finance_forecasts(out, self.company, self.actuals.monthly)
        return files, discrepancies, sign_offs, usage_rows, finance_rows


def generate(options: Options, progress: Callable[[int, int], None] | None = None) -> Result:
    """Write the whole synthetic history into options.out; returns what generation.json holds."""
    if options.flavour not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {options.flavour!r}")
    if options.granularity not in GRANULARITIES:
        raise ValueError(f"granularity must be one of {', '.join(GRANULARITIES)}")
    if options.rows < 1:
        raise ValueError("rows must be positive")
    if options.payers > 1 and options.flavour != "cur2_parquet":
        raise ValueError("several payers are generated in the cur2_parquet format only")
    if options.move_account and options.payers < 2:
        raise ValueError("an account moves between payers only with at least 2 payers")
    began = time.perf_counter()
    _prepare_out(options.out)
    run = _Run(options, progress)
    run.run()
    files, discrepancies, sign_offs, usage_rows, finance_rows = run.finance_and_forecasts()
    generation = generation_document(
        options, run.company, run.window, run.records, files, discrepancies, sign_offs, usage_rows, finance_rows
    )
    (options.out / GENERATION_FILE).write_text(json.dumps(generation, indent=2) + "\n")
    if options.payers > 1:  # copies of the final deliveries generation.json lists
        generation["payers"] = {
            label: [str(path.relative_to(options.out)) for path in paths]
            for label, paths in write_payers(options.out, options.payers).items()
        }
        if options.move_account:
            generation["account_move"] = _move_account(options.out, generation)
        (options.out / GENERATION_FILE).write_text(json.dumps(generation, indent=2) + "\n")
    write_demo_company(
        options.out,
        generation["payer_account_id"],
        generation["currency"],
        budget_scale=options.rows / BUDGET_REFERENCE_ROWS,
    )
    write_labels(options.out, run.company, run.injections, generation)
    return Result(options.out, generation, run.rows_written, time.perf_counter() - began, run.company)


def _move_account(out: Path, generation: dict[str, Any]) -> dict[str, Any]:
    """Payer A's latest delivery of the open month loses one account's lines from mid-month to payer B."""
    open_period = generation["window"]["open_period"]
    a_delivery = next(path for path in latest_deliveries(out) if f"BILLING_PERIOD={open_period}" in str(path))
    b_file = out / next(path for path in generation["payers"]["B"] if Path(path).stem == open_period)
    return move_account(a_delivery, b_file)


def _anniversary_sum(registry: TemplateRegistry, block: Block) -> float:
    if len(block) == 0:
        return 0.0
    key = registry.invoice_keys.index("AWS|Anniversary")
    mask = registry.meta("meta_invoice")[block.tpl] == key
    return float(block.nums["line_item_unblended_cost"][mask].sum())

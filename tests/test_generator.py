"""The synthetic CUR generator: its files read back with DuckDB satisfy the identities real exports satisfy.

Every check reads the generated files (not the generator's own bookkeeping) and recomputes the figures
independently: Savings Plan negations, reservation and Savings Plan fee identities, and the DESIGN.md §3.1
bridge Σ layers + true-up + upfront fees = Σ unblended, for every delivery of every month.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from cloudcost.finance.schema import SIGN_OFFS
from cloudcost.generator import deliveries, deliveries_as_of, latest_deliveries, read_generation
from cloudcost.generator.command import generate
from cloudcost.generator.lines import cur_instance_family
from cloudcost.schema import KNOWN_LINE_ITEM_TYPES

FORMATS = ("legacy_csv", "legacy_parquet", "cur2_parquet")
ARGS = ["--rows", "3000", "--months", "4", "--seed", "7"]
TOLERANCE = 1e-5

# the columns the checks use, by their legacy CSV header (the Parquet flavours use the snake_case names)
CSV_HEADERS = {
    "identity_line_item_id": "identity/LineItemId",
    "identity_time_interval": "identity/TimeInterval",
    "bill_invoice_id": "bill/InvoiceId",
    "bill_billing_entity": "bill/BillingEntity",
    "bill_payer_account_id": "bill/PayerAccountId",
    "line_item_usage_account_id": "lineItem/UsageAccountId",
    "line_item_line_item_type": "lineItem/LineItemType",
    "line_item_product_code": "lineItem/ProductCode",
    "line_item_usage_type": "lineItem/UsageType",
    "line_item_resource_id": "lineItem/ResourceId",
    "line_item_line_item_description": "lineItem/LineItemDescription",
    "line_item_usage_amount": "lineItem/UsageAmount",
    "line_item_normalization_factor": "lineItem/NormalizationFactor",
    "line_item_unblended_cost": "lineItem/UnblendedCost",
    "pricing_public_on_demand_cost": "pricing/publicOnDemandCost",
    "pricing_term": "pricing/term",
    "reservation_reservation_a_r_n": "reservation/ReservationARN",
    "reservation_effective_cost": "reservation/EffectiveCost",
    "reservation_amortized_upfront_cost_for_usage": "reservation/AmortizedUpfrontCostForUsage",
    "reservation_recurring_fee_for_usage": "reservation/RecurringFeeForUsage",
    "reservation_amortized_upfront_fee_for_billing_period": "reservation/AmortizedUpfrontFeeForBillingPeriod",
    "reservation_unused_amortized_upfront_fee_for_billing_period": (
        "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod"
    ),
    "reservation_unused_recurring_fee": "reservation/UnusedRecurringFee",
    "savings_plan_savings_plan_a_r_n": "savingsPlan/SavingsPlanARN",
    "savings_plan_savings_plan_effective_cost": "savingsPlan/SavingsPlanEffectiveCost",
    "savings_plan_total_commitment_to_date": "savingsPlan/TotalCommitmentToDate",
    "savings_plan_used_commitment": "savingsPlan/UsedCommitment",
    "savings_plan_amortized_upfront_commitment_for_billing_period": (
        "savingsPlan/AmortizedUpfrontCommitmentForBillingPeriod"
    ),
    "savings_plan_recurring_commitment_for_billing_period": "savingsPlan/RecurringCommitmentForBillingPeriod",
}
TEXT = {
    "identity_line_item_id",
    "identity_time_interval",
    "bill_invoice_id",
    "bill_billing_entity",
    "bill_payer_account_id",
    "line_item_usage_account_id",
    "line_item_line_item_type",
    "line_item_product_code",
    "line_item_usage_type",
    "line_item_resource_id",
    "line_item_line_item_description",
    "pricing_term",
    "reservation_reservation_a_r_n",
    "savings_plan_savings_plan_a_r_n",
}


def _run(out: Path, *extra: str) -> None:
    result = CliRunner().invoke(generate, ["--out", str(out), *ARGS, *extra])
    assert result.exit_code == 0, result.output + repr(result.exception)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("generated")
    outputs = {}
    for flavour in FORMATS:
        outputs[flavour] = root / flavour
        extra = [] if flavour == "cur2_parquet" else ["--no-month-to-date"]
        _run(outputs[flavour], "--format", flavour, *extra)
    return outputs


def _lines(con: duckdb.DuckDBPyConnection, flavour: str, files: list[Path]) -> str:
    """A SQL relation over the files with the checked columns under their snake_case names."""
    paths = "[" + ", ".join(f"'{f.as_posix()}'" for f in files) + "]"
    if flavour == "legacy_csv":
        source = f"read_csv({paths}, all_varchar = true, header = true)"
        exprs = [
            f'"{CSV_HEADERS[name]}" as {name}' if name in TEXT else f'cast("{CSV_HEADERS[name]}" as double) as {name}'
            for name in CSV_HEADERS
        ]
        exprs.append('left("bill/BillingPeriodStartDate", 7) as billing_period')
    else:
        source = f"read_parquet({paths}, union_by_name = true)"
        exprs = [name if name in TEXT else f"cast({name} as double) as {name}" for name in CSV_HEADERS]
        exprs.append("strftime(bill_billing_period_start_date, '%Y-%m') as billing_period")
    return f"(select {', '.join(exprs)} from {source})"


@pytest.fixture(scope="module")
def lines(generated: dict[str, Path]) -> duckdb.DuckDBPyConnection:
    """One DuckDB table `lines` with every line of every delivery of every flavour (read once)."""
    con = duckdb.connect()
    first = True
    for flavour, out in generated.items():
        for delivery in deliveries(out):
            select = (
                f"select '{flavour}' as flavour, {delivery.sequence} as sequence, '{delivery.kind}' as kind, "
                f"* from {_lines(con, flavour, list(delivery.files))}"
            )
            con.execute(f"create table lines as {select}" if first else f"insert into lines {select}")
            first = False
    return con


def _deliveries_by_key(generated: dict[str, Path]) -> dict[tuple[str, int], object]:
    return {(flavour, d.sequence): d for flavour, out in generated.items() for d in deliveries(out)}


def test_every_line_item_type_is_known(lines: duckdb.DuckDBPyConnection) -> None:
    types = {r[0] for r in lines.sql("select distinct line_item_line_item_type from lines").fetchall()}
    assert types <= KNOWN_LINE_ITEM_TYPES, types - KNOWN_LINE_ITEM_TYPES
    assert {
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
    } <= types


def test_line_identity_is_unique_within_a_delivery(
    generated: dict[str, Path], lines: duckdb.DuckDBPyConnection
) -> None:
    known = _deliveries_by_key(generated)
    rows = lines.sql("""
        select flavour, sequence, count(*), count(distinct (identity_line_item_id, identity_time_interval))
        from lines group by all
    """).fetchall()
    assert len(rows) == len(known)
    for flavour, sequence, count, distinct in rows:
        assert count == distinct == known[(flavour, sequence)].row_count, (flavour, sequence)


def test_savings_plan_negation_cancels_each_covered_line(lines: duckdb.DuckDBPyConnection) -> None:
    bad, pairs = lines.sql(f"""
        with sp_lines as (
            select flavour, sequence, line_item_resource_id, line_item_usage_type, identity_time_interval,
                   savings_plan_savings_plan_a_r_n, line_item_usage_account_id,
                   count(*) filter (where line_item_line_item_type = 'SavingsPlanCoveredUsage') as covered,
                   count(*) filter (where line_item_line_item_type = 'SavingsPlanNegation') as negations,
                   sum(line_item_unblended_cost) as net
            from lines
            where line_item_line_item_type in ('SavingsPlanCoveredUsage', 'SavingsPlanNegation')
            group by all
        )
        select count(*) filter (where covered <> 1 or negations <> 1 or abs(net) > {TOLERANCE}), count(*)
        from sp_lines
    """).fetchall()[0]
    assert pairs > 0
    assert bad == 0


def test_reservation_identities(lines: duckdb.DuckDBPyConnection) -> None:
    per_line = lines.sql(f"""
        select count(*) from lines
        where line_item_line_item_type = 'DiscountedUsage'
          and abs(reservation_effective_cost
                  - reservation_amortized_upfront_cost_for_usage - reservation_recurring_fee_for_usage) > {TOLERANCE}
    """).fetchall()[0][0]
    assert per_line == 0
    rows = lines.sql("""
        with used as (
            select flavour, sequence, reservation_reservation_a_r_n as arn,
                   sum(reservation_recurring_fee_for_usage) as recurring_for_usage,
                   sum(reservation_amortized_upfront_cost_for_usage) as amortized_for_usage
            from lines where line_item_line_item_type = 'DiscountedUsage' group by all
        ),
        fees as (
            select flavour, sequence, reservation_reservation_a_r_n as arn, sum(line_item_unblended_cost) as fee,
                   sum(reservation_unused_recurring_fee) as unused_recurring,
                   sum(reservation_amortized_upfront_fee_for_billing_period) as amortized_period,
                   sum(reservation_unused_amortized_upfront_fee_for_billing_period) as unused_amortized
            from lines where line_item_line_item_type = 'RIFee' group by all
        )
        select coalesce(fees.flavour, used.flavour), coalesce(fees.sequence, used.sequence),
               coalesce(fees.arn, used.arn), fees.arn is null,
               fee - coalesce(recurring_for_usage, 0) - unused_recurring,
               amortized_period - coalesce(amortized_for_usage, 0) - unused_amortized
        from fees full join used
          on used.flavour = fees.flavour and used.sequence = fees.sequence and used.arn = fees.arn
    """).fetchall()
    assert rows
    for flavour, sequence, arn, no_fee_line, recurring_gap, amortized_gap in rows:
        assert not no_fee_line, (flavour, sequence, arn, "DiscountedUsage without a RIFee line")
        assert abs(recurring_gap) <= TOLERANCE, (flavour, sequence, arn, recurring_gap)
        assert abs(amortized_gap) <= TOLERANCE, (flavour, sequence, arn, amortized_gap)


def test_savings_plan_fee_identities(lines: duckdb.DuckDBPyConnection) -> None:
    rows = lines.sql("""
        with covered as (
            select flavour, sequence, savings_plan_savings_plan_a_r_n as arn, identity_time_interval as slot,
                   sum(savings_plan_savings_plan_effective_cost) as effective
            from lines where line_item_line_item_type = 'SavingsPlanCoveredUsage' group by all
        ),
        fees as (
            select flavour, sequence, savings_plan_savings_plan_a_r_n as arn, identity_time_interval as slot,
                   savings_plan_total_commitment_to_date as total, savings_plan_used_commitment as used,
                   savings_plan_amortized_upfront_commitment_for_billing_period as amortized,
                   savings_plan_recurring_commitment_for_billing_period as recurring,
                   line_item_unblended_cost as unblended
            from lines where line_item_line_item_type = 'SavingsPlanRecurringFee'
        )
        select coalesce(fees.arn, covered.arn), coalesce(fees.slot, covered.slot), fees.arn is null,
               total - amortized - recurring, used - coalesce(effective, 0), unblended - recurring
        from fees full join covered
          on covered.flavour = fees.flavour and covered.sequence = fees.sequence and covered.arn = fees.arn
         and covered.slot = fees.slot
    """).fetchall()
    assert rows
    for arn, slot, no_fee_line, commitment_gap, used_gap, fee_gap in rows:
        assert not no_fee_line, (arn, slot, "covered usage without a SavingsPlanRecurringFee line")
        assert abs(commitment_gap) <= TOLERANCE, (arn, slot)
        assert abs(used_gap) <= TOLERANCE, (arn, slot, used_gap)
        assert abs(fee_gap) <= TOLERANCE, (arn, slot)


# An independent implementation of the DESIGN.md §3.1 layers (line mode), summed per billing period.
LAYERS_SQL = """
with classified as (
    select *,
        line_item_line_item_type = 'Refund' and line_item_product_code like '%SavingsPlans'
            and line_item_line_item_description like 'Refund for one-time fee for Savings Plan ID%' as sp_return
    from lines
),
layered as (
    select flavour, sequence, billing_period, line_item_unblended_cost as unblended,
        case line_item_line_item_type
            when 'Usage' then
                -- on_demand (public price, or unblended when there is none) + negotiated_rate / spot_discount
                case when coalesce(pricing_public_on_demand_cost, 0) = 0 and line_item_unblended_cost <> 0
                     then line_item_unblended_cost
                     else pricing_public_on_demand_cost + (line_item_unblended_cost - pricing_public_on_demand_cost)
                end
            when 'DiscountedUsage' then
                pricing_public_on_demand_cost + (reservation_effective_cost - pricing_public_on_demand_cost)
            when 'RIFee' then
                reservation_unused_amortized_upfront_fee_for_billing_period + reservation_unused_recurring_fee
            when 'Fee' then case when coalesce(reservation_reservation_a_r_n, '') = '' then line_item_unblended_cost
                                 else 0 end
            when 'SavingsPlanCoveredUsage' then
                pricing_public_on_demand_cost
                + (savings_plan_savings_plan_effective_cost - pricing_public_on_demand_cost)
            when 'SavingsPlanNegation' then 0
            when 'SavingsPlanRecurringFee' then savings_plan_total_commitment_to_date - savings_plan_used_commitment
            when 'SavingsPlanUpfrontFee' then 0
            when 'Refund' then case when sp_return then 0 else line_item_unblended_cost end
            else line_item_unblended_cost  -- EdpDiscount, PrivateRateDiscount, Credit, Tax
        end as layers,
        case line_item_line_item_type
            when 'RIFee' then -reservation_amortized_upfront_fee_for_billing_period
            when 'SavingsPlanRecurringFee' then -savings_plan_amortized_upfront_commitment_for_billing_period
            else 0
        end as trueup,
        case
            when line_item_line_item_type = 'SavingsPlanUpfrontFee' then line_item_unblended_cost
            when line_item_line_item_type = 'Fee' and coalesce(reservation_reservation_a_r_n, '') <> ''
                then line_item_unblended_cost
            when sp_return then line_item_unblended_cost
            else 0
        end as upfront
    from classified
)
select flavour, sequence, billing_period, sum(layers), sum(trueup), sum(upfront), sum(unblended)
from layered group by all
"""


def test_layers_bridge_to_unblended_every_delivery(
    generated: dict[str, Path], lines: duckdb.DuckDBPyConnection
) -> None:
    known = _deliveries_by_key(generated)
    rows = lines.sql(LAYERS_SQL).fetchall()
    assert len(rows) == len(known)
    for flavour, sequence, period, layers, trueup, upfront, unblended in rows:
        delivery = known[(flavour, sequence)]
        assert period == delivery.billing_period
        assert abs(layers + trueup + upfront - unblended) <= TOLERANCE, (flavour, period, delivery.kind)
        assert abs(unblended - delivery.totals["unblended_cost"]) <= 1e-6
    assert any(r[5] != 0 for r in rows), "no upfront fee in the generated window"
    assert any(r[4] != 0 for r in rows), "no commitment true-up in the generated window"


def test_formats_hold_the_same_money(generated: dict[str, Path], lines: duckdb.DuckDBPyConnection) -> None:
    latest = {(flavour, d.sequence) for flavour, out in generated.items() for d in deliveries(out) if d.latest}
    sums: dict[str, dict[str, float]] = defaultdict(dict)
    for flavour, sequence, period, amount in lines.sql(
        "select flavour, sequence, billing_period, sum(line_item_unblended_cost) from lines group by all"
    ).fetchall():
        if (flavour, sequence) in latest:
            sums[flavour][period] = amount
    reference = sums["cur2_parquet"]
    assert len(reference) == 4
    for flavour, per_period in sums.items():
        assert per_period.keys() == reference.keys(), flavour
        for period, amount in per_period.items():
            assert abs(amount - reference[period]) <= 1e-6, (flavour, period)
    folders = {flavour: latest_deliveries(out) for flavour, out in generated.items()}
    assert all(len(f) == 4 for f in folders.values())


def _tree_digest(out: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        digest.update(path.relative_to(out).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def test_same_seed_same_files(generated: dict[str, Path], tmp_path: Path) -> None:
    again = tmp_path / "again"
    _run(again, "--format", "legacy_csv", "--no-month-to-date")
    assert _tree_digest(again) == _tree_digest(generated["legacy_csv"])
    other = tmp_path / "other"
    result = CliRunner().invoke(
        generate,
        [
            "--out",
            str(other),
            "--rows",
            "3000",
            "--months",
            "1",
            "--seed",
            "8",
            "--format",
            "cur2_parquet",
            "--no-month-to-date",
            "--no-restate",
        ],
    )
    assert result.exit_code == 0, result.output
    assert read_generation(other)["payer_account_id"] != read_generation(again)["payer_account_id"]


def test_delivery_history(generated: dict[str, Path], lines: duckdb.DuckDBPyConnection) -> None:
    out = generated["cur2_parquet"]
    history = deliveries(out)
    assert [d.sequence for d in history] == list(range(1, len(history) + 1))
    assert [d.delivered_on for d in history] == sorted(d.delivered_on for d in history)
    by_period = defaultdict(list)
    for d in history:
        by_period[d.billing_period].append(d)
    periods = sorted(by_period)
    assert periods == ["2026-05", "2026-06", "2026-07", "2026-08"]
    for items in by_period.values():
        assert sum(d.latest for d in items) == 1
        assert items[-1].latest
    # the open month is only delivered month to date, several times, and carries no invoice ids
    open_month = by_period["2026-08"]
    assert len(open_month) >= 3 and {d.kind for d in open_month} == {"month_to_date"}
    assert [d.row_count for d in open_month] == sorted(d.row_count for d in open_month)
    # a closed month is restated after its close
    restated = [d for d in history if d.kind == "restated"]
    assert len(restated) == 1 and restated[0].latest and restated[0].supersedes
    gen = read_generation(out)
    closed_on = {p["billing_period"]: p["closed_on"] for p in gen["window"]["periods"]}
    assert restated[0].delivered_on.isoformat() > closed_on[restated[0].billing_period]
    final = next(d for d in by_period[restated[0].billing_period] if d.kind == "final")
    assert restated[0].totals["unblended_cost"] < final.totals["unblended_cost"]
    # latest_deliveries: one folder per period; as-of replay picks what existed then
    latest = latest_deliveries(out)
    assert len(latest) == 4 and all(p.is_dir() for p in latest)
    early = deliveries_as_of(out, open_month[0].delivered_on)
    assert {d.billing_period: d.kind for d in early}["2026-08"] == "month_to_date"
    assert early[-1].row_count == open_month[0].row_count

    for d in history:
        ids = {
            r[0]
            for r in lines.sql(
                f"select distinct coalesce(bill_invoice_id, '') from lines "
                f"where flavour = 'cur2_parquet' and sequence = {d.sequence}"
            ).fetchall()
        }
        if d.kind == "month_to_date":
            assert ids == {""}, (d.billing_period, d.kind)
        else:
            assert "" not in ids and len(ids) >= 2, (d.billing_period, ids)


def test_realistic_content(generated: dict[str, Path]) -> None:
    out = generated["legacy_parquet"]
    con = duckdb.connect()
    files = [str(f) for d in deliveries(out) if d.latest for f in d.files]
    rel = f"read_parquet({files}, union_by_name = true)"
    gen = read_generation(out)
    accounts = [a["account_id"] for a in gen["company"]["accounts"]]
    assert all(len(a) == 12 and a.isdigit() for a in accounts) and any(a.startswith("0") for a in accounts)
    used_accounts = {r[0] for r in con.sql(f"select distinct line_item_usage_account_id from {rel}").fetchall()}
    assert any(a.startswith("0") for a in used_accounts)
    assert 6 <= len(gen["company"]["teams"]) <= 10
    assert 15 <= len(gen["company"]["host_types"]) <= 25
    # Spot carries normalization factor 0; RDS Multi-AZ doubles the size factor
    spot = con.sql(
        f"select distinct line_item_normalization_factor from {rel} where line_item_usage_type like '%SpotUsage%'"
    ).fetchall()
    assert spot == [(0.0,)]
    multi_az = con.sql(
        f"select distinct line_item_usage_type, line_item_normalization_factor from {rel} "
        "where line_item_usage_type like '%Multi-AZUsage:db.r6g.2xlarge'"
    ).fetchall()
    assert multi_az and all(f == 32.0 for _, f in multi_az)
    kinds = {r[0] for r in con.sql(f"select distinct line_item_usage_type from {rel}").fetchall()}
    for needle in (
        "EBS:VolumeUsage.gp2",
        "EBS:VolumeUsage.gp3",
        "NatGateway-Hours",
        "BoxUsage:m4.2xlarge",
        "DataTransfer-Out-Bytes",
        "Lambda-GB-Second",
        "NodeUsage:cache.r6g.large",
    ):
        assert any(needle in k for k in kinds), needle
    windows = con.sql(f"select count(*) from {rel} where line_item_operation = 'RunInstances:0002'").fetchall()[0][0]
    assert windows > 0
    free_tier = con.sql(
        f"select count(*) from {rel} where line_item_line_item_type = 'Usage' and pricing_term = '' "
        "and line_item_unblended_cost = 0 and pricing_public_on_demand_cost > 0"
    ).fetchall()[0][0]
    assert free_tier > 0
    entities = {r[0] for r in con.sql(f"select distinct bill_billing_entity from {rel}").fetchall()}
    assert entities == {"AWS", "AWS Marketplace"}
    tags = con.sql(
        f"select count(*) filter (where resource_tags_user_team <> ''), "
        f"count(*) filter (where resource_tags_aws_autoscaling_group_name <> '' "
        f"and resource_tags_user_team = ''), "
        f"count(*) filter (where resource_tags_user_team = '' and resource_tags_aws_autoscaling_group_name = '' "
        f"and line_item_line_item_type = 'Usage') from {rel}"
    ).fetchall()[0]
    assert all(t > 0 for t in tags)
    # schema drift: the cost_center tag column appears from the second month on
    first = [str(f) for f in deliveries(out)[0].files]
    later = [str(f) for d in deliveries(out) if d.billing_period == "2026-06" for f in d.files]
    first_cols = {r[0] for r in con.sql(f"describe select * from read_parquet({first})").fetchall()}
    later_cols = {r[0] for r in con.sql(f"describe select * from read_parquet({later})").fetchall()}
    assert "resource_tags_user_cost_center" not in first_cols and "resource_tags_user_cost_center" in later_cols
    types = dict(
        con.sql(f"select column_name, column_type from (describe select * from read_parquet({later}))").fetchall()
    )
    assert types["reservation_total_reserved_units"] == "VARCHAR" and types["line_item_unblended_cost"] == "DOUBLE"


def test_cur2_map_columns_and_manifest(generated: dict[str, Path]) -> None:
    out = generated["cur2_parquet"]
    delivery = next(d for d in deliveries(out) if d.kind == "final")
    con = duckdb.connect()
    types = dict(
        con.sql(
            f"select column_name, column_type from (describe select * from "
            f"read_parquet({[str(f) for f in delivery.files]}, hive_partitioning = false))"
        ).fetchall()
    )
    for name in ("resource_tags", "cost_category", "product"):
        assert types[name] == "MAP(VARCHAR, VARCHAR)", name
    assert types["product_region_code"] == "VARCHAR"
    manifest = json.loads(delivery.manifest.read_text())
    assert [c["name"] for c in manifest["columns"]] == list(types)
    assert "BILLING_PERIOD=" in delivery.path.as_posix()
    legacy = next(d for d in deliveries(generated["legacy_csv"]) if d.kind == "final")
    header = con.sql(f"select * from read_csv('{legacy.files[0]}', all_varchar = true) limit 0").columns
    assert "lineItem/UnblendedCost" in header and "resourceTags/user:team" in header


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open() as handle:
        return list(csv.DictReader(handle))


def test_finance_files_match_the_cur(generated: dict[str, Path], lines: duckdb.DuckDBPyConnection) -> None:
    out = generated["legacy_parquet"]
    gen = read_generation(out)
    invoices = _read_csv(out / gen["files"]["invoices"])
    ledger = _read_csv(out / gen["files"]["general_ledger"])
    finals = {d.billing_period: d for d in deliveries(out) if d.kind == "final"}
    assert {i["billing_period"][:7] for i in invoices} == set(finals)
    for period, delivery in finals.items():
        cur = dict(
            lines.sql(
                f"select bill_invoice_id, sum(line_item_unblended_cost) from lines "
                f"where flavour = 'legacy_parquet' and sequence = {delivery.sequence} group by 1"
            ).fetchall()
        )
        mine = {i["invoice_id"]: float(i["total"]) for i in invoices if i["billing_period"].startswith(period)}
        assert mine.keys() == cur.keys()
        for invoice_id, total in mine.items():
            assert abs(total - cur[invoice_id]) < 0.005 + 1e-9, (period, invoice_id)
    kinds = {d["kind"]: d for d in gen["discrepancies"]}
    assert set(kinds) == {
        "credit_memo_next_period",
        "marketplace_invoice_missing_from_ledger",
        "rounding_difference_under_tolerance",
        "restatement_after_close",
    }
    posted = defaultdict(float)
    ledger_period = {}
    for line in ledger:
        posted[line["invoice_reference"]] += float(line["amount"])
        ledger_period[line["invoice_reference"]] = line["period"][:7]
    missing = kinds["marketplace_invoice_missing_from_ledger"]["invoice_id"]
    memo = kinds["credit_memo_next_period"]
    assert missing not in posted
    assert ledger_period[memo["invoice_id"]] == memo["ledger_period"] != memo["billing_period"]
    rounding = kinds["rounding_difference_under_tolerance"]
    assert 0 < abs(rounding["difference"]) < 0.01
    for invoice in invoices:
        if invoice["invoice_id"] != missing:
            assert abs(posted[invoice["invoice_id"]] - float(invoice["total"])) < 1e-9, invoice
    volumes = _read_csv(out / gen["files"]["business_volumes"])
    assert {v["metric_name"] for v in volumes} >= {"payments"}
    calendar = _read_csv(out / gen["files"]["close_calendar"])
    assert [c["period"][:7] for c in calendar] == sorted(finals)


def test_forecast_files(generated: dict[str, Path]) -> None:
    out = generated["cur2_parquet"]
    gen = read_generation(out)
    usage = _read_csv(out / gen["files"]["usage_forecasts"])
    assert usage and {u["source"] for u in usage} == {"engineering"}
    assert len({u["generated_at"] for u in usage}) >= 3
    hosts = {h["host_type"] for h in gen["company"]["host_types"]}
    assert {u["host_type"] for u in usage} <= hosts
    for row in usage[:200]:
        assert float(row["lower_bound"]) <= float(row["normalized_units"]) <= float(row["upper_bound"])
        assert row["target_date"] > row["generated_at"][:10]
    finance = _read_csv(out / gen["files"]["finance_forecasts"])
    assert finance and {f["source"] for f in finance} == {"finance"}
    assert {f["pricing_model"] for f in finance} >= {"on_demand", "reserved", "savings_plan", "spot"}
    # Finance resubmits every Monday afternoon: a weekly replay sees a new vintage at every step
    vintages = sorted({datetime.fromisoformat(f["generated_at"].replace("Z", "+00:00")) for f in finance})
    assert len(vintages) >= 8
    assert {(v.weekday(), v.time()) for v in vintages} == {(0, time(16))}
    assert all(later - earlier == timedelta(days=7) for earlier, later in pairwise(vintages))
    assert vintages[-1].date() > date.fromisoformat(gen["window"]["data_end"]) - timedelta(days=7)
    # the base is the last month whose final CUR had arrived (on the 3rd): one base per submission month
    for vintage in vintages:
        months = sorted({f["month"] for f in finance if f["generated_at"].startswith(vintage.date().isoformat())})
        assert months[0] == vintage.date().replace(day=1).isoformat() and len(months) == 4
    # instance families as the semantic layer names them (macros/cur_instance.sql): db.* and cache.* prefixes
    families = defaultdict(set)
    for row in finance:
        if row["instance_family"]:
            families[row["service_code"]].add(row["instance_family"])
    assert families["AmazonRDS"] and all(f.startswith("db.") for f in families["AmazonRDS"])
    assert families["AmazonElastiCache"] and all(f.startswith("cache.") for f in families["AmazonElastiCache"])
    assert families["AmazonEC2"] and not any("." in f for f in families["AmazonEC2"])


def test_cur_instance_family_follows_the_semantic_layer() -> None:
    assert cur_instance_family("db.r6g.large", "InstanceUsage:db.r6g.large") == "db.r6g"
    assert cur_instance_family("cache.m6g.xlarge", "NodeUsage:cache.m6g.xlarge") == "cache.m6g"
    assert cur_instance_family("m5.2xlarge", "BoxUsage:m5.2xlarge") == "m5"
    assert cur_instance_family("r5.large.search", "ESInstance:r5.large") == "r5"
    assert cur_instance_family("", "SpotUsage:c5.large") == "c5"
    assert cur_instance_family("", "USE1-DataTransfer-Out-Bytes") == ""
    assert cur_instance_family("", "EBS:VolumeUsage.gp3") == ""


def test_sign_offs_accept_each_exception_of_a_closed_period(generated: dict[str, Path]) -> None:
    out = generated["cur2_parquet"]
    gen = read_generation(out)
    assert gen["files"]["sign_offs"] == "sign_offs/sign_offs.csv"
    rows = _read_csv(out / gen["files"]["sign_offs"])
    recorded = gen["sign_offs"]
    assert [r["kind"] for r in recorded] == [
        d["kind"] for d in gen["discrepancies"] if d["kind"] != "rounding_difference_under_tolerance"
    ]
    latest = {d.billing_period: d for d in deliveries(out) if d.latest}
    closed_on = {p["billing_period"]: p["closed_on"] for p in gen["window"]["periods"]}
    for row, entry, discrepancy in zip(
        rows,
        recorded,
        [d for d in gen["discrepancies"] if d["kind"] != "rounding_difference_under_tolerance"],
        strict=True,
    ):
        assert list(row) == [column.file_column for column in SIGN_OFFS.columns]  # what load-finance reads
        assert row == {key: entry[key] for key in row}
        assert row["period"] == discrepancy["billing_period"]
        assert row["invoice_id"] == discrepancy["invoice_id"]
        assert row["billing_entity"] == discrepancy["billing_entity"]
        assert row["payer_account_id"] == gen["payer_account_id"]
        assert len(row["delivery_id"]) == 64 and row["note"].startswith("Accepted: ")
        current = latest[row["period"]]
        assert entry["generator_delivery_id"] == current.delivery_id
        assert row["signed_off_on"] >= closed_on[row["period"]]
        assert row["signed_off_on"] >= current.delivered_on.isoformat()
        assert row["signed_off_on"] < gen["window"]["data_end"]
    restated = next(r for r in recorded if r["kind"] == "restatement_after_close")
    assert restated["generator_delivery_id"] == next(
        d["delivery_id"] for d in gen["discrepancies"] if d["kind"] == "restatement_after_close"
    )


def test_a_new_generation_replaces_the_previous_one(tmp_path: Path) -> None:
    out = tmp_path / "data"
    for flavour in ("legacy_parquet", "cur2_parquet"):
        result = CliRunner().invoke(
            generate,
            [
                "--out",
                str(out),
                "--rows",
                "100",
                "--months",
                "1",
                "--format",
                flavour,
                "--no-month-to-date",
                "--no-restate",
            ],
        )
        assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "acme-cur2",
        "anomaly_labels.json",
        "company",
        "finance",
        "forecasts",
        "generation.json",
        "sign_offs",
    ]
    assert read_generation(out)["format"] == "cur2_parquet"
    # one month, nothing closed: no exception to sign off, an empty register
    assert _read_csv(out / "sign_offs" / "sign_offs.csv") == [] and read_generation(out)["sign_offs"] == []


def test_cli_rejects_a_foreign_folder(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not generated")
    result = CliRunner().invoke(generate, ["--out", str(tmp_path), "--rows", "10"])
    assert result.exit_code != 0 and "not empty" in result.output
    bad = CliRunner().invoke(generate, ["--out", str(tmp_path / "x"), "--start", "May-2026"])
    assert bad.exit_code != 0 and "--start" in bad.output

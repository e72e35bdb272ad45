"""Bad CUR inputs (legacy CSV, legacy Parquet, CUR 2.0 CSV and Parquet), each with the error it must end in.

Every case is refused against a warehouse that already holds the three trimmed exports of
``cur_files.BASELINE``, and must leave it exactly as it was.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from bad_inputs.cur_files import (
    BASELINE,
    CUR2_CSV,
    LEGACY_CSV,
    LEGACY_PARQUET,
    edit_csv,
    read_rows,
    rewrite,
    set_value,
    write_rows,
)
from bad_inputs.model import BadInput

# What the warehouse must hold before the cases run (the currency case needs payer 836060457634 in USD).
BASELINE_PATHS = BASELINE
LC_COST = "lineItem/UnblendedCost"


def _cur2_parquet(name: str, select: str = "select * from src"):
    return rewrite(CUR2_CSV, name, select)


# -- item 2: billing periods -------------------------------------------------------------------------
def _mid_month_start(rows: list[list[str]]) -> None:
    set_value("bill/BillingPeriodStartDate", "2023-11-15T00:00:00Z", count=3)(rows)


def _usage_before(rows: list[list[str]]) -> None:
    set_value("lineItem/UsageStartDate", "2023-10-20T00:00:00Z", where_type="Usage")(rows)


# -- item 4: duplicated columns --------------------------------------------------------------------------
def _duplicate_cost(rows: list[list[str]]) -> None:
    position = rows[0].index(LC_COST)
    for index, row in enumerate(rows):
        row.append(LC_COST if index == 0 else str(float(row[position] or 0) * 2))


def _case_differing_cost(rows: list[list[str]]) -> None:
    position = rows[0].index(LC_COST)
    for index, row in enumerate(rows):
        row.append("lineitem/unblendedcost" if index == 0 else row[position])


def _duplicate_parquet_column(folder: Path) -> list[Path]:
    table = pq.read_table(LEGACY_PARQUET)
    cost = table.column("line_item_unblended_cost")
    doubled = pa.array([None if v is None else v * 2 for v in cost.to_pylist()], type=cost.type)
    target = folder / "twice.parquet"
    pq.write_table(table.append_column("line_item_unblended_cost", doubled), target)
    return [target]


# -- item 5: unreadable parts ----------------------------------------------------------------------------
def _broken_link(folder: Path) -> list[Path]:
    delivery = folder / "20231101-20231201"
    delivery.mkdir()
    shutil.copyfile(LEGACY_CSV, delivery / "report-1.csv")
    os.symlink(folder / "gone.csv", delivery / "report-2.csv")
    return [delivery]


# -- item 6: CSV dialect -----------------------------------------------------------------------------------
def _bad_byte(folder: Path) -> list[Path]:
    lines = LEGACY_CSV.read_bytes().split(b"\n")
    lines[5] = lines[5].replace(b"Amazon", b"Am\xe9zon", 1)
    target = folder / "latin1.csv"
    target.write_bytes(b"\n".join(lines))
    return [target]


def _bad_byte_in_header(folder: Path) -> list[Path]:
    data = LEGACY_CSV.read_bytes().replace(b"identity/LineItemId", b"identit\xff/LineItemId", 1)
    target = folder / "bad-header.csv"
    target.write_bytes(data)
    return [target]


def _extra_field(rows: list[list[str]]) -> None:
    rows[7].append("surprise")


def _missing_field(rows: list[list[str]]) -> None:
    rows[9].pop()


def _huge_field(rows: list[list[str]]) -> None:
    rows[4][rows[0].index("lineItem/LineItemDescription")] = "x" * 2_100_000


def _with_delimiter(delimiter: str, name: str):
    def write(folder: Path) -> list[Path]:
        return [write_rows(folder / name, read_rows(LEGACY_CSV), delimiter=delimiter)]

    return write


def _unterminated_quote(folder: Path) -> list[Path]:
    lines = LEGACY_CSV.read_text(encoding="utf-8").split("\n")
    lines[3] = lines[3].replace(",", ',"', 1)
    target = folder / "open-quote.csv"
    target.write_text("\n".join(lines), encoding="utf-8")
    return [target]


def _athena_text(rows: list[list[str]], folder: Path, name: str) -> Path:
    body = "\n".join("\x01".join(value if value != "" else "\\N" for value in row) for row in rows[1:])
    target = folder / name
    target.write_text(body + "\n", encoding="utf-8")
    return target


def _athena_without_header(folder: Path) -> list[Path]:
    return [_athena_text(read_rows(LEGACY_CSV), folder, "athena-000")]


def _athena_header_too_short(folder: Path) -> list[Path]:
    rows = read_rows(LEGACY_CSV)
    target = _athena_text(rows, folder, "athena-001")
    target.with_name(target.name + ".header").write_text(",".join(rows[0][:-3]) + "\n", encoding="utf-8")
    return [target]


# -- refusals that already existed ---------------------------------------------------------------------
def _truncated_parquet(folder: Path) -> list[Path]:
    data = LEGACY_PARQUET.read_bytes()
    target = folder / "truncated.parquet"
    target.write_bytes(data[: len(data) // 2])
    return [target]


def _garbage_parquet(folder: Path) -> list[Path]:
    target = folder / "garbage.parquet"
    target.write_bytes(b"PAR1" + b"\x00" * 200)
    return [target]


def _truncated_gzip(folder: Path) -> list[Path]:
    packed = gzip.compress(LEGACY_CSV.read_bytes())
    target = folder / "truncated.csv.gz"
    target.write_bytes(packed[: len(packed) // 2])
    return [target]


def _empty(folder: Path) -> list[Path]:
    target = folder / "empty.csv"
    target.write_bytes(b"")
    return [LEGACY_CSV, target]


def _same_file_twice(folder: Path) -> list[Path]:
    copy = folder / "copy-of-the-same-month.csv"
    shutil.copyfile(LEGACY_CSV, copy)
    return [LEGACY_CSV, copy]


def _two_assemblies(folder: Path) -> list[Path]:
    for assembly, rows in (("a-1", "= 'Tax'"), ("a-2", "<> 'Tax'")):
        target = folder / "20231101-20231201" / assembly
        target.mkdir(parents=True)
        rewrite(LEGACY_CSV, "report-1.csv", f'select * from src where "lineItem/LineItemType" {rows}')(target)
        key = f"cur/report/20231101-20231201/{assembly}/report-1.csv"
        (target / "report-Manifest.json").write_text(json.dumps({"assemblyId": assembly, "reportKeys": [key]}))
    return [folder]


def _incomplete_manifest(folder: Path) -> list[Path]:
    target = folder / "20231101-20231201" / "a-1"
    target.mkdir(parents=True)
    shutil.copyfile(LEGACY_CSV, target / "report-1.csv")
    keys = [f"cur/report/20231101-20231201/a-1/report-{n}.csv" for n in (1, 2)]
    (target / "report-Manifest.json").write_text(json.dumps({"assemblyId": "a-1", "reportKeys": keys}))
    return [folder]


def _focus(folder: Path) -> list[Path]:
    target = folder / "focus.csv"
    target.write_text(
        "BilledCost,BillingAccountId,BillingPeriodStart,ChargeCategory,EffectiveCost,ListCost\n"
        "1.5,123456789012,2024-01-01T00:00:00Z,Usage,1.5,1.7\n"
    )
    return [target]


def _zip(folder: Path) -> list[Path]:
    target = folder / "report.csv.zip"
    target.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    return [target]


def _missing_path(folder: Path) -> list[Path]:
    return [folder / "nowhere.csv"]


def _good_restatement_with_a_bad_file(folder: Path) -> list[Path]:
    restated = rewrite(
        LEGACY_PARQUET,
        "restated.parquet",
        "select * replace (line_item_unblended_cost * 2 as line_item_unblended_cost) from src",
    )(folder)
    bad = edit_csv(LEGACY_CSV, "bad-number.csv", set_value(LC_COST, "n/a"))(folder)
    return [*restated, *bad]


_EUR_NEXT_MONTH = """select * replace ('EUR' as line_item_currency_code,
    timestamp '2018-11-01' as bill_billing_period_start_date,
    timestamp '2018-12-01' as bill_billing_period_end_date,
    line_item_usage_start_date + interval 1 month as line_item_usage_start_date,
    line_item_usage_end_date + interval 1 month as line_item_usage_end_date) from src"""


def _case(name: str, write, expected: str, why_item: int | None = None) -> BadInput:
    return BadInput(name=f"cur-{name}", kind="cur", write=write, expected=expected, why_item=why_item)


CASES: list[BadInput] = [
    # item 2: billing periods
    _case(
        "legacy-csv-period-start-mid-month",
        edit_csv(LEGACY_CSV, "mid.csv", _mid_month_start),
        "starts at 00:00 on the 1st of a month",
        2,
    ),
    _case(
        "legacy-parquet-period-end-not-a-month-later",
        rewrite(
            LEGACY_PARQUET,
            "end.parquet",
            "select * replace (timestamp '2018-11-15' as bill_billing_period_end_date) from src",
        ),
        "ends exactly one month after its start",
        2,
    ),
    _case(
        "legacy-csv-usage-before-period",
        edit_csv(LEGACY_CSV, "early.csv", _usage_before),
        "usage starts before its billing period",
        2,
    ),
    _case(
        "cur2-csv-usage-after-period",
        edit_csv(
            CUR2_CSV, "late.csv", set_value("line_item_usage_start_date", "2026-05-03T00:00:00Z", where_type="Usage")
        ),
        "usage starts after the end of its billing period",
        2,
    ),
    _case(
        "cur2-parquet-usage-ends-after-period",
        _cur2_parquet(
            "late-end.parquet",
            """select * replace (case when line_item_line_item_type = 'Usage'
              then '2026-06-02T00:00:00Z' else line_item_usage_end_date end as line_item_usage_end_date) from src""",
        ),
        "usage ends after its billing period",
        2,
    ),
    # item 3: numbers
    _case(
        "legacy-csv-nan-cost",
        edit_csv(LEGACY_CSV, "nan.csv", set_value(LC_COST, "NaN")),
        "line_item_unblended_cost must be a finite amount",
        3,
    ),
    _case(
        "legacy-csv-infinite-usage-amount",
        edit_csv(LEGACY_CSV, "inf.csv", set_value("lineItem/UsageAmount", "Infinity")),
        "line_item_usage_amount must be a finite amount",
        3,
    ),
    _case(
        "legacy-csv-minus-infinite-rate",
        edit_csv(LEGACY_CSV, "minf.csv", set_value("lineItem/UnblendedRate", "-inf", where_type="Usage")),
        "line_item_unblended_rate must be a finite amount",
        3,
    ),
    _case(
        "legacy-parquet-1e308-cost",
        rewrite(
            LEGACY_PARQUET,
            "huge.parquet",
            "select * replace (case when identity_line_item_id = (select min(identity_line_item_id) "
            "from src) then 1e308 else line_item_unblended_cost end as line_item_unblended_cost) from src",
        ),
        "line_item_unblended_cost must be a finite amount",
        3,
    ),
    _case(
        "legacy-parquet-nan-public-on-demand",
        rewrite(
            LEGACY_PARQUET, "nan.parquet", "select * replace ('NaN'::double as pricing_public_on_demand_cost) from src"
        ),
        "pricing_public_on_demand_cost must be a finite amount",
        3,
    ),
    _case(
        "cur2-csv-1e308-usage-amount",
        edit_csv(CUR2_CSV, "huge.csv", set_value("line_item_usage_amount", "1e308")),
        "line_item_usage_amount must be a finite amount",
        3,
    ),
    _case(
        "cur2-parquet-infinite-cost",
        _cur2_parquet("inf.parquet", "select * replace ('inf' as line_item_unblended_cost) from src"),
        "line_item_unblended_cost must be a finite amount",
        3,
    ),
    # item 4: a column twice
    _case(
        "legacy-csv-column-twice",
        edit_csv(LEGACY_CSV, "twice.csv", _duplicate_cost),
        "'lineItem/UnblendedCost' appears twice, at positions",
        4,
    ),
    _case(
        "legacy-csv-column-twice-in-other-case",
        edit_csv(LEGACY_CSV, "case.csv", _case_differing_cost),
        "'lineitem/unblendedcost' appears twice, at positions",
        4,
    ),
    _case(
        "legacy-parquet-column-twice",
        _duplicate_parquet_column,
        "'line_item_unblended_cost' appears twice, at positions",
        4,
    ),
    # item 5: unreadable parts
    _case("folder-with-a-broken-link", _broken_link, "is a link that leads nowhere", 5),
    # item 6: CSV problems
    _case("legacy-csv-bad-encoding-byte", _bad_byte, "line 6: the line is not valid UTF-8", 7),
    _case("legacy-csv-bad-byte-in-header", _bad_byte_in_header, "line 1: byte b'\\xff' at position", 7),
    _case("legacy-csv-extra-field", edit_csv(LEGACY_CSV, "extra.csv", _extra_field), "line 8: the line has", 7),
    _case("legacy-csv-missing-field", edit_csv(LEGACY_CSV, "short.csv", _missing_field), "a missing field", 7),
    _case(
        "legacy-csv-2mb-field",
        edit_csv(LEGACY_CSV, "huge-field.csv", _huge_field),
        "line 5: the line is longer than the 2,000,000 bytes",
        7,
    ),
    _case("legacy-csv-semicolons", _with_delimiter(";", "semicolon.csv"), "separated by ';', not commas", 7),
    _case("legacy-csv-tabs", _with_delimiter("\t", "tabs.csv"), "separated by a tab, not commas", 7),
    _case("legacy-csv-unterminated-quote", _unterminated_quote, "unterminated quote", 7),
    _case(
        "athena-text-without-header",
        _athena_without_header,
        "is an Athena text export (\\x01-delimited, \\N for NULL) without a header row",
        7,
    ),
    _case("athena-text-header-of-another-export", _athena_header_too_short, "the header found for this Athena", 7),
    # refusals that already existed
    _case(
        "legacy-csv-no-unblended-cost",
        rewrite(LEGACY_CSV, "no-cost.csv", 'select * exclude ("lineItem/UnblendedCost") from src'),
        "has no column line_item_unblended_cost",
    ),
    _case(
        "legacy-parquet-no-payer",
        rewrite(LEGACY_PARQUET, "no-payer.parquet", "select * exclude (bill_payer_account_id) from src"),
        "has no column bill_payer_account_id",
    ),
    _case(
        "cur2-csv-no-period",
        edit_csv(CUR2_CSV, "no-period.csv", set_value("bill_billing_period_start_date", "", count=2)),
        "2 line(s) have no bill_billing_period_start_date",
    ),
    _case("legacy-parquet-truncated", _truncated_parquet, "truncated.parquet cannot be read as Parquet"),
    _case("legacy-parquet-garbage", _garbage_parquet, "garbage.parquet cannot be read as Parquet"),
    _case("legacy-csv-gz-truncated", _truncated_gzip, "truncated.csv.gz"),
    _case("legacy-csv-empty-file", _empty, "empty.csv is empty"),
    _case(
        "legacy-csv-header-only",
        rewrite(LEGACY_CSV, "header-only.csv", "select * from src limit 0"),
        "header-only.csv has no line items",
    ),
    _case(
        "legacy-csv-non-numeric-cost",
        edit_csv(LEGACY_CSV, "bad-number.csv", set_value(LC_COST, "n/a")),
        "column lineItem/UnblendedCost (line_item_unblended_cost) has 1 value(s) that are not a number",
    ),
    _case(
        "legacy-parquet-non-numeric-text-column",
        rewrite(
            LEGACY_PARQUET,
            "bad-units.parquet",
            "select * replace ('12,5' as reservation_total_reserved_units) from src",
        ),
        "that are not a number, e.g. '12,5'",
    ),
    _case(
        "legacy-csv-bad-timestamp",
        edit_csv(LEGACY_CSV, "bad-time.csv", set_value("lineItem/UsageStartDate", "yesterday")),
        "not a timestamp, e.g. 'yesterday'",
    ),
    _case(
        "cur2-csv-bad-json-map",
        edit_csv(CUR2_CSV, "bad-tags.csv", set_value("resource_tags", "{not json")),
        "not a JSON object",
    ),
    _case(
        "legacy-csv-unknown-line-item-type",
        edit_csv(LEGACY_CSV, "new-type.csv", set_value("lineItem/LineItemType", "MysteryFee", "Tax", 12)),
        "Unknown line item type 'MysteryFee' (12 line(s))",
    ),
    _case(
        "legacy-csv-same-delivery-twice-in-one-load",
        _same_file_twice,
        "2023-11 of payer 123412340534 is delivered twice",
    ),
    _case("legacy-csv-two-assemblies-of-one-period", _two_assemblies, "comes from two deliveries"),
    _case("legacy-csv-incomplete-manifest", _incomplete_manifest, "Delivery a-1 is incomplete"),
    _case(
        "legacy-parquet-other-currency-for-the-payer",
        rewrite(LEGACY_PARQUET, "euro.parquet", _EUR_NEXT_MONTH),
        "2018-11 of payer 836060457634 is in EUR, but USD",
    ),
    _case(
        "legacy-csv-mixed-currencies",
        edit_csv(LEGACY_CSV, "mixed.csv", set_value("lineItem/CurrencyCode", "CAD", "Tax", 12)),
        "mixes currencies (CAD, USD)",
    ),
    _case("focus-export", _focus, "is a FOCUS export"),
    _case("zip-archive", _zip, "is a ZIP archive"),
    _case("missing-path", _missing_path, "nowhere.csv does not exist"),
    _case("good-restatement-with-a-bad-file", _good_restatement_with_a_bad_file, "bad-number.csv: column"),
]

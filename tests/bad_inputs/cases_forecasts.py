"""Bad forecast files (``cloudcost load-forecasts``): usage forecasts in normalized units per host type and
day, finance forecasts in cost per month. The baseline adds the usage vintage ``corpus-known`` (generated
2026-05-04 09:00 UTC, host type ``corpus-web``), so host type ``corpus-web`` is known and a resubmission of
that vintage can be tried."""

from __future__ import annotations

from .collect import BaselineInput
from .model import BadInput
from .writers import bytes_file, csv_line, empty_folder, missing_path, several, text_file, truncated_gzip_file

USAGE = "source,generated_at,host_type,target_date,normalized_units,lower_bound,upper_bound"
FINANCE = (
    "source,generated_at,month,service_code,instance_family,pricing_model,currency,public_on_demand_cost,"
    "expected_discount_rate,net_cost"
)
KNOWN_VINTAGE = (
    "corpus-known,2026-05-04T09:00:00Z,corpus-web,2026-05-05,10.5,9,12",
    "corpus-known,2026-05-04T09:00:00Z,corpus-web,2026-05-06,11,10,13",
)
GOOD_USAGE = {
    "source": "engineering",
    "generated_at": "2026-05-04T09:00:00Z",
    "host_type": "corpus-web",
    "target_date": "2026-05-05",
    "normalized_units": "10.5",
    "lower_bound": "9",
    "upper_bound": "12",
}
GOOD_FINANCE = {
    "source": "finance",
    "generated_at": "2026-05-20T16:00:00Z",
    "month": "2026-06",
    "service_code": "AmazonEC2",
    "instance_family": "m5",
    "pricing_model": "on_demand",
    "currency": "USD",
    "public_on_demand_cost": "1000.00",
    "expected_discount_rate": "0.2500",
    "net_cost": "750.00",
}


def usage(**changes: str) -> str:
    """The good usage line with some fields replaced (by column name)."""
    return csv_line(USAGE, GOOD_USAGE, **changes)


def finance(**changes: str) -> str:
    """The good finance forecast line with some fields replaced (by column name)."""
    return csv_line(FINANCE, GOOD_FINANCE, **changes)


BASELINE_INPUTS = [BaselineInput("forecasts-known-vintage", "forecasts", text_file("known.csv", USAGE, *KNOWN_VINTAGE))]

CASES = [
    # -- the file itself ----------------------------------------------------------------------------------
    BadInput("forecasts-empty-file", "forecasts", bytes_file("usage.csv", b""), "usage.csv: the file is empty"),
    BadInput(
        "forecasts-header-only", "forecasts", text_file("usage.csv", USAGE), "usage.csv: has a header but no rows"
    ),
    BadInput(
        "forecasts-not-a-forecast-file",
        "forecasts",
        text_file(
            "usage.csv", "source,generated_at,host_type,target_date", "engineering,2026-05-04,corpus-web,2026-05-05"
        ),
        "usage.csv, line 1: not a forecast file",
    ),
    BadInput(
        "forecasts-unknown-column",
        "forecasts",
        text_file("usage.csv", USAGE + ",comment", usage() + ",looks right"),
        "usage.csv, line 1: unknown column(s) comment for a usage forecast file",
    ),
    BadInput(
        "forecasts-missing-required-column",
        "forecasts",
        text_file(
            "finance.csv",
            FINANCE.replace("pricing_model,", ""),
            finance().replace("on_demand,", ""),
        ),
        "finance.csv, line 1: missing required column(s) pricing_model",
    ),
    BadInput(
        "forecasts-duplicate-column",
        "forecasts",
        text_file("usage.csv", USAGE + ",normalized_units", usage() + ",11"),
        "column normalized_units: the header has the column 'normalized_units' twice (columns 5 and 8)",
    ),
    BadInput(
        "forecasts-extra-field",
        "forecasts",
        text_file("usage.csv", USAGE, usage(), usage(target_date="2026-05-06") + ",12.5"),
        "usage.csv, line 3: the row has 8 fields, more than the 7 columns of the header",
    ),
    BadInput(
        "forecasts-not-utf8",
        "forecasts",
        text_file("usage.csv", USAGE, usage(source="équipe-web"), encoding="cp1252"),
        "usage.csv, line 2: is not utf-8 text",
    ),
    BadInput(
        "forecasts-tab-separated",
        "forecasts",
        text_file("usage.tsv", USAGE.replace(",", "\t"), usage().replace(",", "\t")),
        "usage.tsv, line 1: is separated by tabs, not by commas",
    ),
    BadInput(
        "forecasts-not-gzip",
        "forecasts",
        text_file("usage.csv.gz", USAGE, usage()),
        "usage.csv.gz: is not a readable gzip file",
    ),
    BadInput(
        "forecasts-truncated-gzip",
        "forecasts",
        truncated_gzip_file("usage.csv.gz", USAGE, *(usage(target_date=f"2026-05-{day:02d}") for day in range(5, 30))),
        "usage.csv.gz: is not a readable gzip file",
    ),
    BadInput("forecasts-missing-path", "forecasts", missing_path("usage.csv"), "usage.csv: no such file or folder"),
    BadInput("forecasts-empty-folder", "forecasts", empty_folder("forecasts"), "no forecast files (*.csv, *.csv.gz)"),
    # -- values -------------------------------------------------------------------------------------------
    BadInput(
        "forecasts-nan-units",
        "forecasts",
        text_file("usage.csv", USAGE, usage(normalized_units="NaN", lower_bound="", upper_bound="")),
        "line 2, column normalized_units, value 'NaN': not a number",
    ),
    BadInput(
        "forecasts-infinite-bound",
        "forecasts",
        text_file("usage.csv", USAGE, usage(upper_bound="inf")),
        "line 2, column upper_bound, value 'inf': not a number",
    ),
    BadInput(
        "forecasts-huge-units",
        "forecasts",
        text_file("usage.csv", USAGE, usage(normalized_units="1e308", lower_bound="", upper_bound="")),
        "line 2, column normalized_units, value '1e308': not a number (a plain number such as -1234.56, smaller "
        "than 1e18",
    ),
    BadInput(
        "forecasts-negative-units",
        "forecasts",
        text_file("usage.csv", USAGE, usage(normalized_units="-3", lower_bound="", upper_bound="")),
        "line 2, column normalized_units, value -3.0: is negative",
    ),
    BadInput(
        "forecasts-bad-target-date",
        "forecasts",
        text_file("usage.csv", USAGE, usage(target_date="2026-02-30")),
        "line 2, column target_date, value '2026-02-30': not a date",
    ),
    BadInput(
        "forecasts-bad-generated-at",
        "forecasts",
        text_file("usage.csv", USAGE, usage(generated_at="yesterday")),
        "line 2, column generated_at, value 'yesterday': not a date and time",
    ),
    BadInput(
        "forecasts-empty-host-type",
        "forecasts",
        text_file("usage.csv", USAGE, usage(host_type="")),
        "line 2, column host_type: is empty",
    ),
    BadInput(
        "forecasts-finance-nan-cost",
        "forecasts",
        text_file("finance.csv", FINANCE, finance(public_on_demand_cost="nan")),
        "line 2, column public_on_demand_cost, value 'nan': not a number",
    ),
    BadInput(
        "forecasts-finance-bad-currency",
        "forecasts",
        text_file("finance.csv", FINANCE, finance(currency="US$")),
        "line 2, column currency, value 'US$': not a currency code",
    ),
    BadInput(
        "forecasts-finance-bad-month",
        "forecasts",
        text_file("finance.csv", FINANCE, finance(month="June")),
        "line 2, column month, value 'June': not a month",
    ),
    # -- rules --------------------------------------------------------------------------------------------
    BadInput(
        "forecasts-target-before-generation",
        "forecasts",
        text_file("usage.csv", USAGE, usage(target_date="2026-05-03")),
        "line 2, column target_date, value '2026-05-03': is before the generation date",
    ),
    BadInput(
        "forecasts-unknown-host-type",
        "forecasts",
        text_file("usage.csv", USAGE, usage(), usage(host_type="corpus-wbe")),
        "line 3, column host_type, value 'corpus-wbe': unknown host type",
    ),
    BadInput(
        "forecasts-duplicate-key",
        "forecasts",
        text_file("usage.csv", USAGE, usage(), usage(normalized_units="11")),
        "usage.csv, line 3: duplicate key: the row repeats line 2",
    ),
    BadInput(
        "forecasts-computed-source-name",
        "forecasts",
        text_file("usage.csv", USAGE, usage(source="baseline")),
        "line 2, column source, value 'baseline': is the name of a forecast the models compute",
    ),
    BadInput(
        "forecasts-outside-interval",
        "forecasts",
        text_file("usage.csv", USAGE, usage(lower_bound="11", upper_bound="12")),
        "line 2: the forecast is outside its interval",
    ),
    BadInput(
        "forecasts-half-interval",
        "forecasts",
        text_file("usage.csv", USAGE, usage(upper_bound="")),
        "line 2: an interval needs both lower_bound and upper_bound",
    ),
    BadInput(
        "forecasts-resubmitted-with-the-same-generated-at",
        "forecasts",
        text_file("resubmitted.csv", USAGE, KNOWN_VINTAGE[0].replace(",10.5,", ",10.75,"), KNOWN_VINTAGE[1]),
        "resubmitted.csv: the usage forecast 'corpus-known' generated at 2026-05-04 09:00:00 is already loaded "
        "with different rows",
    ),
    BadInput(
        "forecasts-one-vintage-in-two-files",
        "forecasts",
        several(
            text_file("monday.csv", USAGE, usage()),
            text_file("monday-again.csv", USAGE, usage(target_date="2026-05-06")),
        ),
        "the usage forecast 'engineering' generated at 2026-05-04 09:00:00 is also in",
    ),
    BadInput(
        "forecasts-finance-net-cost-mismatch",
        "forecasts",
        text_file("finance.csv", FINANCE, finance(net_cost="800")),
        "line 2, column net_cost, value 800.0: does not equal public_on_demand_cost 1000.0",
    ),
    BadInput(
        "forecasts-finance-month-already-ended",
        "forecasts",
        text_file("finance.csv", FINANCE, finance(month="2026-04")),
        "line 2, column month, value '2026-04': ended before the generation date",
    ),
    BadInput(
        "forecasts-finance-unknown-pricing-model",
        "forecasts",
        text_file("finance.csv", FINANCE, finance(pricing_model="ondemand")),
        "line 2, column pricing_model, value 'ondemand': not one of on_demand",
    ),
    BadInput(
        "forecasts-finance-discount-rate-above-one",
        "forecasts",
        text_file("finance.csv", FINANCE, finance(expected_discount_rate="1.5", net_cost="0")),
        "line 2, column expected_discount_rate, value 1.5: is not between 0 and 1",
    ),
    BadInput(
        "forecasts-finance-negative-cost",
        "forecasts",
        text_file("finance.csv", FINANCE, finance(net_cost="-750")),
        "line 2, column net_cost, value -750.0: is negative",
    ),
]

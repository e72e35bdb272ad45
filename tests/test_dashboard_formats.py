"""The dashboard's one place for number, date and code formats."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd

from streamlit_app import formats


def test_money_has_separators_and_no_negative_zero() -> None:
    assert formats.money(49824) == "$49,824.00"
    assert formats.money(Decimal("-1200.5")) == "-$1,200.50"
    assert formats.money(-0.004) == "$0.00"
    assert formats.money(12.5, "EUR") == "EUR 12.50"
    assert formats.signed_money(10) == "+$10.00"
    assert formats.signed_money(-0.001) == "$0.00"
    assert formats.unit_money(0.012345) == "$0.0123"
    assert formats.unit_money(10) == "$10.00"


def test_missing_values_show_a_dash() -> None:
    for value in (None, float("nan"), pd.NA, pd.NaT):
        assert formats.money(value) == formats.MISSING
        assert formats.percent(value) == formats.MISSING
        assert formats.month(value) == formats.MISSING
        assert formats.label(value) == formats.MISSING


def test_units_percent_and_months() -> None:
    assert formats.units(1234.56) == "1,234.6 xlarge units"
    assert formats.percent(0.1234) == "12.3%"
    assert formats.percent(-0.00001) == "0.0%"
    assert formats.signed_percent(0.05) == "+5.0%"
    assert formats.month(date(2026, 5, 1)) == "2026-05"
    assert formats.month(pd.Timestamp("2026-05-01")) == "2026-05"
    assert formats.month("2026-05-01") == "2026-05"
    assert formats.count(1234567) == "1,234,567"


def test_codes_have_readable_labels() -> None:
    assert formats.label("ri_purchase") == "Buy Reserved Instances"
    assert formats.label("missing_in_ledger") == "Missing in ledger"
    assert formats.label("naive_last_value") == "Naive: last value repeated"
    assert formats.label("cur_vs_invoice; invoice_vs_ledger") == "CUR ≠ invoice; Invoice ≠ ledger"
    assert formats.label("some_new_code") == "Some new code"


def test_long_ids_are_shortened_to_what_tells_them_apart() -> None:
    arn = "arn:aws:ec2:us-east-1:123456789012:natgateway/nat-006d1e2453baf4ece"
    assert formats.short_id(arn) == "natgatewa…d1e2453baf4ece"  # the ARN's resource part: kind … end
    assert (
        formats.short_id("arn:aws:ec2:us-east-1:123456789012:reserved-instances/abcdef") == "…reserved-instances/abcdef"
    )
    assert formats.short_id("EUC1-DataTransfer-Regional-Bytes") == "EUC1-Data…Regional-Bytes"
    for short in ("i-0ebfbdd766b63c943", "123456789012", "USE1-DataTransfer-Out-Bytes"):
        assert formats.short_id(short) == short  # what a cut would barely shorten stays whole
    assert formats.short_id(None) == formats.MISSING
    # ids that would shorten alike keep more of themselves, until they read differently
    twins = [f"arn:aws:ec2:us-east-1:1:instance/i-{first}000000000000000aaaaaaaa1" for first in "01"]
    shortened = formats.short_ids([*twins, None])
    assert len(set(shortened.values())) == 2 and all(len(shortened[t]) < len(t) for t in twins)
    assert shortened[twins[0]] == "instance/i-0…0000000000aaaaaaaa1"


def test_display_frame_has_no_negative_zero_money_and_scales_ratios() -> None:
    frame = pd.DataFrame({"cost": [-0.001, 1.0051], "share": [0.5, None], "status": ["matched", None]})
    shown = formats.display_frame(frame, money_columns=["cost"], ratio_columns=["share"], code_columns=["status"])
    assert str(shown["cost"].iloc[0]) == "0.0"
    assert shown["cost"].iloc[1] == 1.0051  # the mart's figure, shown to the cent by the column format
    assert shown["share"].iloc[0] == 50.0
    assert shown["status"].iloc[0] == "Matched" and pd.isna(shown["status"].iloc[1])
    assert frame["cost"].iloc[0] == -0.001  # the frame itself (and its CSV download) is untouched


def test_a_table_shows_long_ids_shortened_and_downloads_them_whole() -> None:
    from pandas.io.formats.style import Styler

    from streamlit_app import ui

    arn = "arn:aws:ec2:us-east-1:123456789012:natgateway/nat-006d1e2453baf4ece"
    frame = pd.DataFrame({"resource_id": [arn, "i-0ebfbdd766b63c943"], "amortized_cost": [1.5, 2.0]})
    parts = ui.table_parts(frame)
    assert isinstance(parts.body, Styler) and parts.body.data["resource_id"].tolist() == frame["resource_id"].tolist()
    assert f"`{arn}`" in parts.config["resource_id"]["help"]
    assert arn in parts.csv.decode() and "…" not in parts.csv.decode()
    with pd.option_context("styler.render.max_elements", 2):  # too large a table for a Styler: shortened text
        plain = ui.table_parts(frame).body
    assert isinstance(plain, pd.DataFrame)
    assert plain["resource_id"].tolist() == [formats.short_id(arn), "i-0ebfbdd766b63c943"]
    untouched = ui.table_parts(frame.iloc[1:]).body  # no long id: no Styler, nothing said on hover
    assert isinstance(untouched, pd.DataFrame)


def test_a_column_of_dates_keeps_its_missing_values_so_the_table_converts() -> None:

    import pyarrow as pa

    from streamlit_app import ui

    frame = pd.DataFrame({"closed_on": [date(2026, 7, 5), None], "explanation": ["late", None]})
    shown = ui.display(frame)
    assert shown["explanation"].tolist() == ["late", "—"]
    assert shown["closed_on"].tolist()[1] is None
    pa.Table.from_pandas(shown)  # a "—" among dates raised ArrowTypeError here

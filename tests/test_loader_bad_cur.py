"""The CUR bad-input corpus (``bad_inputs/cases_cur.py``), in-process on DuckDB and Postgres: every case is
refused with one line containing its expected fragment, and the warehouse keeps every row it had."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from bad_inputs.cases_cur import CASES
from bad_inputs.cur_files import BASELINE
from bad_inputs.model import BadInput

from cloudcost.input_errors import InputError
from cloudcost.loader import load_paths
from cloudcost.settings import Settings, load_settings

SUMMARY_SQL = (
    "select cast(bill_billing_period_start_date as date) as period, bill_payer_account_id, count(*), "
    "sum(cast(line_item_unblended_cost as decimal(38, 10))) from raw.raw_cur_line_items group by 1, 2 order by 1, 2"
)
DELIVERIES_SQL = (
    "select delivery_id, billing_period, payer_account_id, row_count, total_unblended_cost, superseded_at "
    "from raw.raw_cur_deliveries order by 1, 2"
)
TOTALS_SQL = "select count(*), sum(cast(unblended_cost as decimal(38, 10))) from raw.raw_cur_delivery_totals"


def warehouse_state(settings: Settings, query: Callable[[Settings, str], list[tuple[Any, ...]]]) -> tuple:
    """Rows and Σ unblended per period and payer, every delivery, and the delivery totals."""
    return tuple(query(settings, sql) for sql in (SUMMARY_SQL, DELIVERIES_SQL, TOTALS_SQL))


def reset_postgres(settings: Settings) -> None:
    import psycopg2

    con = psycopg2.connect(settings.pg_dsn)
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute("drop schema if exists raw cascade")
    con.close()


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def baseline(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A warehouse holding the three trimmed real exports, on each engine."""
    if request.param == "duckdb":
        settings = replace(load_settings("duckdb"), duckdb_path=tmp_path_factory.mktemp("bad_cur") / "wh.duckdb")
    else:
        settings = request.getfixturevalue("postgres_database")("bad_cur")
        reset_postgres(settings)
    load_paths(list(BASELINE), settings, progress=False)
    return settings


def test_the_corpus_covers_enough() -> None:
    assert len(CASES) >= 35
    assert len({case.name for case in CASES}) == len(CASES)
    assert {2, 3, 4, 5, 7} <= {case.why_item for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_cur_input_is_refused_and_changes_nothing(
    case: BadInput, baseline: Settings, tmp_path: Path, warehouse_query
) -> None:
    before = warehouse_state(baseline, warehouse_query)
    assert before[0], "the baseline warehouse holds lines"
    paths = case.write(tmp_path)
    with pytest.raises(InputError) as refused:
        load_paths(paths, baseline, progress=False)
    message = refused.value.format_message()
    assert "\n" not in message
    assert case.expected.lower() in message.lower(), message
    assert warehouse_state(baseline, warehouse_query) == before

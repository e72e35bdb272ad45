"""Checks on the staged lines that must pass before anything is written.

Every line has a billing period, a payer and a currency; every line item type is one the models classify;
a billing period of a payer comes from one delivery only (one manifest's assembly, and loose files that do
not repeat each other's line identities); a payer keeps one currency.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from cloudcost.loader.errors import CurLoadError
from cloudcost.loader.manifests import Grouping
from cloudcost.loader.naming import period_label
from cloudcost.loader.staging import STAGED_LINES, StagedFile
from cloudcost.schema import KNOWN_LINE_ITEM_TYPES
from cloudcost.sql_text import sql_string

if TYPE_CHECKING:
    from cloudcost.loader.deliveries import ExistingDelivery

PERIOD_SQL = "cast(bill_billing_period_start_date as date)"


def check_keys_present(con: duckdb.DuckDBPyConnection) -> None:
    found = con.execute(
        f"""
        select source_file,
            count(*) filter (where bill_billing_period_start_date is null) as without_period,
            count(*) filter (where bill_payer_account_id is null) as without_payer,
            count(*) filter (where line_item_currency_code is null) as without_currency
        from {STAGED_LINES}
        group by source_file
        having without_period + without_payer + without_currency > 0
        order by source_file
        limit 1
        """
    ).fetchone()
    if found is not None:
        source_file, without_period, without_payer, without_currency = found
        column, count = next(
            (name, count)
            for name, count in (
                ("bill_billing_period_start_date", without_period),
                ("bill_payer_account_id", without_payer),
                ("line_item_currency_code", without_currency),
            )
            if count
        )
        raise CurLoadError(f"{source_file}: {count} line(s) have no {column}, which every CUR line needs.")


def check_line_item_types(con: duckdb.DuckDBPyConnection) -> None:
    known = ", ".join(sql_string(name) for name in sorted(KNOWN_LINE_ITEM_TYPES))
    found = con.execute(
        f"""
        select line_item_line_item_type, {PERIOD_SQL} as billing_period, source_file, count(*) as line_count
        from {STAGED_LINES}
        where line_item_line_item_type is null or line_item_line_item_type not in ({known})
        group by all
        order by source_file, billing_period, line_item_line_item_type
        limit 1
        """
    ).fetchone()
    if found is not None:
        line_item_type, period, source_file, count = found
        raise CurLoadError(
            f"Unknown line item type {line_item_type!r} ({count} line(s)) in billing period "
            f"{period_label(period)} of {source_file}: classify it in cloudcost.schema.KNOWN_LINE_ITEM_TYPES "
            "and the cost layers before loading."
        )


def _assembly_key(path: str, grouping: Grouping) -> str:
    assembly = grouping.assembly_of.get(Path(path))
    return f"manifest {assembly}" if assembly is not None else "files without a manifest"


def check_one_assembly_per_period(groups: Sequence[tuple], by_index: dict[int, StagedFile], grouping: Grouping) -> None:
    for period, payer, file_indexes, *_ in groups:
        assemblies: dict[str, list[str]] = {}
        for index in file_indexes:
            path = by_index[index].path
            assemblies.setdefault(_assembly_key(path, grouping), []).append(path)
        if len(assemblies) > 1:
            (first_key, first_files), (second_key, second_files) = list(assemblies.items())[:2]
            raise CurLoadError(
                f"Billing period {period_label(period)} of payer {payer} comes from two deliveries in "
                f"this load ({first_key}: {first_files[0]}; {second_key}: {second_files[0]}); loading both "
                "would double count: load one delivery per period."
            )


def check_no_shared_identities(
    con: duckdb.DuckDBPyConnection,
    groups: Sequence[tuple],
    by_index: dict[int, StagedFile],
    grouping: Grouping,
) -> None:
    """Loose files of one period must not repeat each other's lines (the same delivery given twice)."""
    loose = [
        index
        for _period, _payer, file_indexes, *_ in groups
        if len(file_indexes) > 1
        for index in file_indexes
        if grouping.assembly_of.get(Path(by_index[index].path)) is None
    ]
    if len(loose) < 2:
        return
    found = con.execute(
        f"""
        with shared_identities as (
            select {PERIOD_SQL} as billing_period, bill_payer_account_id as payer_account_id,
                identity_line_item_id, identity_time_interval,
                min(source_file_index) as first_file, max(source_file_index) as second_file
            from {STAGED_LINES}
            where source_file_index in ({", ".join(map(str, sorted(set(loose))))})
                and identity_line_item_id is not null
            group by all
            having min(source_file_index) <> max(source_file_index)
        )
        select billing_period, payer_account_id, first_file, second_file, count(*) over () as shared_lines
        from shared_identities
        order by billing_period, payer_account_id, first_file, second_file
        limit 1
        """
    ).fetchone()
    if found is not None:
        period, payer, first_file, second_file, shared_lines = found
        raise CurLoadError(
            f"Billing period {period_label(period)} of payer {payer} is delivered twice in this load: "
            f"{by_index[first_file].path} and {by_index[second_file].path} share {shared_lines} line "
            "identities (identity_line_item_id, identity_time_interval); loading both would double count."
        )


def check_currencies(
    groups: Sequence[tuple], existing: Sequence[ExistingDelivery], by_index: dict[int, Any] | None = None
) -> None:
    """One currency per payer: within a delivery, and the same as the payer's deliveries already loaded.

    ``by_index`` (staged files by index) lets the error name the delivery's file.
    """
    known: dict[str, tuple[str, str]] = {}
    for delivery in existing:
        known.setdefault(delivery.payer_account_id, (delivery.currency, "already loaded"))
    for period, payer, file_indexes, currencies, *_ in groups:
        label = period_label(period)
        first_file = by_index[file_indexes[0]].path if by_index and file_indexes else None
        if len(currencies) > 1:
            raise CurLoadError(
                f"Billing period {label} of payer {payer} mixes currencies ({', '.join(currencies)}); "
                "a payer's CUR has one currency.",
                file=first_file,
                column="line_item_currency_code",
            )
        currency = currencies[0]
        previous = known.setdefault(payer, (currency, f"billing period {label} in this load"))
        if previous[0] != currency:
            raise CurLoadError(
                f"Billing period {label} of payer {payer} is in {currency}, but {previous[0]} is the "
                f"currency of payer {payer} ({previous[1]}).",
                file=first_file,
                column="line_item_currency_code",
                value=currency,
            )

"""`cloudcost export MART --out PATH`: any public mart, filtered, to CSV or Parquet, on any engine."""

from __future__ import annotations

import re
from pathlib import Path

import click
from psycopg2 import sql as pg_sql

from cloudcost.commands.options import settings_for, target_option
from cloudcost.export.marts import PublicMart, public_marts
from cloudcost.export.writer import FORMATS, write_query
from cloudcost.settings import Settings
from cloudcost.sql_text import quote_identifier

PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _period(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    if not PERIOD.match(value):
        raise click.BadParameter(f"{value!r} is not a billing period YYYY-MM", param_hint=option)
    return f"{value}-01"


def _conditions(
    mart: PublicMart, period: str | None, first: str | None, last: str | None, where: tuple[str, ...]
) -> tuple[list[tuple[str, str]], list[str]]:
    """(column, operator) pairs and their bound values; refuses undocumented columns."""
    conditions: list[tuple[str, str]] = []
    values: list[str] = []
    if period or first or last:
        if not mart.has_billing_period:
            raise click.UsageError(f"{mart.name} has no billing_period column: --period/--from/--to do not apply")
        if period and (first or last):
            raise click.UsageError("use --period or --from/--to, not both")
        for bound, operator in ((period, "="), (first, ">="), (last, "<=")):
            if bound:
                conditions.append(("billing_period", f"{operator} cast(%s as date)"))
                values.append(bound)
    for item in where:
        column, separator, value = item.partition("=")
        column = column.strip()
        if not separator:
            raise click.BadParameter(f"{item!r} is not column=value", param_hint="--where")
        if column not in mart.columns:
            raise click.BadParameter(
                f"{column!r} is not a documented column of {mart.name} (columns: {', '.join(mart.columns)})",
                param_hint="--where",
            )
        conditions.append((column, "= %s"))
        values.append(value)
    return conditions, values


def export_sql(settings: Settings, mart: PublicMart, conditions: list[tuple[str, str]]) -> str:
    """The query, identifiers quoted by the engine's rules; every value is a bound parameter."""
    if settings.target == "postgres":
        where = [
            pg_sql.SQL("cast({} as text) {}").format(pg_sql.Identifier(column), pg_sql.SQL(operator))
            if operator == "= %s"
            else pg_sql.SQL("{} {}").format(pg_sql.Identifier(column), pg_sql.SQL(operator))
            for column, operator in conditions
        ]
        query = pg_sql.SQL("select {} from {}.{}").format(
            pg_sql.SQL(", ").join(pg_sql.Identifier(column) for column in mart.columns),
            pg_sql.Identifier("marts"),
            pg_sql.Identifier(mart.name),
        )
        if where:
            query = query + pg_sql.SQL(" where ") + pg_sql.SQL(" and ").join(where)
        from cloudcost.warehouse import connect

        with connect(settings) as con:
            return query.as_string(con)

    columns = ", ".join(quote_identifier(column) for column in mart.columns)
    text = f"select {columns} from marts.{quote_identifier(mart.name)}"
    parts = [
        f"cast({quote_identifier(column)} as varchar) {operator}"
        if operator == "= %s"
        else f"{quote_identifier(column)} {operator}"
        for column, operator in conditions
    ]
    return text + (" where " + " and ".join(parts) if parts else "")


@click.command("export")
@click.argument("mart_name", metavar="MART")
@click.option(
    "--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="File .csv or .parquet"
)
@click.option("--period", default=None, help="One billing period, YYYY-MM.")
@click.option("--from", "first", default=None, help="First billing period, YYYY-MM (inclusive).")
@click.option("--to", "last", default=None, help="Last billing period, YYYY-MM (inclusive).")
@click.option("--where", multiple=True, help="column=value on a documented column of the mart (repeatable).")
@target_option
def export(
    mart_name: str,
    out: Path,
    period: str | None,
    first: str | None,
    last: str | None,
    where: tuple[str, ...],
    target: str | None,
) -> None:
    """Write the public mart MART (e.g. fct_cost_daily) to --out, CSV or Parquet by its extension.

    Only the mart's documented columns are written and may be filtered on; every filter value is a bound
    parameter. Works on DuckDB and Postgres alike.
    """
    marts = public_marts()
    mart = marts.get(mart_name)
    if mart is None:
        raise click.BadParameter(f"{mart_name!r} is not a public mart (one of: {', '.join(sorted(marts))})")
    if out.suffix.lower() not in FORMATS:
        raise click.BadParameter(f"{out.name}: the extension must be .csv or .parquet", param_hint="--out")
    conditions, values = _conditions(
        mart, _period(period, "--period"), _period(first, "--from"), _period(last, "--to"), where
    )
    settings = settings_for(target)
    rows = write_query(settings, export_sql(settings, mart, conditions), values, out)
    click.echo(f"cloudcost export: {rows:,} rows of {mart.name} written to {out}")

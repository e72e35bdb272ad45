"""``cloudcost generate``: write a synthetic multi-month CUR history (see cloudcost.generator)."""

from __future__ import annotations

from pathlib import Path

import click

from .engine import DEFAULT_MONTHS, DEFAULT_ROWS, DEFAULT_START, GRANULARITIES, Options
from .engine import generate as run_generation
from .formats import FORMATS
from .timeline import parse_month

PROGRESS_FROM_ROWS = 100_000


@click.command("generate")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("sample-data"),
    show_default=True,
    help="Folder to write into (empty, or holding an earlier generation).",
)
@click.option(
    "--format",
    "flavour",
    type=click.Choice(FORMATS),
    default="cur2_parquet",
    show_default=True,
    help="CUR flavour: legacy CSV.gz (lineItem/UnblendedCost headers), legacy Parquet (Athena "
    "snake_case) or CUR 2.0 Parquet (map columns).",
)
@click.option(
    "--rows",
    type=click.IntRange(min=1),
    default=DEFAULT_ROWS,
    show_default=True,
    help="About how many line items the final deliveries hold (the company grows to match).",
)
@click.option(
    "--months",
    type=click.IntRange(min=1, max=36),
    default=DEFAULT_MONTHS,
    show_default=True,
    help="Billing periods; the last one is the open month.",
)
@click.option("--start", default=DEFAULT_START, show_default=True, help="First billing period (YYYY-MM).")
@click.option("--seed", type=int, default=42, show_default=True, help="Same seed, same files.")
@click.option(
    "--restate/--no-restate",
    default=True,
    show_default=True,
    help="Re-deliver a closed month with a late credit after its close.",
)
@click.option(
    "--month-to-date/--no-month-to-date",
    default=True,
    show_default=True,
    help="Weekly month-to-date deliveries for the last three months (the open month always gets one).",
)
@click.option(
    "--granularity",
    type=click.Choice(tuple(GRANULARITIES)),
    default="daily",
    show_default=True,
    help="Time granularity of the export.",
)
@click.option(
    "--inject-anomalies/--no-inject-anomalies",
    default=False,
    show_default=True,
    help="Add known cost anomalies (runaway, spike, new usage type, creep), listed in anomaly_labels.json; "
    "without it the history holds only the billing calendar's ordinary events.",
)
@click.option(
    "--payers",
    type=click.IntRange(min=1, max=3),
    default=1,
    show_default=True,
    help="Payer accounts: 1 = payer A (USD); 2 adds payer B (USD CUR, EUR invoice with its exchange rate); "
    "3 adds payer C (INR CUR). Extra payers' CURs go to payers/<label>/cur/, their finance files to finance/ "
    "(cur2_parquet only).",
)
@click.option(
    "--move-account/--no-move-account",
    default=False,
    show_default=True,
    help="With --payers 2 or 3: one linked account of payer A moves to payer B in the middle of the open month "
    "(its lines up to the move in A's CUR, from the move on in B's), as when an account changes organization.",
)
def generate_command(
    out: Path,
    flavour: str,
    rows: int,
    months: int,
    start: str,
    seed: int,
    restate: bool,
    month_to_date: bool,
    granularity: str,
    inject_anomalies: bool,
    payers: int,
    move_account: bool,
) -> None:
    """Generate a realistic synthetic AWS CUR history of a mid-size company, with invoices, a general ledger,
    business volumes and forecasts to go with it."""
    try:
        first = parse_month(start)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--start") from exc
    options = Options(
        out=out,
        flavour=flavour,
        rows=rows,
        months=months,
        start=first,
        seed=seed,
        restate=restate,
        month_to_date=month_to_date,
        granularity=granularity,
        inject_anomalies=inject_anomalies,
        payers=payers,
        move_account=move_account,
    )
    bar = None
    if rows >= PROGRESS_FROM_ROWS:
        from tqdm import tqdm

        bar = tqdm(total=0, unit="chunk", desc="generating", leave=False)

    def progress(done: int, total: int) -> None:
        if bar is not None:
            bar.total = total
            bar.n = done
            bar.refresh()

    try:
        result = run_generation(options, progress=progress)
    except (FileExistsError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        if bar is not None:
            bar.close()
    gen = result.generation
    latest = sorted((d for d in gen["deliveries"] if d["latest"]), key=lambda d: d["billing_period"])
    click.echo(
        f"Wrote {result.rows_written:,} line items in {len(gen['deliveries'])} deliveries "
        f"({gen['format']}, {gen['window']['first_period']}..{gen['window']['last_period']}, "
        f"open month {gen['window']['open_period']}) to {result.out} in {result.seconds:.1f} s"
    )
    for d in latest:
        click.echo(
            f"  {d['billing_period']}  {d['kind']:<13} {d['row_count']:>10,} rows  "
            f"unblended {d['totals']['unblended_cost']:>14,.2f} USD  {d['path']}"
        )
    click.echo(
        f"Finance files in {result.out / 'finance'} ({len(gen['discrepancies'])} deliberate discrepancies listed "
        f"in generation.json), their sign-offs in {result.out / 'sign_offs'} ({len(gen['sign_offs'])}; load both "
        f"with `cloudcost load-finance` for a passing close), forecasts in {result.out / 'forecasts'}."
    )
    click.echo(
        f"Deliveries are listed in {result.out / 'generation.json'}; load the latest of each period with "
        f"`cloudcost load` (cloudcost.generator.latest_deliveries)."
    )
    for label in gen.get("payers", {}):
        click.echo(
            f"Payer {label}: final CUR of each period in {result.out / 'payers' / label / 'cur'} (load it with "
            f"`cloudcost load`), invoices and ledger in {result.out / 'finance'} (*_payer_{label}.csv)."
        )


generate = generate_command

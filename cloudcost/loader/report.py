"""What a load did, per delivery, and the summary table the command prints."""

from __future__ import annotations

from dataclasses import dataclass, field

from cloudcost.loader.deliveries import ALREADY_LOADED, PlannedDelivery
from cloudcost.loader.naming import period_label


@dataclass
class LoadReport:
    target: str
    deliveries: list[PlannedDelivery] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    rows_read: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def rows_loaded(self) -> int:
        return sum(d.row_count for d in self.deliveries if d.status != ALREADY_LOADED)

    @property
    def rows_per_second(self) -> float:
        return self.rows_read / self.seconds if self.seconds > 0 else 0.0

    def summary_table(self) -> str:
        header = (
            "billing period",
            "payer",
            "currency",
            "rows",
            "Σ unblended",
            "Σ public on-demand",
            "status",
        )
        rows = [
            (
                period_label(d.billing_period),
                d.payer_account_id,
                d.currency,
                f"{d.row_count:,}",
                _money(d.total_unblended_cost),
                _money(d.total_public_on_demand_cost),
                d.status,
            )
            for d in self.deliveries
        ]
        widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=False)]
        numeric = {3, 4, 5}

        def line(cells: tuple[str, ...]) -> str:
            return "  ".join(
                cell.rjust(width) if index in numeric else cell.ljust(width)
                for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
            ).rstrip()

        rule = "  ".join("-" * width for width in widths)
        body = [line(header), rule, *(line(row) for row in rows)]
        footer = (
            f"{len(self.files)} file(s), {self.rows_read:,} line items read, {self.rows_loaded:,} written "
            f"to {self.target} in {self.seconds:.1f} s ({self.rows_per_second:,.0f} rows/s)."
        )
        return "\n".join([*self.notes, *body, footer])


def _money(amount: float | None) -> str:
    """Six decimals with thousands separators; no "-0.000000" for a sum that is zero up to float noise."""
    if amount is None:
        return ""
    return f"{round(amount, 6) + 0.0:,.6f}"

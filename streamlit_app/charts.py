"""Altair charts with labelled axes and units."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

MONEY_AXIS = alt.Axis(format="$,.0f")
PERCENT_AXIS = alt.Axis(format=".0%")


def waterfall_steps(
    start_label: str, start: float, segments: Sequence[tuple[Sequence[tuple[str, float]], str]]
) -> pd.DataFrame:
    """Bars of a waterfall: ``start`` as a total bar, then per segment its (label, amount) steps floating on
    the running sum followed by a total bar with the segment's label."""
    records = [{"step": start_label, "kind": "total", "start": 0.0, "end": start, "amount": start}]
    running = start
    for steps, total_label in segments:
        for label, amount in steps:
            kind = "increase" if amount >= 0 else "decrease"
            records.append({"step": label, "kind": kind, "start": running, "end": running + amount, "amount": amount})
            running += amount
        records.append({"step": total_label, "kind": "total", "start": 0.0, "end": running, "amount": running})
    frame = pd.DataFrame(records)
    frame["order"] = range(len(frame))
    return frame


def waterfall(frame: pd.DataFrame, currency: str) -> alt.Chart:
    symbol = "$" if currency == "USD" else f"{currency} "
    axis = MONEY_AXIS if currency == "USD" else alt.Axis(format=",.0f", title=f"{currency}")
    colors = alt.Scale(domain=["total", "decrease", "increase"], range=["#4c78a8", "#54a24b", "#e45756"])
    base = alt.Chart(frame).encode(
        x=alt.X(
            "step:N",
            sort=alt.SortField("order"),
            title=None,
            axis=alt.Axis(labelAngle=-35, labelLimit=180, labelOverlap=False),
        ),
    )
    bars = base.mark_bar().encode(
        y=alt.Y("start:Q", title=f"cost ({symbol.strip()})", axis=axis),
        y2="end:Q",
        color=alt.Color("kind:N", scale=colors, title=None, legend=alt.Legend(orient="top")),
        tooltip=[
            alt.Tooltip("step:N", title="step"),
            alt.Tooltip("amount:Q", title=f"amount ({symbol.strip()})", format=",.2f"),
            alt.Tooltip("end:Q", title=f"running total ({symbol.strip()})", format=",.2f"),
        ],
    )
    return bars.properties(height=380)


def lines(
    frame: pd.DataFrame, x: str, y: str, color: str | None, x_title: str, y_title: str, y_format: str
) -> alt.Chart:
    encoding = {
        "x": alt.X(f"{x}:T", title=x_title),
        "y": alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format=y_format)),
        "tooltip": [
            alt.Tooltip(f"{x}:T", title=x_title),
            alt.Tooltip(f"{y}:Q", title=y_title, format=y_format),
        ],
    }
    if color:
        encoding["color"] = alt.Color(f"{color}:N", title=color.replace("_", " "))
        encoding["tooltip"].insert(0, alt.Tooltip(f"{color}:N"))
    return alt.Chart(frame).mark_line(point=True).encode(**encoding).properties(height=320)


def grouped_bars(
    frame: pd.DataFrame,
    x: str,
    y: str,
    color: str,
    x_title: str,
    y_title: str,
    y_format: str,
    x_sort: Sequence[str] | None = None,
) -> alt.Chart:
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(f"{x}:N", title=x_title, sort=list(x_sort) if x_sort else "ascending", axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset(f"{color}:N"),
            y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format=y_format)),
            color=alt.Color(f"{color}:N", title=color.replace("_", " ")),
            tooltip=[
                alt.Tooltip(f"{color}:N"),
                alt.Tooltip(f"{x}:N", title=x_title),
                alt.Tooltip(f"{y}:Q", title=y_title, format=y_format),
            ],
        )
        .properties(height=320)
    )


def ranked_bars(frame: pd.DataFrame, label: str, value: str, color: str | None, value_title: str) -> alt.Chart:
    encoding = {
        "y": alt.Y(f"{label}:N", sort="-x", title=None, axis=alt.Axis(labelLimit=320)),
        "x": alt.X(f"{value}:Q", title=value_title, axis=MONEY_AXIS),
        "tooltip": [alt.Tooltip(f"{label}:N"), alt.Tooltip(f"{value}:Q", title=value_title, format="$,.2f")],
    }
    if color:
        encoding["color"] = alt.Color(f"{color}:N", title=color.replace("_", " "))
    return alt.Chart(frame).mark_bar().encode(**encoding).properties(height=max(160, 26 * len(frame)))


def fan(vintages: pd.DataFrame, actuals: pd.DataFrame, value_title: str) -> alt.Chart:
    """Each vintage's forecast line (older = lighter) with its interval band, against the actuals in black."""
    layers: list[alt.Chart] = []
    if not vintages.empty:
        scale = alt.Scale(scheme="blues")
        if {"lower", "upper"} <= set(vintages.columns) and vintages[["lower", "upper"]].notna().any().all():
            layers.append(
                alt.Chart(vintages)
                .mark_area(opacity=0.08)
                .encode(
                    x=alt.X("target_date:T", title="target date"),
                    y=alt.Y("lower:Q", title=value_title, scale=alt.Scale(zero=False), axis=alt.Axis(format=",.1f")),
                    y2="upper:Q",
                    color=alt.Color("vintage:O", scale=scale, legend=None),
                    detail="vintage:O",
                )
            )
        layers.append(
            alt.Chart(vintages)
            .mark_line(strokeWidth=1.5)
            .encode(
                x=alt.X("target_date:T", title="target date"),
                y=alt.Y("forecast:Q", title=value_title, scale=alt.Scale(zero=False), axis=alt.Axis(format=",.1f")),
                color=alt.Color("vintage:O", scale=scale, title="vintage (generated at)"),
                tooltip=[
                    alt.Tooltip("vintage:O", title="generated at"),
                    alt.Tooltip("target_date:T", title="target date"),
                    alt.Tooltip("forecast:Q", title="forecast", format=",.1f"),
                ],
            )
        )
    if not actuals.empty:
        layers.append(
            alt.Chart(actuals)
            .mark_line(color="black", strokeWidth=2.5, point=True)
            .encode(
                x=alt.X("target_date:T", title="target date"),
                y=alt.Y("actual:Q", title=value_title, scale=alt.Scale(zero=False), axis=alt.Axis(format=",.1f")),
                tooltip=[
                    alt.Tooltip("target_date:T", title="date"),
                    alt.Tooltip("actual:Q", title="actual", format=",.1f"),
                ],
            )
        )
    return alt.layer(*layers).properties(height=380)


def coverage_vs_target(frame: pd.DataFrame, x: str, coverage: str, target: str | None, title: str) -> alt.Chart:
    base = alt.Chart(frame)
    bars = base.mark_bar().encode(
        x=alt.X(f"{x}:N", title=None, sort="-y", axis=alt.Axis(labelAngle=-35, labelLimit=220, labelOverlap=False)),
        y=alt.Y(f"{coverage}:Q", title=title, axis=PERCENT_AXIS, scale=alt.Scale(domain=[0, 1])),
        tooltip=[alt.Tooltip(f"{x}:N"), alt.Tooltip(f"{coverage}:Q", title=title, format=".1%")]
        + ([alt.Tooltip(f"{target}:Q", title="target", format=".0%")] if target else []),
    )
    if not target or frame[target].isna().all():
        return bars.properties(height=320)
    ticks = base.mark_tick(color="#e45756", thickness=3, size=30).encode(
        x=alt.X(f"{x}:N", sort="-y"), y=alt.Y(f"{target}:Q")
    )
    return alt.layer(bars, ticks).properties(height=320)

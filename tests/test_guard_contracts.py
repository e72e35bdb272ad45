"""The guard's contract rule on small manifests: public model versions keep their columns and types."""

from __future__ import annotations

from datetime import date
from typing import Any

from cloudcost.guard.contracts import ContractChange, compare_contracts

COLUMNS = {"billing_period": "date", "team": "text", "amount": "double precision"}


def model(
    name: str,
    columns: dict[str, str],
    version: int | None = None,
    latest: int | None = None,
    access: str = "public",
    enforced: bool = True,
    deprecation_date: str | None = None,
    not_null: tuple[str, ...] = (),
) -> tuple[str, dict[str, Any]]:
    unique_id = f"model.cloudcost.{name}" + (f".v{version}" if version is not None else "")
    node = {
        "unique_id": unique_id,
        "resource_type": "model",
        "name": name,
        "version": version,
        "latest_version": latest,
        "access": access,
        "contract": {"enforced": enforced},
        "deprecation_date": deprecation_date,
        "original_file_path": f"models/marts/{name}.sql",
        "columns": {
            column: {
                "name": column,
                "data_type": data_type,
                "constraints": [{"type": "not_null"}] if column in not_null else [],
            }
            for column, data_type in columns.items()
        },
    }
    return unique_id, node


def manifest(*nodes: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    return {"nodes": dict(nodes)}


def breaking(changes: list[ContractChange]) -> list[str]:
    return [change.line() for change in changes if change.breaking]


def test_identical_contracts_have_no_changes() -> None:
    both = manifest(model("fct_cash_bridge", COLUMNS))
    assert compare_contracts(both, both) == []


def test_removed_column_of_unversioned_model_is_breaking() -> None:
    head_columns = {key: value for key, value in COLUMNS.items() if key != "team"}
    changes = compare_contracts(
        manifest(model("fct_cash_bridge", COLUMNS)), manifest(model("fct_cash_bridge", head_columns))
    )
    assert breaking(changes) == [
        "fct_cash_bridge (models/marts/fct_cash_bridge.sql): column `team` removed or renamed "
        "without a new model version"
    ]


def test_type_change_is_breaking_and_names_both_types() -> None:
    changes = compare_contracts(
        manifest(model("fct_cash_bridge", COLUMNS)),
        manifest(model("fct_cash_bridge", {**COLUMNS, "amount": "numeric(38,10)"})),
    )
    assert len(breaking(changes)) == 1
    assert "type changed from double precision to numeric(38,10)" in breaking(changes)[0]


def test_added_column_is_not_breaking() -> None:
    changes = compare_contracts(
        manifest(model("fct_cash_bridge", COLUMNS)), manifest(model("fct_cash_bridge", {**COLUMNS, "region": "text"}))
    )
    assert breaking(changes) == []
    assert [change.kind for change in changes] == ["column_added"]


def test_dropping_contract_enforcement_or_public_access_is_breaking() -> None:
    base = manifest(model("fct_cash_bridge", COLUMNS))
    assert breaking(compare_contracts(base, manifest(model("fct_cash_bridge", COLUMNS, enforced=False))))
    assert breaking(compare_contracts(base, manifest(model("fct_cash_bridge", COLUMNS, access="protected"))))


def test_removed_constraint_is_breaking() -> None:
    base = manifest(model("fct_cash_bridge", COLUMNS, not_null=("team",)))
    problems = breaking(compare_contracts(base, manifest(model("fct_cash_bridge", COLUMNS))))
    assert problems and "constraint not_null removed from `team`" in problems[0]


def test_editing_an_existing_version_is_breaking() -> None:
    base = manifest(model("fct_cost_daily", COLUMNS, version=1, latest=1))
    head_columns = {key: value for key, value in COLUMNS.items() if key != "amount"}
    problems = breaking(compare_contracts(base, manifest(model("fct_cost_daily", head_columns, version=1, latest=1))))
    assert problems == [
        "fct_cost_daily.v1 (models/marts/fct_cost_daily.sql): column `amount` removed or renamed "
        "without a new model version"
    ]


def test_new_version_with_the_old_one_kept_passes() -> None:
    base = manifest(model("fct_cost_daily", COLUMNS, version=1, latest=1))
    head_columns = {key: value for key, value in COLUMNS.items() if key != "amount"}
    head = manifest(
        model("fct_cost_daily", COLUMNS, version=1, latest=2),
        model("fct_cost_daily", head_columns, version=2, latest=2),
    )
    changes = compare_contracts(base, head)
    assert breaking(changes) == []
    assert {change.kind for change in changes} == {"version_added", "latest_version"}


def test_unversioned_model_becoming_versioned_keeps_its_contract_in_v1() -> None:
    base = manifest(model("fct_cash_bridge", COLUMNS))
    head_columns = {key: value for key, value in COLUMNS.items() if key != "team"}
    kept = manifest(
        model("fct_cash_bridge", COLUMNS, version=1, latest=2),
        model("fct_cash_bridge", head_columns, version=2, latest=2),
    )
    assert breaking(compare_contracts(base, kept)) == []
    lost = manifest(model("fct_cash_bridge", head_columns, version=1, latest=1))
    assert breaking(compare_contracts(base, lost))


def test_removing_a_version_needs_a_past_deprecation_date() -> None:
    head = manifest(model("fct_cost_daily", COLUMNS, version=2, latest=2))
    undeprecated = manifest(
        model("fct_cost_daily", COLUMNS, version=1, latest=2), model("fct_cost_daily", COLUMNS, version=2, latest=2)
    )
    assert breaking(compare_contracts(undeprecated, head, today=date(2026, 1, 1)))
    deprecated = manifest(
        model("fct_cost_daily", COLUMNS, version=1, latest=2, deprecation_date="2025-06-30"),
        model("fct_cost_daily", COLUMNS, version=2, latest=2),
    )
    assert breaking(compare_contracts(deprecated, head, today=date(2026, 1, 1))) == []
    assert breaking(compare_contracts(deprecated, head, today=date(2025, 1, 1)))


def test_private_models_without_contract_are_not_guarded() -> None:
    base = manifest(model("int_cost_lines", COLUMNS, access="protected", enforced=False))
    head = manifest(model("int_cost_lines", {"team": "text"}, access="protected", enforced=False))
    assert compare_contracts(base, head) == []

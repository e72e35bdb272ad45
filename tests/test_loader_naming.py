"""Column names are normalized the way AWS's Athena integration spells them."""

from __future__ import annotations

import duckdb
import pytest

from cloudcost.loader.naming import athena_name, sql_athena_name

NAMES = {
    "lineItem/UnblendedCost": "line_item_unblended_cost",
    "identity/LineItemId": "identity_line_item_id",
    "bill/BillingPeriodStartDate": "bill_billing_period_start_date",
    "reservation/ReservationARN": "reservation_reservation_a_r_n",
    "savingsPlan/SavingsPlanARN": "savings_plan_savings_plan_a_r_n",
    "pricing/publicOnDemandCost": "pricing_public_on_demand_cost",
    "product/usagetype": "product_usagetype",
    "product/regionCode": "product_region_code",
    "splitLineItem/ParentResourceId": "split_line_item_parent_resource_id",
    "resourceTags/user:Cost Center": "resource_tags_user_cost_center",
    "resourceTags/user:CostCenter": "resource_tags_user_cost_center",
    "resourceTags/aws:createdBy": "resource_tags_aws_created_by",
    "resourceTags/user:team-name": "resource_tags_user_team_name",
    "costCategory/Business Unit": "cost_category_business_unit",
    "line_item_unblended_cost": "line_item_unblended_cost",
    "user_cost_center": "user_cost_center",
}


@pytest.mark.parametrize(("original", "normalized"), sorted(NAMES.items()))
def test_athena_name(original: str, normalized: str) -> None:
    assert athena_name(original) == normalized


def test_sql_rule_matches_the_python_rule() -> None:
    con = duckdb.connect()
    for original, normalized in NAMES.items():
        assert con.execute(f"select {sql_athena_name('?')}", [original]).fetchone() == (normalized,)

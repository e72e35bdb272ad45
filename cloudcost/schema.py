"""The one raw shape every CUR flavour is loaded into.

The loader brings legacy CSV (``lineItem/UnblendedCost`` headers), legacy Parquet (Athena snake_case)
and CUR 2.0 (Data Exports, with map columns) to the table described here, so staging is written once.
Column names are AWS's own snake_case names. Money and quantities are DOUBLE (``double precision`` on
Postgres) and keep the full source precision; ids are strings; timestamps are UTC without time zone.

Map-like data is kept as JSON text (an object), on both engines:

* ``resource_tags``: resource tags, keys normalized the CUR 2.0 way (``user_cost_center``,
  ``aws_autoscaling_group_name``); empty values are dropped. When several columns normalize to one key
  (AWS tag keys are case-sensitive: ``user:Team`` and ``user:team``), each value is also kept under its
  original key, and the normalized key holds the first.
* ``cost_category``: AWS Cost Categories, name -> value.
* ``discount``: the CUR 2.0 ``discount`` map (e.g. ``{"bundled_discount": -1.2}``).
* ``product``: every product attribute that has no column of its own here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ColumnType = Literal["varchar", "double", "timestamp", "date", "json"]


@dataclass(frozen=True)
class RawColumn:
    name: str
    type: ColumnType
    required: bool = False
    description: str = ""


def _c(name: str, type_: ColumnType = "varchar", required: bool = False, description: str = "") -> RawColumn:
    return RawColumn(name, type_, required, description)


# Columns of raw_cur_line_items that come from the CUR, in table order.
CUR_COLUMNS: tuple[RawColumn, ...] = (
    # identity
    _c("identity_line_item_id", required=True),
    _c("identity_time_interval", required=True),
    # bill
    _c("bill_invoice_id"),
    _c("bill_invoicing_entity"),
    _c("bill_billing_entity"),
    _c("bill_bill_type"),
    _c("bill_payer_account_id", required=True),
    _c("bill_billing_period_start_date", "timestamp", required=True),
    _c("bill_billing_period_end_date", "timestamp"),
    # line item
    _c("line_item_usage_account_id", required=True),
    _c("line_item_line_item_type", required=True),
    _c("line_item_usage_start_date", "timestamp", required=True),
    _c("line_item_usage_end_date", "timestamp"),
    _c("line_item_product_code", required=True),
    _c("line_item_usage_type"),
    _c("line_item_operation"),
    _c("line_item_availability_zone"),
    _c("line_item_resource_id"),
    _c("line_item_usage_amount", "double"),
    _c("line_item_normalization_factor", "double"),
    _c("line_item_normalized_usage_amount", "double"),
    _c("line_item_currency_code", required=True),
    _c("line_item_unblended_rate", "double"),
    _c("line_item_unblended_cost", "double", required=True),
    _c("line_item_blended_cost", "double"),
    _c("line_item_net_unblended_cost", "double"),
    _c("line_item_line_item_description"),
    _c("line_item_tax_type"),
    _c("line_item_legal_entity"),
    # product (the attributes the models use; the rest go to the `product` JSON column)
    _c("product_product_name"),
    _c("product_servicecode"),
    _c("product_product_family"),
    _c("product_region_code"),
    _c("product_location"),
    _c("product_instance_type"),
    _c("product_instance_type_family"),
    _c("product_instance_family"),
    _c("product_operating_system"),
    _c("product_tenancy"),
    _c("product_license_model"),
    _c("product_pre_installed_sw"),
    _c("product_database_engine"),
    _c("product_deployment_option"),
    _c("product_cache_engine"),
    _c("product_volume_api_name"),
    _c("product_volume_type"),
    _c("product_storage_class"),
    _c("product_current_generation"),
    _c("product_usagetype"),
    _c("product_operation"),
    _c("product_from_location"),
    _c("product_to_location"),
    _c("product_transfer_type"),
    _c("product_normalization_size_factor"),
    # pricing
    _c("pricing_term"),
    _c("pricing_unit"),
    _c("pricing_public_on_demand_cost", "double"),
    _c("pricing_public_on_demand_rate", "double"),
    _c("pricing_purchase_option"),
    _c("pricing_lease_contract_length"),
    _c("pricing_offering_class"),
    # reservation
    _c("reservation_reservation_a_r_n"),
    _c("reservation_subscription_id"),
    _c("reservation_start_time", "timestamp"),
    _c("reservation_end_time", "timestamp"),
    _c("reservation_modification_status"),
    _c("reservation_availability_zone"),
    _c("reservation_number_of_reservations", "double"),
    _c("reservation_units_per_reservation", "double"),
    _c("reservation_total_reserved_units", "double"),
    _c("reservation_normalized_units_per_reservation", "double"),
    _c("reservation_total_reserved_normalized_units", "double"),
    _c("reservation_effective_cost", "double"),
    _c("reservation_amortized_upfront_cost_for_usage", "double"),
    _c("reservation_recurring_fee_for_usage", "double"),
    _c("reservation_amortized_upfront_fee_for_billing_period", "double"),
    _c("reservation_unused_amortized_upfront_fee_for_billing_period", "double"),
    _c("reservation_unused_recurring_fee", "double"),
    _c("reservation_unused_quantity", "double"),
    _c("reservation_unused_normalized_unit_quantity", "double"),
    _c("reservation_upfront_value", "double"),
    _c("reservation_net_effective_cost", "double"),
    _c("reservation_net_amortized_upfront_cost_for_usage", "double"),
    _c("reservation_net_recurring_fee_for_usage", "double"),
    _c("reservation_net_amortized_upfront_fee_for_billing_period", "double"),
    _c("reservation_net_unused_amortized_upfront_fee_for_billing_period", "double"),
    _c("reservation_net_unused_recurring_fee", "double"),
    _c("reservation_net_upfront_value", "double"),
    # savings plan
    _c("savings_plan_savings_plan_a_r_n"),
    _c("savings_plan_offering_type"),
    _c("savings_plan_payment_option"),
    _c("savings_plan_purchase_term"),
    _c("savings_plan_region"),
    _c("savings_plan_instance_type_family"),
    _c("savings_plan_start_time", "timestamp"),
    _c("savings_plan_end_time", "timestamp"),
    _c("savings_plan_savings_plan_rate", "double"),
    _c("savings_plan_savings_plan_effective_cost", "double"),
    _c("savings_plan_total_commitment_to_date", "double"),
    _c("savings_plan_used_commitment", "double"),
    _c("savings_plan_amortized_upfront_commitment_for_billing_period", "double"),
    _c("savings_plan_recurring_commitment_for_billing_period", "double"),
    _c("savings_plan_net_savings_plan_effective_cost", "double"),
    _c("savings_plan_net_amortized_upfront_commitment_for_billing_period", "double"),
    _c("savings_plan_net_recurring_commitment_for_billing_period", "double"),
    # split cost allocation (child rows are excluded from the layers; kept for later features)
    _c("split_line_item_parent_resource_id"),
    _c("split_line_item_split_cost", "double"),
    _c("split_line_item_unused_cost", "double"),
    # maps, as JSON text
    _c("resource_tags", "json", description="resource tags, CUR 2.0-normalized keys, empty values dropped"),
    _c("cost_category", "json", description="AWS Cost Categories"),
    _c("discount", "json", description="CUR 2.0 discount map"),
    _c("product", "json", description="product attributes without a column of their own"),
)

# Columns the loader adds to every line.
LOAD_COLUMNS: tuple[RawColumn, ...] = (
    _c("delivery_id", required=True, description="fingerprint of the delivery this line came from"),
    _c("source_file", required=True),
    _c("source_format", required=True, description="legacy_csv | legacy_parquet | cur2_csv | cur2_parquet"),
    _c("loaded_at", "timestamp", required=True),
)

RAW_LINE_ITEM_COLUMNS: tuple[RawColumn, ...] = CUR_COLUMNS + LOAD_COLUMNS

REQUIRED_CUR_COLUMNS: frozenset[str] = frozenset(c.name for c in CUR_COLUMNS if c.required)

# raw_cur_deliveries: one row per delivery (a billing period of one payer, as delivered once).
DELIVERY_COLUMNS: tuple[RawColumn, ...] = (
    _c("delivery_id", required=True, description="content fingerprint (sha256) of the delivery's files"),
    _c("billing_period", "date", required=True),
    _c("payer_account_id", required=True),
    _c("currency", required=True),
    _c("source_format", required=True),
    _c("source_files", required=True, description="JSON list of the files of the delivery"),
    _c("row_count", "double", required=True),
    _c("total_unblended_cost", "double", required=True),
    _c("total_public_on_demand_cost", "double"),
    _c("total_net_unblended_cost", "double"),
    _c("loaded_at", "timestamp", required=True),
    _c("superseded_at", "timestamp", description="when a later delivery replaced this one; NULL = current"),
)

# raw_cur_delivery_totals: each delivery's totals by invoice, account, service and line item type.
DELIVERY_TOTAL_COLUMNS: tuple[RawColumn, ...] = (
    _c("delivery_id", required=True),
    _c("billing_period", "date", required=True),
    _c("payer_account_id", required=True),
    _c("invoice_id"),
    _c("billing_entity"),
    _c("usage_account_id"),
    _c("product_code"),
    _c("line_item_type", required=True),
    _c("currency", required=True),
    _c("row_count", "double", required=True),
    _c("unblended_cost", "double", required=True),
    _c("public_on_demand_cost", "double"),
    _c("net_unblended_cost", "double"),
)

# Every line item type the models classify (DESIGN.md §3.1). Anything else is rejected at load time.
KNOWN_LINE_ITEM_TYPES: frozenset[str] = frozenset(
    {
        "Usage",
        "DiscountedUsage",
        "RIFee",
        "Fee",
        "SavingsPlanCoveredUsage",
        "SavingsPlanNegation",
        "SavingsPlanRecurringFee",
        "SavingsPlanUpfrontFee",
        "EdpDiscount",
        "PrivateRateDiscount",
        "BundledDiscount",
        "Discount",
        "RiVolumeDiscount",
        "SppDiscount",
        "DistributorDiscount",
        "Credit",
        "Refund",
        "Tax",
        "FlatRateSubscription",
    }
)

SQL_TYPES: dict[str, dict[ColumnType, str]] = {
    "duckdb": {
        "varchar": "VARCHAR",
        "double": "DOUBLE",
        "timestamp": "TIMESTAMP",
        "date": "DATE",
        "json": "VARCHAR",
    },
    "postgres": {
        "varchar": "TEXT",
        "double": "DOUBLE PRECISION",
        "timestamp": "TIMESTAMP",
        "date": "DATE",
        "json": "TEXT",
    },
}


def create_table_sql(engine: str, schema: str, table: str, columns: tuple[RawColumn, ...]) -> str:
    """CREATE TABLE IF NOT EXISTS for one raw table on one engine."""
    types = SQL_TYPES[engine]
    cols = ",\n  ".join(f"{c.name} {types[c.type]}" for c in columns)
    return f"create table if not exists {schema}.{table} (\n  {cols}\n)"

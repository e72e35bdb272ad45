"""The CUR columns the generator writes, and how each flavour names and types them.

A column is declared once by its legacy CSV header (``lineItem/UnblendedCost``). Its legacy Parquet name is
derived the way AWS's Athena integration derives it (``line_item_unblended_cost``,
``reservation_reservation_a_r_n``), which is also the internal name. CUR 2.0 uses the same snake_case
names for the columns it keeps and moves the other product attributes into the ``product`` map, tags into
``resource_tags`` and cost categories into ``cost_category`` (its column list follows AWS's Data Exports
table).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# kinds: str (text), num (double), numstr (a number AWS writes as text in Parquet), ts (timestamp)
# fill: what a line without a value holds internally before a flavour renders it: "" text, nan, zero


@dataclass(frozen=True)
class Column:
    csv: str
    kind: str = "str"
    level: str = "template"  # template (from the line's template) | line (per line) | tag | cost_category
    name: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", athena_name(self.csv))


def athena_name(csv_header: str) -> str:
    """``lineItem/UnblendedCost`` -> ``line_item_unblended_cost`` (AWS's Athena rule)."""
    category, _, attr = csv_header.partition("/")
    category = re.sub(r"([A-Z])", r"_\1", category).lower()
    attr = re.sub(r"([A-Z])", r"_\1", attr).lower().replace(":", "_")
    return re.sub(r"_+", "_", f"{category}_{attr}").strip("_")


def camel(snake: str) -> str:
    if snake == "product_name":
        return "ProductName"
    head, *rest = snake.split("_")
    return head + "".join(part.capitalize() for part in rest)


PRODUCT_ATTRIBUTES: tuple[str, ...] = (
    "product_name",
    "availability",
    "cache_engine",
    "capacitystatus",
    "clock_speed",
    "current_generation",
    "database_engine",
    "dedicated_ebs_throughput",
    "deployment_option",
    "durability",
    "ecu",
    "engine_code",
    "enhanced_networking_supported",
    "fee_code",
    "fee_description",
    "from_location",
    "from_location_type",
    "from_region_code",
    "gpu",
    "gpu_memory",
    "group",
    "group_description",
    "instance_family",
    "instance_type",
    "instance_type_family",
    "license_model",
    "location",
    "location_type",
    "max_iopsvolume",
    "max_throughputvolume",
    "memory",
    "network_performance",
    "normalization_size_factor",
    "operating_system",
    "operation",
    "physical_processor",
    "pre_installed_sw",
    "processor_features",
    "processor_architecture",
    "product_family",
    "region",
    "region_code",
    "servicecode",
    "servicename",
    "sku",
    "storage",
    "storage_class",
    "storage_media",
    "tenancy",
    "to_location",
    "to_location_type",
    "to_region_code",
    "transfer_type",
    "usagetype",
    "vcpu",
    "volume_api_name",
    "volume_type",
)

TAG_KEYS: tuple[tuple[str, str], ...] = (
    # (CUR 2.0 / internal key, legacy CSV header)
    ("aws_autoscaling_group_name", "resourceTags/aws:autoscaling:groupName"),
    ("user_cost_center", "resourceTags/user:cost_center"),
    ("user_environment", "resourceTags/user:environment"),
    ("user_host_type", "resourceTags/user:host_type"),
    ("user_name", "resourceTags/user:Name"),
    ("user_team", "resourceTags/user:team"),
)
COST_CATEGORIES: tuple[str, ...] = ("business_unit",)

_NUM_LINE = "num"

LEGACY_COLUMNS: tuple[Column, ...] = (
    Column("identity/LineItemId", level="line"),
    Column("identity/TimeInterval", level="line"),
    Column("bill/InvoiceId", level="line"),
    Column("bill/InvoicingEntity"),
    Column("bill/BillingEntity"),
    Column("bill/BillType"),
    Column("bill/PayerAccountId", level="line"),
    Column("bill/BillingPeriodStartDate", "ts", "line"),
    Column("bill/BillingPeriodEndDate", "ts", "line"),
    Column("lineItem/UsageAccountId", level="line"),
    Column("lineItem/LineItemType"),
    Column("lineItem/UsageStartDate", "ts", "line"),
    Column("lineItem/UsageEndDate", "ts", "line"),
    Column("lineItem/ProductCode"),
    Column("lineItem/UsageType"),
    Column("lineItem/Operation"),
    Column("lineItem/AvailabilityZone"),
    Column("lineItem/ResourceId", level="line"),
    Column("lineItem/UsageAmount", "num", "line"),
    Column("lineItem/NormalizationFactor", "num", "line"),
    Column("lineItem/NormalizedUsageAmount", "num", "line"),
    Column("lineItem/CurrencyCode"),
    Column("lineItem/UnblendedRate", "numstr", "line"),
    Column("lineItem/UnblendedCost", "num", "line"),
    Column("lineItem/BlendedRate", "numstr", "line"),
    Column("lineItem/BlendedCost", "num", "line"),
    Column("lineItem/LineItemDescription"),
    Column("lineItem/TaxType"),
    Column("lineItem/LegalEntity"),
    *(Column(f"product/{camel(a)}") for a in PRODUCT_ATTRIBUTES),
    Column("pricing/LeaseContractLength"),
    Column("pricing/OfferingClass"),
    Column("pricing/PurchaseOption"),
    Column("pricing/RateCode"),
    Column("pricing/RateId"),
    Column("pricing/currency"),
    Column("pricing/publicOnDemandCost", "num", "line"),
    Column("pricing/publicOnDemandRate", "numstr", "line"),
    Column("pricing/term"),
    Column("pricing/unit"),
    Column("reservation/AmortizedUpfrontCostForUsage", "num", "line"),
    Column("reservation/AmortizedUpfrontFeeForBillingPeriod", "num", "line"),
    Column("reservation/AvailabilityZone"),
    Column("reservation/EffectiveCost", "num", "line"),
    Column("reservation/EndTime"),
    Column("reservation/ModificationStatus"),
    Column("reservation/NormalizedUnitsPerReservation", "numstr", "line"),
    Column("reservation/NumberOfReservations", "numstr", "line"),
    Column("reservation/RecurringFeeForUsage", "num", "line"),
    Column("reservation/ReservationARN"),
    Column("reservation/StartTime"),
    Column("reservation/SubscriptionId"),
    Column("reservation/TotalReservedNormalizedUnits", "numstr", "line"),
    Column("reservation/TotalReservedUnits", "numstr", "line"),
    Column("reservation/UnitsPerReservation", "numstr", "line"),
    Column("reservation/UnusedAmortizedUpfrontFeeForBillingPeriod", "num", "line"),
    Column("reservation/UnusedNormalizedUnitQuantity", "num", "line"),
    Column("reservation/UnusedQuantity", "num", "line"),
    Column("reservation/UnusedRecurringFee", "num", "line"),
    Column("reservation/UpfrontValue", "num", "line"),
    Column("savingsPlan/AmortizedUpfrontCommitmentForBillingPeriod", "num", "line"),
    Column("savingsPlan/EndTime"),
    Column("savingsPlan/InstanceTypeFamily"),
    Column("savingsPlan/OfferingType"),
    Column("savingsPlan/PaymentOption"),
    Column("savingsPlan/PurchaseTerm"),
    Column("savingsPlan/RecurringCommitmentForBillingPeriod", "num", "line"),
    Column("savingsPlan/Region"),
    Column("savingsPlan/SavingsPlanARN"),
    Column("savingsPlan/SavingsPlanEffectiveCost", "num", "line"),
    Column("savingsPlan/SavingsPlanRate", "num", "line"),
    Column("savingsPlan/StartTime"),
    Column("savingsPlan/TotalCommitmentToDate", "num", "line"),
    Column("savingsPlan/UsedCommitment", "num", "line"),
    *(Column(header, level="tag") for _, header in TAG_KEYS),
    *(Column(f"costCategory/{name}", level="cost_category") for name in COST_CATEGORIES),
)

BY_NAME: dict[str, Column] = {c.name: c for c in LEGACY_COLUMNS}
TEMPLATE_COLUMNS: tuple[str, ...] = tuple(c.name for c in LEGACY_COLUMNS if c.level == "template")
NUMERIC_LINE_COLUMNS: tuple[str, ...] = tuple(
    c.name for c in LEGACY_COLUMNS if c.level == "line" and c.kind in ("num", "numstr")
)
# numbers every line has (0 when not applicable in every flavour); the others are "not applicable" (NaN)
ZERO_DEFAULT: frozenset[str] = frozenset(
    {"line_item_usage_amount", "line_item_unblended_cost", "line_item_blended_cost", "pricing_public_on_demand_cost"}
)
# numbers that AWS fills with 0.0 on every line in Parquet (reservation and Savings Plans figures)
PARQUET_ZERO_FILL: frozenset[str] = frozenset(
    n
    for n in NUMERIC_LINE_COLUMNS
    if BY_NAME[n].kind == "num"
    and (
        n.startswith("reservation_")
        or n.startswith("savings_plan_")
        or n in ("line_item_normalization_factor", "line_item_normalized_usage_amount")
    )
)
# legacy columns that appear only from a given period on (schema drift); filled in by the engine
DRIFTING: dict[str, str] = {
    "product_gpu": "gpu",
    "product_gpu_memory": "gpu",
    "resource_tags_user_cost_center": "cost_center",
}

# CUR 2.0 (Data Exports) columns, in AWS's order, with their types. Product attributes that have no column
# here go to the `product` map.
CUR2_COLUMNS: tuple[tuple[str, str], ...] = (
    ("bill_bill_type", "string"),
    ("bill_billing_entity", "string"),
    ("bill_billing_period_end_date", "timestamp"),
    ("bill_billing_period_start_date", "timestamp"),
    ("bill_invoice_id", "string"),
    ("bill_invoicing_entity", "string"),
    ("bill_payer_account_id", "string"),
    ("bill_payer_account_name", "string"),
    ("cost_category", "map"),
    ("discount", "map_double"),
    ("discount_bundled_discount", "double"),
    ("discount_total_discount", "double"),
    ("identity_line_item_id", "string"),
    ("identity_time_interval", "string"),
    ("line_item_availability_zone", "string"),
    ("line_item_blended_cost", "double"),
    ("line_item_blended_rate", "string"),
    ("line_item_currency_code", "string"),
    ("line_item_legal_entity", "string"),
    ("line_item_line_item_description", "string"),
    ("line_item_line_item_type", "string"),
    ("line_item_net_unblended_cost", "double"),
    ("line_item_net_unblended_rate", "string"),
    ("line_item_normalization_factor", "double"),
    ("line_item_normalized_usage_amount", "double"),
    ("line_item_operation", "string"),
    ("line_item_product_code", "string"),
    ("line_item_resource_id", "string"),
    ("line_item_tax_type", "string"),
    ("line_item_unblended_cost", "double"),
    ("line_item_unblended_rate", "string"),
    ("line_item_usage_account_id", "string"),
    ("line_item_usage_account_name", "string"),
    ("line_item_usage_amount", "double"),
    ("line_item_usage_end_date", "timestamp"),
    ("line_item_usage_start_date", "timestamp"),
    ("line_item_usage_type", "string"),
    ("line_item_user_identifier", "string"),
    ("pricing_currency", "string"),
    ("pricing_lease_contract_length", "string"),
    ("pricing_offering_class", "string"),
    ("pricing_public_on_demand_cost", "double"),
    ("pricing_public_on_demand_rate", "string"),
    ("pricing_purchase_option", "string"),
    ("pricing_rate_code", "string"),
    ("pricing_rate_id", "string"),
    ("pricing_term", "string"),
    ("pricing_unit", "string"),
    ("product", "map"),
    ("product_comment", "string"),
    ("product_fee_code", "string"),
    ("product_fee_description", "string"),
    ("product_from_location", "string"),
    ("product_from_location_type", "string"),
    ("product_from_region_code", "string"),
    ("product_instance_family", "string"),
    ("product_instance_type", "string"),
    ("product_instancesku", "string"),
    ("product_location", "string"),
    ("product_location_type", "string"),
    ("product_operation", "string"),
    ("product_pricing_unit", "string"),
    ("product_product_family", "string"),
    ("product_region_code", "string"),
    ("product_servicecode", "string"),
    ("product_sku", "string"),
    ("product_to_location", "string"),
    ("product_to_location_type", "string"),
    ("product_to_region_code", "string"),
    ("product_usagetype", "string"),
    ("reservation_amortized_upfront_cost_for_usage", "double"),
    ("reservation_amortized_upfront_fee_for_billing_period", "double"),
    ("reservation_availability_zone", "string"),
    ("reservation_effective_cost", "double"),
    ("reservation_end_time", "string"),
    ("reservation_modification_status", "string"),
    ("reservation_net_amortized_upfront_cost_for_usage", "double"),
    ("reservation_net_amortized_upfront_fee_for_billing_period", "double"),
    ("reservation_net_effective_cost", "double"),
    ("reservation_net_recurring_fee_for_usage", "double"),
    ("reservation_net_unused_amortized_upfront_fee_for_billing_period", "double"),
    ("reservation_net_unused_recurring_fee", "double"),
    ("reservation_net_upfront_value", "double"),
    ("reservation_normalized_units_per_reservation", "string"),
    ("reservation_number_of_reservations", "string"),
    ("reservation_recurring_fee_for_usage", "double"),
    ("reservation_reservation_a_r_n", "string"),
    ("reservation_start_time", "string"),
    ("reservation_subscription_id", "string"),
    ("reservation_total_reserved_normalized_units", "string"),
    ("reservation_total_reserved_units", "string"),
    ("reservation_units_per_reservation", "string"),
    ("reservation_unused_amortized_upfront_fee_for_billing_period", "double"),
    ("reservation_unused_normalized_unit_quantity", "double"),
    ("reservation_unused_quantity", "double"),
    ("reservation_unused_recurring_fee", "double"),
    ("reservation_upfront_value", "double"),
    ("resource_tags", "map"),
    ("savings_plan_amortized_upfront_commitment_for_billing_period", "double"),
    ("savings_plan_end_time", "string"),
    ("savings_plan_instance_type_family", "string"),
    ("savings_plan_net_amortized_upfront_commitment_for_billing_period", "double"),
    ("savings_plan_net_recurring_commitment_for_billing_period", "double"),
    ("savings_plan_net_savings_plan_effective_cost", "double"),
    ("savings_plan_offering_type", "string"),
    ("savings_plan_payment_option", "string"),
    ("savings_plan_purchase_term", "string"),
    ("savings_plan_recurring_commitment_for_billing_period", "double"),
    ("savings_plan_region", "string"),
    ("savings_plan_savings_plan_a_r_n", "string"),
    ("savings_plan_savings_plan_effective_cost", "double"),
    ("savings_plan_savings_plan_rate", "double"),
    ("savings_plan_start_time", "string"),
    ("savings_plan_total_commitment_to_date", "double"),
    ("savings_plan_used_commitment", "double"),
    ("split_line_item_actual_usage", "double"),
    ("split_line_item_net_split_cost", "double"),
    ("split_line_item_net_unused_cost", "double"),
    ("split_line_item_parent_resource_id", "string"),
    ("split_line_item_public_on_demand_split_cost", "double"),
    ("split_line_item_public_on_demand_unused_cost", "double"),
    ("split_line_item_reserved_usage", "double"),
    ("split_line_item_split_cost", "double"),
    ("split_line_item_split_usage", "double"),
    ("split_line_item_split_usage_ratio", "double"),
    ("split_line_item_unused_cost", "double"),
    ("tags", "map"),
)
CUR2_PROMOTED_PRODUCT: frozenset[str] = frozenset(
    name[len("product_") :] for name, _ in CUR2_COLUMNS if name.startswith("product_")
)

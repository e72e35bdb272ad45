with

source as (
    select * from {{ source('cur', 'raw_cur_line_items') }}
),

renamed as (
    select
        -- keys
        {{ row_key([
            'bill_payer_account_id',
            'cast(bill_billing_period_start_date as date)',
            'identity_line_item_id',
            'identity_time_interval',
        ]) }} as line_item_key,
        identity_line_item_id as line_item_id,
        identity_time_interval as time_interval,
        delivery_id,
        source_format,
        loaded_at,

        -- bill
        cast(bill_billing_period_start_date as date) as billing_period,
        cast(bill_billing_period_end_date as date) as billing_period_end,
        bill_payer_account_id as payer_account_id,
        bill_invoice_id as invoice_id,
        bill_invoicing_entity as invoicing_entity,
        bill_billing_entity as billing_entity,
        bill_bill_type as bill_type,

        -- line item
        line_item_usage_account_id as account_id,
        line_item_line_item_type as line_item_type,
        line_item_usage_start_date as usage_start_at,
        line_item_usage_end_date as usage_end_at,
        cast(line_item_usage_start_date as date) as usage_date,
        line_item_product_code as service_code,
        line_item_usage_type as usage_type,
        line_item_operation as operation,
        line_item_availability_zone as availability_zone,
        line_item_resource_id as resource_id,
        line_item_line_item_description as line_item_description,
        line_item_tax_type as tax_type,
        line_item_legal_entity as legal_entity,
        line_item_currency_code as currency,
        line_item_usage_amount as usage_amount,
        line_item_normalization_factor as normalization_factor,
        line_item_normalized_usage_amount as normalized_usage_amount,
        line_item_unblended_rate as unblended_rate,
        line_item_unblended_cost as unblended_cost,
        line_item_blended_cost as blended_cost,
        line_item_net_unblended_cost as net_unblended_cost,

        -- product
        product_product_name as product_name,
        product_servicecode as product_service_code,
        product_product_family as product_family,
        product_region_code as region,
        product_location as location,
        product_instance_type,
        {{ cur_instance_type('product_instance_type', 'line_item_usage_type') }} as instance_type,
        {{ cur_instance_family(cur_instance_type('product_instance_type', 'line_item_usage_type')) }}
            as instance_family,
        {{ cur_instance_size(cur_instance_type('product_instance_type', 'line_item_usage_type')) }}
            as instance_size,
        product_operating_system as operating_system,
        product_tenancy as tenancy,
        product_license_model as license_model,
        product_pre_installed_sw as pre_installed_software,
        product_database_engine as database_engine,
        product_deployment_option as deployment_option,
        product_cache_engine as cache_engine,
        product_volume_api_name as volume_api_name,
        product_volume_type as volume_type,
        product_storage_class as storage_class,
        product_current_generation as current_generation,
        product_from_location as from_location,
        product_to_location as to_location,
        product_transfer_type as transfer_type,

        -- pricing
        pricing_term,
        pricing_unit,
        pricing_public_on_demand_cost as public_on_demand_cost,
        pricing_public_on_demand_rate as public_on_demand_rate,
        pricing_purchase_option as purchase_option,
        pricing_lease_contract_length as lease_contract_length,
        pricing_offering_class as offering_class,

        -- reservations (RI)
        reservation_reservation_a_r_n as reservation_arn,
        reservation_subscription_id,
        reservation_start_time as reservation_start_at,
        reservation_end_time as reservation_end_at,
        reservation_modification_status,
        reservation_number_of_reservations,
        reservation_units_per_reservation,
        reservation_total_reserved_units,
        reservation_normalized_units_per_reservation,
        reservation_total_reserved_normalized_units,
        reservation_effective_cost,
        reservation_amortized_upfront_cost_for_usage,
        reservation_recurring_fee_for_usage,
        reservation_amortized_upfront_fee_for_billing_period as reservation_amortized_upfront_fee,
        reservation_unused_amortized_upfront_fee_for_billing_period as reservation_unused_amortized_upfront_fee,
        reservation_unused_recurring_fee,
        reservation_unused_quantity,
        reservation_unused_normalized_unit_quantity as reservation_unused_normalized_units,
        reservation_upfront_value,
        reservation_net_effective_cost,
        reservation_net_amortized_upfront_fee_for_billing_period as reservation_net_amortized_upfront_fee,
        reservation_net_unused_amortized_upfront_fee_for_billing_period
            as reservation_net_unused_amortized_upfront_fee,
        reservation_net_unused_recurring_fee,
        reservation_net_upfront_value,

        -- savings plans
        savings_plan_savings_plan_a_r_n as savings_plan_arn,
        savings_plan_offering_type,
        savings_plan_payment_option,
        savings_plan_purchase_term,
        savings_plan_region,
        savings_plan_instance_type_family,
        savings_plan_start_time as savings_plan_start_at,
        savings_plan_end_time as savings_plan_end_at,
        savings_plan_savings_plan_rate as savings_plan_rate,
        savings_plan_savings_plan_effective_cost as savings_plan_effective_cost,
        savings_plan_net_savings_plan_effective_cost as savings_plan_net_effective_cost,
        savings_plan_total_commitment_to_date,
        savings_plan_used_commitment,
        savings_plan_amortized_upfront_commitment_for_billing_period as savings_plan_amortized_upfront_commitment,
        savings_plan_recurring_commitment_for_billing_period as savings_plan_recurring_commitment,
        savings_plan_net_amortized_upfront_commitment_for_billing_period
            as savings_plan_net_amortized_upfront_commitment,
        savings_plan_net_recurring_commitment_for_billing_period as savings_plan_net_recurring_commitment,

        -- split cost allocation
        split_line_item_parent_resource_id as split_parent_resource_id,
        split_line_item_split_cost as split_cost,
        split_line_item_unused_cost as split_unused_cost,

        -- maps (JSON text objects)
        coalesce(resource_tags, '{}') as resource_tags,
        coalesce(cost_category, '{}') as cost_category,
        coalesce(discount, '{}') as discount,
        coalesce(product, '{}') as product_attributes,

        -- derived flags
        coalesce(line_item_usage_type like '%SpotUsage%', false) as is_spot_usage,
        coalesce(line_item_operation in ('EKSPod-EC2', 'ECSTask-EC2'), false) as is_split_cost_child
    from source
)

select * from renamed

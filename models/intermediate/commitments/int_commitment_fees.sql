{#- One row per commitment and billing period, from its fee lines: RIFee (a reservation's monthly fee) and
    SavingsPlanRecurringFee (a Savings Plan's commitment, hourly or monthly). For reservations: the reserved
    and unused xlarge-normalized units of the month (AWS's own factor units ÷ 8), the interval it was active in
    the period (cut at the end of the period's data while the month is open) and the fees; for Savings Plans:
    the commitment and the part of it used. Purchase attributes the fee lines leave
    empty are filled from the covered-usage lines of the same commitment.
    Longer than ~200 lines on purpose: reservations and Savings Plans are one set of fees for int_commitments
    and int_commitment_daily, and the model sits on the longest chain of the DAG (usage lines -> this ->
    commitments -> ... -> savings opportunities): a model per commitment type plus their union would deepen
    it. The two commitment types are the CTEs reservation_fees and savings_plan_fees. -#}

with

fee_lines as (
    select * from {{ ref('stg_cur__line_items') }}
    where
        line_item_type in ('RIFee', 'SavingsPlanRecurringFee')
        and coalesce(reservation_arn, savings_plan_arn) is not null
),

-- how far each billing period's usage goes (the end of the data of a month still open)
period_data_ends as (
    select
        billing_period,
        payer_account_id,
        max(usage_end_at) as data_end_at
    from {{ ref('int_commitment_usage_lines') }}
    group by billing_period, payer_account_id
),

size_factors as (
    select * from {{ ref('instance_size_factors') }}
),

covered_lines as (
    select * from {{ ref('int_commitment_usage_lines') }}
    where coverage_category in ('ri_covered', 'sp_covered')
),

-- purchase attributes seen on the covered-usage lines of each commitment (fee lines often leave them empty)
covered_attributes as (
    select
        coalesce(reservation_arn, savings_plan_arn) as commitment_id,
        max(availability_zone) as max_availability_zone,
        min(availability_zone) as min_availability_zone,
        max(operating_system) as operating_system,
        max(tenancy) as tenancy,
        max(license_model) as license_model,
        max(pre_installed_software) as pre_installed_software,
        max(database_engine) as database_engine,
        max(deployment_option) as deployment_option,
        max(cache_engine) as cache_engine,
        max(platform) as platform,
        max(purchase_option) as purchase_option,
        max(lease_contract_length) as lease_contract_length,
        max(offering_class) as offering_class,
        max(savings_plan_offering_type) as savings_plan_offering_type,
        count(distinct instance_type) as covered_instance_types
    from covered_lines
    group by coalesce(reservation_arn, savings_plan_arn)
),

reservation_fees as (
    select
        fee_lines.reservation_arn as commitment_id,
        'reserved_instance' as commitment_type,
        fee_lines.billing_period,
        fee_lines.billing_period_end,
        fee_lines.payer_account_id,
        fee_lines.currency,
        max(fee_lines.account_id) as account_id,
        max(fee_lines.service_code) as service_code,
        max(fee_lines.region) as region,
        max(nullif(fee_lines.availability_zone, '')) as fee_availability_zone,
        max(fee_lines.instance_type) as instance_type,
        max(fee_lines.instance_family) as instance_family,
        max(fee_lines.instance_size) as instance_size,
        max(fee_lines.usage_type) as usage_type,
        max(fee_lines.operation) as operation,
        max(fee_lines.operating_system) as fee_operating_system,
        max(fee_lines.tenancy) as fee_tenancy,
        max(fee_lines.license_model) as fee_license_model,
        max(fee_lines.database_engine) as fee_database_engine,
        max(fee_lines.deployment_option) as fee_deployment_option,
        max(fee_lines.cache_engine) as fee_cache_engine,
        max(fee_lines.purchase_option) as fee_purchase_option,
        max(fee_lines.lease_contract_length) as fee_lease_contract_length,
        max(fee_lines.offering_class) as fee_offering_class,
        cast(null as {{ dbt.type_string() }}) as savings_plan_offering_type,
        cast(null as {{ dbt.type_string() }}) as savings_plan_instance_family,
        cast(null as {{ dbt.type_string() }}) as savings_plan_region,
        max(fee_lines.reservation_subscription_id) as subscription_id,
        min(coalesce(fee_lines.reservation_start_at, fee_lines.usage_start_at)) as commitment_start_at,
        max(coalesce(fee_lines.reservation_end_at, fee_lines.billing_period_end)) as commitment_end_at,
        min(fee_lines.usage_start_at) as fee_start_at,
        max(fee_lines.usage_end_at) as fee_end_at,
        max(fee_lines.reservation_modification_status) as modification_status,
        sum(coalesce(fee_lines.reservation_number_of_reservations, 0)) as number_of_reservations,
        -- size factor of one reserved instance: the CUR's where > 0, else reserved normalized ÷ reserved hours
        max(
            case
                when fee_lines.normalization_factor > 0 then fee_lines.normalization_factor
                when
                    fee_lines.reservation_normalized_units_per_reservation > 0
                    and fee_lines.reservation_units_per_reservation > 0
                    then
                        fee_lines.reservation_normalized_units_per_reservation
                        / fee_lines.reservation_units_per_reservation
                else
                    size_factors.size_factor
                    * case
                        when
                            fee_lines.deployment_option like 'Multi-AZ%'
                            or fee_lines.usage_type like '%Multi-AZ%'
                            then 2
                        else 1
                    end
            end
        ) as size_factor,
        sum(coalesce(fee_lines.usage_amount, 0)) as reserved_instance_hours,
        sum(coalesce(fee_lines.reservation_unused_quantity, 0)) as unused_instance_hours,
        sum(fee_lines.reservation_total_reserved_normalized_units) as cur_reserved_factor_units,
        sum(fee_lines.reservation_unused_normalized_units) as cur_unused_factor_units,
        sum(coalesce(fee_lines.reservation_amortized_upfront_fee, 0)) as amortized_upfront_fee,
        sum(coalesce(fee_lines.unblended_cost, 0)) as recurring_fee,
        sum(
            coalesce(fee_lines.reservation_unused_amortized_upfront_fee, 0)
            + coalesce(fee_lines.reservation_unused_recurring_fee, 0)
        ) as unused_cost,
        max(fee_lines.reservation_upfront_value) as upfront_value,
        cast(null as double precision) as total_commitment,
        cast(null as double precision) as used_commitment
    from fee_lines
    left join size_factors
        on fee_lines.instance_size = size_factors.instance_size
    where fee_lines.line_item_type = 'RIFee' and fee_lines.reservation_arn is not null
    group by
        fee_lines.reservation_arn,
        fee_lines.billing_period,
        fee_lines.billing_period_end,
        fee_lines.payer_account_id,
        fee_lines.currency
),

savings_plan_fees as (
    select
        fee_lines.savings_plan_arn as commitment_id,
        'savings_plan' as commitment_type,
        fee_lines.billing_period,
        fee_lines.billing_period_end,
        fee_lines.payer_account_id,
        fee_lines.currency,
        max(fee_lines.account_id) as account_id,
        max(fee_lines.service_code) as service_code,
        max(coalesce(nullif(fee_lines.savings_plan_region, ''), fee_lines.region)) as region,
        cast(null as {{ dbt.type_string() }}) as fee_availability_zone,
        cast(null as {{ dbt.type_string() }}) as instance_type,
        max(nullif(fee_lines.savings_plan_instance_type_family, '')) as instance_family,
        cast(null as {{ dbt.type_string() }}) as instance_size,
        max(fee_lines.usage_type) as usage_type,
        max(fee_lines.operation) as operation,
        cast(null as {{ dbt.type_string() }}) as fee_operating_system,
        cast(null as {{ dbt.type_string() }}) as fee_tenancy,
        cast(null as {{ dbt.type_string() }}) as fee_license_model,
        cast(null as {{ dbt.type_string() }}) as fee_database_engine,
        cast(null as {{ dbt.type_string() }}) as fee_deployment_option,
        cast(null as {{ dbt.type_string() }}) as fee_cache_engine,
        max(fee_lines.savings_plan_payment_option) as fee_purchase_option,
        max(fee_lines.savings_plan_purchase_term) as fee_lease_contract_length,
        cast(null as {{ dbt.type_string() }}) as fee_offering_class,
        max(fee_lines.savings_plan_offering_type) as savings_plan_offering_type,
        max(nullif(fee_lines.savings_plan_instance_type_family, '')) as savings_plan_instance_family,
        max(nullif(fee_lines.savings_plan_region, '')) as savings_plan_region,
        cast(null as {{ dbt.type_string() }}) as subscription_id,
        min(coalesce(fee_lines.savings_plan_start_at, fee_lines.usage_start_at)) as commitment_start_at,
        max(coalesce(fee_lines.savings_plan_end_at, fee_lines.billing_period_end)) as commitment_end_at,
        min(fee_lines.usage_start_at) as fee_start_at,
        max(fee_lines.usage_end_at) as fee_end_at,
        cast(null as {{ dbt.type_string() }}) as modification_status,
        cast(null as double precision) as number_of_reservations,
        cast(null as double precision) as size_factor,
        cast(null as double precision) as reserved_instance_hours,
        cast(null as double precision) as unused_instance_hours,
        cast(null as double precision) as cur_reserved_factor_units,
        cast(null as double precision) as cur_unused_factor_units,
        sum(coalesce(fee_lines.savings_plan_amortized_upfront_commitment, 0)) as amortized_upfront_fee,
        sum(coalesce(fee_lines.savings_plan_recurring_commitment, 0)) as recurring_fee,
        sum(
            coalesce(fee_lines.savings_plan_total_commitment_to_date, 0)
            - coalesce(fee_lines.savings_plan_used_commitment, 0)
        ) as unused_cost,
        cast(null as double precision) as upfront_value,
        sum(coalesce(fee_lines.savings_plan_total_commitment_to_date, 0)) as total_commitment,
        sum(coalesce(fee_lines.savings_plan_used_commitment, 0)) as used_commitment
    from fee_lines
    where fee_lines.line_item_type = 'SavingsPlanRecurringFee' and fee_lines.savings_plan_arn is not null
    group by
        fee_lines.savings_plan_arn,
        fee_lines.billing_period,
        fee_lines.billing_period_end,
        fee_lines.payer_account_id,
        fee_lines.currency
),

all_fees as (
    select * from reservation_fees
    union all
    select * from savings_plan_fees
),

final as (
    select
        all_fees.commitment_id,
        all_fees.commitment_type,
        all_fees.billing_period,
        coalesce(
            all_fees.billing_period_end,
            cast({{ dbt.dateadd('month', 1, 'all_fees.billing_period') }} as date)
        ) as billing_period_end,
        all_fees.payer_account_id,
        all_fees.account_id,
        all_fees.currency,
        all_fees.service_code,
        all_fees.region,
        -- a reservation is zonal when its fee line or all its covered usage sits in one availability zone
        -- that the fee line names; covered usage spread over zones means a regional reservation
        all_fees.fee_availability_zone as availability_zone,
        case
            when all_fees.commitment_type = 'savings_plan' then 'savings_plan'
            when all_fees.fee_availability_zone is not null then 'availability_zone'
            else 'region'
        end as scope,
        all_fees.instance_type,
        all_fees.instance_family,
        all_fees.instance_size,
        all_fees.usage_type,
        all_fees.operation,
        coalesce(
            nullif(all_fees.fee_operating_system, ''),
            covered_attributes.operating_system,
            case
                when all_fees.commitment_type = 'reserved_instance' and all_fees.service_code = 'AmazonEC2'
                    then {{ ec2_platform_from_operation('all_fees.operation') }}
            end
        ) as operating_system,
        coalesce(
            nullif(all_fees.fee_tenancy, ''),
            covered_attributes.tenancy,
            case
                when all_fees.commitment_type = 'reserved_instance' and all_fees.service_code = 'AmazonEC2'
                    then case when all_fees.usage_type like '%Dedicated%' then 'Dedicated' else 'Shared' end
            end
        ) as tenancy,
        coalesce(nullif(all_fees.fee_license_model, ''), covered_attributes.license_model) as license_model,
        covered_attributes.pre_installed_software,
        coalesce(nullif(all_fees.fee_database_engine, ''), covered_attributes.database_engine) as database_engine,
        coalesce(nullif(all_fees.fee_deployment_option, ''), covered_attributes.deployment_option)
            as deployment_option,
        coalesce(nullif(all_fees.fee_cache_engine, ''), covered_attributes.cache_engine) as cache_engine,
        covered_attributes.platform as covered_platform,
        coalesce(nullif(all_fees.fee_purchase_option, ''), covered_attributes.purchase_option) as payment_option,
        coalesce(nullif(all_fees.fee_lease_contract_length, ''), covered_attributes.lease_contract_length)
            as term,
        coalesce(nullif(all_fees.fee_offering_class, ''), covered_attributes.offering_class) as offering_class,
        coalesce(all_fees.savings_plan_offering_type, covered_attributes.savings_plan_offering_type)
            as savings_plan_offering_type,
        all_fees.savings_plan_instance_family,
        all_fees.savings_plan_region,
        coalesce(covered_attributes.covered_instance_types, 0) as covered_instance_types,
        all_fees.subscription_id,
        all_fees.commitment_start_at,
        all_fees.commitment_end_at,
        -- the hours it was active in the billing period, up to the end of the data of that period
        greatest(all_fees.commitment_start_at, cast(all_fees.billing_period as timestamp)) as active_start_at,
        least(
            all_fees.commitment_end_at,
            cast(all_fees.billing_period_end as timestamp),
            coalesce(period_data_ends.data_end_at, cast(all_fees.billing_period_end as timestamp))
        ) as active_end_at,
        least(all_fees.commitment_end_at, cast(all_fees.billing_period_end as timestamp)) as period_active_end_at,
        coalesce(period_data_ends.data_end_at, cast(all_fees.billing_period_end as timestamp))
        >= cast(all_fees.billing_period_end as timestamp) as is_period_complete,
        all_fees.fee_start_at,
        all_fees.fee_end_at,
        all_fees.modification_status,
        all_fees.number_of_reservations,
        all_fees.size_factor,
        all_fees.number_of_reservations * all_fees.size_factor / 8 as units_per_hour,
        all_fees.reserved_instance_hours,
        all_fees.unused_instance_hours,
        -- reserved and unused xlarge-normalized units of the month (AWS's factor units are 8x these)
        case
            when all_fees.commitment_type = 'reserved_instance'
                then coalesce(
                        all_fees.cur_reserved_factor_units, all_fees.reserved_instance_hours * all_fees.size_factor
                    ) / 8
        end as reserved_units,
        case
            when all_fees.commitment_type = 'reserved_instance'
                then coalesce(
                        all_fees.cur_unused_factor_units, all_fees.unused_instance_hours * all_fees.size_factor
                    ) / 8
        end as unused_units,
        all_fees.amortized_upfront_fee,
        all_fees.recurring_fee,
        all_fees.amortized_upfront_fee + all_fees.recurring_fee as commitment_cost,
        all_fees.unused_cost,
        all_fees.upfront_value,
        all_fees.total_commitment,
        all_fees.used_commitment
    from all_fees
    left join covered_attributes
        on all_fees.commitment_id = covered_attributes.commitment_id
    left join period_data_ends
        on
            all_fees.billing_period = period_data_ends.billing_period
            and all_fees.payer_account_id = period_data_ends.payer_account_id
)

select * from final

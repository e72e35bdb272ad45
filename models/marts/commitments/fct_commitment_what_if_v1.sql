{#- What-if of each purchase recommendation (docs: what-if): one row per recommendation and candidate quantity
    (the window profile's percentiles 0, 5, …, 100 % and the recommended quantity), with the expected
    utilization, coverage and monthly savings, the marginal savings of the step from the next smaller
    quantity, and the quantity that saves most (the knee is where marginal savings turn negative). -#}

with

ri_candidates as (
    select * from {{ ref('int_commitment_ri_what_if') }}
),

sp_candidates as (
    select * from {{ ref('int_commitment_sp_what_if') }}
),

candidates as (
    select
        'reserved_instance' as commitment_type,
        payer_account_id,
        currency,
        commitment_group,
        candidate_level,
        candidate_label,
        is_recommended,
        quantity_units,
        quantity_instances,
        cast(null as double precision) as hourly_commitment,
        quantity_units as quantity_sort,
        expected_used_units,
        cast(null as double precision) as expected_covered_list_cost_per_hour,
        expected_utilization,
        expected_ri_coverage as expected_coverage,
        expected_monthly_commitment_cost,
        expected_monthly_savings
    from ri_candidates
    union all
    select
        'savings_plan' as commitment_type,
        payer_account_id,
        currency,
        '{{ var("commitment_sp_offering_type") }}' as commitment_group,
        candidate_level,
        candidate_label,
        is_recommended,
        cast(null as double precision) as quantity_units,
        cast(null as double precision) as quantity_instances,
        hourly_commitment,
        hourly_commitment as quantity_sort,
        cast(null as double precision) as expected_used_units,
        expected_covered_list_cost_per_hour,
        expected_utilization,
        expected_sp_coverage as expected_coverage,
        expected_monthly_commitment_cost,
        expected_monthly_savings
    from sp_candidates
),

ordered as (
    select
        candidates.*,
        candidates.commitment_type || '|' || candidates.payer_account_id || '|' || candidates.currency || '|'
        || candidates.commitment_group as recommendation_key,
        candidates.expected_monthly_savings - lag(candidates.expected_monthly_savings) over (
            partition by
                candidates.commitment_type, candidates.payer_account_id, candidates.currency,
                candidates.commitment_group
            order by candidates.quantity_sort
        ) as marginal_monthly_savings,
        row_number() over (
            partition by
                candidates.commitment_type, candidates.payer_account_id, candidates.currency,
                candidates.commitment_group
            order by candidates.expected_monthly_savings desc, candidates.quantity_sort asc
        ) as savings_rank
    from candidates
)

select
    {{ row_key(['recommendation_key', 'candidate_level']) }} as what_if_key,
    recommendation_key,
    commitment_type,
    payer_account_id,
    currency,
    commitment_group,
    candidate_label,
    cast(candidate_level as integer) as candidate_percentile,
    is_recommended,
    savings_rank = 1 as is_max_savings,
    cast(quantity_units as double precision) as quantity_units,
    cast(quantity_instances as double precision) as quantity_instances,
    cast(hourly_commitment as double precision) as hourly_commitment,
    cast(expected_used_units as double precision) as expected_used_units,
    cast(expected_covered_list_cost_per_hour as double precision) as expected_covered_list_cost_per_hour,
    cast(expected_utilization as double precision) as expected_utilization,
    cast(expected_coverage as double precision) as expected_coverage,
    cast(expected_monthly_commitment_cost as double precision) as expected_monthly_commitment_cost,
    cast(expected_monthly_savings as double precision) as expected_monthly_savings,
    cast(marginal_monthly_savings as double precision) as marginal_monthly_savings
from ordered

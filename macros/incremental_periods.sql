{#- Billing periods an incremental model must (re)build: those whose set of (payer, delivery) in the
    upstream relation differs from the set the model holds now. A newly loaded or restated month is
    rebuilt; untouched months are left as they are. Returns a query with one column, billing_period. -#}
{% macro billing_periods_with_new_deliveries(upstream_relation) -%}
    with

    upstream_deliveries as (
        select distinct
            billing_period,
            payer_account_id,
            delivery_id
        from {{ upstream_relation }}
    ),

    built_deliveries as (
        select distinct
            billing_period,
            payer_account_id,
            delivery_id
        from {{ this }}
    ),

    both_sides as (
        select
            billing_period,
            payer_account_id,
            delivery_id,
            1 as in_upstream,
            0 as in_built
        from upstream_deliveries
        union all
        select
            billing_period,
            payer_account_id,
            delivery_id,
            0 as in_upstream,
            1 as in_built
        from built_deliveries
    ),

    differing as (
        select billing_period
        from both_sides
        group by billing_period, payer_account_id, delivery_id
        having sum(in_upstream) = 0 or sum(in_built) = 0
    )

    select distinct billing_period from differing
{%- endmacro %}

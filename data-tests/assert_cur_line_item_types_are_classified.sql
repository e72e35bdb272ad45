{#- Backstop to the loader's check: every line item type in staging is one the models classify
    (seed cur_line_item_types). A failing row names the type and the billing period it appeared in. -#}
{{ config(store_failures=true) }}

with

staged_types as (
    select
        line_items.line_item_type,
        line_items.billing_period,
        line_items.payer_account_id,
        count(*) as line_count
    from {{ ref('stg_cur__line_items') }} as line_items
    group by
        line_items.line_item_type,
        line_items.billing_period,
        line_items.payer_account_id
),

unclassified as (
    select
        staged_types.line_item_type,
        staged_types.billing_period,
        staged_types.payer_account_id,
        staged_types.line_count
    from staged_types
    left join {{ ref('cur_line_item_types') }} as known_types
        on staged_types.line_item_type = known_types.line_item_type
    where known_types.line_item_type is null
)

select * from unclassified

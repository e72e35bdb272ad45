{#- A budget of scope showback measures a whole team's amortized cost after shared layers and support are spread:
    it cannot name a service or an account, use another cost basis or leave support out (support is spread inside
    the fee layer). Lists the budget versions that do. -#}

select
    budget_id,
    valid_from
from {{ ref('budgets') }}
where
    scope = 'showback'
    and (
        coalesce(service_code, '') <> ''
        or coalesce(account_id, '') <> ''
        or cost_basis <> 'amortized'
        or not include_support
    )

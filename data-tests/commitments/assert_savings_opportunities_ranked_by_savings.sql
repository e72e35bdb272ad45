{#- The opportunity list is stack-ranked: a better (smaller) rank never has smaller estimated monthly savings
    (at public on-demand rates; opportunities without an estimate rank last). Failing rows show the pair. -#}

with

opportunities as (
    select
        opportunity_key,
        savings_rank,
        coalesce(estimated_monthly_savings, 0) as estimated_monthly_savings
    from {{ ref('fct_savings_opportunities') }}
)

select
    better.opportunity_key,
    better.savings_rank,
    better.estimated_monthly_savings,
    worse.opportunity_key as next_opportunity_key,
    worse.estimated_monthly_savings as next_estimated_monthly_savings
from opportunities as better
inner join opportunities as worse
    on better.savings_rank + 1 = worse.savings_rank
where better.estimated_monthly_savings < worse.estimated_monthly_savings

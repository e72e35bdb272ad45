{#- The functional groups Engineering and Finance agreed on (functional_groups.csv of the company folder,
    including 'unallocated'), with the number of rules valid today that lead to each. -#}

with

functional_groups as (
    select * from {{ ref('functional_groups') }}
),

functional_group_rules as (
    select * from {{ ref('map_functional_group_rules') }}
),

current_rule_counts as (
    select
        functional_group_rules.functional_group,
        count(*) as rule_count
    from functional_group_rules
    where {{ rule_is_valid('functional_group_rules', 'cast(' ~ dbt.current_timestamp() ~ ' as date)') }}
    group by functional_group_rules.functional_group
)

select
    functional_groups.functional_group,
    functional_groups.functional_group_name,
    functional_groups.description,
    cast(coalesce(current_rule_counts.rule_count, 0) as bigint) as current_rule_count
from functional_groups
left join current_rule_counts
    on functional_groups.functional_group = current_rule_counts.functional_group

{#- Team, host type and functional group of each allocation key, per mapping scenario. The functional
    group is the first matching rule of map_functional_group_rules by rule_order (conditions on service,
    usage type, team, host type and a tag or cost category; an empty condition matches anything), else
    'unallocated'. The marts join the 'effective' scenario on allocation_key. -#}

with

allocation_keys as (
    select * from {{ ref('int_allocation_keys') }}
),

teams as (
    select * from {{ ref('int_allocation_teams') }}
),

host_types as (
    select * from {{ ref('int_allocation_host_types') }}
),

functional_group_rules as (
    select * from {{ ref('map_functional_group_rules') }}
),

keyed as (
    select
        teams.allocation_key,
        teams.mapping_scenario,
        teams.as_of_date,
        allocation_keys.billing_period,
        allocation_keys.payer_account_id,
        allocation_keys.account_id,
        allocation_keys.service_code,
        allocation_keys.usage_type,
        allocation_keys.resource_tags,
        allocation_keys.cost_category,
        teams.team,
        teams.team_source,
        teams.team_rule_id,
        host_types.host_type,
        host_types.host_type_source,
        host_types.host_type_rule_id
    from teams
    inner join allocation_keys
        on teams.allocation_key = allocation_keys.allocation_key
    inner join host_types
        on
            teams.allocation_key = host_types.allocation_key
            and teams.mapping_scenario = host_types.mapping_scenario
),

rule_candidates as (
    select
        keyed.allocation_key,
        keyed.mapping_scenario,
        functional_group_rules.rule_id,
        functional_group_rules.rule_order,
        functional_group_rules.functional_group,
        functional_group_rules.input_kind,
        functional_group_rules.input_value as expected_value,
        case
            when functional_group_rules.input_kind is not null
                then {{ rule_input_value('keyed', 'functional_group_rules') }}
        end as found_value
    from keyed
    inner join functional_group_rules
        on
            {{ rule_is_valid('functional_group_rules', 'keyed.as_of_date') }}
            and (
                functional_group_rules.service_code is null or functional_group_rules.service_code = keyed.service_code
            )
            and (
                functional_group_rules.usage_type_pattern is null
                or keyed.usage_type like functional_group_rules.usage_type_pattern
            )
            and (functional_group_rules.team is null or functional_group_rules.team = keyed.team)
            and (functional_group_rules.host_type is null or functional_group_rules.host_type = keyed.host_type)
),

rule_matches as (
    select
        allocation_key,
        mapping_scenario,
        rule_id,
        functional_group,
        row_number() over (
            partition by allocation_key, mapping_scenario
            order by rule_order, rule_id
        ) as match_rank
    from rule_candidates
    where
        input_kind is null
        or (found_value is not null and (expected_value is null or found_value = expected_value))
),

final as (
    select
        {{ row_key(['keyed.allocation_key', 'keyed.mapping_scenario']) }} as allocation_mapping_key,
        keyed.allocation_key,
        keyed.mapping_scenario,
        keyed.as_of_date,
        keyed.billing_period,
        keyed.payer_account_id,
        keyed.account_id,
        keyed.team,
        keyed.team_source,
        keyed.team_rule_id,
        keyed.host_type,
        keyed.host_type_source,
        keyed.host_type_rule_id,
        coalesce(rule_matches.functional_group, 'unallocated') as functional_group,
        rule_matches.rule_id as functional_group_rule_id
    from keyed
    left join rule_matches
        on
            keyed.allocation_key = rule_matches.allocation_key
            and keyed.mapping_scenario = rule_matches.mapping_scenario
            and rule_matches.match_rank = 1
)

select * from final

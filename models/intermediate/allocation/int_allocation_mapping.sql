{#- Team, host type and functional group of each allocation key, per mapping scenario (DESIGN: dimensions).
    Rules are effective-dated; each scenario takes them at its own date (int_allocation_scenarios).
    Team: the first matching rule of map_team_tag_rules (a resource tag or cost category, by precedence) -> the
    account's default team (map_account_teams) -> 'unallocated'.
    Host type: the first matching rule of map_host_type_rules (a resource tag such as host_type / role / the
    auto-scaling group name, or a cost category, optionally matched against a LIKE pattern) -> the instance
    family of instance usage -> the service.
    Functional group: the first matching rule of map_functional_group_rules by rule_order (conditions on
    service, usage type, team, host type and a tag or cost category; an empty condition matches anything),
    else 'unallocated'. The marts join the 'effective' scenario on allocation_key.
    Longer than ~200 lines on purpose: team, host type and functional group are three rule sets applied in
    turn to the same keys (the CTE groups team_*, host_type_*, functional_group_*); as separate models they
    put one more level on every chain that reads the mapping (cost, budgets, forecasts, anomalies). -#}

with

allocation_keys as (
    select * from {{ ref('int_allocation_keys') }}
),

scenarios as (
    select * from {{ ref('int_allocation_scenarios') }}
),

as_of as (
    {{ allocation_as_of('allocation_keys', 'scenarios') }}
),

-- teams
team_rules as (
    select * from {{ ref('map_team_tag_rules') }}
),

account_teams as (
    select * from {{ ref('map_account_teams') }}
),

team_candidates as (
    select
        as_of.allocation_key,
        as_of.mapping_scenario,
        team_rules.rule_id,
        team_rules.precedence,
        team_rules.input_kind,
        team_rules.input_value as expected_value,
        team_rules.team as rule_team,
        {{ rule_input_value('allocation_keys', 'team_rules') }} as found_value
    from as_of
    inner join allocation_keys
        on as_of.allocation_key = allocation_keys.allocation_key
    inner join team_rules
        on {{ rule_is_valid('team_rules', 'as_of.as_of_date') }}
),

team_matches as (
    select
        allocation_key,
        mapping_scenario,
        rule_id,
        input_kind,
        coalesce(rule_team, found_value) as team,
        row_number() over (
            partition by allocation_key, mapping_scenario
            order by precedence, rule_id
        ) as match_rank
    from team_candidates
    where
        found_value is not null
        and (expected_value is null or found_value = expected_value)
),

account_defaults as (
    select
        as_of.allocation_key,
        as_of.mapping_scenario,
        account_teams.team
    from as_of
    inner join allocation_keys
        on as_of.allocation_key = allocation_keys.allocation_key
    inner join account_teams
        on
            allocation_keys.account_id = account_teams.account_id
            and {{ rule_is_valid('account_teams', 'as_of.as_of_date') }}
),

teams as (
    select
        as_of.allocation_key,
        as_of.mapping_scenario,
        as_of.as_of_date,
        coalesce(team_matches.team, account_defaults.team, 'unallocated') as team,
        case
            when team_matches.team is not null then team_matches.input_kind
            when account_defaults.team is not null then 'account_default'
            else 'unallocated'
        end as team_source,
        case
            when team_matches.team is not null then team_matches.rule_id
            when account_defaults.team is not null then 'account_default'
        end as team_rule_id
    from as_of
    left join team_matches
        on
            as_of.allocation_key = team_matches.allocation_key
            and as_of.mapping_scenario = team_matches.mapping_scenario
            and team_matches.match_rank = 1
    left join account_defaults
        on
            as_of.allocation_key = account_defaults.allocation_key
            and as_of.mapping_scenario = account_defaults.mapping_scenario
),

-- host types
host_type_rules as (
    select * from {{ ref('map_host_type_rules') }}
),

host_type_candidates as (
    select
        as_of.allocation_key,
        as_of.mapping_scenario,
        host_type_rules.rule_id,
        host_type_rules.precedence,
        host_type_rules.value_pattern,
        host_type_rules.host_type as rule_host_type,
        {{ rule_input_value('allocation_keys', 'host_type_rules') }} as found_value
    from as_of
    inner join allocation_keys
        on as_of.allocation_key = allocation_keys.allocation_key
    inner join host_type_rules
        on {{ rule_is_valid('host_type_rules', 'as_of.as_of_date') }}
),

host_type_matches as (
    select
        allocation_key,
        mapping_scenario,
        rule_id,
        coalesce(rule_host_type, found_value) as host_type,
        row_number() over (
            partition by allocation_key, mapping_scenario
            order by precedence, rule_id
        ) as match_rank
    from host_type_candidates
    where
        found_value is not null
        and (value_pattern is null or found_value like value_pattern)
),

host_types as (
    select
        as_of.allocation_key,
        as_of.mapping_scenario,
        coalesce(host_type_matches.host_type, allocation_keys.usage_instance_family, allocation_keys.service_code)
            as host_type,
        case
            when host_type_matches.host_type is not null then 'rule'
            when allocation_keys.usage_instance_family is not null then 'instance_family'
            else 'service'
        end as host_type_source,
        host_type_matches.rule_id as host_type_rule_id
    from as_of
    inner join allocation_keys
        on as_of.allocation_key = allocation_keys.allocation_key
    left join host_type_matches
        on
            as_of.allocation_key = host_type_matches.allocation_key
            and as_of.mapping_scenario = host_type_matches.mapping_scenario
            and host_type_matches.match_rank = 1
),

-- functional groups
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

functional_group_candidates as (
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

functional_group_matches as (
    select
        allocation_key,
        mapping_scenario,
        rule_id,
        functional_group,
        row_number() over (
            partition by allocation_key, mapping_scenario
            order by rule_order, rule_id
        ) as match_rank
    from functional_group_candidates
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
        coalesce(functional_group_matches.functional_group, 'unallocated') as functional_group,
        functional_group_matches.rule_id as functional_group_rule_id
    from keyed
    left join functional_group_matches
        on
            keyed.allocation_key = functional_group_matches.allocation_key
            and keyed.mapping_scenario = functional_group_matches.mapping_scenario
            and functional_group_matches.match_rank = 1
)

select * from final

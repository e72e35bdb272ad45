{#- Team of each allocation key and mapping scenario (DESIGN: dimensions). Precedence: the first matching
    rule of map_team_tag_rules (a resource tag or cost category, by precedence) -> the account's default
    team (map_account_teams) -> 'unallocated'. Rules are effective-dated. -#}

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

team_rules as (
    select * from {{ ref('map_team_tag_rules') }}
),

account_teams as (
    select * from {{ ref('map_account_teams') }}
),

rule_candidates as (
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

rule_matches as (
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
    from rule_candidates
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

final as (
    select
        as_of.allocation_key,
        as_of.mapping_scenario,
        as_of.as_of_date,
        coalesce(rule_matches.team, account_defaults.team, 'unallocated') as team,
        case
            when rule_matches.team is not null then rule_matches.input_kind
            when account_defaults.team is not null then 'account_default'
            else 'unallocated'
        end as team_source,
        case
            when rule_matches.team is not null then rule_matches.rule_id
            when account_defaults.team is not null then 'account_default'
        end as team_rule_id
    from as_of
    left join rule_matches
        on
            as_of.allocation_key = rule_matches.allocation_key
            and as_of.mapping_scenario = rule_matches.mapping_scenario
            and rule_matches.match_rank = 1
    left join account_defaults
        on
            as_of.allocation_key = account_defaults.allocation_key
            and as_of.mapping_scenario = account_defaults.mapping_scenario
)

select * from final

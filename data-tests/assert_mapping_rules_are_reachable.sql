{#- Every mapping rule can match something: no earlier rule (lower precedence / rule_order) with the same or
    a wider condition is valid over the whole of its validity window. Failing rows name the seed, the
    unreachable rule and the rule that shadows it. -#}

with

team_rules as (
    select * from {{ ref('map_team_tag_rules') }}
),

host_type_rules as (
    select * from {{ ref('map_host_type_rules') }}
),

functional_group_rules as (
    select * from {{ ref('map_functional_group_rules') }}
),

shadowed_team_rules as (
    select
        'map_team_tag_rules' as seed_name,
        later_rule.rule_id as unreachable_rule_id,
        earlier_rule.rule_id as shadowing_rule_id
    from team_rules as earlier_rule
    inner join team_rules as later_rule
        on
            (
                earlier_rule.precedence < later_rule.precedence
                or (earlier_rule.precedence = later_rule.precedence and earlier_rule.rule_id < later_rule.rule_id)
            )
            and earlier_rule.input_kind = later_rule.input_kind
            and earlier_rule.input_key = later_rule.input_key
            and (earlier_rule.input_value is null or earlier_rule.input_value = later_rule.input_value)
            and {{ window_covers('earlier_rule', 'later_rule') }}
),

shadowed_host_type_rules as (
    select
        'map_host_type_rules' as seed_name,
        later_rule.rule_id as unreachable_rule_id,
        earlier_rule.rule_id as shadowing_rule_id
    from host_type_rules as earlier_rule
    inner join host_type_rules as later_rule
        on
            (
                earlier_rule.precedence < later_rule.precedence
                or (earlier_rule.precedence = later_rule.precedence and earlier_rule.rule_id < later_rule.rule_id)
            )
            and earlier_rule.input_kind = later_rule.input_kind
            and earlier_rule.input_key = later_rule.input_key
            and (earlier_rule.value_pattern is null or earlier_rule.value_pattern = later_rule.value_pattern)
            and {{ window_covers('earlier_rule', 'later_rule') }}
),

shadowed_functional_group_rules as (
    select
        'map_functional_group_rules' as seed_name,
        later_rule.rule_id as unreachable_rule_id,
        earlier_rule.rule_id as shadowing_rule_id
    from functional_group_rules as earlier_rule
    inner join functional_group_rules as later_rule
        on
            (
                earlier_rule.rule_order < later_rule.rule_order
                or (earlier_rule.rule_order = later_rule.rule_order and earlier_rule.rule_id < later_rule.rule_id)
            )
            and (earlier_rule.service_code is null or earlier_rule.service_code = later_rule.service_code)
            and (
                earlier_rule.usage_type_pattern is null
                or earlier_rule.usage_type_pattern = later_rule.usage_type_pattern
            )
            and (earlier_rule.team is null or earlier_rule.team = later_rule.team)
            and (earlier_rule.host_type is null or earlier_rule.host_type = later_rule.host_type)
            and (
                earlier_rule.input_kind is null
                or (
                    earlier_rule.input_kind = later_rule.input_kind
                    and earlier_rule.input_key = later_rule.input_key
                    and (earlier_rule.input_value is null or earlier_rule.input_value = later_rule.input_value)
                )
            )
            and {{ window_covers('earlier_rule', 'later_rule') }}
)

select * from shadowed_team_rules
union all
select * from shadowed_host_type_rules
union all
select * from shadowed_functional_group_rules

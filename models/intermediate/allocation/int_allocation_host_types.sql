{#- Host type of each allocation key and mapping scenario (DESIGN: dimensions): the first matching rule of
    map_host_type_rules (a resource tag such as host_type / role / the auto-scaling group name, or a cost
    category, optionally matched against a LIKE pattern) -> the instance family of instance usage -> the
    service. Rules are effective-dated. -#}

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

host_type_rules as (
    select * from {{ ref('map_host_type_rules') }}
),

rule_candidates as (
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

rule_matches as (
    select
        allocation_key,
        mapping_scenario,
        rule_id,
        coalesce(rule_host_type, found_value) as host_type,
        row_number() over (
            partition by allocation_key, mapping_scenario
            order by precedence, rule_id
        ) as match_rank
    from rule_candidates
    where
        found_value is not null
        and (value_pattern is null or found_value like value_pattern)
),

final as (
    select
        as_of.allocation_key,
        as_of.mapping_scenario,
        coalesce(rule_matches.host_type, allocation_keys.usage_instance_family, allocation_keys.service_code)
            as host_type,
        case
            when rule_matches.host_type is not null then 'rule'
            when allocation_keys.usage_instance_family is not null then 'instance_family'
            else 'service'
        end as host_type_source,
        rule_matches.rule_id as host_type_rule_id
    from as_of
    inner join allocation_keys
        on as_of.allocation_key = allocation_keys.allocation_key
    left join rule_matches
        on
            as_of.allocation_key = rule_matches.allocation_key
            and as_of.mapping_scenario = rule_matches.mapping_scenario
            and rule_matches.match_rank = 1
)

select * from final

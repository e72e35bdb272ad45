{#- Every host type cost lands on, with how it is decided (a mapping rule, the instance family of instance
    usage, or the service) and a description. A host type decided in several ways shows the first of
    rule, instance_family, service. -#}

with

mapped_host_types as (
    select distinct
        host_type,
        host_type_source,
        host_type_rule_id
    from {{ ref('int_allocation_mapping') }}
),

host_type_rules as (
    select * from {{ ref('map_host_type_rules') }}
),

ranked as (
    select
        mapped_host_types.host_type,
        mapped_host_types.host_type_source,
        case mapped_host_types.host_type_source
            when 'rule' then coalesce(host_type_rules.description, 'Set by a host type rule')
            when 'instance_family' then 'Instance usage of the ' || mapped_host_types.host_type || ' family'
            else 'Cost of ' || mapped_host_types.host_type || ' that is not instance usage'
        end as description,
        row_number() over (
            partition by mapped_host_types.host_type
            order by
                case mapped_host_types.host_type_source
                    when 'rule' then 1
                    when 'instance_family' then 2
                    else 3
                end,
                mapped_host_types.host_type_rule_id
        ) as source_rank
    from mapped_host_types
    left join host_type_rules
        on mapped_host_types.host_type_rule_id = host_type_rules.rule_id
)

select
    host_type,
    host_type_source,
    description
from ranked
where source_rank = 1

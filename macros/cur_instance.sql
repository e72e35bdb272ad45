{#- Instance type, family and size, from the product attribute or, when it is missing (Spot lines of older
    exports), from the usage type (`SpotUsage:c5.large`, `InstanceUsage:db.r4.large`, `NodeUsage:cache.m5.large`,
    `ESInstance:r5.large`, `Node:dc2.large`). OpenSearch's `.search` / `.elasticsearch` suffix is dropped;
    RDS `db.` and ElastiCache `cache.` prefixes are kept in the type and the family. -#}

{% macro cur_instance_type(product_instance_type, usage_type) -%}
    coalesce(
        nullif(replace(replace({{ product_instance_type }}, '.elasticsearch', ''), '.search', ''), ''),
        {{ regexp_capture(usage_type, ':((?:db\\.|cache\\.)?[a-z][a-z0-9-]*\\.[a-z0-9-]+)(?:\\.search|\\.elasticsearch)?$') }}
    )
{%- endmacro %}

{#- `db.r4.large` -> `db.r4`; `m5.large` -> `m5` -#}
{% macro cur_instance_family(instance_type) -%}
    {{ regexp_capture(instance_type, '^(.+)\\.[^.]+$') }}
{%- endmacro %}

{#- `db.r4.large` -> `large`; `c7i.metal-24xl` -> `metal-24xl` -#}
{% macro cur_instance_size(instance_type) -%}
    {{ regexp_capture(instance_type, '\\.([^.]+)$') }}
{%- endmacro %}

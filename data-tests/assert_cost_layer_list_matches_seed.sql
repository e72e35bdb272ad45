{#- The layers the models compute (macro cost_layer_names) are exactly the layers of seeds/cost_layers.csv,
    in the same order. Failing rows name the layer and where it is missing or misplaced. -#}

with

computed_layers as (
    {%- for layer in cost_layer_names() %}
        select
            '{{ layer }}' as layer,
            {{ loop.index }} as layer_order
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

seeded_layers as (
    select
        layer,
        layer_order
    from {{ ref('cost_layers') }}
),

missing_from_seed as (
    select
        computed_layers.layer,
        computed_layers.layer_order,
        'computed by the models but not in seeds/cost_layers.csv (or in another position)' as problem
    from computed_layers
    left join seeded_layers
        on
            computed_layers.layer = seeded_layers.layer
            and computed_layers.layer_order = seeded_layers.layer_order
    where seeded_layers.layer is null
),

missing_from_models as (
    select
        seeded_layers.layer,
        seeded_layers.layer_order,
        'in seeds/cost_layers.csv but not computed by the models (or in another position)' as problem
    from seeded_layers
    left join computed_layers
        on
            seeded_layers.layer = computed_layers.layer
            and seeded_layers.layer_order = computed_layers.layer_order
    where computed_layers.layer is null
)

select * from missing_from_seed
union all
select * from missing_from_models

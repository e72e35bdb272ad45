{#- What else happened around each anomaly that may explain it: commitments that started or ended, and mapping
    rules that took or lost effect, within var('anomaly_annotation_days') days of the anomaly's days. Public
    on-demand cost does not move with commitments, but the amortized impact does, and a mapping change moves
    cost between teams and host types. -#}

{%- set margin = var('anomaly_annotation_days') | int %}

with

episodes as (
    select * from {{ ref('int_anomalies__episodes') }}
),

commitments as (
    select * from {{ ref('int_commitments') }}
),

commitment_dates as (
    select
        payer_account_id,
        commitment_id,
        cast(commitment_start_at as date) as start_date,
        cast(commitment_end_at as date) as end_date
    from commitments
),

commitment_events as (
    select
        payer_account_id,
        {{ day_number('start_date') }} as event_day_number,
        'commitment start ' || commitment_id as event_note
    from commitment_dates
    where start_date is not null
    union all
    select
        payer_account_id,
        {{ day_number('end_date') }} as event_day_number,
        'commitment expiry ' || commitment_id as event_note
    from commitment_dates
    where end_date is not null
),

mapping_rules as (
    {%- for seed, id_column in [
        ('map_account_teams', 'account_id'),
        ('map_team_tag_rules', 'rule_id'),
        ('map_host_type_rules', 'rule_id'),
        ('map_functional_group_rules', 'rule_id'),
    ] %}
        select
            '{{ seed }}' as mapping_seed,
            cast({{ id_column }} as {{ dbt.type_string() }}) as rule_id,
            cast(valid_from as date) as valid_from,
            cast(valid_to as date) as valid_to
        from {{ ref(seed) }}
        {{ "union all" if not loop.last }}
    {%- endfor %}
),

mapping_events as (
    select
        {{ day_number('valid_from') }} as event_day_number,
        'mapping change ' || mapping_seed || ':' || rule_id || ' from' as event_note
    from mapping_rules
    where valid_from is not null
    union all
    select
        {{ day_number('valid_to') }} as event_day_number,
        'mapping change ' || mapping_seed || ':' || rule_id || ' ended' as event_note
    from mapping_rules
    where valid_to is not null
),

matched as (
    select
        episodes.anomaly_key,
        commitment_events.event_note
    from episodes
    inner join commitment_events
        on
            episodes.payer_account_id = commitment_events.payer_account_id
            and commitment_events.event_day_number
            between episodes.first_day_number - {{ margin }} and episodes.last_day_number + {{ margin }}
    union all
    select
        episodes.anomaly_key,
        mapping_events.event_note
    from episodes
    inner join mapping_events
        on
            mapping_events.event_day_number
            between episodes.first_day_number - {{ margin }} and episodes.last_day_number + {{ margin }}
)

select
    anomaly_key,
    {{ dbt.listagg('event_note', "'; '", 'order by event_note') }} as annotations
from matched
group by anomaly_key

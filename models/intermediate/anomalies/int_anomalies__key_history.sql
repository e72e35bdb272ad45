{{ config(
    materialized='incremental',
    unique_key='anomaly_key',
    incremental_strategy='append',
    on_schema_change='fail',
) }}

{#- Every anomaly key any build has found, with the first build that found it (dbt's run_started_at and
    invocation id). Appended to, never rebuilt: an anomaly is "new" in the build that first lists it.
    `dbt build --full-refresh` forgets the history (every open anomaly is new again). -#}

with

episodes as (
    select * from {{ ref('int_anomalies__episodes') }}
)

select
    episodes.anomaly_key,
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ dbt.type_timestamp() }}) as first_seen_at,
    cast('{{ invocation_id }}' as {{ dbt.type_string() }}) as first_seen_invocation_id
from episodes
{%- if is_incremental() %}
where episodes.anomaly_key not in (select seen.anomaly_key from {{ this }} as seen)
{%- endif %}

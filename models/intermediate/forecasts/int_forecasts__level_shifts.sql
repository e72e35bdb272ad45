{#- The last level shift of each host type inside the training window, on the deseasonalized units
    (units / weekday factor): for every day with a full week of data before it, the mean of the 7 days
    before it is compared with the mean of the days from it on (up to 7). The difference is a shift when it
    exceeds both var('forecast_shift_sigmas') (6) standard errors of the day-to-day noise and
    var('forecast_shift_min_relative') (3 %) of the level before it, with at least
    var('forecast_shift_min_days') (2) days after it. The noise is estimated robustly from the median
    absolute day-to-day change (a step is one large change among many small ones). Of the days whose
    difference counts, the last run is taken and its largest difference marks the first day of the new
    level. One row per host type; shift_day_index is the window's first day_index when there is no shift. -#}

{%- set sigmas = var('forecast_shift_sigmas', 6) | float %}
{%- set min_relative = var('forecast_shift_min_relative', 0.03) | float %}
{%- set min_days = var('forecast_shift_min_days', 2) | int %}

with

training as (
    select * from {{ ref('int_forecasts__training_window') }}
),

factors as (
    select * from {{ ref('int_forecasts__weekday_factors') }}
),

deseasonalized as (
    select
        training.host_type,
        training.day_index,
        training.normalized_units / factors.seasonal_factor as level_units
    from training
    inner join factors
        on
            training.host_type = factors.host_type
            and training.day_of_week = factors.day_of_week
    where factors.seasonal_factor > 0
),

changes as (
    select
        host_type,
        day_index,
        level_units,
        level_units - lag(level_units) over (partition by host_type order by day_index) as day_change,
        avg(level_units) over (
            partition by host_type order by day_index rows between 7 preceding and 1 preceding
        ) as mean_before,
        count(*) over (
            partition by host_type order by day_index rows between 7 preceding and 1 preceding
        ) as days_before,
        avg(level_units) over (
            partition by host_type order by day_index rows between current row and 6 following
        ) as mean_after,
        count(*) over (
            partition by host_type order by day_index rows between current row and 6 following
        ) as days_after
    from deseasonalized
),

noise as (
    select
        host_type,
        min(day_index) as first_day_index,
        -- robust standard deviation of one day's level: 1.4826 × median |change| / √2
        {{ stable_round('1.4826 * ' ~ percentile_of('abs(day_change)', 0.5) ~ ' / sqrt(2)', 6) }} as level_sigma
    from changes
    group by host_type
),

shift_sizes as (
    -- sizes and thresholds rounded (stable_round) before they are compared or ranked: near-ties of floating
    -- values must order the same way on every engine
    select
        changes.host_type,
        changes.day_index,
        changes.days_before,
        changes.days_after,
        {{ stable_round('abs(changes.mean_after - changes.mean_before)', 6) }} as shift_size,
        {{ stable_round(
            sigmas ~ ' * coalesce(noise.level_sigma, 0) * sqrt(1.0 / 7 + 1.0 / changes.days_after)', 6
        ) }} as noise_threshold,
        {{ stable_round(min_relative ~ ' * abs(changes.mean_before)', 6) }} as relative_threshold
    from changes
    inner join noise
        on changes.host_type = noise.host_type
    where changes.days_before = 7 and changes.days_after >= {{ min_days }}
),

candidates as (
    select
        host_type,
        day_index,
        shift_size
    from shift_sizes
    where shift_size > noise_threshold and shift_size > relative_threshold
),

last_candidates as (
    select
        host_type,
        max(day_index) as last_candidate_day_index
    from candidates
    group by host_type
),

ranked as (
    select
        candidates.host_type,
        candidates.day_index,
        row_number() over (
            partition by candidates.host_type order by candidates.shift_size desc, candidates.day_index desc
        ) as shift_rank
    from candidates
    inner join last_candidates
        on candidates.host_type = last_candidates.host_type
    where candidates.day_index >= last_candidates.last_candidate_day_index - 6
)

select
    noise.host_type,
    coalesce(ranked.day_index, noise.first_day_index) as shift_day_index,
    ranked.day_index is not null as has_level_shift,
    coalesce(noise.level_sigma, 0) as level_sigma
from noise
left join ranked
    on
        noise.host_type = ranked.host_type
        and ranked.shift_rank = 1

{#- Every team cost can land on: the teams of teams.csv of the company folder, teams named by mapping rules,
    and teams named by tag values (which teams.csv may not list yet), plus 'unallocated'. -#}

with

listed_teams as (
    select * from {{ ref('teams') }}
),

named_teams as (
    select team from listed_teams
    union
    select team from {{ ref('map_account_teams') }}
    union
    select team from {{ ref('map_team_tag_rules') }}
    where team is not null
    union
    select team from {{ ref('int_allocation_mapping') }}
    union
    select 'unallocated' as team
)

select
    named_teams.team,
    coalesce(listed_teams.team_name, named_teams.team) as team_name,
    coalesce(
        listed_teams.description,
        'Named by a tag value; describe it in teams.csv of the company folder'
    ) as description,
    listed_teams.team is not null as is_listed,
    named_teams.team = 'unallocated' as is_unallocated
from named_teams
left join listed_teams
    on named_teams.team = listed_teams.team

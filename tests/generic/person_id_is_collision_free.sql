{#- The compact person_id (60 bits of person_key) must name one person only: a row here is a person_id that two
    pseudonyms share, which would merge two persons in every fact. `model` is the person table (with _written_at),
    `roster` the key-group roster, which a run rebuilds whole.

    After the test has passed once, it checks the person_ids of the model's rows written since, and every person_id
    of the roster, each against every row of both (macros/checked_through.sql says why that misses no collision):
    grouping all 2 M persons' pseudonyms took about 1 s of a nightly's thread time at 2 M persons. With no pass
    recorded, or a quarter of the model written since, every person_id is checked.

    A null person_id shared by many pseudonyms means a warehouse built before person_id existed: its incremental
    models kept their old rows; run `yibao build --full-refresh` once. -#}
{% test person_id_is_collision_free(model, roster) %}
{%- set since = yibao.checked_through_unless_most_written(
    model, yibao.checked_columns('person_id_is_collision_free', {})) %}
with keys as (
    select
        person_id,
        person_key
    from {{ model }}
    union all
    select
        person_id,
        person_key
    from {{ roster }}
)
{%- if since is not none %},

-- the person_ids written since the last pass, at {{ since }}, and the roster's
in_scope as (
    select person_id from {{ model }}
    where _written_at > {{ yibao.timestamp_literal(since) }}
    union
    select person_id from {{ roster }}
)
{%- endif %}

select
    person_id,
    count(distinct person_key) as persons
from keys
{%- if since is not none %}
where person_id in (select in_scope.person_id from in_scope)
{%- endif %}
group by person_id
having count(distinct person_key) > 1
{% endtest %}

-- Every person number of the persons this run judges again (int_scope__persons), and the numbers of
-- int_scope__numbers: the entity keys of the person-level DQ rules that can change.
{{ config(materialized='table') }}


-- a --full-refresh run judges everything, and no model reads the scope: it is left empty
select *
from (
    select numbers.psn_no
    from {{ ref('int_person__numbers') }} as numbers
    where numbers.person_id in (select person_id from {{ ref('int_scope__persons') }})
    union
    select psn_no from {{ ref('int_scope__numbers') }}
) as scope
where {{ scope_filled() }}

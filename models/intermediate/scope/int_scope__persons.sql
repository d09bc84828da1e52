-- Persons (person_id) this run judges again: every person a number of int_scope__numbers is under now or was under
-- in an earlier version of its person record (a corrected ID number moves a number to another person, and the person
-- it left can lose an exception or a number), and the number itself as a person, for a psn_no without a person record.
{{ config(materialized='table') }}


-- a --full-refresh run judges everything, and no model reads the scope: it is left empty
select *
from (
    select versions.person_id
    from {{ ref('stg_psn_info__versions') }} as versions
    where versions.psn_no in (select psn_no from {{ ref('int_scope__numbers') }})
    union
    select {{ person_id(person_key('null', 'psn_no')) }} as person_id
    from {{ ref('int_scope__numbers') }}
) as scope
where {{ scope_filled() }}

-- Persons whose settlements this run judges again (本次涉及结算的人员), for the benefit audit, whose annual cap runs over
-- each person's settlements of the year: the person every version of a settlement of int_scope__settlements is or was
-- under (a number re-resolved to another person, a row re-sent under another number), and a number without a person
-- record as its own person.
{{ config(materialized='table') }}


-- a --full-refresh run judges everything, and no model reads the scope: it is left empty
select *
from (
    with numbers as (
        select distinct versions.psn_no
        from {{ ref('stg_setl__versions') }} as versions
        where versions.setl_id in (select setl_id from {{ ref('int_scope__settlements') }})
    )

    select versions.person_id
    from {{ ref('stg_psn_info__versions') }} as versions
    where versions.psn_no in (select psn_no from numbers)
    union
    select {{ person_id(person_key('null', 'psn_no')) }} as person_id
    from numbers
) as scope
where {{ scope_filled() }}

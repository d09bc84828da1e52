-- Enrollment records (psn_insu_rlts_id) this run judges again (本次涉及的参保记录): every record that is or was under a
-- number of int_scope__numbers - those loaded since the last complete run, and those of a number whose person record
-- or cards were (a person record can change the records' person_id).
{{ config(materialized='table') }}


-- a --full-refresh run judges everything, and no model reads the scope: it is left empty
select *
from (
    select distinct psn_insu_rlts_id
    from {{ ref('stg_psn_insu__versions') }}
    where psn_no in (select psn_no from {{ ref('int_scope__numbers') }})
) as scope
where {{ scope_filled() }}

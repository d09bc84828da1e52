-- One row per person number (psn_no) in psn_info, with its person (person_id, the pseudonym of certno) and that
-- person's smallest psn_no: the entity key of the person-level rules (DESIGN §6), whichever number a row came under.
-- Incremental (delete+insert on psn_no): a run takes again every number of the persons of int_scope__persons (whose
-- person records were loaded since the last complete run, now or before a corrected ID number moved one of their
-- numbers), so a person who lost a number gets its count and smallest number again. Numbers are never taken away,
-- so no row needs removing.
{{ config(**yibao.incremental_config('psn_no')) }}
-- depends_on: {{ ref('int_scope__persons') }} (the scope, read by an incremental run only)

with persons as (
    select
        psn_no,
        person_id,
        certno_masked
    from {{ ref('stg_psn_info') }}
    {%- if is_incremental() %}
    where person_id in (select person_id from {{ ref('int_scope__persons') }})
    {%- endif %}
)

select
    psn_no,
    person_id,
    certno_masked,
    min(psn_no) over (partition by person_id) as first_psn_no,
    count(*) over (partition by person_id) as numbers_of_person
from persons

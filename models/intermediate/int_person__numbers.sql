-- One row per person number (psn_no) in psn_info, with its person (person_id, the pseudonym of certno) and that
-- person's smallest psn_no: the entity key of the person-level rules (DESIGN §6), whichever number a row came under.
with persons as (
    select
        psn_no,
        person_id,
        certno_masked
    from {{ ref('stg_psn_info') }}
)

select
    psn_no,
    person_id,
    certno_masked,
    min(psn_no) over (partition by person_id) as first_psn_no,
    count(*) over (partition by person_id) as numbers_of_person
from persons

-- One row per key-group roster line (重点人群名册), pseudonymised: person_id and masked ID only.
with roster as (
    select * from {{ ref('stg_kpop_roster') }}
),

identities as (
    select
        psn_idet_type,
        psn_idet_type_name_zh
    from {{ ref('psn_idet_type') }}
)

select
    roster.roster_id,
    roster.person_id,
    roster.certno_masked,
    roster.psn_idet_type,
    identities.psn_idet_type_name_zh,
    roster.admdvs,
    roster.begndate,
    roster.enddate,
    roster.src_dept,
    roster._delivery_date
from roster
left join identities
    on roster.psn_idet_type = identities.psn_idet_type

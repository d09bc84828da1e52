-- grain: one person (person_id) whose person record now says deceased (surv_stas 2)
-- died_known_on is the update date of the first delivered version that said so; the person counts nowhere from the
-- month after (DESIGN §4 Person and county), so counted_through is the last day of that month. A record corrected
-- back to alive leaves this model, and the person counts again.
{{ config(materialized='table') }}

with deceased_now as (
    select distinct person_id from {{ ref('stg_psn_info') }}
    where surv_stas = '2'
)

select
    versions.person_id,
    min(versions.psn_no) as psn_no,
    cast(min(versions.updt_time) as date) as died_known_on,
    cast({{ dbt.last_day('cast(min(versions.updt_time) as date)', 'month') }} as date) as counted_through
from {{ ref('stg_psn_info__versions') }} as versions
inner join deceased_now
    on versions.person_id = deceased_now.person_id
where versions.surv_stas = '2'
group by versions.person_id

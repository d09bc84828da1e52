-- One row per person version (person_key x valid_from): SCD2 from the snapshot snp_person
-- (on Spark with plain Parquet: the current version only; see macros/person_versions.sql).
-- No certno or name; age band is taken on the as-of date from the birth year.
-- A view: no mart or dashboard reads it, and a table copy of 2 M versions cost 1.8 s a night and 3.5 s of a full
-- build at 2 M persons (docs/PERFORMANCE.md); a reader gets the snapshot's versions as they stand.
{{ config(materialized='view') }}
with versions as (
    {{ yibao.person_versions() }}
),

as_of as (
    select max(as_of_date) as as_of_date from {{ ref('int_calendar__months') }}
)

select
    versions.person_key,
    versions.person_id,
    versions.dbt_valid_from as valid_from,
    versions.dbt_valid_to as valid_to,
    versions.dbt_valid_to is null as is_current,
    versions.gend,
    versions.birth_year,
    case
        when extract(year from as_of.as_of_date) - versions.birth_year < 18 then '0-17'
        when extract(year from as_of.as_of_date) - versions.birth_year < 45 then '18-44'
        when extract(year from as_of.as_of_date) - versions.birth_year < 60 then '45-59'
        when extract(year from as_of.as_of_date) - versions.birth_year < 75 then '60-74'
        else '75+'
    end as age_band,
    versions.hsreg_admdvs,
    versions.surv_stas,
    versions.insutype,
    versions.insu_admdvs,
    versions.psn_type,
    versions.psn_class,
    versions.is_key_group,
    versions.is_dibao,
    versions.is_tekun,
    versions.is_monitored,
    versions.is_orphan,
    versions.is_disabled,
    versions.is_veteran
from versions
cross join as_of

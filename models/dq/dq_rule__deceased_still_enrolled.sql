-- The dead still on the books (死亡人员仍参保): a person whose record says deceased (int_person__deaths) with an
-- enrollment still covering a day after the month the death became known (entity psn_no), or a contribution that
-- arrived or a valid settlement made after that month (entity clct_id or setl_id). Reversals are left out: they undo.
-- Rebuilt whole each run: the deceased are few, and the facts are read only for them.
{{ config(materialized='table') }}

with deaths as (
    select
        person_id,
        died_known_on,
        counted_through,
        cast({{ dbt.dateadd('day', 1, 'counted_through') }} as date) as first_day_after
    from {{ ref('int_person__deaths') }}
),

open_enrollments as (
    select
        spans.insu_admdvs as admdvs,
        spans.psn_no as entity_key,
        spans.psn_no,
        min({{ dbt.concat([
            "'死亡已登记（'", "cast(deaths.died_known_on as " ~ dbt.type_string() ~ ")",
            "'），参保记录 '", "spans.psn_insu_rlts_id", "' 仍有效'"
        ]) }}) as detail
    from {{ ref('fct_enrollment_span') }} as spans
    inner join deaths
        on spans.person_id = deaths.person_id
    where spans.span_end is null or spans.span_end > deaths.first_day_after
    group by spans.insu_admdvs, spans.psn_no
),

contributions_after as (
    select
        contributions.insu_admdvs as admdvs,
        contributions.clct_id as entity_key,
        contributions.psn_no,
        {{ dbt.concat([
            "'死亡已登记（'", "cast(deaths.died_known_on as " ~ dbt.type_string() ~ ")",
            "'）后到账缴费：'", "cast(contributions.arvl_date as " ~ dbt.type_string() ~ ")"
        ]) }} as detail
    from {{ ref('fct_contribution') }} as contributions
    inner join deaths
        on contributions.person_id = deaths.person_id
    where not contributions.is_reversal
        and contributions.arvl_date >= deaths.first_day_after
),

settlements_after as (
    select
        settlements.insu_admdvs as admdvs,
        settlements.setl_id as entity_key,
        settlements.psn_no,
        {{ dbt.concat([
            "'死亡已登记（'", "cast(deaths.died_known_on as " ~ dbt.type_string() ~ ")",
            "'）后结算：'", "cast(settlements.setl_date as " ~ dbt.type_string() ~ ")"
        ]) }} as detail
    from {{ ref('fct_settlement') }} as settlements
    inner join deaths
        on settlements.person_id = deaths.person_id
    where settlements.is_valid
        and not settlements.is_reversal
        and settlements.setl_date >= deaths.first_day_after
),

found as (
    select * from open_enrollments
    union all
    select * from contributions_after
    union all
    select * from settlements_after
),

counties as (
    select admdvs from {{ ref('dim_region') }}
    where region_level = 'county'
)

-- money booked to a code of no county of the pool (a ledger_outside_pool row too) goes to the person's home county,
-- as ledger_outside_pool's does; int_dq__exceptions gives what is left to the unattributed region
select
    'deceased_still_enrolled' as rule_id,
    coalesce(counties.admdvs, home.admdvs) as admdvs,
    found.entity_key,
    found.detail,
    persons.certno_masked
from found
left join counties
    on found.admdvs = counties.admdvs
left join {{ ref('int_person__home_county') }} as home
    on found.psn_no = home.psn_no
left join {{ ref('stg_psn_info') }} as persons
    on found.psn_no = persons.psn_no

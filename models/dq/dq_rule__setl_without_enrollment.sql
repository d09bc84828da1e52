-- A settlement on a day the person had no active enrollment in that scheme. Judged on valid originals,
-- on the day of setl_time; maternity (510) needs a covering 310 enrollment (DESIGN §6).
with settlements as (
    select
        setl_id,
        psn_no,
        insutype,
        insu_admdvs,
        setl_date,
        case when insutype = '510' then '310' else insutype end as needed_insutype
    from {{ ref('fct_settlement') }}
    where is_valid and not is_reversal and insutype in ('310', '390', '510')
),

covered as (
    select distinct settlements.setl_id
    from settlements
    inner join {{ ref('fct_enrollment_span') }} as spans
        on settlements.psn_no = spans.psn_no
            and settlements.needed_insutype = spans.insutype
            and settlements.setl_date >= spans.span_start
            and (spans.span_end is null or settlements.setl_date < spans.span_end)
)

select
    'setl_without_enrollment' as rule_id,
    settlements.insu_admdvs as admdvs,
    settlements.setl_id as entity_key,
    {{ dbt.concat(["'结算日无有效 '", "settlements.needed_insutype", "' 参保：'", "cast(settlements.setl_date as " ~ dbt.type_string() ~ ")"]) }} as detail,
    persons.certno_masked
from settlements
left join covered
    on settlements.setl_id = covered.setl_id
left join {{ ref('stg_psn_info') }} as persons
    on settlements.psn_no = persons.psn_no
where covered.setl_id is null

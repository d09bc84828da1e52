-- The year's figures as the warehouse stood when the year closed (决算), one row per accounting unit x pooled fund x
-- year: recorded by the first build on or after the city's closing date and kept, so a later delivery that changes a
-- closed year shows as a restatement on rpt_fund_annual_settlement, never silently (DESIGN §4 Closing).
-- History, like dq_exception_first_seen: a run adds the closed years not yet recorded. A --full-refresh records
-- every closed year anew, as it stands then.
{{ config(**yibao.incremental_config(['admdvs', 'fund_type', 'year'], on_parquet='append')) }}

select
    facts.admdvs,
    facts.fund_type,
    facts.year,
    facts.income,
    facts.expenditure,
    cast(facts.income - facts.expenditure as decimal(18, 2)) as current_result,
    facts.as_of_date as closed_on
from {{ ref('int_fund__unit_years') }} as facts
{% if is_incremental() %}
left join {{ this }} as recorded
    on facts.admdvs = recorded.admdvs
   and facts.fund_type = recorded.fund_type
   and facts.year = recorded.year
{% endif %}
where facts.is_over
    and facts.is_covered
    and facts.as_of_date >= facts.closing_date
{% if is_incremental() %}
    and recorded.admdvs is null
{% endif %}

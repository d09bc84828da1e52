-- A settlement on a day the person had no active enrollment in that scheme. Judged on valid originals,
-- on the day of setl_time; maternity (510) needs a covering 310 enrollment (DESIGN §6).
-- Incremental: a run judges again the settlements of int_scope__settlements, which holds every settlement of a psn_no
-- whose enrollment records or person record were loaded since the last complete run; the others' exceptions are kept.
{{ config(**yibao.dq_rule_incremental_config("select setl_id from {{ ref('int_scope__settlements') }}")) }}
-- depends_on: {{ ref('int_scope__settlements') }} (the scope, read by an incremental run only)

-- the settlements judged: all of them in a full build, those in scope in an incremental run
with judged as (
    select
        setl_id,
        psn_no,
        insutype,
        insu_admdvs,
        setl_date,
        case when insutype = '510' then '310' else insutype end as needed_insutype,
        is_valid,
        is_reversal
    from {{ ref('fct_settlement') }}
    {%- if is_incremental() %}
    where setl_id in (select setl_id from {{ ref('int_scope__settlements') }})
    {%- endif %}
),

settlements as (
    select
        setl_id,
        psn_no,
        insutype,
        insu_admdvs,
        setl_date,
        needed_insutype
    from judged
    where is_valid and not is_reversal and insutype in ('310', '390', '510')
),

-- the judged settlements no span covers: a left join kept where nothing matched, which engines run as one anti
-- join (a matched span has psn_no = the settlement's, so not null). Finding the covered ones first and then the
-- rest took 5.5 s over 11.3 M settlements at 2 M persons, this 1.9 s (docs/PERFORMANCE.md).
uncovered as (
    select settlements.*
    from settlements
    left join {{ ref('fct_enrollment_span') }} as spans
        on settlements.psn_no = spans.psn_no
            and settlements.needed_insutype = spans.insutype
            and settlements.setl_date >= spans.span_start
            and (spans.span_end is null or settlements.setl_date < spans.span_end)
    where spans.psn_no is null
),

exceptions as (
    select
        'setl_without_enrollment' as rule_id,
        uncovered.insu_admdvs as admdvs,
        uncovered.setl_id as entity_key,
        {{ dbt.concat(["'结算日无有效 '", "uncovered.needed_insutype", "' 参保：'", "cast(uncovered.setl_date as " ~ dbt.type_string() ~ ")"]) }} as detail,
        persons.certno_masked
    from uncovered
    left join {{ ref('stg_psn_info') }} as persons
        on uncovered.psn_no = persons.psn_no
)

select * from exceptions

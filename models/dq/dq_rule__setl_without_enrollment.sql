-- A settlement on a day the person had no active enrollment in that scheme. Judged on valid originals,
-- on the day of setl_time; maternity (510) needs a covering 310 enrollment (DESIGN §6).
-- Incremental (replace_scope on entity_key = setl_id): a nightly run judges again the settlements loaded since the
-- last run, and every settlement of a psn_no whose enrollment records or person record were loaded since; the
-- exceptions of all other settlements are kept.
{{ config(**yibao.dq_rule_incremental_config(['fct_settlement', 'stg_psn_info'], raw_sources=['psn_insu'])) }}

with
{%- if is_incremental() %}
touched_persons as (
    {{ yibao.dq_touched_persons() }}
),

{%- endif %}

-- the settlements judged: all of them in a full build; in an incremental run, read once for the rows and for the
-- scope (a second pass over the fact costs seconds)
judged as {{ yibao.materialized() if is_incremental() }} (
    select
        setl_id,
        psn_no,
        insutype,
        insu_admdvs,
        setl_date,
        case when insutype = '510' then '310' else insutype end as needed_insutype,
        is_valid,
        is_reversal
    {%- if is_incremental() %}
    from (
        {{ yibao.rows_where(ref('fct_settlement'), "_loaded_at > " ~ yibao.loaded_through() ~ "
            or psn_no in (select psn_no from touched_persons)") }}
    ) as touched_settlements
    {%- else %}
    from {{ ref('fct_settlement') }}
    {%- endif %}
),
{%- if is_incremental() %}

scope as (
    select setl_id as entity_key from judged
),
{%- endif %}

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

covered as (
    select distinct settlements.setl_id
    from settlements
    inner join {{ ref('fct_enrollment_span') }} as spans
        on settlements.psn_no = spans.psn_no
            and settlements.needed_insutype = spans.insutype
            and settlements.setl_date >= spans.span_start
            and (spans.span_end is null or settlements.setl_date < spans.span_end)
),

exceptions as (
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
)

select * from exceptions
{{ yibao.dq_rule_scope_rows() }}

-- Resident ID numbers (psn_cert_type 01) that break GB 11643-1999: length, shape, check character,
-- birth date (must equal brdy) or gender digit (odd = male, must match gend).
-- Incremental: a run judges the numbers of int_scope__numbers, whose person record, cards or enrollment records (their
-- home county) were loaded since the last complete run; the others' exceptions are kept.
{{ config(**yibao.dq_rule_incremental_config("select psn_no from {{ ref('int_scope__numbers') }}")) }}
-- depends_on: {{ ref('int_scope__numbers') }} (the scope, read by an incremental run only)

with persons as (
    select
        persons.psn_no,
        persons.certno,
        persons.certno_masked,
        persons.brdy,
        persons.gend{% if is_incremental() %},
        scope.psn_no as judged_psn_no{% endif %}
    from {{ ref('stg_psn_info') }} as persons
    {%- if is_incremental() %}
    inner join {{ ref('int_scope__numbers') }} as scope
        on persons.psn_no = scope.psn_no
    {%- endif %}
    where persons.psn_cert_type = '01'
),

-- In a nightly the check opens on a column of the touched persons (in a full build, on false), so that DuckDB
-- checks only their ID numbers: otherwise it moves the check below the join with scope and runs it on every person
-- (1.4 s of CPU at 2 M persons).
checked as (
    select
        psn_no,
        certno_masked,
        case
            when {{ 'judged_psn_no is null' if is_incremental() else 'false' }} then null
            when certno is null or {{ dbt.length('certno') }} <> 18
                then {{ dbt.concat(["'长度为 '", "cast(coalesce(" ~ dbt.length('certno') ~ ", 0) as " ~ dbt.type_string() ~ ")", "' 位，应为18位'"]) }}
            when not {{ regex_full_match('certno', '[0-9]{17}[0-9X]') }}
                then '不是17位数字加1位校验码'
            when {{ gb11643_check_char('certno') }} <> substr(certno, 18, 1)
                then '校验码错误'
            when substr(certno, 7, 8) <> {{ yyyymmdd('brdy') }}
                then '出生日期与身份证号不一致'
            when gend in ('1', '2')
                and (cast(substr(certno, 17, 1) as integer) % 2 = 1) <> (gend = '1')
                then '性别与身份证号性别码不一致'
        end as problem
    from persons
)

select
    'certno_invalid' as rule_id,
    home.admdvs,
    checked.psn_no as entity_key,
    checked.problem as detail,
    checked.certno_masked
from checked
left join {{ ref('int_person__home_county') }} as home
    on checked.psn_no = home.psn_no
where checked.problem is not null

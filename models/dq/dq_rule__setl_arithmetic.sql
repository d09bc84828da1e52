-- Settlements whose amounts do not add up (DESIGN §2 identities, to 0.01 yuan):
-- medfee = fund + person + hospital; fund = the sum of the fund payments; person = account + cash.
-- Incremental: a run judges the settlements of int_scope__settlements, whether valid or not (a row re-sent as void takes
-- its exception away); the others' exceptions are kept.
{{ config(**yibao.dq_rule_incremental_config("select setl_id from {{ ref('int_scope__settlements') }}")) }}
-- depends_on: {{ ref('int_scope__settlements') }} (the scope, read by an incremental run only)

with judged as (
    select
        setl_id,
        insu_admdvs,
        is_valid,
        medfee_sumamt,
        fund_pay_sumamt,
        psn_part_amt,
        hosp_part_amt,
        hifp_pay,
        cvlserv_pay,
        hifes_pay,
        hifmi_pay,
        hifob_pay,
        maf_pay,
        oth_pay,
        acct_pay,
        psn_cash_pay
    from {{ ref('fct_settlement') }}
    {%- if is_incremental() %}
    where setl_id in (select setl_id from {{ ref('int_scope__settlements') }})
    {%- endif %}
),

gaps as (
    select
        setl_id,
        insu_admdvs,
        medfee_sumamt - fund_pay_sumamt - psn_part_amt - hosp_part_amt as total_gap,
        fund_pay_sumamt - (hifp_pay + cvlserv_pay + hifes_pay + hifmi_pay + hifob_pay + maf_pay + oth_pay) as fund_gap,
        psn_part_amt - acct_pay - psn_cash_pay as person_gap
    from judged
    where is_valid
)

select
    'setl_arithmetic' as rule_id,
    insu_admdvs as admdvs,
    setl_id as entity_key,
    {{ dbt.concat(["'差额：总额 '", "cast(total_gap as " ~ dbt.type_string() ~ ")",
                   "'，基金 '", "cast(fund_gap as " ~ dbt.type_string() ~ ")",
                   "'，个人 '", "cast(person_gap as " ~ dbt.type_string() ~ ")"]) }} as detail,
    cast(null as {{ dbt.type_string() }}) as certno_masked
from gaps
where abs(total_gap) > 0.01 or abs(fund_gap) > 0.01 or abs(person_gap) > 0.01

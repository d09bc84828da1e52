-- Settlements whose amounts do not add up (DESIGN §2 identities, to 0.01 yuan):
-- medfee = fund + person + hospital; fund = the sum of the fund payments; person = account + cash.
with gaps as (
    select
        setl_id,
        insu_admdvs,
        medfee_sumamt - fund_pay_sumamt - psn_part_amt - hosp_part_amt as total_gap,
        fund_pay_sumamt - (hifp_pay + cvlserv_pay + hifes_pay + hifmi_pay + hifob_pay + maf_pay + oth_pay) as fund_gap,
        psn_part_amt - acct_pay - psn_cash_pay as person_gap
    from {{ ref('fct_settlement') }}
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

-- Hand-written baseline for `yibao bench`: the three headline marts straight from the raw tables,
-- in plain DuckDB SQL, with none of the warehouse's layers, tests or data-quality rules.
-- It answers "how long would the figures take if we just wrote the SQL?"; the bench divides the
-- full dbt build time by this script's time, and the time of rebuilding only the models these marts are made from
-- (stage build_marts, like for like). The results go to temp tables baseline_coverage,
-- baseline_fund_balance and baseline_reimbursement, which the smoke test compares with the marts.
-- Booking rules as DESIGN §4 states them; run with the warehouse attached read-only and in use.

-- Only the columns the three marts use: carrying whole rows through the sorts runs out of memory at 2 M persons.
create temp table b_setl as
select insu_admdvs, insutype, med_type, setl_time, inscp_scp_amt, hifp_pay, hifob_pay, cvlserv_pay, hifmi_pay,
       maf_pay, acct_pay
from (
    select *, row_number() over (partition by setl_id
                                 order by updt_time desc, _delivery_date desc, _row_number desc) as rn
    from raw.setl
) where rn = 1 and vali_flag = '1';

create temp table b_clct as
select psn_no, insutype, insu_admdvs, accrual_ym, clct_type, clct_flag, revs_flag, arvl_date, clct_amt, acct_crdt_amt
from (
    select *, row_number() over (partition by clct_id
                                 order by updt_time desc, _delivery_date desc, _row_number desc) as rn
    from raw.clct
) where rn = 1;

-- The counties of the pooling areas delivered, each with its city (several cities in a province run).
create temp table b_counties as
select admdvs, parent_admdvs as city from raw.region
where region_level = 'county'
  and parent_admdvs in (select distinct poolarea_no from raw.psn_insu);

create temp table b_months as
with as_of as (
    select max(d) as as_of_date from (
        select max(_delivery_date) as d from raw.psn_info union all select max(_delivery_date) from raw.psn_card
        union all select max(_delivery_date) from raw.psn_insu union all select max(_delivery_date) from raw.clct
        union all select max(_delivery_date) from raw.setl union all select max(_delivery_date) from raw.medins
        union all select max(_delivery_date) from raw.kpop_roster union all select max(_delivery_date) from raw.fund_txn
        union all select max(_delivery_date) from raw.pop_stat union all select max(_delivery_date) from raw.fund_plan)
),
first_month as (
    select date_trunc('month', min(d)) as first_m from (
        select min(cast(setl_time as date)) as d from b_setl
        union all select min(arvl_date) from b_clct
        union all select min(txn_date) from raw.fund_txn)
)
select cast(last_day(m) as date) as month_end, least(cast(last_day(m) as date), as_of_date) as period_end
from (select cast(first_m + to_months(cast(i as integer)) as date) as m, as_of_date
      from first_month, as_of, range(0, 600) as r(i))
where m <= as_of_date;

-- Coverage: each person (certno, else psn_no) counts once a month, in the covering 310/390 enrollment
-- that started last; status 0 and 3 never cover; a resident only once the year's premium is paid (net positive,
-- a normal line arrived by the month's judging day).
-- In steps (temp tables DuckDB can spill): one statement ran out of memory at 2 M persons.
create temp table b_persons as
select psn_no, certno from (
    select psn_no, certno, row_number() over (partition by psn_no
                                              order by updt_time desc, _delivery_date desc, _row_number desc) as rn
    from raw.psn_info) where rn = 1;

create temp table b_assigned as
with spans as (
    select e.psn_insu_rlts_id, e.insutype, e.insu_admdvs, e.psn_insu_date as span_start, e.paus_insu_date as span_end,
           coalesce(p.certno, 'psn_no:' || e.psn_no) as person
    from (
        select *, row_number() over (partition by psn_insu_rlts_id
                                     order by updt_time desc, _delivery_date desc, _row_number desc) as rn
        from raw.psn_insu) e
    left join b_persons p on p.psn_no = e.psn_no
    where e.rn = 1 and e.psn_insu_stas not in ('0', '3') and e.insutype in ('310', '390')
      and (e.paus_insu_date is null or e.paus_insu_date > e.psn_insu_date)
)
select m.month_end, m.period_end, s.person,
       arg_max(s.insu_admdvs, (s.span_start, s.psn_insu_rlts_id)) as admdvs,
       arg_max(s.insutype, (s.span_start, s.psn_insu_rlts_id)) as insutype
from b_months m
join spans s on s.span_start <= m.period_end and (s.span_end is null or m.period_end < s.span_end)
group by m.month_end, m.period_end, s.person;

create temp table b_premiums as
select coalesce(p.certno, 'psn_no:' || c.psn_no) as person, cast(left(c.accrual_ym, 4) as integer) as year,
       sum(c.clct_amt) as net, min(case when c.revs_flag = '0' then c.arvl_date end) as first_arrival
from b_clct c left join b_persons p on p.psn_no = c.psn_no
where c.insutype = '390' and coalesce(c.clct_flag, '1') = '1'
group by all;

create temp table baseline_coverage as
with county as (
    select a.admdvs, a.month_end, count(*) as insured_persons
    from b_assigned a
    left join b_premiums r on r.person = a.person and r.year = year(a.month_end)
    where a.insutype = '310' or (r.net > 0 and r.first_arrival <= a.period_end)
    group by all
),
pop as (  -- the month's year, or the latest earlier year delivered
    select m.month_end, p.admdvs, arg_max(p.hsreg_pop, p.year) as hsreg_pop from b_months m
    join (select *, row_number() over (partition by admdvs, year order by _delivery_date desc, _row_number desc) as rn
          from raw.pop_stat) p on p.rn = 1 and p.year <= year(m.month_end)
    group by all
)
select c.admdvs, c.month_end, c.insured_persons, cast(c.insured_persons as double) / p.hsreg_pop as coverage_rate
from county c left join pop p using (admdvs, month_end)
union all
select k.city, c.month_end, sum(c.insured_persons), sum(c.insured_persons) / sum(p.hsreg_pop)
from county c join b_counties k using (admdvs) left join pop p using (admdvs, month_end)
group by k.city, c.month_end;

-- Fund balance: every booked movement per accounting unit's sub-account (region.accounting_unit; 510100 in
-- 310100 where the city merged maternity), cumulated to each month end.
create temp table b_units as
select distinct r.accounting_unit as admdvs, k.city, coalesce(s.maternity_merged, false) as maternity_merged
from b_counties k join raw.region r using (admdvs) left join raw.city_setting s on s.admdvs = k.city;

create temp table baseline_fund_balance as
with moves as (
    select insu_admdvs as admdvs, case insutype when '310' then '310100' when '390' then '390100'
                                                else '510100' end as fund_type,
           arvl_date as day, clct_amt - acct_crdt_amt as amount
    from b_clct where insutype in ('310', '390', '510')
    union all
    select insu_admdvs, '310200', arvl_date, acct_crdt_amt from b_clct
    union all
    select insu_admdvs, '610100', arvl_date, -clct_amt from b_clct where clct_type = '40'
    union all
    select insu_admdvs, fund_type, txn_date, amount from (
        select *, row_number() over (partition by txn_id order by _delivery_date desc, _row_number desc) as rn
        from raw.fund_txn) where rn = 1
    union all
    select insu_admdvs, case insutype when '310' then '310100' when '390' then '390100' else '510100' end,
           cast(setl_time as date), -hifp_pay
    from b_setl where insutype in ('310', '390', '510')
    union all
    select insu_admdvs, '330100', cast(setl_time as date), -hifob_pay from b_setl
    union all
    select insu_admdvs, '320100', cast(setl_time as date), -cvlserv_pay from b_setl
    union all
    select insu_admdvs, '390200', cast(setl_time as date), -hifmi_pay from b_setl
    union all
    select insu_admdvs, '610100', cast(setl_time as date), -maf_pay from b_setl
    union all
    select insu_admdvs, '310200', cast(setl_time as date), -acct_pay from b_setl
),
monthly as (
    select u.admdvs, case when m.fund_type = '510100' and u.maternity_merged then '310100' else m.fund_type end
               as fund_type,
           cast(last_day(m.day) as date) as month_end, sum(m.amount) as amount
    from moves m join raw.region r on r.admdvs = m.admdvs join b_units u on u.admdvs = r.accounting_unit
    group by all
),
grid as (
    select u.admdvs, f.fund_type, m.month_end
    from b_months m,
         b_units u,
         (select distinct fund_type from raw.fund_type) f
    where not (f.fund_type = '510100' and u.maternity_merged)
),
county as (
    select g.admdvs, g.fund_type, g.month_end,
           sum(coalesce(mo.amount, 0)) over (partition by g.admdvs, g.fund_type order by g.month_end)
               as closing_balance
    from grid g left join monthly mo using (admdvs, fund_type, month_end)
)
select * from county
union all
select u.city, fund_type, month_end, sum(closing_balance) from county join b_units u using (admdvs) group by all;

-- Reimbursement: fund payments over policy-scope cost per county, scheme, medical group and month.
create temp table baseline_reimbursement as
with cells as (
    select s.insu_admdvs as admdvs, s.insutype, coalesce(t.med_group, 'other') as med_group,
           cast(last_day(cast(s.setl_time as date)) as date) as month_end,
           sum(s.hifp_pay + s.hifob_pay + s.hifmi_pay + s.cvlserv_pay) as insurance_fund_pay,
           sum(s.inscp_scp_amt) as inscp_scp_amt
    from b_setl s
    left join raw.med_type t on t.med_type = substr(s.med_type, 1, 2)  -- roll-up by the first two digits (DESIGN §2)
    group by all
)
select admdvs, insutype, med_group, month_end, insurance_fund_pay, inscp_scp_amt,
       cast(insurance_fund_pay as double) / nullif(inscp_scp_amt, 0) as policy_scope_ratio
from cells
union all
select k.city, insutype, med_group, month_end, sum(insurance_fund_pay), sum(inscp_scp_amt),
       cast(sum(insurance_fund_pay) as double) / nullif(sum(inscp_scp_amt), 0)
from cells join b_counties k using (admdvs) group by all;

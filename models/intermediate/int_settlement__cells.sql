-- grain: one insured county (insu_admdvs) x scheme (insutype) x medical-type group x hospital tier x month (month_end)
-- with at least one valid settlement: the valid settlements' counts, distinct persons and money, net of reversals in
-- the month each row is booked (rpt_reimbursement_monthly adds the empty cells and the city rows).
-- Every cell carries the fingerprint of its month's settlement rows (their count and the sum of a hash of every
-- column a cell reads). Incremental (replace_scope on month_end): a run rebuilds only the months whose fingerprint
-- changed. A nightly rewrites thousands of settlements of every past month (the persons whose numbers it resolves
-- again) but changes the content of few months; the distinct count of persons, most of the mart's cost (2 s of CPU at
-- 2 M persons), is then taken over those months only.
{% set money = ['medfee_sumamt', 'inscp_scp_amt', 'hifp_pay', 'hifob_pay', 'hifmi_pay', 'cvlserv_pay', 'maf_pay',
                'fund_pay_sumamt', 'acct_pay', 'psn_cash_pay'] %}
{% set cell_columns = ['insu_admdvs', 'insutype', 'med_group', 'hosp_tier', 'month_end'] %}
{% set read_columns = cell_columns + ['is_valid', 'is_counted', 'person_id'] + money %}
{% set columns = cell_columns + ['settlements', 'persons'] + money + ['month_rows', 'month_hash'] %}
{{ config(**yibao.incremental_config(cell_columns, scope_columns=['month_end'], row_column='settlements')) }}

with month_fingerprints as (
    select
        month_end,
        count(*) as month_rows,
        sum(cast({{ yibao.row_hash(read_columns) }} as decimal(38, 0))) as month_hash
    from {{ ref('fct_settlement') }}
    group by month_end
),

{% if is_incremental() %}
stored as (
    select distinct
        month_end,
        month_rows,
        month_hash
    from {{ this }}
),

-- months whose rows changed, months new to the fact, and months the fact no longer has
months_to_build as (
    select fingerprints.month_end
    from month_fingerprints as fingerprints
    left join stored
        on fingerprints.month_end = stored.month_end
            and fingerprints.month_rows = stored.month_rows
            and fingerprints.month_hash = stored.month_hash
    where stored.month_end is null
    union
    select stored.month_end
    from stored
    left join month_fingerprints as fingerprints
        on stored.month_end = fingerprints.month_end
    where fingerprints.month_end is null
),
{% endif %}

settlements as (
    select * from {{ ref('fct_settlement') }}
    where is_valid
    {%- if is_incremental() %}
        and month_end in (select months_to_build.month_end from months_to_build)
    {%- endif %}
),

cells as (
    select
        insu_admdvs,
        insutype,
        med_group,
        hosp_tier,
        month_end,
        sum(case when is_counted then 1 else 0 end) as settlements,
        count(distinct case when is_counted then person_id end) as persons,
        {% for m in money %}
        sum({{ m }}) as {{ m }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from settlements
    group by insu_admdvs, insutype, med_group, hosp_tier, month_end
)

select
    cast(cells.insu_admdvs as {{ dbt.type_string() }}) as insu_admdvs,
    cast(cells.insutype as {{ dbt.type_string() }}) as insutype,
    cast(cells.med_group as {{ dbt.type_string() }}) as med_group,
    cast(cells.hosp_tier as {{ dbt.type_string() }}) as hosp_tier,
    cells.month_end,
    cast(cells.settlements as bigint) as settlements,
    cast(cells.persons as bigint) as persons,
    {% for m in money %}
    cast(cells.{{ m }} as decimal(18, 2)) as {{ m }},
    {% endfor %}
    cast(fingerprints.month_rows as bigint) as month_rows,
    cast(fingerprints.month_hash as decimal(38, 0)) as month_hash
from cells
inner join month_fingerprints as fingerprints
    on cells.month_end = fingerprints.month_end
{%- if is_incremental() %}
union all
{{ yibao.replace_scope_rows(columns, 'month_end', 'months_to_build') }}
{%- endif %}

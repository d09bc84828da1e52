-- The sub-accounts (分账核算) each delivered city keeps: accounting unit x fund_type, with the unit's city and the
-- city's settings. A city that merged maternity into the employee scheme keeps no 510100 (DESIGN §4).
with units as (
    select distinct
        accounting_unit as admdvs,
        parent_admdvs as city_admdvs
    from {{ ref('dim_region') }}
    where accounting_unit is not null
),

settings as (
    select
        admdvs,
        responsibility_rule,
        maternity_merged,
        closing_month,
        closing_day
    from {{ ref('city_setting') }}
)

select
    units.admdvs,
    units.city_admdvs,
    funds.fund_type,
    funds.is_pooled,
    coalesce(settings.responsibility_rule, 'own_then_local') as responsibility_rule,
    coalesce(settings.closing_month, 3) as closing_month,
    coalesce(settings.closing_day, 31) as closing_day
from units
cross join {{ ref('fund_type') }} as funds
left join settings
    on units.city_admdvs = settings.admdvs
where not (funds.fund_type = '510100' and coalesce(settings.maternity_merged, false))

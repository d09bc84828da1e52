{#- The benefit band of policy 003 (DESIGN §3) from a hospital tier and the kind of county-level unit the institution
    is in: price class 1 for tier 3; class 2 for tier 2, at city level in a city district and at county level in a
    county or county-level city; class 3 for tier 1 and unrated institutions. -#}
{% macro benefit_band(hosp_tier, county_kind) -%}
    case
        when {{ hosp_tier }} = 'tier3' then 'price_class_1'
        when {{ hosp_tier }} = 'tier2' and {{ county_kind }} = 'district' then 'price_class_2_city'
        when {{ hosp_tier }} = 'tier2' then 'price_class_2_county'
        else 'price_class_3'
    end
{%- endmacro %}

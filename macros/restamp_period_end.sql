{#- fct_person_month's post-hook: after an incremental run, the rows of a month whose judging day moved carry the new
    day. The run judged again every person whose assignment the move could change (a span starting or ending between
    the two days); every other person's row in that month is the same on the new day, so only its period_end is
    moved. It runs in the model's transaction: a failed run leaves no month stored with two judging days. -#}
{% macro restamp_period_end(relation) -%}
{%- if is_incremental() %}
update {{ relation }} as stored
set period_end = months.period_end
from {{ ref('int_calendar__months') }} as months
where stored.month_end = months.month_end
    and stored.period_end <> months.period_end
{%- else %}
select 1
{%- endif %}
{%- endmacro %}

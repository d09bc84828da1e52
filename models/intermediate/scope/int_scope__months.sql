-- Reporting months this run judges again for everyone (本次重算的月份): those whose judging day (period_end) can have
-- moved since the last complete run, the months ending on or after its as-of date, and every month new to the
-- calendar. Earlier months are closed: their judging day is their last day, whatever is delivered later.
{{ config(materialized='table') }}


-- a --full-refresh run judges everything, and no model reads the scope: it is left empty
select *
from (
    select month_end
    from {{ ref('int_calendar__months') }}
    where month_end >= (select as_of_since from {{ ref('int_scope__run') }})
) as scope
where {{ 'false' if flags.FULL_REFRESH else 'true' }}

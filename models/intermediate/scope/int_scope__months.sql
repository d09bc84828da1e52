-- Reporting months this run judges for everyone (本次新增的月份): the months new to the calendar since the last complete
-- run, those starting after its as-of date. In a month that was there already only the judging day (period_end) can
-- have moved, and that changes the month only for the persons whose enrollment starts or stops, or whose premium
-- arrives, on a day it passed: int_scope__numbers names them.
{{ config(materialized='table') }}


-- a --full-refresh run judges everything, and no model reads the scope: it is left empty
select *
from (
    select month_end
    from {{ ref('int_calendar__months') }}
    where month_start > (select as_of_since from {{ ref('int_scope__run') }})
) as scope
where {{ scope_filled() }}

-- Cards (card_no) this run judges again: every card of the numbers of int_scope__person_numbers (a touched person's
-- cards can gain or lose a second active card), and every card loaded since the last complete run.
{{ config(materialized='table') }}


-- a --full-refresh run judges everything, and no model reads the scope: it is left empty
select *
from (
    select card_no from {{ ref('stg_psn_card') }}
    where psn_no in (select psn_no from {{ ref('int_scope__person_numbers') }})
    union
    select card_no from {{ ref('stg_psn_card') }}
    where _loaded_at > (select loaded_since from {{ ref('int_scope__run') }})
) as scope
where {{ scope_filled() }}

-- 一人一卡: one person (certno, as person_id) with more than one active card of a type across all their psn_no,
-- or one card number held by more than one person. Every card_no involved is listed; only active cards
-- (card_stas = 1) count, judged on the as-of date (DESIGN §6).
-- Incremental: a run judges again the cards of int_scope__cards: every card of the persons whose cards, person
-- records or enrollment records were loaded since the last complete run (now or before a corrected ID number moved one
-- of their numbers), and every card loaded since. To judge those cards it reads all their holders, and every active
-- card of those holders' persons; other cards keep their exceptions.
{{ config(**yibao.dq_rule_incremental_config("select card_no from {{ ref('int_scope__cards') }}")) }}
-- depends_on: {{ ref('int_scope__cards') }} (the scope, read by an incremental run only)

with
{%- if is_incremental() %}
-- the active rows of the judged cards: their holders
holders as (
    select
        cards.psn_no,
        coalesce(numbers.person_id, {{ person_id(person_key('null', 'cards.psn_no')) }}) as person_id
    from {{ ref('stg_psn_card') }} as cards
    left join {{ ref('int_person__numbers') }} as numbers
        on cards.psn_no = numbers.psn_no
    where cards.card_stas = '1'
        and cards.card_no in (select card_no from {{ ref('int_scope__cards') }})
),

{%- endif %}

active as (
    select
        cards.card_no,
        cards.psn_no,
        cards.card_type,
        coalesce(numbers.person_id, {{ person_id(person_key('null', 'cards.psn_no')) }}) as person_id
    from {{ ref('stg_psn_card') }} as cards
    left join {{ ref('int_person__numbers') }} as numbers
        on cards.psn_no = numbers.psn_no
    where cards.card_stas = '1'
    {%- if is_incremental() %}
        -- every active card of the holders' persons (a number without a person record is its own person)
        and (
            cards.psn_no in (
                select psn_no from {{ ref('int_person__numbers') }}
                where person_id in (select person_id from holders)
            )
            or cards.psn_no in (select psn_no from holders)
        )
    {%- endif %}
),

several_per_person as (
    select
        active.card_no,
        active.psn_no,
        '持卡人（含其全部人员编号）持有多张同类有效卡' as detail
    from active
    inner join (
        select
            held.person_id,
            held.card_type
        from active as held
        group by held.person_id, held.card_type
        having count(distinct held.card_no) > 1
    ) as dup
        on active.person_id = dup.person_id and active.card_type = dup.card_type
),

several_holders as (
    select
        active.card_no,
        min(active.psn_no) as psn_no,
        '同一卡号对应多名人员' as detail
    from active
    inner join (
        select held.card_no from active as held
        group by held.card_no
        having count(distinct held.person_id) > 1
    ) as dup
        on active.card_no = dup.card_no
    group by active.card_no
),

involved as (
    select
        card_no,
        min(psn_no) as psn_no,
        min(detail) as detail
    from (
        select * from several_per_person
        union all
        select * from several_holders
    ) as both_kinds
    {%- if is_incremental() %}
    where card_no in (select card_no from {{ ref('int_scope__cards') }})
    {%- endif %}
    group by card_no
)

select
    'one_person_one_card' as rule_id,
    home.admdvs,
    involved.card_no as entity_key,
    involved.detail,
    persons.certno_masked
from involved
left join {{ ref('int_person__home_county') }} as home
    on involved.psn_no = home.psn_no
left join {{ ref('stg_psn_info') }} as persons
    on involved.psn_no = persons.psn_no

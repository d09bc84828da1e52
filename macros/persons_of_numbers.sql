{#- The persons (person_id) a nightly must judge again when the psn_no of `numbers` (a relation with a psn_no column)
    were touched: every person each number is under now or was under in an earlier version of its person record (a
    corrected ID number moves a number to another person, and the person it left can lose an exception or a
    number), and the number itself as a person, for a psn_no without a person record. Read by int_person__numbers
    and the person-level DQ rules. -#}
{% macro persons_of_numbers(numbers) -%}
    select versions.person_id
    from {{ ref('stg_psn_info__versions') }} as versions
    where versions.psn_no in (select psn_no from {{ numbers }})
    union
    select {{ person_id(person_key('null', 'psn_no')) }} as person_id from {{ numbers }}
{%- endmacro %}

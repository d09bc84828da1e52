{#- The rows of `relation` where `condition` holds, every column: for a few rows of a big, wide table. `condition`
    names the table's columns unqualified.

    A plain filter on every engine. On DuckDB it used to find the rows first on the condition's own columns and then
    read only those, by rowid (0.83 -> 0.28 s for stg_setl's nightly select at 2 M persons). That lost rows: in a
    500 k-person bench nightly, 28 of the night's settlements never reached fct_settlement, and
    ledger_reconciles_with_facts failed. The table read had been rewritten earlier in the same run (delete+insert),
    and DuckDB 2.0 checkpoints, and vacuums deleted rows, while other threads' queries run; rowids are not a key
    to rely on across that (docs/PERFORMANCE.md, issue 14, tenth part). -#}
{% macro rows_where(relation, condition) -%}
select * from {{ relation }} where {{ condition }}
{%- endmacro %}

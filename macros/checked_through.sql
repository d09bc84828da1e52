{#- Key tests that check only what changed (data test unique_key_since_checked, below).

    A nightly rewrites a small share of the big incremental tables, yet a uniqueness test groups every row: 5 s for
    the 24 M person-months at 2 M persons, every night. The models below carry _written_at, the start of the dbt run
    that wrote the row; each time a key test passes, the run's start is recorded in ops.checked_through. The next
    run checks only the keys of rows written since, against every row of the table.

    Why that is enough: a duplicate pair is two rows with one key. If either was written after the last pass, the
    test sees its key and counts every row with it. If both were written before, the pass that came after the later
    of them checked it. A test that fails records nothing, so its rows stay in scope until it passes. With nothing
    recorded (a new warehouse, a new test, another engine), the test checks the whole table. A --full-refresh writes
    every row again, so it checks them all.

    The one assumption: no other dbt run writes these tables while a test runs (the nightly holds a lock). -#}

{% macro written_at() -%}
    {{ return(timestamp_literal(run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f'))) }}
{%- endmacro %}


{#- 'YYYY-MM-DD HH:MM:SS.ffffff' as a timestamp in SQL: the form _written_at and a recorded pass are compared in. -#}
{% macro timestamp_literal(text) -%}
    {{ return(dbt.cast(dbt.string_literal(text), api.Column.translate_type('timestamp')) | trim) }}
{%- endmacro %}


{% macro checked_through_table() -%}
    {{ return(api.Relation.create(database=target.database, schema='ops', identifier='checked_through')) }}
{%- endmacro %}


{#- The key a test records its passes under: the model and its key columns, e.g. stg_setl(setl_id). -#}
{% macro checked_key(model_name, columns) -%}
    {{ return(model_name ~ '(' ~ columns | join(',') ~ ')') }}
{%- endmacro %}


{#- Created at on-run-start with the watermarks table (a model's hook would race another thread). -#}
{% macro create_checked_through() -%}
    {{ return(adapter.dispatch('create_checked_through', 'yibao')()) }}
{%- endmacro %}

{% macro default__create_checked_through() -%}
    select 1
{%- endmacro %}

{% macro duckdb__create_checked_through() -%}
    create schema if not exists {{ checked_through_table().include(identifier=false) }};
    create table if not exists {{ checked_through_table() }} (
        checked_key {{ dbt.type_string() }} not null,
        written_through {{ dbt.type_timestamp() }} not null,
        recorded_at {{ dbt.type_timestamp() }} not null
    )
{%- endmacro %}


{#- The tests that check only what was written since they last passed. -#}
{% macro since_checked_tests() -%}
    {{ return(['unique_key_since_checked', 'person_id_is_collision_free', 'holds_every_delivered_key']) }}
{%- endmacro %}


{#- The columns a pass of such a test is recorded under, from its arguments: the key test's own `columns`; the
    collision test's person_id and person_key; the completeness test's `column` and 'delivered', apart from the key
    test on the same column. The record hook, the collision test and the completeness test take them from here. -#}
{% macro checked_columns(test_name, kwargs) -%}
    {%- if test_name == 'person_id_is_collision_free' -%}
        {{ return(['person_id', 'person_key']) }}
    {%- elif test_name == 'holds_every_delivered_key' -%}
        {{ return([kwargs['column'], 'delivered']) }}
    {%- endif -%}
    {{ return(kwargs['columns']) }}
{%- endmacro %}


{#- on-run-end: record this run's start for every test of since_checked_tests() that passed in it. -#}
{% macro record_checked_through(results) -%}
    {{ return(adapter.dispatch('record_checked_through', 'yibao')(results)) }}
{%- endmacro %}

{% macro default__record_checked_through(results) -%}
    select 1
{%- endmacro %}

{% macro duckdb__record_checked_through(results) -%}
    {%- set passed = [] -%}
    {%- for result in results -%}
        {%- set node = result.node -%}
        {%- set name = node.test_metadata.name if node.resource_type == 'test' and node.test_metadata else none -%}
        {%- if name in since_checked_tests() and result.status == 'pass' -%}
            {%- set columns = checked_columns(name, node.test_metadata.kwargs) -%}
            {%- do passed.append(checked_key(node.attached_node.split('.')[-1], columns)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if passed -%}
    delete from {{ checked_through_table() }} where checked_key in ('{{ passed | join("', '") }}');
    insert into {{ checked_through_table() }} (checked_key, written_through, recorded_at)
    {%- for key in passed %}
    select '{{ key }}', {{ written_at() }}, {{ dbt.current_timestamp() }}{% if not loop.last %} union all{% endif %}
    {%- endfor %}
    {%- else -%}
    select 1
    {%- endif -%}
{%- endmacro %}


{#- The run start this test last passed at, as a SQL literal, or none: check everything. -#}
{% macro checked_through(model, columns) -%}
    {{ return(adapter.dispatch('checked_through', 'yibao')(model, columns)) }}
{%- endmacro %}

{% macro default__checked_through(model, columns) -%}
    {{ return(none) }}
{%- endmacro %}

{% macro duckdb__checked_through(model, columns) -%}
    {%- if not execute or load_relation(checked_through_table()) is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set found = run_query(
        "select strftime(max(written_through), '%Y-%m-%d %H:%M:%S.%f') from " ~ checked_through_table()
        ~ " where checked_key = '" ~ checked_key(model.identifier, columns) ~ "'") -%}
    {%- set value = found.columns[0].values()[0] -%}
    {{ return(value if value else none) }}
{%- endmacro %}


{#- checked_through, or none when the rows written since are a quarter of the model or more (a --full-refresh of an
    existing warehouse): joining that many keys back to the table costs far more than checking every row. -#}
{% macro checked_through_unless_most_written(model, columns) -%}
    {%- set since = checked_through(model, columns) -%}
    {%- if since is not none and execute -%}
        {%- set counts = run_query(
            "select sum(case when _written_at > " ~ timestamp_literal(since) ~ " then 1 else 0 end), count(*) from "
            ~ model) -%}
        {%- set written, stored = counts.rows[0][0] or 0, counts.rows[0][1] or 0 -%}
        {%- if written * 4 >= stored %}{% set since = none %}{% endif -%}
    {%- endif -%}
    {{ return(since) }}
{%- endmacro %}

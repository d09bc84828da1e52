{#- Stored watermarks, for an incremental model whose own rows cannot tell how far it has read its inputs. A DQ rule's
    table holds only its exceptions: max(_loaded_at) of its rows lags behind (a night that finds nothing new
    leaves no row), so the rule records the load time it has judged up to in ops.model_watermarks instead.

      {{ config(..., post_hook="{{ yibao.record_loaded_through(['fct_settlement'], raw_sources=['psn_insu']) }}") }}
      (macros/dq_rule_incremental.sql does this for a DQ rule)
      ... where _loaded_at > {{ yibao.loaded_through() }}   (in an is_incremental() block)

    The post-hook records the latest _loaded_at of the inputs the model read, after it has read them; an input
    loaded later has a later _loaded_at. With no recorded watermark (a table built before this existed) the model
    judges everything again, once. Only incremental models record one: on Spark the models are tables. -#}

{% macro watermarks_table() -%}
    {{ return(api.Relation.create(database=target.database, schema='ops', identifier='model_watermarks')) }}
{%- endmacro %}


{#- Run once at the start of every dbt run (on-run-start in dbt_project.yml), not in each model's hooks: two models
    creating it in parallel threads conflict. On Spark no model records a watermark, so nothing is created there. -#}
{% macro create_watermarks() -%}
    {{ return(adapter.dispatch('create_watermarks', 'yibao')()) }}
{%- endmacro %}

{% macro default__create_watermarks() -%}
    select 1
{%- endmacro %}

{% macro duckdb__create_watermarks() -%}
    create schema if not exists {{ watermarks_table().include(identifier=false) }};
    create table if not exists {{ watermarks_table() }} (
        model {{ dbt.type_string() }} not null,
        loaded_through {{ dbt.type_timestamp() }},
        recorded_at {{ dbt.type_timestamp() }} not null
    )
{%- endmacro %}


{#- The load time the model (by default this one) has read its inputs up to, as a SQL scalar; 1900-01-01 when none
    is recorded. -#}
{% macro loaded_through(model=none) -%}
    (
        select coalesce(max(recorded.loaded_through), cast('1900-01-01' as {{ dbt.type_timestamp() }}))
        from {{ watermarks_table() }} as recorded
        where recorded.model = '{{ model or this.identifier }}'
    )
{%- endmacro %}


{#- Recorded by an incremental model, and by the snapshot snp_person (int_person__changed reads its watermark). -#}
{% macro record_loaded_through(refs, raw_sources=[]) -%}
    {%- set inputs = [] -%}
    {%- for name in refs %}{% do inputs.append(ref(name)) %}{% endfor -%}
    {%- for name in raw_sources %}{% do inputs.append(source('raw', name)) %}{% endfor -%}
    {%- if config.get('materialized') in ('incremental', 'snapshot') -%}
    delete from {{ watermarks_table() }} where model = '{{ this.identifier }}';
    insert into {{ watermarks_table() }} (model, loaded_through, recorded_at)
    select
        '{{ this.identifier }}',
        max(input_loads.loaded_at),
        {{ dbt.current_timestamp() }}
    from (
        {%- for relation in inputs %}
        select max(_loaded_at) as loaded_at from {{ relation }}
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ) as input_loads
    {%- endif -%}
{%- endmacro %}

{#- Pseudonymisation and masking of personal identifiers (DESIGN §8: PII never leaves staging). -#}

{#- person_key: salted SHA-256 of certno. The salt comes from YIBAO_PII_SALT, which
    `yibao build` sets from the environment or from a local secret file it creates. -#}
{% macro person_key(certno_column, psn_no_column) -%}
    {{ yibao.sha256_hex(dbt.concat([dbt.string_literal(env_var('YIBAO_PII_SALT', '')), "coalesce(" ~ certno_column ~ ", " ~ dbt.concat(["'psn_no:'", psn_no_column]) ~ ")"])) }}
{%- endmacro %}

{#- person_id: the compact key the facts carry and join on - the first 15 hex digits (60 bits) of person_key, as a
    bigint. It is as stable as person_key; the test person_id_is_collision_free fails the build should two persons
    ever share one (at 2 M persons the chance is about 2 in a million). -#}
{% macro person_id(person_key_column) -%}
    {{ yibao.hex_to_bigint("substr(" ~ person_key_column ~ ", 1, 15)") }}
{%- endmacro %}

{#- First 6 and last 4 characters of an ID number, the rest starred. -#}
{% macro mask_certno(column) -%}
    case when {{ column }} is null then null
         else {{ dbt.concat(["substr(" ~ column ~ ", 1, 6)", "'********'", dbt.right(column, 4)]) }}
    end
{%- endmacro %}

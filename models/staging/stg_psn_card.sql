-- 社保卡/医保电子凭证: the latest version of each card_no and holder (psn_no), as delivered.
-- Keyed by both, so a card number delivered for two persons stays visible to the 一人一卡 rule.
{{ config(**yibao.incremental_config(['card_no', 'psn_no'])) }}

with latest as (
    {{ latest_version(source('raw', 'psn_card'), ['card_no', 'psn_no'], yibao.latest_first(), since_last_run=true) }}
)

select
    card_no,
    psn_no,
    card_type,
    card_stas,
    issue_date,
    updt_time,
    _file,
    _delivery_date,
    _row_number,
    _loaded_at,
    {{ yibao.written_at() }} as _written_at
from latest

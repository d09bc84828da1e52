"""Landing rules of DESIGN §2, per extract: code sets, signs of money, date ranges, identities.

One table serves two readers. Ingest turns the code-set rules into SQL that quarantines
rows with a code outside its set. validate.py turns every rule into the extract's Great
Expectations suite (gx/expectations/), so the checks a file is loaded by and the checks
GX reports on are the same.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache

from .paths import seed_path


@dataclass(frozen=True)
class CodeSet:
    column: str
    seed: str  # seeds/<seed>.csv
    seed_column: str
    prefix: int = 0  # > 0: a longer local code is valid if its first `prefix` characters are (DESIGN §2)

    def values(self) -> list[str]:
        return seed_values(self.seed, self.seed_column)


@dataclass(frozen=True)
class Rules:
    required: tuple[str, ...]  # must not be null
    code_sets: tuple[CodeSet, ...] = ()
    flags: dict[str, tuple[str, ...]] = field(default_factory=dict)  # small fixed sets
    non_negative: dict[str, tuple[str, str] | None] = field(default_factory=dict)  # column -> (flag, value) or None
    dates: dict[str, tuple[str, str]] = field(default_factory=dict)  # column -> (min, max) ISO
    identities: dict[str, str] = field(default_factory=dict)  # helper column -> SQL expression
    # Dates of things that have happened (an update, a settlement, an arrival): a row dated after its delivery,
    # beyond DELIVERY_TOLERANCE_DAYS, is quarantined. Dates that may lie ahead (an agreement's end, a roster
    # entry's end, a planned pause) are not listed.
    happened: tuple[str, ...] = ()


DELIVERY_TOLERANCE_DAYS = 1  # a delivery dated D may carry rows stamped up to D + 1 (clocks, time zones)


@cache
def seed_values(seed: str, column: str) -> list[str]:
    """The codes a seed holds. The region seed's province row is left out: money, institutions and roster lines
    are booked to a city or a county, never to the province itself."""
    with open(seed_path(seed), encoding="utf-8") as f:
        return sorted({row[column] for row in csv.DictReader(f) if row.get("region_level") != "province"})


COUNTY = CodeSet("insu_admdvs", "region", "admdvs")
MONEY_SETL = (
    "medfee_sumamt fulamt_ownpay_amt overlmt_selfpay preselfpay_amt inscp_scp_amt act_pay_dedc hifp_pay "
    "cvlserv_pay hifes_pay hifmi_pay hifob_pay maf_pay oth_pay fund_pay_sumamt psn_part_amt acct_pay "
    "psn_cash_pay hosp_part_amt"
).split()
EARLIEST = "1900-01-01"
LATEST = "2100-12-31"

RULES: dict[str, Rules] = {
    "psn_info": Rules(
        required=("psn_no", "psn_cert_type", "certno", "gend", "brdy", "updt_time"),
        code_sets=(CodeSet("psn_cert_type", "psn_cert_type", "psn_cert_type"),),
        flags={"gend": ("0", "1", "2", "9"), "surv_stas": ("1", "2")},
        dates={"brdy": (EARLIEST, LATEST)},
        happened=("brdy", "updt_time"),
    ),
    "psn_card": Rules(
        required=("card_no", "psn_no", "card_type", "card_stas", "updt_time"),
        code_sets=(CodeSet("card_type", "card_type", "card_type"), CodeSet("card_stas", "card_stas", "card_stas")),
        dates={"issue_date": ("1990-01-01", LATEST)},
        happened=("issue_date", "updt_time"),
    ),
    "psn_insu": Rules(
        required=(
            "psn_insu_rlts_id",
            "psn_no",
            "insutype",
            "psn_type",
            "psn_insu_stas",
            "psn_insu_date",
            "insu_admdvs",
            "updt_time",
        ),
        # insutype and psn_type are not quarantined for their code: staging maps them (DESIGN §2, code_unmapped)
        code_sets=(CodeSet("psn_insu_stas", "psn_insu_stas", "psn_insu_stas"), COUNTY),
        flags={"cvlserv_flag": ("0", "1"), "flxempe_flag": ("0", "1")},
        dates={"psn_insu_date": ("1990-01-01", LATEST), "paus_insu_date": ("1990-01-01", LATEST)},
        happened=("updt_time",),
    ),
    "clct": Rules(
        required=(
            "clct_id",
            "psn_no",
            "insutype",
            "insu_admdvs",
            "clct_type",
            "clct_amt",
            "acct_crdt_amt",
            "arvl_date",
            "revs_flag",
            "updt_time",
        ),
        # no valid money is quarantined for its code: insutype and clct_type are judged by dbt (code_unmapped)
        code_sets=(COUNTY,),
        flags={"revs_flag": ("0", "1")},
        non_negative={
            "clct_base": None,
            "clct_rate": None,
            "clct_amt": ("revs_flag", "0"),
            "acct_crdt_amt": ("revs_flag", "0"),
        },
        dates={"arvl_date": ("2000-01-01", LATEST)},
        happened=("arvl_date", "updt_time"),
    ),
    # a back-end contribution detail row (contract.CLCT_DETAIL), before it becomes clct lines
    "clct_detl": Rules(
        required=(
            "rid",
            "psn_no",
            "insutype",
            "insu_admdvs",
            "accrym_begn",
            "accrym_end",
            "clct_time",
            "clct_flag",
            "revs_flag",
            "updt_time",
        ),
        code_sets=(COUNTY,),
        flags={"clct_flag": ("0", "1")},
        happened=("clct_time", "updt_time"),
    ),
    "setl": Rules(
        required=(
            "setl_id",
            "psn_no",
            "insutype",
            "med_type",
            "setl_time",
            "fixmedins_code",
            "insu_admdvs",
            "medfee_sumamt",
            "refd_setl_flag",
            "vali_flag",
            "updt_time",
        ),
        # no valid money is quarantined for its code: insutype, med_type, psn_type, clr_type and hosp_lv load, mapped
        # by staging where a map knows them, and dbt reports the rest (code_unmapped, DESIGN §2 and §6)
        code_sets=(COUNTY,),
        flags={"refd_setl_flag": ("0", "1"), "vali_flag": ("0", "1")},
        non_negative={m: ("refd_setl_flag", "0") for m in MONEY_SETL},  # reversals carry negated amounts
        dates={"setl_time": ("2000-01-01", LATEST)},
        happened=("setl_time", "updt_time"),
        identities={
            "_gap_total": "medfee_sumamt - fund_pay_sumamt - psn_part_amt - hosp_part_amt",
            "_gap_funds": "fund_pay_sumamt - hifp_pay - cvlserv_pay - hifes_pay - hifmi_pay - hifob_pay - maf_pay "
            "- oth_pay",
            "_gap_person": "psn_part_amt - acct_pay - psn_cash_pay",
        },
    ),
    "medins": Rules(
        required=("fixmedins_code", "fixmedins_type", "admdvs", "begndate"),
        code_sets=(CodeSet("hosp_lv", "hosp_lv", "hosp_lv"),),
        flags={"fixmedins_type": ("1", "2"), "vali_flag": ("0", "1")},
        dates={"begndate": (EARLIEST, LATEST), "enddate": (EARLIEST, LATEST)},
    ),
    "kpop_roster": Rules(
        required=("roster_id", "certno", "psn_idet_type", "admdvs", "begndate"),
        code_sets=(CodeSet("psn_idet_type", "psn_idet_type", "psn_idet_type"), CodeSet("admdvs", "region", "admdvs")),
        dates={"begndate": (EARLIEST, LATEST), "enddate": (EARLIEST, LATEST)},
    ),
    "fund_txn": Rules(
        required=("txn_id", "insu_admdvs", "fund_type", "txn_type", "amount", "txn_date"),
        code_sets=(CodeSet("fund_type", "fund_type", "fund_type"), CodeSet("txn_type", "txn_type", "txn_type"), COUNTY),
        dates={"txn_date": ("2000-01-01", LATEST)},
        happened=("txn_date",),
    ),
    "pop_stat": Rules(
        required=("admdvs", "year", "hsreg_pop"),
        code_sets=(CodeSet("admdvs", "region", "admdvs"),),
        non_negative={"hsreg_pop": None, "resident_pop": None},
    ),
    "fund_plan": Rules(
        required=("admdvs", "fund_type", "year", "planned_contribution_income", "planned_subsidy_income"),
        code_sets=(CodeSet("admdvs", "region", "admdvs"), CodeSet("fund_type", "fund_type", "fund_type")),
        non_negative={"planned_contribution_income": None, "planned_subsidy_income": None, "planned_expenditure": None},
    ),
}
CERTNO_PATTERN = r"^\d{17}[\dX]$"
CERTNO_COLUMNS = {"psn_info": "certno", "kpop_roster": "certno"}


def code_set_sql(extract: str, value_of=lambda column: column) -> list[str]:
    """SQL expressions, one per coded column, that give the quarantine reason for a code outside
    its code set, else null. value_of(column) is the SQL for the column's value."""
    out = []
    rules = RULES[extract]
    sets = [(c.column, c.values(), c.prefix) for c in rules.code_sets]
    sets += [(col, list(values), 0) for col, values in rules.flags.items()]
    for column, values, prefix in sets:
        value = value_of(column)
        listed = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
        probe = f"substr({value}, 1, {prefix})" if prefix else value
        out.append(
            f"case when {value} is not null and {probe} not in ({listed}) "
            f"then '{column}=' || {value} || ' is not in code set {column}' end"
        )
    return out

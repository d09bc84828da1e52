"""The input contract of DESIGN §2: every extract, its key and its typed columns.

Field names are the national platform's (国家医疗保障信息平台); fields the
platform does not define are this project's own, named in the same style.
The generator writes these columns in this order and ingest loads them with
these types, so this module is the one place the contract lives in Python.
"""

from __future__ import annotations

from dataclasses import dataclass

MONEY = "DECIMAL(18,2)"
DATE = "DATE"
TS = "TIMESTAMP"
TEXT = "VARCHAR"
INT = "INTEGER"
RATE = "DECIMAL(9,6)"


@dataclass(frozen=True)
class Extract:
    name: str
    label: str
    key: tuple[str, ...]
    columns: tuple[tuple[str, str], ...]

    @property
    def column_names(self) -> list[str]:
        return [c for c, _ in self.columns]


def _cols(spec: str, types: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((c, types.get(c, TEXT)) for c in spec.split())


EXTRACTS: dict[str, Extract] = {
    e.name: e
    for e in [
        Extract(
            "psn_info",
            "人员基本信息",
            ("psn_no",),
            _cols(
                "psn_no psn_cert_type certno psn_name gend naty brdy hsreg_admdvs surv_stas updt_time",
                {"brdy": DATE, "updt_time": TS},
            ),
        ),
        Extract(
            "psn_card",
            "社保卡/医保电子凭证",
            ("card_no", "psn_no"),
            _cols("card_no psn_no card_type card_stas issue_date updt_time", {"issue_date": DATE, "updt_time": TS}),
        ),
        Extract(
            "psn_insu",
            "人员参保信息",
            ("psn_insu_rlts_id",),
            _cols(
                "psn_insu_rlts_id psn_no insutype psn_type psn_insu_stas psn_insu_date paus_insu_date "
                "insu_admdvs poolarea_no emp_no cvlserv_flag flxempe_flag updt_time",
                {"psn_insu_date": DATE, "paus_insu_date": DATE, "updt_time": TS},
            ),
        ),
        Extract(
            "clct",
            "征缴明细",
            ("clct_id",),
            _cols(
                "clct_id psn_no emp_no insutype insu_admdvs accrual_ym clct_type clct_base clct_rate "
                "clct_amt acct_crdt_amt arvl_date revs_flag updt_time",
                {
                    "clct_base": MONEY,
                    "clct_rate": RATE,
                    "clct_amt": MONEY,
                    "acct_crdt_amt": MONEY,
                    "arvl_date": DATE,
                    "updt_time": TS,
                },
            ),
        ),
        Extract(
            "setl",
            "结算信息",
            ("setl_id",),
            _cols(
                "setl_id mdtrt_id psn_no insutype psn_type med_type setl_time fixmedins_code hosp_lv "
                "insu_admdvs mdtrtarea_admvs dise_codg medfee_sumamt fulamt_ownpay_amt overlmt_selfpay "
                "preselfpay_amt inscp_scp_amt act_pay_dedc hifp_pay pool_prop_selfpay cvlserv_pay hifes_pay "
                "hifmi_pay hifob_pay maf_pay oth_pay fund_pay_sumamt psn_part_amt acct_pay psn_cash_pay "
                "hosp_part_amt refd_setl_flag init_setl_id clr_type vali_flag updt_time",
                {
                    "setl_time": TS,
                    "updt_time": TS,
                    "pool_prop_selfpay": RATE,
                    **{
                        m: MONEY
                        for m in (
                            "medfee_sumamt fulamt_ownpay_amt overlmt_selfpay preselfpay_amt inscp_scp_amt "
                            "act_pay_dedc hifp_pay cvlserv_pay hifes_pay hifmi_pay hifob_pay maf_pay oth_pay "
                            "fund_pay_sumamt psn_part_amt acct_pay psn_cash_pay hosp_part_amt"
                        ).split()
                    },
                },
            ),
        ),
        Extract(
            "medins",
            "定点医药机构",
            ("fixmedins_code",),
            _cols(
                "fixmedins_code fixmedins_name fixmedins_type hosp_lv admdvs begndate enddate vali_flag",
                {"begndate": DATE, "enddate": DATE},
            ),
        ),
        Extract(
            "kpop_roster",
            "重点人群名册",
            ("roster_id",),
            _cols(
                "roster_id certno psn_name psn_idet_type admdvs begndate enddate src_dept",
                {"begndate": DATE, "enddate": DATE},
            ),
        ),
        Extract(
            "fund_txn",
            "财政专户收支",
            ("txn_id",),
            _cols("txn_id insu_admdvs fund_type txn_type amount txn_date memo", {"amount": MONEY, "txn_date": DATE}),
        ),
        Extract(
            "pop_stat",
            "统计局人口数",
            ("admdvs", "year"),
            _cols("admdvs year hsreg_pop resident_pop", {"year": INT, "hsreg_pop": INT, "resident_pop": INT}),
        ),
        Extract(
            "fund_plan",
            "年度基金收支计划",
            ("admdvs", "fund_type", "year"),
            _cols(
                "admdvs fund_type year planned_contribution_income planned_subsidy_income planned_expenditure",
                {
                    "year": INT,
                    "planned_contribution_income": MONEY,
                    "planned_subsidy_income": MONEY,
                    "planned_expenditure": MONEY,
                },
            ),
        ),
    ]
}

# Lineage columns every raw row carries, after the contract columns.
LINEAGE = (("_file", TEXT), ("_delivery_date", DATE), ("_row_number", INT), ("_loaded_at", TS))

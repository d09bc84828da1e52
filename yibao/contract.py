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
    # Columns a file may leave out (null when absent): the back-end's facts where the interface had a gap
    # (DESIGN §2). They come last in `columns`.
    optional: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [c for c, _ in self.columns]

    @property
    def required_columns(self) -> list[str]:
        """The columns every file of this extract must name in its header."""
        return [c for c, _ in self.columns if c not in self.optional]


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
                "insu_admdvs poolarea_no emp_no cvlserv_flag flxempe_flag updt_time first_insu_date",
                {"psn_insu_date": DATE, "paus_insu_date": DATE, "updt_time": TS, "first_insu_date": DATE},
            ),
            # the first enrollment in the system (the back-end's PSN_INSU_DATE); psn_insu_date is always the start of
            # the spell, which the back-end calls CRT_INSU_DATE (DESIGN §4, seeds/layout_column.csv)
            optional=("first_insu_date",),
        ),
        Extract(
            "clct",
            "征缴明细",
            ("clct_id",),
            _cols(
                "clct_id psn_no emp_no insutype insu_admdvs accrual_ym clct_type clct_base clct_rate "
                "clct_amt acct_crdt_amt arvl_date revs_flag updt_time accrual_ym_end clct_flag psn_insu_rlts_id",
                {
                    "clct_base": MONEY,
                    "clct_rate": RATE,
                    "clct_amt": MONEY,
                    "acct_crdt_amt": MONEY,
                    "arvl_date": DATE,
                    "updt_time": TS,
                },
            ),
            # a range of months paid for (accrual_ym to accrual_ym_end), whether the money arrived (1 到账), and the
            # enrollment record it pays for: the back-end detail tables carry them (DESIGN §2)
            optional=("accrual_ym_end", "clct_flag", "psn_insu_rlts_id"),
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
                "hosp_part_amt refd_setl_flag init_setl_id clr_type vali_flag updt_time "
                "fix_blng_admdvs out_flag begndate enddate cal_ipt_cnt",
                {
                    "setl_time": TS,
                    "updt_time": TS,
                    "begndate": DATE,
                    "enddate": DATE,
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
            # the back-end's facts where the interface had a gap (setl_d, DESIGN §2): the institution's area and the
            # out-of-area flag (where care took place), admission and discharge dates, and whether it counts as an
            # admission
            optional=("fix_blng_admdvs", "out_flag", "begndate", "enddate", "cal_ipt_cnt"),
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
                "admdvs fund_type year planned_contribution_income planned_subsidy_income planned_expenditure "
                "planned_subsidy_central planned_subsidy_provincial planned_subsidy_city planned_subsidy_county",
                {
                    "year": INT,
                    "planned_contribution_income": MONEY,
                    "planned_subsidy_income": MONEY,
                    "planned_expenditure": MONEY,
                    "planned_subsidy_central": MONEY,
                    "planned_subsidy_provincial": MONEY,
                    "planned_subsidy_city": MONEY,
                    "planned_subsidy_county": MONEY,
                },
            ),
            # the subsidy plan by level (DESIGN §2): an older plan file without it still loads; its levels are null
            optional=(
                "planned_subsidy_central",
                "planned_subsidy_provincial",
                "planned_subsidy_city",
                "planned_subsidy_county",
            ),
        ),
    ]
}

# The row of the back-end contribution detail tables (staf_psn_clct_detl_d, rsdt_psn_clct_detl_d): one person x
# collection with the employer and personal parts on one row and a range of months. Ingest parses a file into this
# shape, then turns each row into the contract's clct lines (typed_load.DETAIL_LINES). Not an extract of its own.
CLCT_DETAIL = Extract(
    "clct_detl",
    "征缴明细（后台）",
    ("rid",),
    _cols(
        "rid psn_no psn_insu_rlts_id emp_no insutype insu_admdvs accrym_begn accrym_end clct_time clct_flag revs_flag "
        "emp_clctstd psn_clctstd emp_clct_amt psn_clct_amt emp_clct_into_acct_amt clct_sumamt updt_time",
        {
            "clct_time": TS,
            "updt_time": TS,
            **{
                m: MONEY
                for m in "emp_clctstd psn_clctstd emp_clct_amt psn_clct_amt emp_clct_into_acct_amt clct_sumamt".split()
            },
        },
    ),
    optional=("emp_no", "emp_clctstd", "psn_clctstd", "emp_clct_into_acct_amt", "clct_sumamt", "psn_insu_rlts_id"),
)

# Lineage columns every raw row carries, after the contract columns.
LINEAGE = (("_file", TEXT), ("_delivery_date", DATE), ("_row_number", INT), ("_loaded_at", TS))

"""The reimbursement ratios of DESIGN §4 (待遇享受指标), in one place for Python.

The mart rpt_reimbursement_monthly computes them per row in SQL. Where a page or a report file needs them at a
grain the mart does not have (several hospital tiers together, a quarter, a year), it sums the mart's parts and
calls ratios() here: the pages (dashboards/views/overview.py, reimbursement.py) and the province report files
(yibao/export.py) share this one definition.
"""

from __future__ import annotations

from decimal import Decimal


def ratio(numerator, denominator) -> Decimal | None:
    """numerator / denominator exactly, or None when either is missing or the denominator is zero."""
    if numerator is None or denominator is None or denominator != denominator:  # NaN != NaN
        return None
    den = Decimal(str(denominator))
    return None if den == 0 else Decimal(str(numerator)) / den


def ratios(fund_pay, medical_aid, inscp_scp_amt, medfee_sumamt, settlements) -> dict[str, Decimal | None]:
    """From summed parts: policy-scope ratio = fund pay / policy-scope cost; actual ratio = fund pay / total cost;
    three-tier ratio = (fund pay + medical aid) / total cost; average cost per settlement."""
    both = None if fund_pay is None or medical_aid is None else Decimal(str(fund_pay)) + Decimal(str(medical_aid))
    return {
        "policy_scope_ratio": ratio(fund_pay, inscp_scp_amt),
        "actual_ratio": ratio(fund_pay, medfee_sumamt),
        "three_tier_ratio": ratio(both, medfee_sumamt),
        "avg_cost_per_settlement": ratio(medfee_sumamt, settlements),
    }

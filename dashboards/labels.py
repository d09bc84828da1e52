"""Region names and number formats in Chinese conventions (万人, 亿元/万元, one-decimal percentages)."""
from __future__ import annotations

REGIONS = {
    "230800": "佳木斯市", "230803": "向阳区", "230804": "前进区", "230805": "东风区", "230811": "郊区",
    "230822": "桦南县", "230826": "桦川县", "230828": "汤原县", "230881": "同江市", "230882": "富锦市",
    "230883": "抚远市",
}
CITY = "230800"


def region_name(admdvs: str) -> str:
    return REGIONS.get(admdvs, admdvs)


def pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


def persons(n: float | None) -> str:
    if n is None:
        return "—"
    return f"{n / 10000:.2f} 万人" if abs(n) >= 10000 else f"{n:,.0f} 人"


def yuan(x: float | None) -> str:
    if x is None:
        return "—"
    if abs(x) >= 1e8:
        return f"{x / 1e8:.2f} 亿元"
    if abs(x) >= 1e4:
        return f"{x / 1e4:.1f} 万元"
    return f"{x:,.0f} 元"

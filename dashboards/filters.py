"""Filters shared by every page - month, area (the city or a county) and scheme - kept in the URL
query string, so a link reproduces a view."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from i18n import lang, pick, t
from labels import region_name

SCHEMES = ("all", "310", "390")


@dataclass(frozen=True)
class Filters:
    month: str  # YYYY-MM
    area: str  # admdvs: the user's city or one of its counties
    scheme: str  # all | 310 | 390
    city: str  # the user's city (a county user's: the city of their county)

    @property
    def month_end(self):
        import pandas as pd

        return (pd.Timestamp(self.month + "-01") + pd.offsets.MonthEnd(0)).date()


def _param(name: str, default: str, allowed) -> str:
    value = st.query_params.get(name, default)
    return value if value in allowed else default


def month_picker(months: list[str], complete: set[str]) -> str:
    """The month selector in the sidebar, seeded from the URL: it opens on the latest complete month (DESIGN §4
    Periods); an incomplete month can still be chosen, and is marked. '' when there are no months."""
    if not months:
        return ""
    finished = [m for m in months if m in complete]
    month = _param("month", finished[-1] if finished else months[-1], months)
    with st.sidebar:
        return st.selectbox(
            t("period"),
            months,
            index=months.index(month),
            key="f_month",
            format_func=lambda m: m if m in complete else m + t("incomplete_mark"),
        )


def sidebar(user, months: list[str], complete: set[str] | None = None) -> Filters:
    """Draw the shared filters in the sidebar, seeded from and written back to the URL. The month opens on the
    latest complete month (DESIGN §4 Periods); an incomplete month can still be chosen, and is marked."""
    areas = list(user.scope)  # a city user's: the city first, then its counties (auth.User.scope)
    month = month_picker(months, set(months) if complete is None else complete)
    area = _param("area", areas[0], areas)
    scheme = _param("scheme", "all", SCHEMES)
    with st.sidebar:
        area = st.selectbox(
            t("county"), areas, index=areas.index(area), key="f_area", format_func=lambda a: region_name(a, lang())
        )
        scheme = st.radio(
            t("scheme"),
            SCHEMES,
            index=SCHEMES.index(scheme),
            key="f_scheme",
            horizontal=True,
            format_func=lambda s: {
                "all": t("all_schemes"),
                "310": pick("职工", "Employees"),
                "390": pick("居民", "Residents"),
            }[s],
        )
    st.query_params.update({"month": month, "area": area, "scheme": scheme, "lang": lang()})
    return Filters(month, area, scheme, user.city)

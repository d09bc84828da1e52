"""Which layout a delivered file is in, and how its columns become the contract's (DESIGN §2).

Two layouts reach the same raw contract:
- `message`: the platform's interface names (setl.csv, psn_insu.csv, clct.csv ...), as the contract names them;
- `backend`: the platform's back-end tables under their own names (setl_d.csv, psn_insu_d.csv,
  staf_psn_clct_detl_d.csv, rsdt_psn_clct_detl_d.csv), with column names in any case.

The mapping is data: seeds/layout_column.csv, one row per contract column a back-end table names differently. A
source is a column, `a + b` (a sum of columns: a value is derived, and counted), `a|b` (the first column the file
has), or empty (the table does not carry it: null). A column the seed does not list is read under its own name.
Columns the contract does not use are kept, in raw.extra_values.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from functools import cache

from .contract import CLCT_DETAIL, EXTRACTS, Extract
from .paths import seed_path

MESSAGE = "message"
BACKEND = "backend"


@dataclass(frozen=True)
class Layout:
    name: str  # message | backend
    file: str  # the file's name without .csv / .csv.gz
    extract: str  # the contract extract its rows load into
    sources: dict[str, str] = field(default_factory=dict)  # column of `shape` -> source (see the module's doc)
    version: str = ""  # the first 12 hex digits of the sha256 of its rows of the seed

    @property
    def shape(self) -> Extract:
        """What a row of the file is parsed as: the extract itself, or a back-end contribution detail row, which
        typed_load turns into clct lines."""
        if self.name == BACKEND and self.extract == "clct":
            return CLCT_DETAIL
        return EXTRACTS[self.extract]

    def source_columns(self, column: str) -> list[str]:
        """The file columns a shape column is read from (several for a sum or a choice; none if not delivered)."""
        source = self.sources.get(column, column)
        return [c.strip() for c in source.replace("+", "|").split("|") if c.strip()]

    def missing(self, header: list[str]) -> list[str]:
        """The required columns the header cannot give, named as this layout names them."""
        out = []
        for column in self.shape.required_columns:
            source = self.sources.get(column, column)
            if not source:
                continue
            names = self.source_columns(column)
            if "+" in source:
                absent = [c for c in names if c not in header]
                out += absent
            elif not any(c in header for c in names):
                out.append(" or ".join(names))
        return out

    def used(self, header: list[str]) -> set[str]:
        return {c for column in self.shape.column_names for c in self.source_columns(column) if c in header}


@cache
def _seed_rows() -> tuple[dict, ...]:
    with open(seed_path("layout_column"), encoding="utf-8", newline="") as f:
        return tuple(csv.DictReader(f))


@cache
def layouts() -> dict[str, Layout]:
    """Every layout a file can be in, by file name: the message layout of each extract, and each back-end table."""
    out = {name: Layout(MESSAGE, name, name) for name in EXTRACTS}
    by_file: dict[str, list[dict]] = {}
    for row in _seed_rows():
        by_file.setdefault(row["file"], []).append(row)
    for file, rows in by_file.items():
        digest = hashlib.sha256(repr(sorted(tuple(r.values()) for r in rows)).encode()).hexdigest()[:12]
        sources = {r["column"]: r["source"].strip().lower() for r in rows if r["column"]}
        out[file] = Layout(rows[0]["layout"], file, rows[0]["extract"], sources, digest)
    return out


def recognise(file_stem: str, header: list[str]) -> Layout | None:
    """The layout of a file, by its name, then by its header: a back-end setl_d extract delivered as setl.csv is
    recognised by its columns (it names psn_pay, not psn_part_amt). None for a name no layout knows."""
    by_name = layouts().get(file_stem)
    if by_name is None:
        return None
    if by_name.missing(header):
        for other in layouts().values():
            if other.extract == by_name.extract and other is not by_name and not other.missing(header):
                return other
    return by_name


def projection(layout: Layout, header: list[str]) -> tuple[list[str], list[str]]:
    """SQL over the file's (text) columns giving each column of the layout's shape, as text; and the columns whose
    value is derived (a sum of columns)."""
    select, derived = [], []
    for column in layout.shape.column_names:
        source = layout.sources.get(column, column)
        names = [c for c in layout.source_columns(column) if c in header]
        if "+" in source and names:
            texts = [f"nullif(trim({quote(c)}), '')" for c in names]
            numbers = [f"try_cast({t} as DECIMAL(18,2))" for t in texts]
            # a part that is not a number is passed on as it is, so the type check names it
            invalid = " ".join(f"when {t} is not null and {n} is null then {t}" for t, n in zip(texts, numbers))
            any_given = " or ".join(f"{t} is not null" for t in texts)
            total = " + ".join(f"coalesce({n}, 0)" for n in numbers)
            select.append(f"case {invalid} when {any_given} then cast({total} as varchar) end as {column}")
            derived.append(column)
        elif names:
            select.append(f"{quote(names[0])} as {column}")
        else:
            select.append(f"cast(null as varchar) as {column}")
    return select, derived


def extra_columns(layout: Layout, header: list[str]) -> list[str]:
    """The header's columns the contract does not use: kept in raw.extra_values, named in ops.loaded_files."""
    used = layout.used(header)
    return [c for c in header if c not in used]


def quote(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'

"""How generated identifiers look: a prefix and zero-padded digits, made in bulk with Arrow."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

FORMATS = {
    "psn_no": ("2308", 16),
    "card_no": ("C230800", 10),
    "psn_insu_rlts_id": ("IN", 16),
    "clct_id": ("CL", 16),
    "setl_id": ("ST", 18),
    "mdtrt_id": ("MD", 18),
    "emp_no": ("EMP2308", 8),
    "roster_id": ("KP", 10),
    "txn_id": ("FT", 10),
}


def format_ids(kind: str, values: np.ndarray) -> pa.Array:
    """IDs as strings; negative values become null."""
    prefix, width = FORMATS[kind]
    values = np.asarray(values, dtype=np.int64)
    digits = pc.utf8_lpad(pc.cast(pa.array(np.maximum(values, 0)), pa.string()), width, "0")
    out = pc.binary_join_element_wise(prefix, digits, "")
    return pc.if_else(pa.array(values < 0), pa.nulls(len(values), pa.string()), out)


def format_list(kind: str, values) -> list[str]:
    return format_ids(kind, np.asarray(values, dtype=np.int64)).to_pylist()

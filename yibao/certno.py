"""Resident ID numbers (居民身份证号码, GB 11643-1999): validation and the check character.

Both a scalar validator (for tests and error messages) and vectorised builders
(for the generator, which makes millions at once) live here.
"""

from __future__ import annotations

import re

import numpy as np

WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
CHECK_CHARS = "10X98765432"  # index = weighted sum mod 11
_SHAPE = re.compile(r"^\d{17}[\dX]$")


def check_char(first17: str) -> str:
    total = sum(int(d) * int(w) for d, w in zip(first17, WEIGHTS))
    return CHECK_CHARS[total % 11]


def problems(certno: str | None, brdy: str | None = None, gend: str | None = None) -> list[str]:
    """Why a certno breaks GB 11643 (empty list when it is valid).

    brdy is 'YYYY-MM-DD' or 'YYYYMMDD'; gend is '1' male or '2' female (GB/T 2261.1).
    """
    if certno is None or len(certno) != 18:
        return [f"length {0 if certno is None else len(certno)}, expected 18"]
    if not _SHAPE.match(certno):
        return ["not 17 digits plus a check character"]
    out = []
    if check_char(certno[:17]) != certno[17]:
        out.append("check character wrong")
    if brdy is not None and certno[6:14] != brdy.replace("-", ""):
        out.append("birth date differs from brdy")
    if gend in ("1", "2") and (int(certno[16]) % 2 == 1) != (gend == "1"):
        out.append("gender digit differs from gend")
    return out


def is_valid(certno: str | None, brdy: str | None = None, gend: str | None = None) -> bool:
    return not problems(certno, brdy, gend)


def build(address: np.ndarray, birth_yyyymmdd: np.ndarray, seq: np.ndarray) -> np.ndarray:
    """Vectorised: 18-character certnos from 6-digit address codes, birth dates and 3-digit sequences."""
    if len(address) == 0:
        return np.array([], dtype="<U18")
    number = address.astype(np.int64) * 10**11 + birth_yyyymmdd.astype(np.int64) * 1000 + seq.astype(np.int64)
    powers = 10 ** np.arange(16, -1, -1, dtype=np.int64)
    digits = (number[:, None] // powers) % 10
    check = np.array(list(CHECK_CHARS))[(digits @ WEIGHTS) % 11]
    return np.char.add(np.char.zfill(number.astype(str), 17), check)

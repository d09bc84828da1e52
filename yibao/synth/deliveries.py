"""Writing extracts as daily delivery folders: <landing>/<YYYYMMDD>/<extract>.csv + manifest.csv."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..files import file_sha256
from ..contract import DATE, EXTRACTS, INT, MONEY, RATE, TS
from .timeline import NO_DAY, Timeline


def _decimal(values: np.ndarray, precision: int, scale: int) -> pa.Array:
    """Exact decimals from integers in units of 10**-scale (cents for money)."""
    v = np.asarray(values, dtype=np.int64)
    words = np.column_stack([v, np.where(v < 0, -1, 0).astype(np.int64)]).ravel()
    return pa.Array.from_buffers(pa.decimal128(precision, scale), len(v), [None, pa.py_buffer(words.tobytes())])


def to_arrow(extract: str, columns: dict) -> pa.Table:
    """Contract-typed Arrow table. Money comes as cents, rates as millionths, dates as day
    numbers (NO_DAY = null), timestamps as seconds, text as strings or Arrow arrays."""
    arrays = []
    for name, typ in EXTRACTS[extract].columns:
        v = columns[name]
        if isinstance(v, (pa.Array, pa.ChunkedArray)):
            arrays.append(v)
        elif typ == MONEY:
            arrays.append(_decimal(v, 18, 2))
        elif typ == RATE:
            arrays.append(_decimal(v, 9, 6))
        elif typ == DATE:
            v = np.asarray(v, dtype=np.int64)
            arrays.append(pa.array(np.where(v == NO_DAY, 0, v).astype(np.int32), mask=v == NO_DAY).cast(pa.date32()))
        elif typ == TS:
            arrays.append(pa.array(np.asarray(v, dtype=np.int64)).cast(pa.timestamp("s")))
        elif typ == INT:
            arrays.append(pa.array(np.asarray(v, dtype=np.int64)))
        else:
            v = np.asarray(v)
            arrays.append(pa.array(v, type=pa.string()) if v.dtype.kind in "UO" else pa.array(v).cast(pa.string()))
    return pa.table(arrays, names=EXTRACTS[extract].column_names)


def write_deliveries(landing: Path, tl: Timeline, tables: dict[str, tuple[pa.Table, np.ndarray]]) -> list[Path]:
    """Split each extract by delivery index and write every delivery folder with its manifest.

    tables maps extract -> (table, delivery index per row). Versions of the same key that fall
    in one delivery must already have been reduced to the latest.
    """
    def write(folder: Path, extract: str, k: int) -> str:
        table, deliv = tables[extract]
        part = table.filter(pa.array(deliv == k))
        name = f"{extract}.csv"
        pacsv.write_csv(part, folder / name, write_options=pacsv.WriteOptions(include_header=True))
        return f"{name},{part.num_rows},{file_sha256(folder / name)}"

    folders = []
    with ThreadPoolExecutor(max_workers=2) as pool:  # Arrow's CSV writer releases the GIL
        for k, day in enumerate(tl.delivery_dates()):
            folder = landing / day.strftime("%Y%m%d")
            folder.mkdir(parents=True, exist_ok=True)
            lines = list(pool.map(lambda e: write(folder, e, k), EXTRACTS))
            (folder / "manifest.csv").write_text("\n".join(["file,rows,sha256", *lines]) + "\n", encoding="utf-8")
            folders.append(folder)
    return folders


def latest_per_delivery(keys: np.ndarray, deliv: np.ndarray, updt: np.ndarray) -> np.ndarray:
    """Row mask keeping, for each key and delivery, only the version with the latest update time."""
    order = np.lexsort((updt, deliv, keys))
    k, d = keys[order], deliv[order]
    last = np.ones(len(order), dtype=bool)
    last[:-1] = (k[1:] != k[:-1]) | (d[1:] != d[:-1])
    keep = np.zeros(len(order), dtype=bool)
    keep[order[last]] = True
    return keep

"""Writing extracts as daily delivery folders: <landing>/<YYYYMMDD>/<extract>.csv + manifest.csv.

Each chunk of persons writes its own part files (write_part); an Assembler joins them into the delivery folders."""

from __future__ import annotations

import hashlib
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from ..contract import DATE, EXTRACTS, INT, MONEY, RATE, TS
from .timeline import NO_DAY, Timeline


def _decimal(values: np.ndarray, precision: int, scale: int) -> pa.Array:
    """Exact decimals from integers in units of 10**-scale (cents for money)."""
    v = np.asarray(values, dtype=np.int64)
    words = np.column_stack([v, np.where(v < 0, -1, 0).astype(np.int64)]).ravel()
    return pa.Array.from_buffers(pa.decimal128(precision, scale), len(v), [None, pa.py_buffer(words.tobytes())])


# The message layout writes the interface's columns; of the optional ones, only the plan's subsidy by level.
OPTIONAL_WRITTEN = {
    "fund_plan": (
        "planned_subsidy_central",
        "planned_subsidy_provincial",
        "planned_subsidy_city",
        "planned_subsidy_county",
    )
}


def written_columns(extract: str) -> list[str]:
    """The columns the generator writes for an extract, in contract order."""
    spec = EXTRACTS[extract]
    return [n for n, _ in spec.columns if n not in spec.optional or n in OPTIONAL_WRITTEN.get(extract, ())]


def to_arrow(extract: str, columns: dict) -> pa.Table:
    """Contract-typed Arrow table. Money comes as cents, rates as millionths, dates as day
    numbers (NO_DAY = null), timestamps as seconds, text as strings or Arrow arrays."""
    arrays = []
    spec = EXTRACTS[extract]
    for name, typ in spec.columns:
        if name not in written_columns(extract):
            continue
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
    return pa.table(arrays, names=written_columns(extract))


def write_part(part: Path, tl: Timeline, tables: dict[str, tuple[pa.Table, np.ndarray]]) -> dict[tuple[int, str], int]:
    """Write one chunk's rows of each extract, split by delivery, as part/<k>/<extract>.csv without header.

    tables maps extract -> (table, delivery index per row). Versions of the same key that fall
    in one delivery must already have been reduced to the latest. Returns rows per (delivery, extract).
    """

    def by_delivery(extract: str) -> tuple[pa.Table, np.ndarray]:
        """The extract's rows ordered by delivery (one copy), and where each delivery starts."""
        table, deliv = tables[extract]
        if np.any(deliv[1:] < deliv[:-1]):
            order = np.argsort(deliv, kind="stable")
            table, deliv = table.take(pa.array(order)), deliv[order]
        return table, np.searchsorted(deliv, np.arange(n_deliveries + 1))

    def write(extract: str) -> list[tuple[tuple[int, str], int]]:
        table, starts = by_delivery(extract)
        out = []
        for k in range(n_deliveries):
            rows = table.slice(starts[k], starts[k + 1] - starts[k])
            pacsv.write_csv(
                rows, part / str(k) / f"{extract}.csv", write_options=pacsv.WriteOptions(include_header=False)
            )
            out.append(((k, extract), rows.num_rows))
        return out

    n_deliveries = len(tl.delivery_dates())
    for k in range(n_deliveries):
        (part / str(k)).mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=2) as pool:  # Arrow's CSV writer releases the GIL
        return dict(pair for pairs in pool.map(write, tables) for pair in pairs)


class Assembler:
    """Joins the chunks' part files, in order, under each extract's header in the delivery folders,
    hashing as it goes; finish() writes each folder's manifest. Parts are deleted once appended, and
    appending can run in a thread while workers make the next chunks."""

    def __init__(self, landing: Path, tl: Timeline):
        self.folders = [landing / day.strftime("%Y%m%d") for day in tl.delivery_dates()]
        self.files, self.digests, self.rows = {}, {}, {}
        for k, folder in enumerate(self.folders):
            folder.mkdir(parents=True, exist_ok=True)
            for extract in EXTRACTS:
                header = (",".join(f'"{c}"' for c in written_columns(extract)) + "\n").encode()
                self.files[k, extract] = open(folder / f"{extract}.csv", "wb")
                self.files[k, extract].write(header)
                self.digests[k, extract] = hashlib.sha256(header)
                self.rows[k, extract] = 0

    def append(self, part: Path, rows: dict[tuple[int, str], int]) -> None:
        for (k, extract), n in rows.items():
            src = part / str(k) / f"{extract}.csv"
            with open(src, "rb") as f:
                while block := f.read(1 << 22):
                    self.digests[k, extract].update(block)
                    self.files[k, extract].write(block)
            self.rows[k, extract] += n
        shutil.rmtree(part)

    def finish(self) -> list[Path]:
        for f in self.files.values():
            f.close()
        for k, folder in enumerate(self.folders):
            write_manifest(folder, [(f"{e}.csv", self.rows[k, e], self.digests[k, e].hexdigest()) for e in EXTRACTS])
        return self.folders


def write_manifest(folder: Path, files: list[tuple[str, int, str]]) -> None:
    """A delivery's manifest.csv: one line per (file, rows, sha256), as ingest reads it."""
    lines = [f"{name},{rows},{digest}" for name, rows, digest in files]
    (folder / "manifest.csv").write_text("\n".join(["file,rows,sha256", *lines]) + "\n", encoding="utf-8")


def latest_per_delivery(keys: np.ndarray, deliv: np.ndarray, updt: np.ndarray) -> np.ndarray:
    """Row mask keeping, for each key and delivery, only the version with the latest update time."""
    order = np.lexsort((updt, deliv, keys))
    k, d = keys[order], deliv[order]
    last = np.ones(len(order), dtype=bool)
    last[:-1] = (k[1:] != k[:-1]) | (d[1:] != d[:-1])
    keep = np.zeros(len(order), dtype=bool)
    keep[order[last]] = True
    return keep

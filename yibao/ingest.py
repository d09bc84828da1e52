"""`yibao ingest`: validate and load every delivery not yet loaded into raw.<extract>.

Per file:
1. Skip it if this delivery's identical file was loaded before (sha256); record a duplicate if
   the same content came in another delivery.
2. Decode it (UTF-8 or GBK, plain or gzip) and check its header against the contract.
3. Parse and type it in a transaction (typed_load), run its Great Expectations suite (validate),
   and check that loaded + quarantined rows = the manifest's rows.
4. Insert, record it in ops.loaded_files and ops.gx_results, and commit.

A file that cannot be trusted as a whole is rejected: it is moved to $YIBAO_DATA/quarantine/,
the reason is recorded, and the other files still load. A crash leaves the warehouse as it was
before the file being loaded.
"""
from __future__ import annotations

import datetime as dt
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from . import typed_load
from .contract import EXTRACTS
from .files import file_sha256
from .landing_files import Rejected, decode, deliveries, read_manifest
from .warehouse import connect, ensure_tables

RESEND_HINT = "ask the sender for a corrected extract and deliver it in a new folder under landing/"


@dataclass
class FileResult:
    delivery: str
    file: str
    status: str  # loaded | rejected | duplicate | skipped
    rows_loaded: int = 0
    rows_quarantined: int = 0
    manifest_rows: int | None = None
    reason: str = ""
    moved_to: Path | None = None
    warnings: list[str] = field(default_factory=list)

    def line(self) -> str:
        where = f"{self.delivery}/{self.file}"
        if self.status == "rejected":
            moved = f"; moved to {self.moved_to}" if self.moved_to else ""
            return f"REJECTED {where}: {self.reason}{moved}\n    what to do: {RESEND_HINT}"
        if self.status == "duplicate":
            return f"skipped  {where}: {self.reason}"
        q = f", {self.rows_quarantined:,} quarantined (see dq.quarantine_rows)" if self.rows_quarantined else ""
        w = "".join(f"\n    warning: {x}" for x in self.warnings)
        return f"loaded   {where}: {self.rows_loaded:,} rows{q}{w}"


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    data_docs: Path | None = None
    validation_seconds: float = 0.0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors and all(r.status != "rejected" for r in self.results)

    @property
    def rejected(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "rejected"]

    def summary(self) -> str:
        shown = [r for r in self.results if r.status != "skipped"]
        lines = [r.line() for r in shown] + [f"ERROR {e}" for e in self.errors]
        if self.data_docs:
            lines.append(f"Great Expectations: {self.validation_seconds:.1f} s of {self.seconds:.1f} s validating; "
                         f"Data Docs at {self.data_docs}")
        loaded = sum(r.rows_loaded for r in self.results)
        quarantined = sum(r.rows_quarantined for r in self.results)
        lines.append(f"ingest: {sum(r.status == 'loaded' for r in self.results)} files loaded, "
                     f"{loaded:,} rows, {quarantined:,} rows quarantined, {len(self.rejected)} files rejected"
                     + ("" if shown else " (nothing new to load)"))
        return "\n".join(lines)


class Loader:
    """Loads files of one ingest run into an open warehouse connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection, data_dir: Path):
        self.con = con
        self.data_dir = data_dir
        self.tmp_dir = data_dir / "tmp"
        self._validator = None
        self.validation_seconds = 0.0

    @property
    def validator(self):
        if self._validator is None:  # Great Expectations takes seconds to import: only when needed
            from .validate import LandingValidator

            self._validator = LandingValidator(self.data_dir)
        return self._validator

    def record(self, res: FileResult, delivery_date: dt.date, extract: str | None, digest: str,
               now: dt.datetime, encoding: str | None = None) -> None:
        self.con.execute("insert into ops.loaded_files values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         [delivery_date, res.file, extract, digest, res.status, res.manifest_rows, res.rows_loaded,
                          res.rows_quarantined, res.reason or None, now, encoding])

    def load(self, folder: Path, path: Path, manifest: dict[str, tuple[int, str]]) -> FileResult:
        delivery_date = dt.datetime.strptime(folder.name, "%Y%m%d").date()
        digest = file_sha256(path)
        result = FileResult(folder.name, path.name, "loaded")
        seen = self.con.execute("select delivery_date from ops.loaded_files where sha256 = ? "
                                "and status <> 'rejected'", [digest]).fetchall()
        if any(d == delivery_date for (d,) in seen):  # this very file of this delivery was loaded before
            result.status = "skipped"
            return result
        extract = path.name.removesuffix(".gz").removesuffix(".csv")
        extract = extract if extract in EXTRACTS else None
        now = dt.datetime.now().replace(microsecond=0)
        if seen and manifest.get(path.name, (0, ""))[0] > 0:  # an empty extract may recur harmlessly
            result.status = "duplicate"
            result.reason = f"identical to the file already loaded from delivery {seen[0][0]:%Y%m%d}; nothing changed"
            self.record(result, delivery_date, extract, digest, now)
            return result
        encoding = None
        try:
            if extract is None or not path.name.endswith((".csv", ".csv.gz")):
                raise Rejected(f"unknown extract '{path.name}'; expected one of "
                               + ", ".join(f"{e}.csv" for e in EXTRACTS))
            if path.name not in manifest:
                raise Rejected("not listed in manifest.csv")
            result.manifest_rows, manifest_sha = manifest[path.name]
            decoded = decode(path, self.tmp_dir)
            encoding = decoded.encoding
            try:
                missing = [c for c in EXTRACTS[extract].column_names if c not in decoded.header]
                if missing:
                    raise Rejected(f"required column(s) missing: {', '.join(missing)}")
                self._load_decoded(result, extract, decoded, delivery_date, now, digest, manifest_sha)
            finally:
                decoded.cleanup()
        except Rejected as e:
            result.status = "rejected"
            result.reason = str(e)
            self.record(result, delivery_date, extract, digest, now, encoding)
        return result

    def _load_decoded(self, result: FileResult, extract: str, decoded, delivery_date: dt.date,
                      now: dt.datetime, digest: str, manifest_sha: str) -> None:
        con = self.con
        label = f"{result.delivery}/{result.file}"
        con.begin()
        try:
            staged = typed_load.stage(con, extract, decoded)
            if staged.rows != result.manifest_rows:
                raise Rejected(f"row count {staged.rows:,} differs from manifest ({result.manifest_rows:,}); "
                               "the file is truncated or incomplete")
            if manifest_sha and manifest_sha != digest:
                raise Rejected("sha256 differs from manifest.csv; the file changed after it was listed")
            if staged.rows:  # an empty extract has nothing to validate
                t0 = time.perf_counter()
                frame = typed_load.validation_frame(con, extract)
                validation = self.validator.validate(extract, frame, label.replace("/", "_"))
                self.validation_seconds += time.perf_counter() - t0
                rejecting = validation.failed_with("reject")
                if rejecting:
                    raise Rejected("fails its Great Expectations suite: "
                                   + "; ".join(f"{f['expectation']}" for f in rejecting))
                result.warnings = [f"{f['expectation']} on {f['column']}: {f['unexpected_count']} rows"
                                   for f in validation.failed_with("warn")]
                con.execute("insert into ops.gx_results values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [delivery_date, result.file, extract, validation.success, validation.evaluated,
                             len(validation.failed_with("quarantine")), len(validation.failed_with("warn")),
                             validation.details_json(), round(validation.seconds, 3), now, len(frame)])
            result.rows_loaded, result.rows_quarantined = typed_load.insert(
                con, extract, decoded, label, delivery_date, now)
            self.record(result, delivery_date, extract, digest, now, decoded.encoding)
            typed_load.drop_temp(con)
            con.commit()
        except BaseException:
            con.rollback()
            raise


def _move_to_quarantine(path: Path, quarantine: Path) -> Path:
    target_dir = quarantine / path.parent.name
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / path.name
    n = 1
    while target.exists():
        target = target_dir / f"{path.name}.{n}"
        n += 1
    shutil.move(str(path), target)
    return target


def ingest(landing: Path, db: Path, quarantine: Path) -> IngestReport:
    t0 = time.perf_counter()
    report = IngestReport()
    con = connect(db)
    try:
        ensure_tables(con)
        loader = Loader(con, landing.parent)
        for folder in deliveries(landing):
            if not (folder / "manifest.csv").exists():
                report.errors.append(f"{folder.name}: no manifest.csv, so nothing in this delivery was loaded; "
                                     "add the manifest (file,rows,sha256) and run ingest again")
                continue
            manifest = read_manifest(folder)
            present = {p.name for p in folder.iterdir() if p.is_file() and p.name != "manifest.csv"}
            for name in sorted(set(manifest) - present):
                report.errors.append(f"{folder.name}/{name}: listed in manifest.csv but not delivered")
            for name in sorted(present):
                result = loader.load(folder, folder / name, manifest)
                if result.status == "rejected":
                    result.moved_to = _move_to_quarantine(folder / name, quarantine)
                report.results.append(result)
        con.execute("checkpoint")
        if loader._validator is not None:
            report.data_docs = loader.validator.build_docs()
        report.validation_seconds = loader.validation_seconds
    finally:
        con.close()
    report.seconds = time.perf_counter() - t0
    return report

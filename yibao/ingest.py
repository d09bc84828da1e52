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

Before any file, the landing folder itself is judged (README, "What ingest refuses, holds and reports"):
an entry that is not a delivery folder is reported; a delivery dated after today, or more than
MAX_GAP_DAYS after the last delivery loaded, is held (not loaded, reported) until it is released; a
delivery whose manifest cannot be read loads nothing. One bad item never stops the others: every
other delivery still loads, in date order.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from . import typed_load
from .contract import EXTRACTS
from .files import file_sha256
from .landing_files import BadManifest, Notice, Rejected, decode, read_manifest, scan_landing
from .layouts import BACKEND, Layout, extra_columns, layouts, recognise
from .warehouse import connect, ensure_tables

RESEND_HINT = "ask the sender for a corrected extract and deliver it in a new folder under landing/"
MAX_GAP_DAYS = 31  # a delivery dated longer than this after the last one loaded is held (YIBAO_MAX_GAP_DAYS)


def max_gap_days() -> int:
    return int(os.environ.get("YIBAO_MAX_GAP_DAYS", MAX_GAP_DAYS))


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
    extra_columns: list[str] = field(default_factory=list)
    layout: str = ""  # message | backend (yibao/layouts.py)
    mapping_version: str = ""
    rows_derived: int = 0  # rows with a value the layout's mapping derived (a sum of columns)

    def line(self) -> str:
        where = f"{self.delivery}/{self.file}"
        if self.status == "rejected":
            moved = f"; moved to {self.moved_to}" if self.moved_to else ""
            return f"REJECTED {where}: {self.reason}{moved}\n    what to do: {RESEND_HINT}"
        if self.status == "duplicate":
            return f"skipped  {where}: {self.reason}"
        q = f", {self.rows_quarantined:,} quarantined (see dq.quarantine_rows)" if self.rows_quarantined else ""
        w = "".join(f"\n    warning: {x}" for x in self.warnings)
        if self.extra_columns:
            shown = ", ".join(self.extra_columns[:8]) + (
                f" and {len(self.extra_columns) - 8} more" if len(self.extra_columns) > 8 else ""
            )
            w += (
                f"\n    note: column(s) {shown} are not in the contract (DESIGN §2); kept in raw.extra_values and "
                "named in ops.loaded_files.extra_columns"
            )
        if self.layout and self.layout != "message":
            d = f", {self.rows_derived:,} with a derived value" if self.rows_derived else ""
            w += f"\n    layout: {self.layout} (mapping {self.mapping_version}, seeds/layout_column.csv){d}"
        return f"loaded   {where}: {self.rows_loaded:,} rows{q}{w}"


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    data_docs: Path | None = None
    validation_seconds: float = 0.0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors and not self.notices and all(r.status != "rejected" for r in self.results)

    @property
    def held(self) -> list[Notice]:
        return [n for n in self.notices if n.kind == "held"]

    @property
    def rejected(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "rejected"]

    def summary(self) -> str:
        shown = [r for r in self.results if r.status != "skipped"]
        lines = [r.line() for r in shown] + [n.line() for n in self.notices] + [f"ERROR {e}" for e in self.errors]
        if self.data_docs:
            lines.append(
                f"Great Expectations: {self.validation_seconds:.1f} s of {self.seconds:.1f} s validating; "
                f"Data Docs at {self.data_docs}"
            )
        loaded = sum(r.rows_loaded for r in self.results)
        quarantined = sum(r.rows_quarantined for r in self.results)
        lines.append(
            f"ingest: {sum(r.status == 'loaded' for r in self.results)} files loaded, "
            f"{loaded:,} rows, {quarantined:,} rows quarantined, {len(self.rejected)} files rejected, "
            f"{len(self.held)} deliveries held, {len(self.notices) - len(self.held) + len(self.errors)} "
            "other problems" + ("" if shown or self.notices or self.errors else " (nothing new to load)")
        )
        return "\n".join(lines)


class Loader:
    """Loads files of one ingest run into an open warehouse connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection, data_dir: Path, seen: set[tuple] | None = None):
        self.con = con
        self.data_dir = data_dir
        self.seen = set() if seen is None else seen  # loaded_file_stats() at the start of the run
        self.tmp_dir = data_dir / "tmp"
        self._validator = None
        self._preparing: threading.Thread | None = None
        self._prepare_error: BaseException | None = None
        self.validation_seconds = 0.0

    def prepare_validator(self) -> None:
        """Import Great Expectations and open its context in a thread (2.4 s), while the first files are hashed,
        decoded and staged: DuckDB and hashing let go of the interpreter, so the two overlap. Called only when a
        file is new: Great Expectations is imported only when needed."""
        if self._validator is not None or self._preparing is not None:
            return

        self._prepare_error = None

        def prepare():
            try:
                from .validate import LandingValidator

                self._validator = LandingValidator(self.data_dir)
            except BaseException as e:  # raised where the validator is first used
                self._prepare_error = e

        self._preparing = threading.Thread(target=prepare, name="gx-import", daemon=True)
        self._preparing.start()

    @property
    def validator(self):
        self.prepare_validator()
        if self._preparing is not None:
            self._preparing.join()
            self._preparing = None
        if self._prepare_error is not None:
            raise self._prepare_error
        return self._validator

    def close(self) -> None:
        """Wait for a validator still being prepared (a run whose new files had no rows to validate)."""
        if self._preparing is not None:
            self._preparing.join()
            self._preparing = None

    def record(
        self,
        res: FileResult,
        path: Path,
        delivery_date: dt.date,
        extract: str | None,
        digest: str,
        now: dt.datetime,
        encoding: str | None = None,
    ) -> None:
        stat = path.stat()
        self.con.execute(
            "insert into ops.loaded_files (delivery_date, file, extract, sha256, status, manifest_rows, "
            "rows_loaded, rows_quarantined, reason, loaded_at, encoding, extra_columns, file_bytes, file_mtime_ns, "
            "layout, mapping_version, rows_derived) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                delivery_date,
                res.file,
                extract,
                digest,
                res.status,
                res.manifest_rows,
                res.rows_loaded,
                res.rows_quarantined,
                res.reason or None,
                now,
                encoding,
                ", ".join(res.extra_columns) or None,
                stat.st_size,
                stat.st_mtime_ns,
                res.layout or None,
                res.mapping_version or None,
                res.rows_derived if res.layout else None,
            ],
        )

    def load(
        self, folder: Path, delivery_date: dt.date, path: Path, manifest: dict[str, tuple[int, str]], twin: str = ""
    ) -> FileResult:
        """Load one file of a delivery. `twin` names the same extract delivered again in the same folder (setl.csv
        beside setl.csv.gz): then the file is refused unless it was loaded before."""
        result = FileResult(folder.name, path.name, "loaded")
        if unchanged_since_loaded(self.seen, delivery_date, path):
            result.status = "skipped"
            return result
        digest = file_sha256(path)
        seen = self.con.execute(
            "select delivery_date from ops.loaded_files where sha256 = ? and status <> 'rejected'", [digest]
        ).fetchall()
        if any(d == delivery_date for (d,) in seen):  # this very file of this delivery was loaded before
            result.status = "skipped"
            return result
        stem = path.name.removesuffix(".gz").removesuffix(".csv")
        extract = layouts()[stem].extract if stem in layouts() else None
        now = dt.datetime.now().replace(microsecond=0)
        if twin:
            result.status = "rejected"
            result.reason = f"delivered twice, as {path.name} and as {twin}; deliver one of them"
            self.record(result, path, delivery_date, extract, digest, now)
            return result
        earlier = self.con.execute(
            "select loaded_at from ops.loaded_files where delivery_date = ? and file = ? and status = 'loaded'",
            [delivery_date, path.name],
        ).fetchone()
        if earlier:  # loaded before with other content: never replaced in place
            result.status = "rejected"
            result.reason = (
                f"changed since it was loaded on {earlier[0]:%Y-%m-%d %H:%M}; a loaded file is never "
                "replaced: send the correction as a new delivery, with a later updt_time on the "
                "corrected rows"
            )
            self.record(result, path, delivery_date, extract, digest, now)
            return result
        if seen and manifest.get(path.name, (0, ""))[0] > 0:  # an empty extract may recur harmlessly
            result.status = "duplicate"
            result.reason = f"identical to the file already loaded from delivery {seen[0][0]:%Y%m%d}; nothing changed"
            self.record(result, path, delivery_date, extract, digest, now)
            return result
        encoding = None
        try:
            if extract is None or not path.name.endswith((".csv", ".csv.gz")):
                raise Rejected(
                    f"unknown extract '{path.name}'; expected one of "
                    + ", ".join(f"{e}.csv" for e in EXTRACTS)
                    + ", or a back-end table: "
                    + ", ".join(f"{f}.csv" for f, lay in layouts().items() if lay.name == BACKEND)
                )
            if path.name not in manifest:
                raise Rejected("not listed in manifest.csv")
            result.manifest_rows, manifest_sha = manifest[path.name]
            decoded = decode(path, self.tmp_dir)
            encoding = decoded.encoding
            try:
                header = decoded.header
                twice = sorted({c for c in header if header.count(c) > 1})
                if twice:
                    raise Rejected(f"the header names column(s) {', '.join(twice)} more than once")
                if "" in header:
                    raise Rejected(f"the header has an unnamed column (column {header.index('') + 1})")
                layout = recognise(stem, header)
                missing = layout.missing(header)
                if missing:
                    raise Rejected(
                        f"required column(s) missing: {', '.join(missing)}"
                        + (
                            f" (the {layout.name} layout of {stem}, seeds/layout_column.csv)"
                            if layout.name == BACKEND
                            else ""
                        )
                    )
                result.extra_columns = extra_columns(layout, header)
                result.layout, result.mapping_version = layout.name, layout.version
                self._load_decoded(result, path, layout, decoded, delivery_date, now, digest, manifest_sha)
            finally:
                decoded.cleanup()
        except Rejected as e:
            result.status = "rejected"
            result.reason = str(e)
            self.record(result, path, delivery_date, extract, digest, now, encoding)
        return result

    def _load_decoded(
        self,
        result: FileResult,
        path: Path,
        layout: Layout,
        decoded,
        delivery_date: dt.date,
        now: dt.datetime,
        digest: str,
        manifest_sha: str,
    ) -> None:
        con = self.con
        label = f"{result.delivery}/{result.file}"
        # temporary tables, dropped when the block ends; staged outside the transaction (typed_load.stage says why)
        extract = layout.extract
        with typed_load.staged(con, layout, decoded, delivery_date) as staged:
            result.rows_derived = staged.derived
            con.begin()
            try:
                if staged.rows != result.manifest_rows:
                    raise Rejected(
                        f"row count {staged.rows:,} differs from manifest ({result.manifest_rows:,}); "
                        "the file is truncated or incomplete"
                    )
                if manifest_sha and manifest_sha != digest:
                    raise Rejected("sha256 differs from manifest.csv; the file changed after it was listed")
                if staged.rows:  # an empty extract has nothing to validate
                    t0 = time.perf_counter()
                    frame = typed_load.validation_frame(con, extract)
                    validation = self.validator.validate(extract, frame, label.replace("/", "_"))
                    self.validation_seconds += time.perf_counter() - t0
                    rejecting = validation.failed_with("reject")
                    if rejecting:
                        raise Rejected(
                            "fails its Great Expectations suite: " + "; ".join(f"{f['expectation']}" for f in rejecting)
                        )
                    result.warnings = [
                        f"{f['expectation']} on {f['column']}: {f['unexpected_count']} rows"
                        for f in validation.failed_with("warn")
                    ]
                    con.execute(
                        "insert into ops.gx_results values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [
                            delivery_date,
                            result.file,
                            extract,
                            validation.success,
                            validation.evaluated,
                            len(validation.failed_with("quarantine")),
                            len(validation.failed_with("warn")),
                            validation.details_json(),
                            round(validation.seconds, 3),
                            now,
                            len(frame),
                        ],
                    )
                result.rows_loaded, result.rows_quarantined = typed_load.insert(
                    con, extract, decoded, label, delivery_date, now
                )
                self.record(result, path, delivery_date, extract, digest, now, decoded.encoding)
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


def loaded_file_stats(con: duckdb.DuckDBPyConnection) -> set[tuple[dt.date, str, int, int]]:
    """(delivery_date, file, size, modification time) of every file loaded, or found a duplicate, before. Read once a
    run: a query per file cost 0.65 ms, 2.6 s a run once a year of daily deliveries lies in landing/."""
    return set(
        con.execute(
            "select delivery_date, file, file_bytes, file_mtime_ns from ops.loaded_files "
            "where status in ('loaded', 'duplicate')"
        ).fetchall()
    )


def unchanged_since_loaded(seen: set[tuple], delivery_date: dt.date, path: Path) -> bool:
    """This file of this delivery was loaded (or found a duplicate) before, and has the same size and modification
    time as then (`seen`: loaded_file_stats()): it is not read again. A night's ingest so reads only the new
    deliveries, not the whole landing history; a file changed in place gets a new modification time, is hashed, and
    is refused as changed."""
    stat = path.stat()
    return (delivery_date, path.name, stat.st_size, stat.st_mtime_ns) in seen


def _any_new_file(seen: set[tuple], found: list[tuple[dt.date, Path]]) -> bool:
    """Whether any delivered file is not unchanged since it was loaded."""
    return any(
        p.is_file() and p.name != "manifest.csv" and not unchanged_since_loaded(seen, day, p)
        for day, folder in found
        for p in folder.iterdir()
    )


def ingest(
    landing: Path, db: Path, quarantine: Path, release: tuple[str, ...] | list[str] = (), today: dt.date | None = None
) -> IngestReport:
    """Load every delivery not yet loaded. `release` names deliveries (YYYYMMDD) to load although they
    came more than MAX_GAP_DAYS after the last one; a delivery dated after `today` is never loaded."""
    t0 = time.perf_counter()
    today = today or dt.date.today()
    report = IngestReport()
    found, report.notices = scan_landing(landing)
    con = connect(db)
    try:
        ensure_tables(con)
        seen = loaded_file_stats(con)
        loader = Loader(con, landing.parent, seen)
        if _any_new_file(seen, found):
            loader.prepare_validator()
        accepted = {
            d
            for (d,) in con.execute(
                "select distinct delivery_date from ops.loaded_files where status = 'loaded'"
            ).fetchall()
        }
        for day, folder in found:
            held = _hold(day, folder.name, accepted, today, release)
            if held:
                report.notices.append(held)
                continue
            report.results += _load_delivery(loader, day, folder, quarantine, report.notices)
            if any(r.delivery == folder.name and r.status == "loaded" for r in report.results):
                accepted.add(day)
        con.execute("checkpoint")
        loader.close()
        if loader._validator is not None and loader.validator.new_results:
            report.data_docs = loader.validator.build_docs()
        report.validation_seconds = loader.validation_seconds
    finally:
        loader.close()
        con.close()
    report.seconds = time.perf_counter() - t0
    return report


def _hold(day: dt.date, name: str, accepted: set[dt.date], today: dt.date, release) -> Notice | None:
    """Why a delivery is held back, or None. A delivery any file of which was loaded before is never held."""
    if day in accepted:
        return None
    if day > today:
        return Notice(
            name,
            f"dated {day}, after today ({today}): a delivery cannot come from the future, so nothing in it was loaded",
            "if the date is wrong, rename the folder to the real delivery date; if it is right, it loads on that day",
            kind="held",
        )
    last = max((d for d in accepted if d < day), default=None)
    gap = max_gap_days()
    if last is not None and day > max(accepted) and (day - last).days > gap and name not in release:
        return Notice(
            name,
            f"dated {(day - last).days} days after the last delivery loaded ({last:%Y%m%d}), more "
            f"than the {gap} days a gap between deliveries may be; nothing in it was loaded",
            f"if the date is right, load it with `yibao ingest --release {name}`; if not, rename the "
            "folder to the real delivery date",
            kind="held",
        )
    return None


def _load_delivery(
    loader: Loader, day: dt.date, folder: Path, quarantine: Path, notices: list[Notice]
) -> list[FileResult]:
    """Every file of one delivery; a problem with one file or with the manifest is a notice, never an exception."""
    if not (folder / "manifest.csv").exists():
        notices.append(
            Notice(
                folder.name,
                "no manifest.csv, so nothing in this delivery was loaded",
                "add the manifest (file,rows,sha256) and run ingest again",
            )
        )
        return []
    try:
        manifest = read_manifest(folder)
    except BadManifest as e:
        notices.append(
            Notice(
                f"{folder.name}/manifest.csv",
                f"{e}; nothing in this delivery was loaded",
                "correct the manifest (UTF-8, comma-separated, header file,rows,sha256) and run ingest again",
            )
        )
        return []
    entries = sorted(p for p in folder.iterdir() if p.name != "manifest.csv")
    present = {p.name for p in entries if p.is_file()}
    for p in entries:
        if not p.is_file():
            notices.append(
                Notice(
                    f"{folder.name}/{p.name}",
                    "a folder inside a delivery; deliveries are flat",
                    "move its files into the delivery folder, listed in the manifest, or remove it",
                )
            )
    known = {
        f
        for (f,) in loader.con.execute(
            "select distinct file from ops.loaded_files where delivery_date = ?", [day]
        ).fetchall()
    }
    for name in sorted(set(manifest) - present - known):
        notices.append(
            Notice(
                f"{folder.name}/{name}",
                "listed in manifest.csv but not delivered",
                "deliver the file, or remove it from the manifest",
            )
        )
    results = []
    for name in sorted(present):
        stem = name.removesuffix(".gz")
        twin = f"{name}.gz" if f"{name}.gz" in present else stem if stem != name and stem in present else ""
        try:
            result = loader.load(folder, day, folder / name, manifest, twin)
        except Exception as e:  # a file no rule foresaw: name it, keep it, and go on with the others
            notices.append(
                Notice(
                    f"{folder.name}/{name}",
                    "could not be loaded: " + typed_load.mask_text(f"{type(e).__name__}: {e}".splitlines()[0]),
                    "nothing of it was loaded and it stays in landing/ for the next run; if this "
                    "repeats, send the ingest log to the yibao maintainers",
                )
            )
            continue
        if result.status == "rejected":
            result.moved_to = _move_to_quarantine(folder / name, quarantine)
        results.append(result)
    return results

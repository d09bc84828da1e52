"""`yibao ingest`: load every delivery not yet loaded into raw.<extract>.

Each file is loaded in one transaction, so a crash leaves the warehouse as it was
before that file. A file that cannot be trusted as a whole (undecodable, a row count
that differs from the manifest, a missing required column) is rejected whole and
moved to $YIBAO_DATA/quarantine/; the other files of the delivery still load.
A row that cannot be read as typed data goes to dq.quarantine_rows with its reason,
so every manifest row is either loaded or quarantined.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import gzip
import io
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .contract import DATE, EXTRACTS, LINEAGE
from .files import file_sha256
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

    def line(self) -> str:
        where = f"{self.delivery}/{self.file}"
        if self.status == "rejected":
            moved = f"; moved to {self.moved_to}" if self.moved_to else ""
            return f"REJECTED {where}: {self.reason}{moved}\n    what to do: {RESEND_HINT}"
        if self.status == "duplicate":
            return f"skipped  {where}: {self.reason}"
        q = f", {self.rows_quarantined:,} quarantined (see dq.quarantine_rows)" if self.rows_quarantined else ""
        return f"loaded   {where}: {self.rows_loaded:,} rows{q}"


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and all(r.status != "rejected" for r in self.results)

    @property
    def rejected(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "rejected"]

    def summary(self) -> str:
        shown = [r for r in self.results if r.status != "skipped"]
        lines = [r.line() for r in shown] + [f"ERROR {e}" for e in self.errors]
        loaded = sum(r.rows_loaded for r in self.results)
        quarantined = sum(r.rows_quarantined for r in self.results)
        lines.append(f"ingest: {sum(r.status == 'loaded' for r in self.results)} files loaded, "
                     f"{loaded:,} rows, {quarantined:,} rows quarantined, {len(self.rejected)} files rejected"
                     + ("" if shown else " (nothing new to load)"))
        return "\n".join(lines)


class Rejected(Exception):
    """A file-level problem: the whole file is rejected."""


def deliveries(landing: Path) -> list[Path]:
    if not landing.exists():
        return []
    return sorted(p for p in landing.iterdir() if p.is_dir() and p.name.isdigit() and len(p.name) == 8)


def read_manifest(folder: Path) -> dict[str, tuple[int, str]]:
    with open(folder / "manifest.csv", encoding="utf-8-sig", newline="") as f:
        return {r["file"].strip(): (int(r["rows"]), r.get("sha256", "").strip().lower())
                for r in csv.DictReader(f)}


def _open_bytes(path: Path):
    return gzip.open(path, "rb") if path.name.endswith(".gz") else open(path, "rb")


def detect_encoding(path: Path) -> str:
    """'utf-8' if every byte decodes as UTF-8, else 'gbk' if it decodes as GBK."""
    for encoding in ("utf-8", "gbk"):
        try:
            dec = codecs.getincrementaldecoder(encoding)()
            with _open_bytes(path) as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    dec.decode(chunk)
                dec.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
        except (OSError, EOFError) as e:
            raise Rejected(f"cannot be read: {e}") from e
    raise Rejected("cannot be decoded as UTF-8 or GBK")


def read_header(path: Path, encoding: str) -> list[str]:
    with _open_bytes(path) as f:
        first = f.readline().decode(encoding)
    return [c.strip().lower() for c in next(csv.reader([first.lstrip("\ufeff")]), [])]


def _as_utf8(path: Path, encoding: str, tmp_dir: Path) -> Path:
    """DuckDB reads UTF-8 (plain or gzip); a GBK file is transcoded to a temporary copy."""
    if encoding == "utf-8":
        return path
    tmp_dir.mkdir(parents=True, exist_ok=True)
    out = tmp_dir / f"{uuid.uuid4().hex}.csv"
    with _open_bytes(path) as src, open(out, "w", encoding="utf-8", newline="") as dst:
        shutil.copyfileobj(io.TextIOWrapper(src, encoding=encoding, newline=""), dst)
    return out


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def load_file(con: duckdb.DuckDBPyConnection, folder: Path, path: Path,
              manifest: dict[str, tuple[int, str]], tmp_dir: Path) -> FileResult:
    delivery = folder.name
    delivery_date = dt.datetime.strptime(delivery, "%Y%m%d").date()
    digest = file_sha256(path)
    result = FileResult(delivery, path.name, "loaded")
    seen = con.execute("select delivery_date, status from ops.loaded_files where sha256 = ? and status <> 'rejected'",
                       [digest]).fetchall()
    if any(d == delivery_date for d, _ in seen):  # this very delivery was loaded before
        result.status = "skipped"
        return result
    extract = path.name.removesuffix(".gz").removesuffix(".csv")
    now = dt.datetime.now().replace(microsecond=0)

    def record(res: FileResult) -> None:
        con.execute("insert into ops.loaded_files values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [delivery_date, res.file, extract if extract in EXTRACTS else None, digest, res.status,
                     res.manifest_rows, res.rows_loaded, res.rows_quarantined, res.reason or None, now])

    if seen and manifest.get(path.name, (0, ""))[0] > 0:  # an empty extract may recur harmlessly
        result.status = "duplicate"
        result.reason = f"identical to the file already loaded from delivery {seen[0][0]:%Y%m%d}; nothing changed"
        record(result)
        return result
    try:
        if extract not in EXTRACTS or not path.name.endswith((".csv", ".csv.gz")):
            raise Rejected(f"unknown extract '{path.name}'; expected one of "
                           + ", ".join(f"{e}.csv" for e in EXTRACTS))
        if path.name not in manifest:
            raise Rejected("not listed in manifest.csv")
        result.manifest_rows, manifest_sha = manifest[path.name]
        encoding = detect_encoding(path)
        header = read_header(path, encoding)
        missing = [c for c in EXTRACTS[extract].column_names if c not in header]
        if missing:
            raise Rejected(f"required column(s) missing: {', '.join(missing)}")
        source = _as_utf8(path, encoding, tmp_dir)
        try:
            con.begin()
            loaded, quarantined = _load_rows(con, extract, source, header, delivery, delivery_date, now, path.name)
            total = loaded + quarantined
            if total != result.manifest_rows:
                raise Rejected(f"row count {total:,} differs from manifest ({result.manifest_rows:,}); "
                               "the file is truncated or incomplete")
            if manifest_sha and manifest_sha != digest:
                raise Rejected("sha256 differs from manifest.csv; the file changed after it was listed")
            result.rows_loaded, result.rows_quarantined = loaded, quarantined
            record(result)
            con.commit()
        except BaseException:
            con.rollback()
            raise
        finally:
            if source != path:
                source.unlink(missing_ok=True)
    except Rejected as e:
        result.status = "rejected"
        result.reason = str(e)
        record(result)
    return result


def _load_rows(con, extract: str, source: Path, header: list[str], delivery: str,
               delivery_date: dt.date, now: dt.datetime, file_name: str) -> tuple[int, int]:
    """Insert the typed rows of one file; quarantine the rows that cannot be typed. Returns counts."""
    spec = EXTRACTS[extract]
    rej = f"rej_{uuid.uuid4().hex[:8]}"
    columns = "{" + ", ".join(f"{_sql_str(c)}: 'VARCHAR'" for c in header) + "}"
    con.execute(f"""
        create or replace temp table _in as
        select row_number() over () as _seq, *
        from read_csv({_sql_str(str(source))}, columns = {columns}, header = true, auto_detect = false,
                      delim = ',', quote = '"', escape = '"', store_rejects = true,
                      rejects_table = '{rej}', rejects_scan = '{rej}_scan')
    """)
    # Data-row numbers of the malformed lines (wrong field count, broken quoting).
    con.execute(f"""
        create or replace temp table _bad as
        select line - 1 as row_number, string_agg(distinct error_type, ', ') as errors, any_value(csv_line) as csv_line
        from {rej} group by line
    """)
    con.execute(f"drop table {rej}; drop table {rej}_scan")
    con.execute("""
        create or replace temp table _in_numbered as
        select i.*, i._seq + coalesce((select count(*) from (
                select row_number - row_number() over (order by row_number) as good_before from _bad) b
            where b.good_before < i._seq), 0) as _row_number
        from _in i
    """)
    typed, problems = [], []
    for col, typ in spec.columns:
        val = f"nullif(trim({col}), '')"
        typed.append(f"try_cast({val} as {typ}) as {col}" if typ != "VARCHAR" else f"{val} as {col}")
        if typ != "VARCHAR":
            problems.append(f"case when {val} is not null and try_cast({val} as {typ}) is null "
                            f"then '{col}=' || {val} || ' is not a valid {typ}' end")
    reason = f"concat_ws('; ', {', '.join(problems)})" if problems else "''"
    original = "concat_ws(',', " + ", ".join(f"coalesce({c}, '')" for c in header) + ")"
    con.execute(f"create or replace temp table _checked as select *, {reason} as _reason, {original} as _original "
                f"from _in_numbered")
    lineage = (f"{_sql_str(delivery + '/' + file_name)} as _file, date '{delivery_date}' as _delivery_date, "
               f"_row_number, timestamp '{now}' as _loaded_at")
    names = ", ".join(c for c, _ in spec.columns + LINEAGE)
    con.execute(f"insert into raw.{extract} ({names}) select {', '.join(typed)}, {lineage} "
                f"from _checked where _reason = ''")
    loaded = con.execute("select count(*) from _checked where _reason = ''").fetchone()[0]
    where = _sql_str(f"{delivery}/{file_name}")
    con.execute(f"insert into dq.quarantine_rows select {where}, date '{delivery_date}', _row_number, _reason, "
                f"_original, timestamp '{now}' from _checked where _reason <> ''")
    con.execute(f"insert into dq.quarantine_rows select {where}, date '{delivery_date}', row_number, "
                f"'malformed line: ' || errors, csv_line, timestamp '{now}' from _bad")
    quarantined = con.execute("select (select count(*) from _checked where _reason <> '') + "
                              "(select count(*) from _bad)").fetchone()[0]
    for t in ("_in", "_bad", "_in_numbered", "_checked"):
        con.execute(f"drop table if exists {t}")
    return loaded, quarantined


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
    report = IngestReport()
    con = connect(db)
    try:
        ensure_tables(con)
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
                result = load_file(con, folder, folder / name, manifest, landing.parent / "tmp")
                if result.status == "rejected":
                    result.moved_to = _move_to_quarantine(folder / name, quarantine)
                report.results.append(result)
        con.execute("checkpoint")
    finally:
        con.close()
    return report

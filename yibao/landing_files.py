"""Reading the landing folder: which entries are deliveries, manifests, encodings (UTF-8 or GBK, plain or
gzip), undecodable lines, and the original text of a data row."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gzip
import io
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

# A file whose chosen encoding fails on more lines than this is not that encoding at all.
MAX_BAD_LINES = 10
MAX_BAD_SHARE = 0.01


# Entries of landing/ that are not deliveries and are not reported (README, "What ingest refuses").
NOT_DELIVERIES = ("_truth",)  # the generator's answer key of injected defects

RENAME_HINT = "rename the folder to its delivery date (YYYYMMDD), or move it out of landing/"


class Rejected(Exception):
    """A file-level problem: the whole file is rejected."""


class BadManifest(Exception):
    """manifest.csv cannot be read: nothing in its delivery can be checked, so nothing of it loads."""


@dataclass
class Notice:
    """Something in landing/ that was not loaded: what, why, and what to do."""

    path: str  # relative to landing/, e.g. 20250799 or 20250701/manifest.csv
    problem: str
    todo: str
    kind: str = "error"  # error: cannot be loaded as it is | held: valid, but not loaded until released

    def line(self) -> str:
        return (
            f"{'HELD' if self.kind == 'held' else 'PROBLEM'} {self.path}: {self.problem}\n    what to do: {self.todo}"
        )


def scan_landing(landing: Path) -> tuple[list[tuple[dt.date, Path]], list[Notice]]:
    """Delivery folders (named YYYYMMDD, a real date) in date order, and a notice for every other entry."""
    found, notices = [], []
    if not landing.exists():
        return found, notices
    for p in sorted(landing.iterdir()):
        if p.name in NOT_DELIVERIES:
            continue
        if not p.is_dir():
            notices.append(
                Notice(
                    p.name,
                    "a file directly in landing/, not in a delivery folder",
                    "move it into its delivery folder (YYYYMMDD), or out of landing/",
                )
            )
        elif not re.fullmatch(r"[0-9]{8}", p.name, re.ASCII):
            notices.append(
                Notice(p.name, "not a delivery folder: deliveries are named by their date, YYYYMMDD", RENAME_HINT)
            )
        else:
            try:
                found.append((dt.datetime.strptime(p.name, "%Y%m%d").date(), p))
            except ValueError:
                notices.append(Notice(p.name, f"named like a delivery, but {p.name} is not a date", RENAME_HINT))
    return found, notices


@dataclass
class Decoded:
    encoding: str
    source: Path  # a UTF-8 file DuckDB can read (the original, or a transcoded copy)
    header: list[str]
    undecodable: dict[int, str] = field(default_factory=dict)  # data-row number -> line, bad bytes escaped
    temporary: bool = False

    def cleanup(self) -> None:
        if self.temporary:
            self.source.unlink(missing_ok=True)


def deliveries(landing: Path) -> list[Path]:
    return [folder for _, folder in scan_landing(landing)[0]]


def read_manifest(folder: Path) -> dict[str, tuple[int, str]]:
    """{file: (rows, sha256 or '')} from the delivery's manifest.csv (file,rows,sha256; UTF-8, commas).
    Raises BadManifest naming the line and the problem."""
    try:
        text = (folder / "manifest.csv").read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadManifest("manifest.csv is not UTF-8 text (GBK?)") from None
    lines = list(csv.reader(io.StringIO(text)))
    header = [c.strip().lower() for c in lines[0]] if lines else []
    if header[:2] != ["file", "rows"] or header[2:] not in ([], ["sha256"]):
        raise BadManifest(
            f"manifest.csv line 1 is {','.join(lines[0]) if lines else 'empty'!r}; "
            "expected the header file,rows,sha256 separated by commas"
        )
    manifest: dict[str, tuple[int, str]] = {}
    for n, fields in enumerate(lines[1:], start=2):
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            raise BadManifest(f"manifest.csv line {n} has {len(fields)} fields, not {len(header)}")
        name, rows = fields[0].strip(), fields[1].strip()
        sha = fields[2].strip().lower() if len(fields) > 2 else ""
        if not re.fullmatch(r"[0-9]+", rows, re.ASCII):
            raise BadManifest(f"manifest.csv line {n}: rows={rows!r} is not a whole number")
        if sha and not re.fullmatch(r"[0-9a-f]{64}", sha):
            raise BadManifest(f"manifest.csv line {n}: sha256={sha!r} is not 64 hexadecimal digits")
        if name in manifest:
            raise BadManifest(f"manifest.csv line {n}: {name} is listed twice")
        manifest[name] = (int(rows), sha)
    return manifest


def open_bytes(path: Path):
    return gzip.open(path, "rb") if path.name.endswith(".gz") else open(path, "rb")


def _is_utf8(path: Path) -> bool:
    dec = codecs.getincrementaldecoder("utf-8")()
    try:
        with open_bytes(path) as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                dec.decode(chunk)
            dec.decode(b"", final=True)
        return True
    except UnicodeDecodeError:
        return False
    except (OSError, EOFError) as e:
        raise Rejected(f"cannot be read: {e}") from e


def _fails(line: bytes, encoding: str) -> bool:
    try:
        line.decode(encoding)
        return False
    except UnicodeDecodeError:
        return True


def _parse_header(line: str) -> list[str]:
    return [c.strip().lower() for c in next(csv.reader([line.lstrip("\ufeff")]), [])]


def _check_bytes(path: Path) -> None:
    """Reject, with what is wrong, a file that is empty or UTF-16 (both would otherwise read as a header
    missing every column)."""
    try:
        with open_bytes(path) as f:
            head = f.read(4096)
    except (OSError, EOFError) as e:
        raise Rejected(f"cannot be read: {e}") from e
    if not head:
        raise Rejected(
            "is empty (0 bytes" + (" uncompressed" if path.name.endswith(".gz") else "") + "): not even a header line"
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head.count(0) > len(head) // 4:
        raise Rejected(
            "is UTF-16 encoded (a byte-order mark or a NUL byte in every other position); deliver it as UTF-8 or GBK"
        )


def decode(path: Path, tmp_dir: Path) -> Decoded:
    """Work out the file's encoding and give DuckDB a UTF-8 file.

    The fast path: a file that is valid UTF-8 is read where it lies. Otherwise every line is
    tried as UTF-8 and as GBK; the encoding with fewer bad lines wins, the file is transcoded to
    a temporary UTF-8 copy, and the lines that do not decode are reported for quarantine.
    """
    _check_bytes(path)
    if _is_utf8(path):
        with open_bytes(path) as f:
            header = _parse_header(f.readline().decode("utf-8"))
        return Decoded("utf-8", path, header)

    with open_bytes(path) as f:
        lines = f.read().splitlines(keepends=True)
    if not lines:
        raise Rejected("is empty")
    failures = {enc: [i for i, line in enumerate(lines) if _fails(line, enc)] for enc in ("gbk", "utf-8")}
    encoding = min(failures, key=lambda e: len(failures[e]))
    bad = failures[encoding]
    if 0 in bad or len(bad) > max(MAX_BAD_LINES, MAX_BAD_SHARE * len(lines)):
        raise Rejected(f"cannot be decoded as UTF-8 or GBK ({len(bad):,} of {len(lines):,} lines have bad bytes)")
    tmp_dir.mkdir(parents=True, exist_ok=True)
    out = tmp_dir / f"{uuid.uuid4().hex}.csv"
    with open(out, "w", encoding="utf-8", newline="") as dst:
        for line in lines:
            dst.write(line.decode(encoding, errors="replace"))
    undecodable = {i: lines[i].rstrip(b"\r\n").decode(encoding, errors="backslashreplace") for i in bad}
    return Decoded(encoding, out, _parse_header(lines[0].decode(encoding)), undecodable, temporary=True)


def original_lines(source: Path, rows: set[int]) -> dict[int, str]:
    """The text of the given data rows (1 = the first record after the header) of a UTF-8 file. A row is a
    CSV record, so a quoted field that spans lines stays with its own row and does not shift the rows after it."""
    found: dict[int, str] = {}
    if not rows:
        return found
    last = max(rows)
    with open_bytes(source) as f:
        text = io.TextIOWrapper(f, encoding="utf-8", errors="backslashreplace", newline="")
        taken: list[str] = []

        def lines():
            for line in text:
                taken.append(line)
                yield line

        records = csv.reader(lines())
        try:
            next(records, None)  # the header
            taken.clear()
            for i, _ in enumerate(records, start=1):
                if i in rows:
                    found[i] = "".join(taken).rstrip("\r\n")
                taken.clear()
                if i >= last:
                    break
        except csv.Error:  # quoting so broken that records cannot be told apart: the rest get no line
            pass
    return found

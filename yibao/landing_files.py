"""Reading delivery folders: manifests, encodings (UTF-8 or GBK, plain or gzip), undecodable lines."""
from __future__ import annotations

import codecs
import csv
import gzip
import uuid
from dataclasses import dataclass, field
from pathlib import Path

# A file whose chosen encoding fails on more lines than this is not that encoding at all.
MAX_BAD_LINES = 10
MAX_BAD_SHARE = 0.01


class Rejected(Exception):
    """A file-level problem: the whole file is rejected."""


@dataclass
class Decoded:
    encoding: str
    source: Path                     # a UTF-8 file DuckDB can read (the original, or a transcoded copy)
    header: list[str]
    undecodable: dict[int, str] = field(default_factory=dict)  # data-row number -> line, bad bytes escaped
    temporary: bool = False

    def cleanup(self) -> None:
        if self.temporary:
            self.source.unlink(missing_ok=True)


def deliveries(landing: Path) -> list[Path]:
    if not landing.exists():
        return []
    return sorted(p for p in landing.iterdir() if p.is_dir() and p.name.isdigit() and len(p.name) == 8)


def read_manifest(folder: Path) -> dict[str, tuple[int, str]]:
    with open(folder / "manifest.csv", encoding="utf-8-sig", newline="") as f:
        return {r["file"].strip(): (int(r["rows"]), (r.get("sha256") or "").strip().lower())
                for r in csv.DictReader(f)}


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


def decode(path: Path, tmp_dir: Path) -> Decoded:
    """Work out the file's encoding and give DuckDB a UTF-8 file.

    The fast path: a file that is valid UTF-8 is read where it lies. Otherwise every line is
    tried as UTF-8 and as GBK; the encoding with fewer bad lines wins, the file is transcoded to
    a temporary UTF-8 copy, and the lines that do not decode are reported for quarantine.
    """
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
    """The text of the given data rows (1 = the first line after the header) of a UTF-8 file."""
    found = {}
    if not rows:
        return found
    last = max(rows)
    with open_bytes(source) as f:
        for i, line in enumerate(f):
            if i in rows:
                found[i] = line.rstrip(b"\r\n").decode("utf-8", errors="backslashreplace")
            if i >= last:
                break
    return found

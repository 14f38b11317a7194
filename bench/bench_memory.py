"""Peak memory of big imports and of XLSX bombs, measured by the operating system in a child process.

    .venv/bin/python bench/bench_memory.py [--rows 1000000] [--only csv,jsonl,bomb]

Each case runs ``python main.py import FILE --db …`` (the command a centre runs) in a fresh
child; its peak resident set is the kernel's ``VmHWM`` (read from /proc/PID/status just before
the child exits, through a small wrapper) or ``ru_maxrss`` of ``resource.getrusage``
(RUSAGE_CHILDREN) where /proc is absent. Targets: a 1,000,000-row CSV and a 1,000,000-line
JSONL each peak under 400 MB; an XLSX bomb is refused within 10 s and 500 MB.
Prints a Markdown table; exit code 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WRAPPER = """
import atexit, runpy, sys
def report():
    try:
        for line in open('/proc/self/status'):
            if line.startswith('VmHWM:'):
                sys.stderr.write('PEAK_KB ' + line.split()[1] + '\\n')
    except OSError:
        pass
atexit.register(report)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name='__main__')
"""


@dataclass(frozen=True)
class Measured:
    peak_mb: float
    seconds: float
    stdout: str
    returncode: int


def measure(args: list[str], timeout: float = 900.0) -> Measured:
    """Run ``main.py args`` in a child; its peak memory (MB), wall time and output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", WRAPPER, str(ROOT / "main.py"), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout, check=False)
    seconds = time.monotonic() - started
    peaks = [int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("PEAK_KB ")]
    peak_kb = peaks[-1] if peaks else max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return Measured(peak_kb / 1024, seconds, done.stdout + done.stderr[-2000:], done.returncode)


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("id;Дата;Текст;Источник;Автор;Адрес;Широта;Долгота\n")
        for i in range(rows):
            out.write(f"m{i:07d};22.04.2023 {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d};"
                      f"Нет света на улице Ленина, дом {i % 300}, третий час без электричества;vk;житель {i % 997};"
                      f"Краснодар, ул. Ленина, {i % 300};45.{i % 9999:04d};38.{i % 8887:04d}\n")


def write_jsonl(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for i in range(rows):
            out.write(json.dumps({"id": f"j{i:07d}", "time": 1682164800 + i, "text": f"Нет воды, дом {i % 500}, "
                                  "подъезд второй, третий день", "author": f"житель {i % 991}", "lat": 45.0 + i % 997
                                  / 10000, "lon": 39.0}, ensure_ascii=False) + "\n")


def write_bomb(path: Path, megabytes: int = 4000, declared: int | None = None) -> None:
    """A workbook whose sheet declares ``megabytes`` of XML (zeros), a few MB on disk; ``declared``:
    a lying header that announces only that many bytes (and the CRC of those).

    Written by hand in seconds: one deflate block of 1 MB of zeros, fully flushed (so it stands
    alone), repeated; the CRC is computed over the real content. Under 4 GiB: no zip64 needed.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(b"0" * MB) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.flush()
    crc = 0
    for _ in range(megabytes if declared is None else 0):
        crc = zlib.crc32(b"0" * MB, crc)
    if declared is not None:
        crc = zlib.crc32(b"0" * declared)
    types = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
    with path.open("wb") as out:
        entries = [_entry(out, b"[Content_Types].xml", 0, zlib.crc32(types), len(types), len(types), [types]),
                   _entry(out, b"xl/worksheets/sheet1.xml", 8, crc, len(block) * megabytes + len(tail),
                          megabytes * MB if declared is None else declared, [block] * megabytes + [tail])]
        start = out.tell()
        for name, method, entry_crc, compressed, size, offset in entries:
            out.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, entry_crc,
                                  compressed, size, len(name), 0, 0, 0, 0, 0, offset) + name)
        end = out.tell()
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), end - start, start, 0))


MB = 1 << 20


def _entry(out: BinaryIO, name: bytes, method: int, crc: int, compressed: int, size: int,
           parts: list[bytes]) -> tuple[bytes, int, int, int, int, int]:
    offset = out.tell()
    out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, compressed, size, len(name), 0))
    out.write(name)
    for part in parts:
        out.write(part)
    return name, method, crc, compressed, size, offset


CASES = {"csv": ("rows.csv", write_csv, 400.0, None), "jsonl": ("rows.jsonl", write_jsonl, 400.0, None),
         "bomb": ("bomb.xlsx", lambda path, _rows: write_bomb(path), 500.0, 10.0)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--only", default="csv,jsonl,bomb")
    parser.add_argument("--import-args", default="--no-classify",
                        help="options of the import command («» to include classification: ~700 msg/s)")
    args = parser.parse_args()
    results, ok = [], True
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        for name in args.only.split(","):
            filename, writer, limit_mb, limit_s = CASES[name]
            path = Path(tmp) / filename
            writer(path, args.rows)
            db = f"sqlite:///{Path(tmp) / (name + '.sqlite3')}"
            got = measure(["import", str(path), "--db", db, "--region", "RU-KDA", *args.import_args.split()])
            met = got.peak_mb < limit_mb and (limit_s is None or got.seconds < limit_s)
            ok &= met
            line = got.stdout.strip().splitlines()[0] if got.stdout.strip() else ""
            results.append((name, path.stat().st_size / (1 << 20), got, limit_mb, limit_s, met, line))
            os.remove(path)
    print("| case | file MB | peak MB (VmHWM) | seconds | target | result | summary |")
    print("|:---|---:|---:|---:|:---|:---|:---|")
    for name, size, got, limit_mb, limit_s, met, line in results:
        target = f"< {limit_mb:g} MB" + (f", < {limit_s:g} s" if limit_s else "")
        print(f"| {name} | {size:,.0f} | {got.peak_mb:,.0f} | {got.seconds:,.1f} | {target} | "
              f"{'met' if met else 'MISSED'} | {line[:90]} |")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

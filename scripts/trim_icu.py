"""A smaller ICU data library for the Linux bundle (build.spec calls it; Linux only).

PySide6's Linux wheels ship ICU, and QtCore links against it. ICU's data library
(libicudata.so.NN, 31 MB) holds one ICU "common data" package (the symbol ``icudtNN_dat``) with
about 3,900 items: converters, locale data for every language, collation, time zone names, word
dictionaries... A running kiosk has 68 kB of that library resident (``/proc/<pid>/smaps``): Qt
does its text layout, line breaking and time zones without ICU, and our strings are Python's.
What QtCore does call of ICU (its imported symbols: ``readelf --dyn-syms``) is case mapping,
time zone names (``ucal_``), converters (``ucnv_``) and collation (``ucol_``); never break
iterators, transliterators, character names, currencies, units or spelled-out numbers.
The copy built here keeps every item that is not per-locale data except those families
(``DROPPED``), the root, ``ja`` and ``en`` locales in every other category, the Japanese and
all small converters; it drops the other ~700 locales and the big non-Japanese converters
(32 MB -> 4.7 MB; a Chinese or Korean double-byte code page then fails to open). A locale that
is gone falls back to the root locale, as for any locale ICU does not know.
``tests/test_trim_icu.py`` runs Qt's ICU calls with both libraries and compares.

It needs binutils (``readelf``, ``as``, ``ld``; PyInstaller needs them on Linux anyway); without
them, or if anything is off, build.spec keeps the original library. Windows and macOS wheels use the
system's ICU: nothing to do there.

    python scripts/trim_icu.py SRC.so DEST.so      # prints what it kept
    python scripts/trim_icu.py --check LIB.so      # scripts/build-bundle.sh: the items Qt may need
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

# A locale id: language, optional script, optional region, optional variant (af, zh_Hant_TW,
# en_US_POSIX, es_419). Items whose name is not one (pool.res, res_index.res, zoneinfo64.res,
# supplementalData.res, nfc.nrm, cnvalias.icu, line.brk ...) are always kept.
LOCALE = re.compile(r"^([a-z]{2,3})(_[A-Z][a-z]{3})?(_([A-Z]{2}|\d{3}))?(__?[A-Z0-9]*)?\.res$")
KEEP_LANGUAGES = {"root", "ja", "en"}
JAPANESE_CONVERTERS = re.compile(
    r"(943|932|33722|954|5050|5039|930|euc-jp|jisx|ibm-1390|ibm-1399|ibm-290)"
)
# Families of items no QtCore function reads (it imports no ubrk_, utrans_, u_charName, ucurr_,
# unum_ or measure-format symbols): word-break rules and dictionaries (3.4 MB), transliterators,
# character names, currencies, units, rule-based number formats.
DROPPED = re.compile(r"(^|/)(brkitr/|translit/|curr/|unit/|rbnf/|unames\.icu$)")
SMALL_CONVERTER = 16 * 1024  # single-byte code pages (Latin-1 variants, KOI8-R ...): keep all
# small extensions of the Chinese and Korean double-byte tables that are dropped
CJK_EXTENSIONS = re.compile(r"^(ibm-(1363|937|949|950|971)_|windows-(936|949|950)-)")


def read_symbol(so: Path) -> tuple[str, bytes]:
    """The name and bytes of the library's one data symbol (icudtNN_dat)."""
    syms = subprocess.run(
        ["readelf", "-Ws", "--dyn-syms", str(so)], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(
        r"\s([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+OBJECT\s+GLOBAL\s+\w+\s+(\d+)\s+(icudt\d+_dat)\b",
        syms,
    )
    if not match:
        raise ValueError(f"{so}: no icudtNN_dat symbol")
    address, size, section, name = int(match[1], 16), int(match[2], 0), int(match[3]), match[4]
    sections = subprocess.run(
        ["readelf", "-SW", str(so)], capture_output=True, text=True, check=True
    ).stdout
    for line in sections.splitlines():
        fields = re.match(r"\s*\[\s*(\d+)\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)", line)
        if fields and int(fields[1]) == section:
            offset = address - int(fields[3], 16) + int(fields[4], 16)
            return name, so.read_bytes()[offset : offset + size]
    raise ValueError(f"{so}: section {section} not found")


def keep(name: str, size: int) -> bool:
    if DROPPED.search(name):
        return False
    base = name.rsplit("/", 1)[-1]
    if base.endswith(".cnv"):
        if JAPANESE_CONVERTERS.search(base):
            return True
        return size <= SMALL_CONVERTER and not CJK_EXTENSIONS.match(base)
    if base == "root.res":
        return True
    match = LOCALE.match(base)
    return match is None or match[1] in KEEP_LANGUAGES


def trim(blob: bytes) -> tuple[bytes, int, int]:
    """A common-data package ("CmnD") with only the items keep() accepts."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", blob, 0)
    if (magic1, magic2) != (0xDA, 0x27) or blob[12:16] != b"CmnD" or blob[8] != 0:
        raise ValueError("not a little-endian ICU common data package")
    count = struct.unpack_from("<I", blob, header_size)[0]
    toc = [struct.unpack_from("<II", blob, header_size + 4 + 8 * i) for i in range(count)]
    base = header_size
    items = []
    for i, (name_offset, data_offset) in enumerate(toc):
        end = toc[i + 1][1] if i + 1 < count else len(blob) - base
        start = base + name_offset
        name = blob[start : blob.index(b"\0", start)].decode("ascii")
        items.append((name, blob[base + data_offset : base + end]))
    kept = [(n, d) for n, d in items if keep(n, len(d))]  # stays sorted by name, as ICU needs
    names = b""
    name_offsets = []
    toc_size = 4 + 8 * len(kept)
    for name, _ in kept:
        name_offsets.append(toc_size + len(names))
        names += name.encode("ascii") + b"\0"
    data = bytearray()
    data_start = toc_size + len(names)
    data_start += -data_start % 16
    data_offsets = []
    for _, item in kept:
        data += b"\0" * (-len(data) % 16)
        data_offsets.append(data_start + len(data))
        data += item
    out = bytearray(blob[:header_size])
    out += struct.pack("<I", len(kept))
    for name_offset, data_offset in zip(name_offsets, data_offsets, strict=True):
        out += struct.pack("<II", name_offset, data_offset)
    out += names
    out += b"\0" * (data_start - toc_size - len(names))
    out += data
    return bytes(out), len(kept), count


def build(src: Path, dest: Path) -> str:
    """Write the trimmed library to dest; return a one-line summary."""
    tools = [shutil.which("as"), shutil.which("ld")]
    if None in tools:
        raise RuntimeError("no assembler and linker (as, ld: binutils)")
    symbol, blob = read_symbol(src)
    small, kept, count = trim(blob)
    soname = src.name
    with tempfile.TemporaryDirectory() as tmp:
        dat = Path(tmp, "data.bin")
        dat.write_bytes(small)
        asm = Path(tmp, "data.S")
        asm.write_text(
            f"\t.section .rodata\n\t.balign 16\n\t.globl {symbol}\n\t.type {symbol}, %object\n"
            f'{symbol}:\n\t.incbin "{dat}"\n\t.size {symbol}, . - {symbol}\n'
            '\t.section .note.GNU-stack,"",%progbits\n',
            encoding="ascii",
        )
        dest.parent.mkdir(parents=True, exist_ok=True)
        obj = Path(tmp, "data.o")
        subprocess.run(["as", "-o", str(obj), str(asm)], check=True, capture_output=True)
        link = ["ld", "-shared", "-soname", soname, "-o", str(dest), str(obj)]
        subprocess.run(link, check=True, capture_output=True)
    sizes = f"{len(blob) / 1e6:.1f} -> {len(small) / 1e6:.1f} MB"
    return f"{symbol}: kept {kept} of {count} items, {sizes}"


# What a trimmed library must still hold (check()): the root and Japanese locale data, collation,
# time zones, converter aliases and Shift_JIS / EUC-JP.
REQUIRED = (
    "root.res", "ja.res", "en.res", "res_index.res", "pool.res", "cnvalias.icu", "zoneinfo64.res",
    "coll/root.res", "coll/ja.res", "coll/ucadata.icu", "zone/ja.res",
    "ibm-943_P15A-2003.cnv", "euc-jp-2007.cnv",
)  # fmt: skip


def check(so: Path) -> str:
    """Parse the library's data package; raise ValueError if an item of REQUIRED is missing."""
    symbol, blob = read_symbol(so)
    header_size = struct.unpack_from("<H", blob, 0)[0]
    count = struct.unpack_from("<I", blob, header_size)[0]
    names = set()
    for i in range(count):
        start = header_size + struct.unpack_from("<I", blob, header_size + 4 + 8 * i)[0]
        names.add(blob[start : blob.index(b"\0", start)].decode("ascii").split("/", 1)[1])
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise ValueError(f"{so}: {symbol} lacks {' '.join(missing)}")
    return f"{symbol}: {count} items, {len(blob) / 1e6:.1f} MB, the required ones present"


if __name__ == "__main__":
    if sys.argv[1] == "--check":
        print(check(Path(sys.argv[2])))
    else:
        print(build(Path(sys.argv[1]), Path(sys.argv[2])))

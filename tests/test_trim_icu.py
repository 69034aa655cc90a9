"""The bundle's smaller ICU data library (scripts/trim_icu.py) answers every ICU call QtCore
makes as the wheel's whole library does: collation, case mapping, time zone names and the
Japanese converters. Qt is made to load the small copy with LD_PRELOAD (same soname)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import trim_icu  # noqa: E402

sys.path.remove(str(ROOT / "scripts"))

# Qt's ICU-backed calls in the locales the copy keeps (others fall back to the root locale, by
# design); case mapping in other locales too, as it needs only the locale's name.
PROBE = r"""
import functools, json
from PySide6.QtCore import QCollator, QLocale, QStringDecoder, QTimeZone

ja = QLocale("ja_JP")
words = ["職員会議", "あさがお", "アサガオ", "漢字", "ひらがな", "カタカナ", "abc", "ABC", "１２"]
collator = QCollator(ja)
out = {"sorted": sorted(words, key=functools.cmp_to_key(collator.compare))}
out["pairs"] = [collator.compare(a, b) for a in words for b in words]
out["en_pairs"] = [QCollator(QLocale("en_US")).compare(a, b) for a in words for b in words]
out["upper"] = [QLocale(n).toUpper("istanbul ß ｆｕｌｌ") for n in ("ja_JP", "tr_TR", "de_DE")]
out["lower"] = [QLocale(name).toLower("İSTANBUL ΣΑΣ") for name in ("ja_JP", "tr_TR", "el_GR")]
tz = QTimeZone(b"Asia/Tokyo")
names = []
for locale in (ja, QLocale("en_US")):
    for kind in ("LongName", "ShortName", "OffsetName"):
        kind = getattr(QTimeZone.NameType, kind)
        names.append(tz.displayName(QTimeZone.TimeType.StandardTime, kind, locale))
out["zone"] = names
decoded = []
for codec in ("Shift_JIS", "EUC-JP", "ISO-2022-JP", "windows-31j", "windows-1252", "KOI8-R"):
    decoder = QStringDecoder(codec)  # ICU's ucnv_open (PySide has no decode(): opening it is)
    decoded.append([codec, decoder.isValid(), decoder.name()])
out["decoded"] = decoded
print(json.dumps(out, ensure_ascii=False))
"""


def qt_icu_data() -> Path:
    import PySide6

    found = sorted((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    if not found:
        pytest.skip("this PySide6 ships no ICU (Windows and macOS use the system's)")
    return found[0]


def run_probe(preload: Path | None) -> dict[str, object]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    if preload is not None:
        env["LD_PRELOAD"] = str(preload)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="only Linux wheels ship ICU")
@pytest.mark.skipif(not (shutil.which("as") and shutil.which("ld")), reason="needs binutils")
def test_qt_answers_the_same_with_the_trimmed_icu(tmp_path: Path) -> None:
    source = qt_icu_data()
    small = tmp_path / source.name
    summary = trim_icu.build(source, small)
    assert small.stat().st_size < source.stat().st_size / 4, summary
    trim_icu.check(small)
    whole, trimmed = run_probe(None), run_probe(small)
    assert trimmed == whole
    assert all(valid for _, valid, _ in whole["decoded"])  # type: ignore[attr-defined]

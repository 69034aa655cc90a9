"""The PyInstaller bundle: build it with build.spec and run the frozen program.

Slow (about 20-40 s) and needs PyInstaller, which the test extra does not install:
without it the whole module is skipped (CI). Locally::

    .venv/bin/pip install pyinstaller
    .venv/bin/python -m pytest tests/test_bundle.py        # or: -m "not slow" to leave it out
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("PyInstaller", reason="pyinstaller is not installed (pip install pyinstaller)")

from signage import __version__  # noqa: E402
from tests.cloud_servers import CloudServer  # noqa: E402
from tests.test_cloud import (  # noqa: E402, F401  (the cloud tests' fixtures)
    app_key,
    ca,
    cloud,
    folder,
    sa_key,
    server,
    write_config,
)

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "build.spec"
PANELS = ("today", "week", "notices", "visits")  # the demo config's [[panels]]
ANCHOR = "2026-11-24T09:18"  # a Tuesday of the demo's anchor week (signage.demo.ANCHOR_MONDAY)

# pytest calls pytest_configure only in conftest files and plugins, so this module loads itself
# as a plugin (pytest reads `pytest_plugins` right after importing a test module). The historic
# hook is then replayed here, registers the marker, and only then marks the module, so that
# `pytest.mark.slow` is never looked up before it is known (no warning, --strict-markers works).
pytest_plugins = [__name__]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: builds the PyInstaller bundle (tens of seconds)")
    globals()["pytestmark"] = [pytest.mark.slow]


def frozen_env(**extra: str) -> dict[str, str]:
    """The environment of a kiosk that has no Python and no school config."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTHON", "SIGNAGE_", "VIRTUAL_ENV", "QT_"))
    }
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def frozen_signage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build once for the module; return the frozen executable."""
    work = tmp_path_factory.mktemp("pyinstaller")
    dist = work / "dist"
    command = [sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm"]
    command += ["--distpath", str(dist), "--workpath", str(work / "build")]
    done = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, f"pyinstaller failed:\n{done.stderr[-6000:]}"
    bundle = dist / f"signage-{__version__}"
    exe = bundle / ("signage.exe" if sys.platform.startswith("win") else "signage")
    assert exe.is_file(), f"no executable in {bundle}: {sorted(p.name for p in bundle.iterdir())}"
    return exe


def run(exe: Path, *args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(exe), *args],
        cwd=cwd,  # not the repo: the frozen program must not find the sources by accident
        env=frozen_env(**env),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def test_frozen_version(frozen_signage: Path, tmp_path: Path) -> None:
    done = run(frozen_signage, "--version", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"signage {__version__}"


def test_frozen_agenda_demo_json(frozen_signage: Path, tmp_path: Path) -> None:
    # PYTHONTZPATH="" hides the system time zone files, as on Windows: Asia/Tokyo must come
    # from the tzdata package inside the bundle.
    args = ("agenda", "--demo", "--json", "--at", ANCHOR)
    done = run(frozen_signage, *args, cwd=tmp_path, PYTHONTZPATH="")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["school"] and data["timezone"] == "Asia/Tokyo"
    (day,) = data["days"]
    assert day["date"] == ANCHOR[:10]
    assert day["events"], "the demo's Tuesday has events"
    assert all(e["start"].startswith(ANCHOR[:10]) or e["all_day"] for e in day["events"])
    assert data["notices"]
    assert data["sources"] and all(s["ok"] for s in data["sources"]), data["sources"]


def test_frozen_check_demo_config(frozen_signage: Path, tmp_path: Path) -> None:
    demo_config = ROOT / "signage" / "demo" / "signage.toml"
    done = run(frozen_signage, "check", str(demo_config), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_frozen_render_demo(frozen_signage: Path, tmp_path: Path) -> None:
    out = tmp_path / "png"
    args = ("render", "--demo", "--out", str(out), "--at", ANCHOR)
    done = run(frozen_signage, *args, cwd=tmp_path, QT_QPA_PLATFORM="offscreen")
    assert done.returncode == 0, done.stderr
    pngs = sorted(out.glob("*.png"))
    panels = [f"0{n}-{k}" for n, k in enumerate(PANELS, start=1)]
    names = {p.name for p in pngs}
    assert {f"{panel}.png" for panel in panels} <= names
    # a board's further pages (03-notices-2.png …), nothing else
    pages = re.compile("(" + "|".join(panels) + r")(-\d+)?\.png")
    assert all(pages.fullmatch(name) for name in names), sorted(names)
    assert all(p.stat().st_size > 20_000 for p in pngs), "a rendered panel looks blank"


def test_frozen_check_the_bundles_own_demo_config(frozen_signage: Path, tmp_path: Path) -> None:
    """scripts/build-bundle.sh checks this file: the demo config as it is inside the bundle."""
    bundled = frozen_signage.parent / "_internal" / "signage" / "demo" / "signage.toml"
    assert bundled.is_file()
    done = run(frozen_signage, "check", str(bundled), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_frozen_check_reports_file_and_line(frozen_signage: Path, tmp_path: Path) -> None:
    broken = tmp_path / "school.toml"
    broken.write_text('[school]\nname = "テスト小学校"\ntimezone = "Mars/Olympus"\n', "utf-8")
    done = run(frozen_signage, "check", str(broken), cwd=tmp_path)
    assert done.returncode == 2
    assert f"{broken}:3: school.timezone:" in done.stdout, done.stdout + done.stderr


def test_bundle_leaves_out_what_the_kiosk_does_not_use(frozen_signage: Path) -> None:
    internal = frozen_signage.parent / "_internal"
    names = {p.relative_to(internal).as_posix() for p in internal.rglob("*")}
    unwanted_packages = ("pytest", "_pytest", "pytestqt", "PySide6/Qt/translations", "setuptools")
    for unwanted in (*unwanted_packages, "trustme", "OpenSSL"):
        assert not any(n == unwanted or n.startswith(unwanted + "/") for n in names), unwanted
    for module in ("QtNetwork", "QtQml", "QtQuick", "QtSvg", "QtWebEngineCore", "QtPdf"):
        assert not any(module in n for n in names), f"{module} is in the bundle"
    # nothing reads an image but our PNGs (built into QtGui); no evdev input without eglfs
    for plugins in ("imageformats", "generic"):
        assert not any(f"/plugins/{plugins}/" in n for n in names), f"{plugins} plugins"
    assert any(n.startswith("tzdata/") for n in names), "tzdata: Windows has no zoneinfo"
    # the window's icon, and the one deploy/linux/signage.desktop names
    assert "assets/signage.png" in names and "assets/signage.ico" in names


def test_bundle_keeps_the_platform_plugins_tls_and_codecs(frozen_signage: Path) -> None:
    """What build.spec trims must leave what a kiosk loads (on Windows: qwindows, on Linux: xcb
    and wayland); offscreen (render, the smoke tests) everywhere."""
    internal = frozen_signage.parent / "_internal"
    names = {p.relative_to(internal).as_posix() for p in internal.rglob("*") if p.is_file()}

    def has(pattern: str) -> bool:
        return any(re.search(pattern, n) for n in names)

    platforms = ["qoffscreen"]
    if sys.platform.startswith("win"):
        platforms.append("qwindows")
    elif sys.platform.startswith("linux"):
        platforms += ["qxcb", "qwayland"]
        assert has(r"(^|/)libssl[^/]*\.so"), "libssl: https sources"
    for name in platforms:
        assert has(rf"plugins/platforms/(lib)?{name}\.(so|dll|dylib)$"), name
    assert has(r"(^|/)_ssl[.\w-]*\.(so|pyd)$"), "the ssl module: https sources"
    # the cloud calendars sign their JWT assertions (signage.sources.oauth)
    assert has(r"cryptography/hazmat/bindings/_rust[.\w-]*\.(so|pyd)$"), "cryptography: cloud"
    assert has(r"(^|/)_codecs_jp[.\w-]*\.(so|pyd)$") or "_codecs_jp" in sys.builtin_module_names
    assert "certifi/cacert.pem" in names


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="only Linux wheels ship ICU")
def test_bundle_icu_data_keeps_japanese(frozen_signage: Path) -> None:
    """build.spec links a smaller ICU data library (scripts/trim_icu.py) where cc is present."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import trim_icu
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    libraries = sorted(frozen_signage.parent.rglob("libicudata.so.*"))
    if not libraries:
        pytest.skip("this PySide6 ships no ICU")
    for library in libraries:
        trim_icu.check(library)  # raises if the root, ja, collation or Shift_JIS data is gone


def test_frozen_reads_both_cloud_calendars(
    frozen_signage: Path,
    folder: Path,  # noqa: F811 (a fixture of tests.test_cloud)
    server: CloudServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    """PyJWT and cryptography are in the bundle: the frozen kiosk signs its assertions (a
    certificate for Entra ID, a service account's key for Google) and reads both calendars."""
    config = write_config(folder, server)
    args = ("agenda", "--config", str(config), "--json", "--at", "2026-11-24T08:00")
    done = run(frozen_signage, *args, cwd=tmp_path, NO_PROXY="127.0.0.1")
    assert done.returncode == 0, done.stderr
    sources = {s["id"]: s for s in json.loads(done.stdout)["sources"]}
    assert sources["gyouji"]["ok"] and sources["ict-visits"]["ok"], sources

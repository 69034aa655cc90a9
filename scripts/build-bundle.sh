#!/usr/bin/env bash
# Build the PyInstaller bundle (build.spec) and smoke-test it the way a kiosk without Python runs it.
#
#   bash scripts/build-bundle.sh            # -> dist/signage-<version>/ , then the smoke test
#   bash scripts/build-bundle.sh --tar      # also dist/signage-<version>-linux-<arch>.tar.gz
#
# Environment:
#   SIGNAGE_BUILD_VENV  an existing venv to build with (it gets pyinstaller; the package is
#                       installed into it only if `import signage` fails there). Default: a venv
#                       of its own in build/bundle-venv, created on first use with $PYTHON.
#   PYTHON              the interpreter that creates that venv (default: python3)
#
# The smoke test runs the frozen program by its path with `env -i`: PATH is an empty folder (no
# python, no anything), HOME is a fresh empty folder (no school config), QT_QPA_PLATFORM=offscreen.
# It checks `signage --version`, `signage check` on the bundle's own demo config (exit 0) and on a
# broken file (exit 2 with FILE:LINE:), and `signage render --demo` (4 or more PNGs, none blank);
# then that what build.spec trims kept the platform plugins, TLS, codecs, time zones and ICU's
# Japanese data, and, where Xvfb is installed, that `signage run --demo` paints its first frame
# on X (xcb, LANG=ja_JP.UTF-8). Any failure exits non-zero. At the end it prints the bundle's
# size and the time taken.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

TAR=0
for arg in "$@"; do
  case "$arg" in
    --tar) TAR=1 ;;
    -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "build-bundle: unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

PYINSTALLER_REQ="pyinstaller>=6.10,<7"  # build.spec uses PyInstaller.depend.bindepend.get_imports
fail() { echo "build-bundle: FAIL: $*" >&2; exit 1; }
step() { echo "build-bundle: $*"; }
now() { date +%s; }
t0=$(now)
mkdir -p "$ROOT/build"
PIP_LOG="$ROOT/build/pip.log"
pip_install() {
  if ! "$PY" -m pip install --disable-pip-version-check "$@" >>"$PIP_LOG" 2>&1; then
    tail -n 30 "$PIP_LOG" >&2
    fail "pip install $* failed (full log: $PIP_LOG)"
  fi
}
: >"$PIP_LOG"

# --- 1. the build venv ---------------------------------------------------------------------------
if [ -n "${SIGNAGE_BUILD_VENV:-}" ]; then
  VENV=$SIGNAGE_BUILD_VENV
  [ -x "$VENV/bin/python" ] || fail "SIGNAGE_BUILD_VENV=$VENV has no bin/python"
  PY="$VENV/bin/python"
  step "using the venv $VENV"
  pip_install "$PYINSTALLER_REQ"
  # Leave an editable development install alone; install the package only where it is missing.
  (cd / && "$PY" -c "import signage") 2>/dev/null || pip_install "$ROOT"
else
  VENV="$ROOT/build/bundle-venv"
  PY="$VENV/bin/python"
  if [ ! -x "$PY" ]; then
    step "creating the build venv $VENV"
    "${PYTHON:-python3}" -m venv "$VENV"
  fi
  step "installing signage and pyinstaller into $VENV"
  pip_install "$ROOT" "$PYINSTALLER_REQ"
fi
t1=$(now)

VERSION=$("$PY" -c 'import sys; sys.path.insert(0, "."); from signage import __version__; print(__version__)')
BUNDLE="$ROOT/dist/signage-$VERSION"
EXE="$BUNDLE/signage"
step "signage $VERSION with $("$PY" -m PyInstaller --version | head -n1 | sed 's/^/PyInstaller /')"

# --- 2. build ------------------------------------------------------------------------------------
step "pyinstaller build.spec -> $BUNDLE"
rm -rf "$BUNDLE"
LOG="$ROOT/build/pyinstaller.log"
if ! "$PY" -m PyInstaller build.spec --noconfirm --distpath "$ROOT/dist" \
  --workpath "$ROOT/build/pyinstaller" >"$LOG" 2>&1; then
  tail -n 40 "$LOG" >&2
  fail "pyinstaller failed (full log: $LOG)"
fi
# Libraries the build machine lacks are missing from the bundle too (docs/deploy.md). The GTK3
# platform theme's are expected: build.spec drops that plugin after the analysis.
grep -E "WARNING: (Library not found|Hidden import .* not found|ICU data kept whole)" "$LOG" |
  grep -v "libqgtk3" |
  sed 's/^/build-bundle: /' || true
[ -x "$EXE" ] || fail "no executable $EXE"
t2=$(now)

# --- 3. smoke test: no Python, no config, no display (then X, where Xvfb is installed) -----------
SMOKE=$(mktemp -d "${TMPDIR:-/tmp}/signage-smoke.XXXXXX")
# Under set -e a failing command in an EXIT trap turns a passing run into exit 1 (Xvfb already
# gone, say): every trap command ends in `|| true`.
trap 'rm -rf "$SMOKE" || true' EXIT
mkdir -p "$SMOKE/empty-path" "$SMOKE/home" "$SMOKE/work"
frozen() {
  (cd "$SMOKE/work" && env -i PATH="$SMOKE/empty-path" HOME="$SMOKE/home" LANG=C.UTF-8 \
    QT_QPA_PLATFORM=offscreen "$EXE" "$@")
}
# The smoke environment really has no Python (nor any other program) on PATH.
if env -i PATH="$SMOKE/empty-path" /bin/sh -c 'command -v python3 || command -v python' >/dev/null; then
  fail "the smoke-test PATH still finds a python"
fi

step "smoke: signage --version"
out=$(frozen --version) || fail "--version exited $?"
[ "$out" = "signage $VERSION" ] || fail "--version printed '$out', expected 'signage $VERSION'"

DEMO_CONFIG="$BUNDLE/_internal/signage/demo/signage.toml"
[ -f "$DEMO_CONFIG" ] || fail "the bundle has no demo config at $DEMO_CONFIG"
step "smoke: signage check $DEMO_CONFIG"
frozen check "$DEMO_CONFIG" || fail "check of the bundle's demo config exited $?"

step "smoke: signage check on a broken config (expect exit 2 and FILE:LINE:)"
printf '[school]\nname = "テスト小学校"\ntimezone = "Mars/Olympus"\n' >"$SMOKE/work/broken.toml"
status=0
out=$(frozen check "$SMOKE/work/broken.toml" 2>&1) || status=$?
echo "$out" | sed 's/^/  /'
[ "$status" -eq 2 ] || fail "check of a broken config exited $status, expected 2"
echo "$out" | grep -q "broken.toml:[0-9]*:" || fail "check printed no FILE:LINE: line"

step "smoke: signage render --demo --out <tmp>"
frozen render --demo --out "$SMOKE/png" >"$SMOKE/render.out" || {
  cat "$SMOKE/render.out" >&2
  fail "render --demo exited non-zero"
}
count=0
for png in "$SMOKE"/png/*.png; do
  [ -f "$png" ] || continue
  size=$(wc -c <"$png")
  magic=$(head -c 4 "$png" | od -An -c | tr -d ' \n')
  echo "  $(basename "$png") $size bytes"
  [ "$magic" = '211PNG' ] || fail "$(basename "$png") is not a PNG"
  [ "$size" -gt 20000 ] || fail "$(basename "$png") is only $size bytes: a blank panel?"
  count=$((count + 1))
done
[ "$count" -ge 4 ] || fail "render --demo wrote $count PNG(s), expected 4 or more"

# A feed large enough to be parsed in a worker process (signage.worker): the bundle must start
# one (multiprocessing.freeze_support in signage/__main__.py), not fall back to a thread.
step "smoke: a large feed parsed in a worker process"
{
  printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//smoke//JA\r\n'
  for n in $(seq 1 1500); do
    printf 'BEGIN:VEVENT\r\nUID:%s@smoke\r\nDTSTAMP:20261201T000000Z\r\n' "$n"
    printf 'DTSTART;VALUE=DATE:20261201\r\nSUMMARY:行事 %s（学年会・委員会・研修・打ち合わせ・準備）\r\n' "$n"
    printf 'DESCRIPTION:%0120d\r\nEND:VEVENT\r\n' 0
  done
  printf 'END:VCALENDAR\r\n'
} >"$SMOKE/work/big.ics"
printf '[school]\nname = "テスト小学校"\n\n[[sources]]\nid = "big"\nkind = "ics"\nrole = "events"\nurl = "big.ics"\n' \
  >"$SMOKE/work/big.toml"
frozen agenda --config "$SMOKE/work/big.toml" --date 2026-12-01 --json >"$SMOKE/big.json" 2>"$SMOKE/big.err" || {
  cat "$SMOKE/big.err" >&2
  fail "agenda on a large feed exited non-zero"
}
grep -q "no worker process" "$SMOKE/big.err" && { cat "$SMOKE/big.err" >&2; fail "no worker process"; }
grep -q '行事 1500' "$SMOKE/big.json" || fail "agenda on a large feed lacks its last event"
echo "  $(wc -c <"$SMOKE/work/big.ics") bytes, parsed in a worker"

# What build.spec trims must leave what the kiosk loads (build.spec, docs/deploy.md §1).
step "smoke: the files build.spec must keep"
QT="$BUNDLE/_internal/PySide6/Qt"
for kept in "$QT/plugins/platforms/libqxcb.so" "$QT/plugins/platforms/libqoffscreen.so" \
  "$QT/plugins/platforms/libqwayland.so" "$QT/plugins/xcbglintegrations/libqxcb-glx-integration.so" \
  "$QT/plugins/platforminputcontexts/libcomposeplatforminputcontextplugin.so" \
  "$BUNDLE"/_internal/python3.*/lib-dynload/_ssl.*.so "$BUNDLE"/_internal/python3.*/lib-dynload/_codecs_jp.*.so \
  "$BUNDLE/_internal/certifi/cacert.pem" "$BUNDLE/_internal/tzdata/zoneinfo/Asia/Tokyo"; do
  [ -f "$kept" ] || fail "the bundle lacks $kept"
done
compgen -G "$BUNDLE/_internal/libssl.so.*" >/dev/null || fail "the bundle lacks libssl (https sources)"
for icu in "$QT"/lib/libicudata.so.*; do
  [ -f "$icu" ] || continue
  "$PY" "$ROOT/scripts/trim_icu.py" --check "$icu" | sed 's/^/  /' || fail "ICU data: $icu"
done

# The kiosk itself on an X server (the xcb platform plugin and what it links, a Japanese locale),
# when Xvfb is installed: `run --demo` must paint its first frame.
if command -v Xvfb >/dev/null; then
  step "smoke: signage run --demo on Xvfb (xcb) until its first frame"
  XDISP=""
  for n in $(seq 91 140); do
    [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] || { XDISP=":$n"; break; }
  done
  [ -n "$XDISP" ] || fail "no free X display number for Xvfb"
  Xvfb "$XDISP" -screen 0 1920x1080x24 -nolisten tcp >"$SMOKE/xvfb.log" 2>&1 &
  XPID=$!
  trap 'kill "$XPID" 2>/dev/null || true; rm -rf "$SMOKE" || true' EXIT
  for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X${XDISP#:}" ] && break; sleep 0.1; done
  mkdir -p "$SMOKE/tmp"
  (cd "$SMOKE/work" && exec env -i PATH="$SMOKE/empty-path" HOME="$SMOKE/home" LANG=ja_JP.UTF-8 \
    DISPLAY="$XDISP" QT_QPA_PLATFORM=xcb TMPDIR="$SMOKE/tmp" SIGNAGE_LOG_DIR="$SMOKE/logs" \
    SIGNAGE_CACHE="$SMOKE/cache" "$EXE" run --demo) >/dev/null 2>"$SMOKE/kiosk.err" &
  KPID=$!
  for _ in $(seq 200); do
    grep -q "first-frame" "$SMOKE/kiosk.err" && break
    kill -0 "$KPID" 2>/dev/null || break
    sleep 0.1
  done
  kill "$KPID" 2>/dev/null || true
  wait "$KPID" 2>/dev/null || true
  kill "$XPID" 2>/dev/null || true
  wait "$XPID" 2>/dev/null || true
  grep -o "first-frame [0-9]* ms.*" "$SMOKE/kiosk.err" | sed 's/^/  /' || {
    tail -n 20 "$SMOKE/kiosk.err" >&2
    fail "the kiosk painted no first frame on Xvfb"
  }
else
  step "smoke: (no Xvfb: the kiosk on X is not tried)"
fi
t3=$(now)

# --- 4. report -----------------------------------------------------------------------------------
if [ "$TAR" -eq 1 ]; then
  # The bundle has symlinks: tar keeps them (docs/deploy.md, "copy").
  ARCHIVE="$ROOT/dist/signage-$VERSION-linux-$(uname -m).tar.gz"
  tar czf "$ARCHIVE" -C "$ROOT/dist" "signage-$VERSION"
  step "archive $ARCHIVE ($(du -h "$ARCHIVE" | cut -f1))"
fi
step "OK: $BUNDLE"
step "size: $(du -sh "$BUNDLE" | cut -f1) ($(find "$BUNDLE" -type f | wc -l) files)"
step "time: $((t3 - t0)) s total (venv $((t1 - t0)) s, pyinstaller $((t2 - t1)) s, smoke test $((t3 - t2)) s)"

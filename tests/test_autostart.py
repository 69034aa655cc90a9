"""The autostart files IT installs: deploy/linux/signage.service (systemd user unit),
deploy/linux/signage.desktop (XDG autostart) and deploy/windows/signage-task.xml (Task Scheduler).

Each is parsed and checked here; where the platform's own checker is installed it runs too
(`systemd-analyze --user verify`, `desktop-file-validate`), otherwise those tests skip. Task
Scheduler's XML is checked against the element names, order and value ranges of its published
schema (namespace http://schemas.microsoft.com/windows/2004/02/mit/task, [MS-TSCH] 2.5).
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVICE = ROOT / "deploy" / "linux" / "signage.service"
DESKTOP = ROOT / "deploy" / "linux" / "signage.desktop"
TASK = ROOT / "deploy" / "windows" / "signage-task.xml"
BUNDLE_EXE = "/opt/signage/signage"  # where docs/deploy.md tells IT to put the Linux bundle


def read_ini(path: Path) -> configparser.ConfigParser:
    """systemd units and desktop entries are close enough to INI: keys keep their case, values
    are taken as written (no % interpolation), and a key may repeat (Environment=)."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return parser


# --- systemd user unit ------------------------------------------------------------------------


def test_service_starts_with_the_graphical_session_and_restarts() -> None:
    unit = read_ini(SERVICE)
    assert unit["Unit"]["PartOf"] == "graphical-session.target"
    assert unit["Unit"]["After"] == "graphical-session.target"
    assert unit["Install"]["WantedBy"] == "graphical-session.target"
    service = unit["Service"]
    assert service["Restart"] in {"on-failure", "always"}
    assert int(service["RestartSec"]) > 0
    # never give up: the default start limit would leave the screen dark after 5 quick failures
    assert unit["Unit"]["StartLimitIntervalSec"] == "0"
    assert service["ExecStart"] == f"{BUNDLE_EXE} run"


def test_service_documents_the_config_variable_commented_out() -> None:
    text = SERVICE.read_text(encoding="utf-8")
    assert re.search(r"^#\s*Environment=SIGNAGE_CONFIG=\S+", text, re.MULTILINE)
    assert "systemctl --user enable --now signage.service" in text
    assert not re.search(r"^Environment=SIGNAGE_CONFIG", text, re.MULTILINE)


def fake_executable(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    exe = folder / "signage"
    exe.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return exe


def systemd_verify(unit_text: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`systemd-analyze --user verify` on a copy named signage.service. It needs no running
    systemd, only a runtime folder; %h expands to $HOME, which is tmp_path/home here."""
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed (apt-get install systemd)")
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    copy = tmp_path / "units" / "signage.service"
    copy.parent.mkdir(exist_ok=True)
    copy.write_text(unit_text, encoding="utf-8")
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "HOME": str(tmp_path / "home")}
    env.pop("SYSTEMD_UNIT_PATH", None)
    return subprocess.run(
        [tool, "--user", "verify", str(copy)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def problems(done: subprocess.CompletedProcess[str]) -> list[str]:
    """Lines about our unit. verify exits 0 on unknown keys and bad values, so read them."""
    return [
        line
        for line in (done.stdout + done.stderr).splitlines()
        if "signage.service" in line or "signage/" in line
    ]


def test_service_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    exe = fake_executable(tmp_path / "bin")
    text = SERVICE.read_text(encoding="utf-8")
    text = text.replace(f"ExecStart={BUNDLE_EXE} ", f"ExecStart={exe} ")
    assert f"ExecStart={exe} run" in text
    done = systemd_verify(text, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert problems(done) == [], done.stdout + done.stderr


def test_service_home_folder_variant_passes_verify(tmp_path: Path) -> None:
    """The variant the unit's comment offers: the bundle in the kiosk account's home."""
    fake_executable(tmp_path / "home" / "signage")
    text = SERVICE.read_text(encoding="utf-8")
    assert "ExecStart=%h/signage/signage run" in text  # offered in a comment
    text = text.replace(f"ExecStart={BUNDLE_EXE} run", "ExecStart=%h/signage/signage run")
    done = systemd_verify(text, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert problems(done) == [], done.stdout + done.stderr


def test_systemd_verify_catches_what_it_should(tmp_path: Path) -> None:
    """The two checks above mean something: a missing program and a bad key are reported."""
    if Path(BUNDLE_EXE).exists():
        pytest.skip(f"{BUNDLE_EXE} exists on this machine")
    missing = systemd_verify(SERVICE.read_text(encoding="utf-8"), tmp_path)
    assert missing.returncode != 0
    assert "is not executable" in missing.stdout + missing.stderr
    exe = fake_executable(tmp_path / "bin")
    text = SERVICE.read_text(encoding="utf-8")
    text = text.replace(f"ExecStart={BUNDLE_EXE} ", f"ExecStart={exe} ")
    broken = systemd_verify(text.replace("Restart=on-failure", "Restart=sometimes"), tmp_path)
    assert any("restart" in line.lower() for line in problems(broken)), broken.stderr


# --- XDG autostart entry ----------------------------------------------------------------------


def test_desktop_entry_keys() -> None:
    entry = read_ini(DESKTOP)["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Exec"] == f"{BUNDLE_EXE} run"
    assert entry["Name"] and entry["Name[ja]"]
    assert entry["X-GNOME-Autostart-enabled"] == "true"
    assert entry["Terminal"] == "false"
    assert entry.get("Hidden", "false") == "false"  # Hidden=true would disable the autostart
    # the same program as the systemd unit, so the docs name one place for the bundle
    assert entry["Exec"] == read_ini(SERVICE)["Service"]["ExecStart"]


def test_desktop_entry_passes_desktop_file_validate() -> None:
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.skip("desktop-file-validate is not installed (apt-get install desktop-file-utils)")
    done = subprocess.run([tool, str(DESKTOP)], capture_output=True, text=True, timeout=60)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "error" not in output and "warning" not in output, output


# --- Windows Task Scheduler -------------------------------------------------------------------

NS = "http://schemas.microsoft.com/windows/2004/02/mit/task"


def names(words: str) -> set[str]:
    """xs:all: these children in any order."""
    return set(words.split())


def order(words: str) -> list[str]:
    """xs:sequence: these children in this order."""
    return words.split()


# Children each element may have, from the Task Scheduler schema (taskType, registrationInfoType,
# triggersType, logonTriggerType, principalsType, principalType, settingsType, idleSettingsType,
# restartType, actionsType, execActionType, repetitionType). Lists are xs:sequence (order
# matters); sets are xs:all.
SCHEMA: dict[str, list[str] | set[str]] = {
    "Task": names("RegistrationInfo Triggers Settings Data Principals Actions"),
    "RegistrationInfo": names(
        "URI SecurityDescriptor Source Date Author Version Description Documentation"
    ),
    "Triggers": names(
        "BootTrigger RegistrationTrigger IdleTrigger TimeTrigger EventTrigger LogonTrigger"
        " SessionStateChangeTrigger CalendarTrigger"
    ),
    # triggerBaseType's sequence, then logonTriggerType's
    "LogonTrigger": order(
        "Enabled StartBoundary EndBoundary Repetition ExecutionTimeLimit UserId Delay"
    ),
    "Repetition": names("Interval Duration StopAtDurationEnd"),
    "Principals": {"Principal"},
    "Principal": names(
        "UserId LogonType GroupId DisplayName RunLevel ProcessTokenSidType RequiredPrivileges"
    ),
    "Settings": names(
        "AllowStartOnDemand RestartOnFailure MultipleInstancesPolicy DisallowStartIfOnBatteries"
        " StopIfGoingOnBatteries AllowHardTerminate StartWhenAvailable NetworkProfileName"
        " RunOnlyIfNetworkAvailable WakeToRun Enabled Hidden DeleteExpiredTaskAfter IdleSettings"
        " NetworkSettings ExecutionTimeLimit Priority RunOnlyIfIdle UseUnifiedSchedulingEngine"
        " DisallowStartOnRemoteAppSession MaintenanceSettings Volatile"
    ),
    "IdleSettings": names("Duration WaitTimeout StopOnIdleEnd RestartOnIdle"),
    "RestartOnFailure": {"Interval", "Count"},
    "Actions": names("Exec ComHandler SendEmail ShowMessage"),
    "Exec": ["Command", "Arguments", "WorkingDirectory"],
}
BOOLEANS = names(
    "Enabled StopAtDurationEnd AllowStartOnDemand DisallowStartIfOnBatteries"
    " StopIfGoingOnBatteries AllowHardTerminate StartWhenAvailable RunOnlyIfNetworkAvailable"
    " WakeToRun Hidden RunOnlyIfIdle StopOnIdleEnd RestartOnIdle"
)
DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")


def seconds(duration: str) -> int:
    """An xs:duration of days, hours, minutes and seconds (what Task Scheduler writes)."""
    found = DURATION.match(duration)
    assert found and duration not in {"P", "PT"} and not duration.endswith("T"), duration
    d, h, m, s = (int(g or 0) for g in found.groups())
    return ((d * 24 + h) * 60 + m) * 60 + s


def local(element: ET.Element) -> str:
    assert element.tag.startswith(f"{{{NS}}}"), f"{element.tag} is not in the task namespace"
    return element.tag[len(NS) + 2 :]


@pytest.fixture(scope="module")
def task() -> ET.Element:
    return ET.fromstring(TASK.read_bytes())  # expat reads the BOM and the encoding declaration


def child(parent: ET.Element, path: str) -> ET.Element:
    found = parent.find("/".join(f"t:{part}" for part in path.split("/")), {"t": NS})
    assert found is not None, f"no {path} in {local(parent)}"
    return found


def text(parent: ET.Element, path: str) -> str:
    return (child(parent, path).text or "").strip()


def test_task_xml_is_utf16_as_task_scheduler_exports_it() -> None:
    raw = TASK.read_bytes()
    assert raw.startswith(b"\xff\xfe"), "UTF-16 LE with a byte order mark"
    decoded = raw.decode("utf-16")
    assert decoded.startswith('<?xml version="1.0" encoding="UTF-16"?>')
    assert "\r\n" in decoded and "\n" not in decoded.replace("\r\n", ""), "CRLF line ends"


def test_task_xml_follows_the_schema(task: ET.Element) -> None:
    assert local(task) == "Task"
    assert task.get("version") in {"1.2", "1.3", "1.4"}  # 1.2: Windows 7 and later

    def walk(element: ET.Element) -> None:
        name = local(element)
        children = [local(c) for c in element]
        allowed = SCHEMA.get(name)
        if allowed is None:
            assert not children, f"{name} should have no children: {children}"
            return
        unknown = [c for c in children if c not in allowed]
        assert not unknown, f"{name} cannot contain {unknown}"
        if name not in {"Triggers", "Actions"}:
            assert len(children) == len(set(children)), f"{name} repeats a child: {children}"
        if isinstance(allowed, list):
            order = [allowed.index(c) for c in children]
            assert order == sorted(order), f"{name}: children out of schema order: {children}"
        for sub in element:
            if local(sub) in BOOLEANS:
                assert sub.text in {"true", "false"}, f"{local(sub)}: {sub.text!r}"
            walk(sub)

    walk(task)
    assert task.find(f"{{{NS}}}Actions") is not None, "Actions is the one required part"


def test_task_starts_at_logon_and_repeats_while_logged_on(task: ET.Element) -> None:
    (trigger,) = list(child(task, "Triggers"))
    assert local(trigger) == "LogonTrigger"
    assert text(trigger, "Enabled") == "true"
    # RestartOnFailure only retries a start that failed; the repetition restarts a kiosk that
    # stopped (IgnoreNew skips it while the kiosk runs). No Duration: repeat indefinitely.
    interval = seconds(text(trigger, "Repetition/Interval"))
    assert 60 <= interval <= 15 * 60
    assert child(trigger, "Repetition").find(f"{{{NS}}}Duration") is None
    assert text(trigger, "Repetition/StopAtDurationEnd") == "false"


def test_task_settings_restart_and_no_time_limit(task: ET.Element) -> None:
    settings = child(task, "Settings")
    assert text(settings, "RestartOnFailure/Interval") == "PT1M"
    count = int(text(settings, "RestartOnFailure/Count"))
    assert 1 <= count <= 255, "restartType Count is an unsignedByte, 1 to 255"
    assert count >= 100
    assert seconds(text(settings, "ExecutionTimeLimit")) == 0, "PT0S: no time limit"
    assert text(settings, "MultipleInstancesPolicy") == "IgnoreNew"
    assert text(settings, "DisallowStartIfOnBatteries") == "false"
    assert text(settings, "StopIfGoingOnBatteries") == "false"
    assert text(settings, "Enabled") == "true"
    assert 4 <= int(text(settings, "Priority")) <= 6, "normal process priority (default 7 is low)"


def test_task_runs_only_while_the_user_is_logged_on(task: ET.Element) -> None:
    (principal,) = list(child(task, "Principals"))
    logon_type = principal.find(f"{{{NS}}}LogonType")
    group = principal.find(f"{{{NS}}}GroupId")
    # A group principal always runs in a member's interactive session (TASK_LOGON_GROUP);
    # a user principal needs InteractiveToken. Never a stored password or S4U.
    if group is not None:
        assert logon_type is None
        assert group.text == "S-1-5-32-545", "BUILTIN\\Users by SID, whatever the language"
    else:
        assert logon_type is not None and logon_type.text == "InteractiveToken"
    assert text(principal, "RunLevel") == "LeastPrivilege"
    assert child(task, "Actions").get("Context") == principal.get("id")


def test_task_starts_the_windowed_kiosk_executable(task: ET.Element) -> None:
    (action,) = list(child(task, "Actions"))
    assert local(action) == "Exec"
    command = text(action, "Command").strip('"')
    assert command.endswith("\\signage-kiosk.exe")
    assert text(action, "Arguments") == "run"
    assert text(action, "WorkingDirectory") == command.rsplit("\\", 1)[0]
    # build.spec makes that executable (no console window) on Windows
    assert '_exe("signage-kiosk", console=False)' in (ROOT / "build.spec").read_text("utf-8")


# --- docs and CI ------------------------------------------------------------------------------


def test_deploy_guide_gives_the_install_commands() -> None:
    guide = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert "systemctl --user enable --now signage.service" in guide
    assert r"schtasks /create /tn signage /xml deploy\windows\signage-task.xml" in guide
    assert "scripts/build-bundle.sh" in guide


@pytest.mark.skipif(sys.platform.startswith("win"), reason="a bash script")
def test_build_script_is_valid_bash() -> None:
    script = ROOT / "scripts" / "build-bundle.sh"
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash")
    done = subprocess.run([bash, "-n", str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_ci_runs_the_readme_command_unchanged_then_the_bundle() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    start = "python3 -m venv .venv && . .venv/bin/activate && pip install -q -e"
    (command,) = [line for line in readme if line.startswith(start) and "pytest" in line]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert command in ci
    bundle = [i for i, line in enumerate(ci) if "scripts/build-bundle.sh" in line]
    assert bundle and bundle[0] > ci.index(command)

# Build the PyInstaller bundle (build.spec) on Windows and smoke-test it the way a kiosk PC
# without Python runs it: the PowerShell twin of scripts/build-bundle.sh.
#
#   .\scripts\build-bundle.ps1                          # a build venv of its own in build\bundle-venv
#   .\scripts\build-bundle.ps1 -Python .venv\Scripts\python.exe -Zip
#
# -Python  the interpreter of an existing venv to build with (it gets pyinstaller; the package
#          is installed into it only if `import signage` fails there)
# -Zip     also dist\signage-<version>-windows-<arch>.zip
#
# The smoke test runs the frozen signage.exe by its path with PATH reduced to System32 (no
# Python), a fresh empty profile (USERPROFILE, APPDATA, LOCALAPPDATA: no school config) and
# QT_QPA_PLATFORM=offscreen. It checks `signage --version`, `signage check` on the bundle's
# demo config (exit 0) and on a broken file (exit 2 with FILE:LINE:), `signage render --demo`
# (4 or more PNGs, none blank), and that signage-kiosk.exe (no console) is there. Any failure
# exits non-zero. Docs: docs/deploy.md.
[CmdletBinding()]
param(
    [string]$Python = "",
    [switch]$Zip
)
$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest
$Root = Split-Path -Parent $PSScriptRoot
Set-Location $Root
$PyInstallerReq = "pyinstaller>=6.10,<7"
$started = Get-Date

function Fail([string]$message) {
    Write-Host "build-bundle: FAIL: $message"
    exit 1
}
function Step([string]$message) { Write-Host "build-bundle: $message" }
function Invoke-Checked([string]$exe, [string[]]$arguments) {
    & $exe @arguments
    if ($LASTEXITCODE -ne 0) { Fail "$exe $($arguments -join ' ') exited $LASTEXITCODE" }
}

# --- 1. the build venv -------------------------------------------------------------------------
New-Item -ItemType Directory -Force -Path (Join-Path $Root "build") | Out-Null
if ($Python -eq "") {
    $venv = Join-Path $Root "build\bundle-venv"
    $Python = Join-Path $venv "Scripts\python.exe"
    if (-not (Test-Path $Python)) {
        Step "creating the build venv $venv"
        Invoke-Checked "python" @("-m", "venv", $venv)
    }
    Invoke-Checked $Python @("-m", "pip", "install", "-q", $Root, $PyInstallerReq)
} else {
    Step "using $Python"
    Invoke-Checked $Python @("-m", "pip", "install", "-q", $PyInstallerReq)
    Push-Location $env:SystemRoot
    & $Python -c "import signage" 2>$null
    $missing = $LASTEXITCODE -ne 0
    Pop-Location
    if ($missing) { Invoke-Checked $Python @("-m", "pip", "install", "-q", $Root) }
}
$version = (& $Python -c "import sys; sys.path.insert(0, '.'); from signage import __version__; print(__version__)").Trim()
$bundle = Join-Path $Root "dist\signage-$version"
$exe = Join-Path $bundle "signage.exe"
Step "signage $version"

# --- 2. build ----------------------------------------------------------------------------------
if (Test-Path $bundle) { Remove-Item -Recurse -Force $bundle }
$log = Join-Path $Root "build\pyinstaller.log"
& $Python -m PyInstaller build.spec --noconfirm --distpath (Join-Path $Root "dist") `
    --workpath (Join-Path $Root "build\pyinstaller") *> $log
if ($LASTEXITCODE -ne 0) {
    Get-Content $log -Tail 40
    Fail "pyinstaller failed (full log: $log)"
}
Select-String -Path $log -Pattern "WARNING: (Library not found|Hidden import .* not found)" |
    ForEach-Object { Write-Host "build-bundle: $($_.Line)" }
if (-not (Test-Path $exe)) { Fail "no executable $exe" }
if (-not (Test-Path (Join-Path $bundle "signage-kiosk.exe"))) { Fail "no signage-kiosk.exe" }
if (-not (Test-Path (Join-Path $bundle "_internal\assets\signage.ico"))) { Fail "no icon in the bundle" }
$built = Get-Date

# --- 3. smoke test: no Python, no config, no display ------------------------------------------
$smoke = Join-Path ([System.IO.Path]::GetTempPath()) ("signage-smoke-" + [guid]::NewGuid())
$work = Join-Path $smoke "work"
$profileDir = Join-Path $smoke "profile"
foreach ($dir in @($work, $profileDir, "$profileDir\AppData\Roaming", "$profileDir\AppData\Local")) {
    New-Item -ItemType Directory -Force -Path $dir | Out-Null
}
$saved = @{}
$frozenEnv = @{
    PATH = Join-Path $env:SystemRoot "System32"
    USERPROFILE = $profileDir
    HOME = $profileDir
    APPDATA = "$profileDir\AppData\Roaming"
    LOCALAPPDATA = "$profileDir\AppData\Local"
    QT_QPA_PLATFORM = "offscreen"
    PYTHONPATH = $null
    PYTHONHOME = $null
    VIRTUAL_ENV = $null
    SIGNAGE_CONFIG = $null
}
function Invoke-Frozen([string[]]$arguments) {
    # Runs the frozen program in the smoke environment; returns its output, sets $script:status.
    foreach ($name in $frozenEnv.Keys) {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        [Environment]::SetEnvironmentVariable($name, $frozenEnv[$name])
    }
    Push-Location $work
    try {
        $ErrorActionPreference = "Continue"  # a native program's stderr is not an exception
        $out = & $exe @arguments 2>&1 | ForEach-Object { "$_" }
        $script:status = $LASTEXITCODE
    } finally {
        $ErrorActionPreference = "Stop"
        Pop-Location
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    }
    return ($out -join "`n")
}
try {
    $oldPath = $env:PATH
    $env:PATH = $frozenEnv.PATH
    $python = Get-Command python, python3, py -ErrorAction SilentlyContinue
    $env:PATH = $oldPath
    if ($python) { Fail "the smoke-test PATH still finds a python: $($python.Source)" }

    Step "smoke: signage --version"
    $out = Invoke-Frozen @("--version")
    if ($status -ne 0) { Fail "--version exited $status" }
    if ($out.Trim() -ne "signage $version") { Fail "--version printed '$out'" }

    $demo = Join-Path $bundle "_internal\signage\demo\signage.toml"
    if (-not (Test-Path $demo)) { Fail "the bundle has no demo config at $demo" }
    Step "smoke: signage check $demo"
    $out = Invoke-Frozen @("check", $demo)
    if ($status -ne 0) { Write-Host $out; Fail "check of the bundle's demo config exited $status" }

    Step "smoke: signage check on a broken config (expect exit 2 and FILE:LINE:)"
    $broken = Join-Path $work "broken.toml"
    $text = "[school]`nname = `"smoke`"`ntimezone = `"Mars/Olympus`"`n"  # ASCII: PowerShell 5 reads ANSI
    [System.IO.File]::WriteAllText($broken, $text, (New-Object System.Text.UTF8Encoding($false)))
    $out = Invoke-Frozen @("check", $broken)
    Write-Host "  $out"
    if ($status -ne 2) { Fail "check of a broken config exited $status, expected 2" }
    if ($out -notmatch "broken\.toml:\d+:") { Fail "check printed no FILE:LINE: line" }

    Step "smoke: signage render --demo --out <tmp>"
    $png = Join-Path $smoke "png"
    $out = Invoke-Frozen @("render", "--demo", "--out", $png)
    if ($status -ne 0) { Write-Host $out; Fail "render --demo exited $status" }
    $count = 0
    foreach ($file in Get-ChildItem -Path $png -Filter *.png) {
        $bytes = [System.IO.File]::ReadAllBytes($file.FullName)
        Write-Host "  $($file.Name) $($bytes.Length) bytes"
        if ($bytes[1] -ne 0x50 -or $bytes[2] -ne 0x4E -or $bytes[3] -ne 0x47) { Fail "$($file.Name) is not a PNG" }
        if ($bytes.Length -le 20000) { Fail "$($file.Name) is only $($bytes.Length) bytes: a blank panel?" }
        $count++
    }
    if ($count -lt 4) { Fail "render --demo wrote $count PNG(s), expected 4 or more" }
} finally {
    Remove-Item -Recurse -Force $smoke -ErrorAction SilentlyContinue
}
$smoked = Get-Date

# --- 4. report ---------------------------------------------------------------------------------
if ($Zip) {
    $arch = if ([Environment]::Is64BitOperatingSystem) { "x64" } else { "x86" }
    $archive = Join-Path $Root "dist\signage-$version-windows-$arch.zip"
    if (Test-Path $archive) { Remove-Item -Force $archive }
    Compress-Archive -Path $bundle -DestinationPath $archive
    Step "archive $archive ($([math]::Round((Get-Item $archive).Length / 1MB)) MB)"
}
$files = Get-ChildItem -Recurse -File $bundle
$size = [math]::Round(($files | Measure-Object -Property Length -Sum).Sum / 1MB)
Step "OK: $bundle"
Step "size: $size MB ($($files.Count) files)"
$total = [math]::Round(($smoked - $started).TotalSeconds)
$build = [math]::Round(($built - $started).TotalSeconds)
Step "time: $total s total (venv and pyinstaller $build s, smoke test $([math]::Round(($smoked - $built).TotalSeconds)) s)"

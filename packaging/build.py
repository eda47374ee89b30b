"""Build the desktop bundle and its download: `make package` runs this.

    python packaging/build.py [--dist DIR] [--work DIR] [--no-archive] [--onefile]

1. PyInstaller with packaging/fieldrep.spec -> DIST/fieldrep/ (one folder);
2. DIST/fieldrep-<version>-<os>-<arch>.tar.gz, unpacking to fieldrep-<version>/;
3. DIST/fieldrep-<version>-build.json and a printed table: build time, sizes, and the
   size of each large part (the figures docs/performance.md keeps);
4. with --onefile, also DIST/fieldrep-<version>-<os>-<arch> as a single executable
   (it unpacks itself on every start: about 0.8 s slower; see packaging/README.md).

The version is the installed package's (pyproject.toml's `project.version`), so the
download's name, `fieldrep --version`, the window title and the About box agree.
Run it with the project's virtualenv Python (what `make package` does).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "fieldrep.spec"
APP = "fieldrep"

# (label, test on the path inside the folder); the first match counts a file.
PARTS: list[tuple[str, tuple[str, ...]]] = [
    ("ICU data and libraries (QtCore's Unicode support)", ("_internal/PySide6/Qt/lib/libicu",)),
    ("Qt libraries (Core, Gui, Widgets, Network, DBus, ...)", ("_internal/PySide6/Qt/lib/",)),
    ("Qt plugins (platforms, image formats, ...)", ("_internal/PySide6/Qt/plugins/",)),
    ("PySide6 bindings and shiboken6", ("_internal/PySide6/", "_internal/shiboken6/")),
    ("NumPy (with OpenBLAS)", ("_internal/numpy",)),
    ("cryptography (Secret Service keychain on Linux)", ("_internal/cryptography",)),
    ("SQLCipher (sqlcipher3)", ("_internal/sqlcipher3",)),
    ("Python runtime (libpython, C modules)", ("_internal/libpython", "_internal/python3")),
    ("executable with the compiled Python code (PYZ)", (APP,)),
    ("OpenSSL (Python's ssl/hashlib)", ("_internal/libssl", "_internal/libcrypto")),
    ("pydantic-core", ("_internal/pydantic_core",)),
    ("other shared libraries (glib, xcb, dbus, krb5, ...)", ("_internal/lib",)),
    ("resources (catalogues, demo territory, stylesheet)", ("_internal/resources",)),
]
OTHER = "everything else"


def platform_tag() -> str:
    system = {"darwin": "macos", "win32": "windows"}.get(sys.platform, sys.platform)
    machine = platform.machine().lower().replace("amd64", "x86_64")
    return f"{system.removesuffix('2')}-{machine}"  # linux2 on very old Pythons


def part_sizes(folder: Path) -> dict[str, int]:
    """Bytes per part (PARTS), counting each file once and symlinks not at all."""
    sizes = dict.fromkeys([label for label, _ in PARTS] + [OTHER], 0)
    for path in folder.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        rel = path.relative_to(folder).as_posix()
        label = next((lb for lb, prefixes in PARTS if rel.startswith(prefixes)), OTHER)
        sizes[label] += path.stat().st_size
    return sizes


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def run_pyinstaller(dist: Path, work: Path, *, onefile: bool = False) -> float:
    """Build DIST/fieldrep/ (or DIST/fieldrep-onefile) from a fresh work folder; returns
    the seconds taken."""
    shutil.rmtree(work, ignore_errors=True)
    if not onefile:
        shutil.rmtree(dist / APP, ignore_errors=True)
    env = {**os.environ, "FIELDREP_ONEFILE": "1" if onefile else "0"}
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
            str(SPEC),
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return time.perf_counter() - started


def make_archive(folder: Path, archive: Path, top: str) -> float:
    """A .tar.gz of `folder` unpacking to `top`/; returns the seconds taken."""
    started = time.perf_counter()
    archive.unlink(missing_ok=True)
    # Level 6, as gzip's default: level 9 takes twice as long for about 1% less.
    with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
        tar.add(folder, arcname=top)
    return time.perf_counter() - started


def mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def check_tools() -> None:
    """On Linux the spec prunes and strips with binutils; without it the bundle would be
    silently too big, so say what to install instead."""
    missing = [t for t in ("readelf", "strip") if shutil.which(t) is None]
    if sys.platform.startswith("linux") and missing:
        sys.exit(f"build.py: {' and '.join(missing)} not found; install binutils")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the Fieldrep desktop bundle.")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    parser.add_argument("--no-archive", action="store_true", help="skip the .tar.gz")
    parser.add_argument("--onefile", action="store_true", help="also a one-file executable")
    args = parser.parse_args(argv)
    check_tools()
    dist, work = args.dist.resolve(), args.work.resolve()
    app_version = version(APP)
    build_seconds = run_pyinstaller(dist, work)
    folder = dist / APP
    parts = part_sizes(folder)
    report: dict[str, object] = {
        "version": app_version,
        "folder": str(folder),
        "folder_bytes": folder_size(folder),
        "build_seconds": round(build_seconds, 1),
        "parts": parts,
    }
    lines = [f"fieldrep {app_version}: built {folder} in {build_seconds:.0f} s"]
    lines += [
        f"  {mb(size):>9}  {label}" for label, size in sorted(parts.items(), key=lambda i: -i[1])
    ]
    lines.append(f"  {mb(folder_size(folder)):>9}  one-folder bundle")
    if not args.no_archive:
        name = f"{APP}-{app_version}-{platform_tag()}"
        archive = dist / f"{name}.tar.gz"
        report["archive"] = str(archive)
        report["archive_seconds"] = round(make_archive(folder, archive, f"{APP}-{app_version}"), 1)
        report["archive_bytes"] = archive.stat().st_size
        lines.append(f"  {mb(archive.stat().st_size):>9}  {archive}")
    if args.onefile:
        seconds = run_pyinstaller(dist, work / "onefile", onefile=True)
        single = dist / f"{APP}-{app_version}-{platform_tag()}"
        (dist / f"{APP}-onefile").replace(single)
        report["onefile"] = str(single)
        report["onefile_bytes"] = single.stat().st_size
        report["onefile_seconds"] = round(seconds, 1)
        lines.append(f"  {mb(single.stat().st_size):>9}  {single} (one file, {seconds:.0f} s)")
    (dist / f"{APP}-{app_version}-build.json").write_text(json.dumps(report, indent=2) + "\n")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")  # PyInstaller's advice for reproducible builds
    sys.exit(main())

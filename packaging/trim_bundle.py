"""What the desktop bundle leaves out, and what it strips: used by fieldrep.spec.

PyInstaller collects what the app imports, plus everything its hooks think a Qt or
NumPy app might need. A CRM client needs much less, so after the analysis the spec:

1. leaves out Python packages reached only through optional imports (SciPy, pandas,
   test tools, the server, other SQL dialects: EXCLUDED_MODULES);
2. leaves out the Qt translations, the Qt plugins for embedded devices, VNC and TLS,
   the GTK theme (it loads the system's GTK against bundled cairo/pango, and is broken
   where GTK is missing) and rarely seen image formats (LEFT_OUT), and the libraries
   every desktop Linux provides, which break when an older copy shadows the system's
   (SYSTEM_LIBRARIES);
3. drops every shared library nothing left in the bundle links to (found through the
   ELF NEEDED entries, so a left-out plugin's libraries go with it);
4. strips symbol tables and debug info (`strip --strip-unneeded`) from binaries that
   carry them, except those auditwheel rewrote with patchelf, which strip corrupts.

Linux only: on Windows and macOS the binaries are left as PyInstaller collects them
(see packaging/README.md). Needs binutils (readelf, strip); build.py checks.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

# (dest, source, typecode), PyInstaller's TOC entries.
Entry = tuple[str, str, str]

QT = "PySide6/Qt/"
LEFT_OUT = [
    QT + "translations/",  # the UI is English only; Qt's own strings in 30 languages
    QT + "plugins/egldeviceintegrations/",  # embedded (EGLFS) devices
    QT + "plugins/generic/",  # evdev/tslib input for embedded devices
    QT + "plugins/platforms/libqeglfs.so",
    QT + "plugins/platforms/libqlinuxfb.so",
    QT + "plugins/platforms/libqminimalegl.so",
    QT + "plugins/platforms/libqvkkhrdisplay.so",
    QT + "plugins/platforms/libqvnc.so",
    QT + "plugins/platformthemes/libqgtk3.so",
    QT + "plugins/tls/",  # Qt's TLS; the app's HTTPS is Python's ssl via requests
    # Network reachability comes over D-Bus from NetworkManager (or ConnMan); the GLib
    # backend would add GIO, libmount, libblkid and libselinux (3 MB) for the rest.
    QT + "plugins/networkinformation/libqglib.so",
    # The on-screen keyboard of touch kiosks (PySide6-Addons, which brings QtCharts, has
    # it): it alone pulls in Qt Quick and QML (17 MB) for a desktop app that uses neither.
    QT + "plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
    # Real printers through CUPS (with GnuTLS, p11-kit, GMP...: 8 MB): the app prints the
    # coaching summary to a PDF file, which QtPrintSupport writes without any plugin.
    QT + "plugins/printsupport/",
    QT + "plugins/imageformats/libqicns.so",
    QT + "plugins/imageformats/libqtga.so",
    QT + "plugins/imageformats/libqtiff.so",
    QT + "plugins/imageformats/libqwbmp.so",
    QT + "plugins/imageformats/libqwebp.so",
]

# Libraries every desktop Linux provides, and which break when an older copy from the
# build machine shadows the system's (font stalls, xcb symbol errors, GLIBCXX versions):
# the AppImage project's excludelist (AppImageCommunity/pkg2appimage/excludelist).
SYSTEM_LIBRARIES = {
    "libstdc++.so.6",
    "libgcc_s.so.1",
    "libX11.so.6",
    "libX11-xcb.so.1",
    "libxcb.so.1",
    "libwayland-client.so.0",
    "libfontconfig.so.1",
    "libfreetype.so.6",
    "libharfbuzz.so.0",
    "libfribidi.so.0",
    "libexpat.so.1",
    "libz.so.1",
    "libuuid.so.1",
    "libcom_err.so.2",
    "libgpg-error.so.0",
    "libGL.so.1",
    "libEGL.so.1",
    "libdrm.so.2",
}

# Python packages the analysis reaches through optional imports (numpy's and
# SQLAlchemy's test helpers, PyInstaller's own hooks) but the app never uses.
EXCLUDED_MODULES = [
    "sync_server",  # the server is a separate install
    # phonenumbers: the call-note checks find numbers with the core metadata only; its
    # geocoding, carrier and time-zone data (45 MB, pulled in by PyInstaller's hook that
    # collects every submodule) are never used.
    "phonenumbers.geodata",
    "phonenumbers.geocoder",
    "phonenumbers.carrierdata",
    "phonenumbers.carrier",
    "phonenumbers.tzdata",
    "phonenumbers.timezone",
    "sqlite3",  # the store is SQLCipher (sqlcipher3): no way to open a plaintext database
    "fastapi",
    "starlette",
    "uvicorn",
    "alembic",
    "psycopg",
    "psycopg_binary",
    "argon2",
    # pandas stays (the manager's team view computes its report with it), minus its own
    # test suite and the Styler (HTML tables through Jinja): `import pandas` itself loads
    # every other reader and writer module, so those cannot go.
    "pandas.tests",
    "pandas.io.formats.style",
    "pandas.io.formats.style_render",
    "jinja2",
    "pyarrow",
    "numexpr",
    "bottleneck",
    "tables",
    "scipy",
    "hypothesis",
    "pytest",
    "_pytest",
    "pytestqt",
    "schemathesis",
    "httpx",
    "mypy",
    "mypyc",
    "ast_serialize",
    "librt",
    "rich",
    "pygments",
    "markdown_it",
    "yaml",
    "greenlet",  # SQLAlchemy's asyncio support
    "setuptools",
    "pkg_resources",
    "distutils",
    "numpy.f2py",
    "numpy.distutils",
    "numpy.fft",  # numpy 2 imports these on first use; the app never does (pandas does
    # import numpy.ma, so that one stays)
    "numpy.polynomial",
    "numpy.testing",
    "PySide6.QtDBus",  # Qt uses D-Bus itself (libQt6DBus stays); Python never does
    # PyInstaller's QtCharts hook adds the OpenGL bindings (QChartView can draw through
    # OpenGL); the team view's charts draw with the raster engine (libQt6OpenGL stays).
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    # SQLAlchemy's other databases: the store is SQLCipher through the sqlite dialect
    "sqlalchemy.dialects.mysql",
    "sqlalchemy.dialects.postgresql",
    "sqlalchemy.dialects.oracle",
    "sqlalchemy.dialects.mssql",
    "sqlalchemy.ext.asyncio",
    "tkinter",
    "IPython",
    "matplotlib",
    "PySide6.scripts",
]


def is_left_out(dest: str) -> bool:
    return dest in SYSTEM_LIBRARIES or any(dest.startswith(prefix) for prefix in LEFT_OUT)


def _tool(name: str) -> str | None:
    return shutil.which(name) if sys.platform.startswith("linux") else None


def leave_out_data(datas: Iterable[Entry], binaries: Iterable[Entry]) -> list[Entry]:
    """Data files minus the LEFT_OUT parts (the Qt translations are data) and minus the
    symlinks (PyInstaller lists them with the data) whose library was left out."""
    entries = list(datas)
    if not sys.platform.startswith("linux"):
        return entries
    present = {e[0] for e in binaries} | {e[0] for e in entries}
    return [
        e
        for e in entries
        if not is_left_out(e[0]) and (e[2] != "SYMLINK" or _symlink_target(e[0], e[1]) in present)
    ]


def needed_libraries(path: str, readelf: str) -> list[str]:
    """The sonames an ELF file links to (its NEEDED entries)."""
    out = subprocess.run(
        [readelf, "-d", "-W", path], capture_output=True, text=True, check=False
    ).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def _is_root(dest: str, typecode: str) -> bool:
    """Entries kept for their own sake; every other shared library must be linked to."""
    if typecode in ("EXTENSION", "EXECUTABLE"):
        return True
    return dest.startswith(QT + "plugins/") or Path(dest).name.startswith("libpython")


def _symlink_target(dest: str, source: str) -> str:
    return os.path.normpath(os.path.join(os.path.dirname(dest), source))


def prune_binaries(binaries: Iterable[Entry]) -> tuple[list[Entry], list[str]]:
    """Leave out the LEFT_OUT parts and the libraries nothing kept links to.

    Returns the kept entries and the names of the dropped ones (for the build log).
    Libraries are matched to NEEDED sonames by file name, symlinks included (PyInstaller
    puts e.g. libQt6Core.so.6 at the top as a link into PySide6/Qt/lib/).
    """
    entries = list(binaries)
    if not sys.platform.startswith("linux"):
        return entries, []
    kept = [e for e in entries if not is_left_out(e[0])]
    readelf = _tool("readelf")
    if readelf is not None:
        files = {e[0]: e for e in kept if e[2] != "SYMLINK"}
        by_name: dict[str, set[str]] = {}
        for dest, source, typecode in kept:
            target = _symlink_target(dest, source) if typecode == "SYMLINK" else dest
            if target in files:
                by_name.setdefault(Path(dest).name, set()).add(target)
        reached = {d for d, e in files.items() if _is_root(d, e[2])}
        queue = list(reached)
        while queue:
            for soname in needed_libraries(files[queue.pop()][1], readelf):
                for dep in by_name.get(soname, set()) - reached:
                    reached.add(dep)
                    queue.append(dep)
        kept = [
            e
            for e in kept
            if (_symlink_target(e[0], e[1]) if e[2] == "SYMLINK" else e[0]) in reached
        ]
    dropped = sorted({e[0] for e in entries} - {e[0] for e in kept})
    return kept, dropped


def _grafted(path: str, readelf: str) -> bool:
    """Rewritten by auditwheel/patchelf (a wheel's bundled library, or an extension that
    links to one): `strip` corrupts these ("ELF load command address/offset not
    page-aligned", seen on NumPy's OpenBLAS), so they are left as they are."""
    if ".libs/" in path.replace("\\", "/"):
        return True
    out = subprocess.run(
        [readelf, "-d", "-W", path], capture_output=True, text=True, check=False
    ).stdout
    return "$ORIGIN" in out and ("(RPATH)" in out or "(RUNPATH)" in out)


def _has_symbols(path: str, readelf: str) -> bool:
    out = subprocess.run(
        [readelf, "-S", "-W", path], capture_output=True, text=True, check=False
    ).stdout
    return " .symtab " in out or " .debug_info " in out


def strip_binaries(binaries: Iterable[Entry], workdir: Path) -> tuple[list[Entry], int]:
    """Point unstripped, ungrafted libraries at stripped copies under `workdir`.

    `strip --strip-unneeded` drops the symbol table and debug info, keeping what dynamic
    linking needs. Returns the entries and the bytes saved.
    """
    entries = list(binaries)
    readelf, strip = _tool("readelf"), _tool("strip")
    if readelf is None or strip is None:
        return entries, 0
    saved = 0
    result = []
    for dest, source, typecode in entries:
        if typecode == "SYMLINK" or not _has_symbols(source, readelf) or _grafted(source, readelf):
            result.append((dest, source, typecode))
            continue
        copy = workdir / "stripped" / dest
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, copy)
        subprocess.run([strip, "--strip-unneeded", str(copy)], check=True)
        saved += Path(source).stat().st_size - copy.stat().st_size
        result.append((dest, str(copy), typecode))
    return result, saved

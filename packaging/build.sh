#!/usr/bin/env sh
# Build the desktop app into dist/fieldrep/ with PyInstaller (installed by `.[dev]`).
set -eu
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
"$PY" -m PyInstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller packaging/fieldrep.spec
echo "built dist/fieldrep/ (run dist/fieldrep/fieldrep --demo)"

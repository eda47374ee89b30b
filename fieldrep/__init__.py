"""Fieldrep: the offline-first desktop app for pharmaceutical field reps."""

from importlib.metadata import PackageNotFoundError, version

# One source for the version: `project.version` in pyproject.toml, read from the installed
# package's metadata (the PyInstaller bundle carries it too), so `fieldrep --version`, the
# window title, the About box, the sync handshake and the download's name all agree.
try:
    __version__ = version("fieldrep")
except PackageNotFoundError:  # a source tree on sys.path that was never pip-installed
    __version__ = "0+unknown"

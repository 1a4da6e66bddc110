"""The `ae-editor:` URL scheme that serves the editor page and Monaco's files to QtWebEngine. A real
origin (unlike file:) lets Monaco start its web workers, which need same-origin scripts and fetch. The
scheme must be registered before the QApplication exists: `register()` is called at import."""
from __future__ import annotations

import mimetypes
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtWebEngineCore import QWebEngineProfile, QWebEngineUrlScheme, QWebEngineUrlSchemeHandler

SCHEME = b"ae-editor"
ORIGIN = "ae-editor://app"
PAGE = Path(__file__).parent / "page"
_TYPES = {".js": "text/javascript", ".css": "text/css", ".html": "text/html", ".ttf": "font/ttf",
          ".json": "application/json", ".svg": "image/svg+xml"}


def register() -> None:
    if QWebEngineUrlScheme.schemeByName(SCHEME).name() == SCHEME:
        return
    scheme = QWebEngineUrlScheme(SCHEME)
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    flags = QWebEngineUrlScheme.Flag
    scheme.setFlags(flags.SecureScheme | flags.CorsEnabled | flags.LocalAccessAllowed | flags.FetchApiAllowed)
    QWebEngineUrlScheme.registerScheme(scheme)


class _Handler(QWebEngineUrlSchemeHandler):
    def __init__(self, monaco: Path):
        super().__init__()
        self.roots = {"monaco": Path(monaco).resolve(), "page": PAGE.resolve()}

    def requestStarted(self, job) -> None:  # noqa: N802 (Qt's name)
        parts = job.requestUrl().path().lstrip("/").split("/", 1)
        root = self.roots.get(parts[0])
        target = (root / parts[1]).resolve() if root and len(parts) == 2 else None
        # Only files inside the two folders: a path with .. stays inside or is not found.
        if target is None or not target.is_relative_to(root) or not target.is_file():
            job.fail(job.Error.UrlNotFound)
            return
        mime = _TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        buffer = QBuffer(job)  # owned by the job: freed when the reply is done
        buffer.setData(QByteArray(target.read_bytes()))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(mime.encode(), buffer)


_installed: _Handler | None = None


def install(monaco: Path) -> None:
    """Serve this Monaco folder (once per process; later calls switch the folder)."""
    global _installed
    if _installed is None:
        _installed = _Handler(monaco)
        QWebEngineProfile.defaultProfile().installUrlSchemeHandler(SCHEME, _installed)
    else:
        _installed.roots["monaco"] = Path(monaco).resolve()


register()

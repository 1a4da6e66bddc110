"""Start the desktop app: a QApplication driven by a qasync event loop, so Node I/O in the core runs on
asyncio without blocking the UI thread. Settings (workspace, Node binary, deadline, layout, last tenant)
come from QSettings; --workspace and --node override them."""
from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys

from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from emulator.errors import EmulatorError
from emulator.runtime import DEFAULT_DEADLINE_MS

from . import theme
from .event_loop import EventLoop
from .startup import open_core
from .window import MainWindow

ICON = Path(__file__).parent / "resources" / "actions-emulator.svg"


def prepare_webengine() -> None:
    """What QtWebEngine (the Monaco editor) needs before the QApplication exists: shared GL contexts and
    the editor's URL scheme."""
    from PySide6.QtCore import QCoreApplication, Qt

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    from .widgets.monaco import scheme  # noqa: F401 - registers ae-editor: on import


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["cli"]:
        # The frozen app ships one executable: `actions-emulator-app cli ...` is the command line.
        from emulator.cli import main as cli_main

        return cli_main(argv[1:])
    parser = argparse.ArgumentParser(prog="actions-emulator-app", description="Actions Emulator desktop app "
                                     "(`actions-emulator-app cli --help` for the command line)")
    parser.add_argument("--workspace", metavar="PATH", help="workspace file (default: in your user data folder)")
    parser.add_argument("--node", metavar="PATH", help="Node binary to use instead of the bundled one")
    args = parser.parse_args(argv)
    from . import quiet

    quiet.install()
    prepare_webengine()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Actions Emulator")
    app.setOrganizationName("Actions Emulator")
    app.setWindowIcon(QIcon(str(ICON)))
    settings = QSettings()
    theme.apply(app, settings.value("theme", "system", str))
    workspace = args.workspace or settings.value("workspace", "", str) or None
    node = args.node or settings.value("node", "", str) or None
    try:
        core = open_core(workspace, node, int(settings.value("deadline_ms", DEFAULT_DEADLINE_MS)))
    except EmulatorError as exc:
        QMessageBox.critical(None, "Actions Emulator", str(exc))
        return 2
    loop = EventLoop(app)
    asyncio.set_event_loop(loop)
    window = MainWindow(core, settings)
    window.show()
    closed = asyncio.Event()
    app.aboutToQuit.connect(closed.set)
    # Ctrl+C in the terminal and SIGTERM quit as closing the window does (unsaved edits still ask):
    # Python runs signal handlers only between bytecodes, so a timer gives it the chance while Qt waits.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: QTimer.singleShot(0, window.close) if window.isVisible() else app.quit())
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(200)
    with loop:
        started = loop.create_task(window.start_core())
        if os.environ.get("ACTIONS_EMULATOR_QUIT_AFTER_START"):
            # For cold-start measurements and smoke tests: quit once the window is up and Node is warm.
            started.add_done_callback(lambda _: app.quit())
        loop.run_until_complete(closed.wait())
        loop.run_until_complete(window.core.close())
    del window
    # Qt's objects go before Python's teardown, in Qt's order (left to the interpreter's exit, Qt could
    # crash on the way out on a busy machine).
    app.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())

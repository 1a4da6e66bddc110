"""Start the desktop app: a QApplication driven by a qasync event loop, so Node I/O in the core runs on
asyncio without blocking the UI thread."""
from __future__ import annotations

import argparse
import asyncio
import sys

from PySide6.QtWidgets import QApplication

import qasync
from emulator.emulator import Emulator

from .window import MainWindow


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="actions-emulator-app", description="Actions Emulator desktop app")
    parser.add_argument("--node", metavar="PATH", help="Node binary to use instead of the bundled one")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Actions Emulator")
    app.setOrganizationName("Actions Emulator")
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    core = Emulator(args.node)
    window = MainWindow(core)
    window.show()
    closed = asyncio.Event()
    app.aboutToQuit.connect(closed.set)
    with loop:
        loop.create_task(window.start_core())
        loop.run_until_complete(closed.wait())
        loop.run_until_complete(core.close())
    return 0


if __name__ == "__main__":
    sys.exit(main())

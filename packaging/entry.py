"""Entry point of the frozen app (PyInstaller needs a script): the desktop app, or the CLI after `cli`."""
import sys

from app.main import main

sys.exit(main())

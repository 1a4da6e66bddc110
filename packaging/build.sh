#!/usr/bin/env bash
# Build the desktop app into packaging/dist/actions-emulator/ (a folder to zip and ship), then smoke-test it.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv-build
.venv-build/bin/pip install -q -e '.[app]' 'pyinstaller>=6.10'
.venv-build/bin/pyinstaller --noconfirm --clean --distpath packaging/dist --workpath packaging/build \
  packaging/actions-emulator.spec
.venv-build/bin/python packaging/smoke_test.py packaging/dist/actions-emulator/actions-emulator

"""What Qt and Chromium print at a normal start that tells a user nothing they can act on (no Vulkan or
GPU on this machine, no D-Bus, a software fallback that works): kept off the terminal. Everything else
Qt says still reaches stderr, and ACTIONS_EMULATOR_DEBUG=1 keeps it all."""
from __future__ import annotations

import os
import sys

# Messages a machine without a GPU stack (VMs, CI, remote desktops) prints every start; the app works.
NOISE = ("QVulkanInstance: Failed to initialize Vulkan", "QRhiGles2: Failed to create",
         "Failed to create RHI for backend", "GBM is not supported with the current configuration",
         "GPUInfo not initialized", "This plugin does not support propagateSizeHints",
         "This plugin does not support createPlatformVulkanInstance")


def is_noise(message: str) -> bool:
    return message.startswith(NOISE)


def install() -> None:
    """Before the QApplication: Chromium logs only fatal errors, and Qt's noise above is dropped."""
    if os.environ.get("ACTIONS_EMULATOR_DEBUG"):
        return
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if "--log-level" not in flags:
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{flags} --log-level=3".strip()
    from PySide6.QtCore import qInstallMessageHandler

    def handler(_mode, _context, message: str) -> None:
        if not is_noise(message):
            print(message, file=sys.stderr, flush=True)

    qInstallMessageHandler(handler)

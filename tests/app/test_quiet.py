"""A normal start prints nothing a user cannot act on: the GPU-less machine's Qt and Chromium noise is
dropped, anything else Qt says still reaches stderr."""
from __future__ import annotations

from app import quiet


def test_gpu_noise_is_dropped_and_other_messages_pass(monkeypatch, capsys):
    monkeypatch.delenv("ACTIONS_EMULATOR_DEBUG", raising=False)
    monkeypatch.setenv("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
    installed = []
    import PySide6.QtCore

    monkeypatch.setattr(PySide6.QtCore, "qInstallMessageHandler", installed.append)
    quiet.install()
    [handler] = installed
    for noise in ("QVulkanInstance: Failed to initialize Vulkan", "GBM is not supported with the current "
                  "configuration and Vulkan is not available. Fallback to software rendering.",
                  "QRhiGles2: Failed to create context"):
        handler(None, None, noise)
    handler(None, None, "QLayout: Attempting to add QLayout to a widget that already has one")
    assert capsys.readouterr().err == "QLayout: Attempting to add QLayout to a widget that already has one\n"
    import os

    assert os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] == "--no-sandbox --log-level=3"  # Chromium: fatal only


def test_debug_keeps_everything(monkeypatch):
    monkeypatch.setenv("ACTIONS_EMULATOR_DEBUG", "1")
    monkeypatch.setenv("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
    installed = []
    import PySide6.QtCore

    monkeypatch.setattr(PySide6.QtCore, "qInstallMessageHandler", installed.append)
    quiet.install()
    assert installed == []
    import os

    assert os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] == "--no-sandbox"

"""The PySide6 desktop app: shows what the emulator core returns and calls it; holds no Auth0 rules."""

"""Where the workspace lives by default: light enough for the CLI to read before it imports SQLite."""
from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "ACTIONS_EMULATOR_WORKSPACE"


def default_path() -> Path:
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    import platformdirs

    return platformdirs.user_data_path("actions-emulator") / "workspace.sqlite"

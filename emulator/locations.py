"""Where the workspace and the bundled Node live: light enough for the CLI to read before it imports
SQLite or asyncio."""
from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "ACTIONS_EMULATOR_WORKSPACE"


def bundled_node() -> Path:
    """The Node binary of the nodejs-bin wheel."""
    import nodejs

    return Path(nodejs.__file__).parent / "bin" / "node"


def default_path() -> Path:
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    import platformdirs

    return platformdirs.user_data_path("actions-emulator") / "workspace.sqlite"

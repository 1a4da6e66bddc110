"""Settings for the whole suite: cheap bcrypt (real hashes, low cost) and no stray user workspace."""
import os

os.environ.setdefault("ACTIONS_EMULATOR_BCRYPT_ROUNDS", "4")

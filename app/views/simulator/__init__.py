"""The Simulator area: step through signup, login, SMS MFA and password reset journeys (view.py), from a
setup of flow, application, user and breakpoints (setup.py), with the run's states and chain (stepper.py),
what the run asks for (prompt.py) and what it did (details.py)."""
from .view import SimulatorView

__all__ = ["SimulatorView"]

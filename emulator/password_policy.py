"""Auth0's database-connection password policies (none, low, fair, good, excellent) and the
PasswordStrengthError a signup or reset gets when a password fails one."""
from __future__ import annotations

import re

POLICIES = {
    "none": (1, 0), "low": (6, 0), "fair": (8, 3), "good": (8, 3), "excellent": (10, 3),
}
_KINDS = (("lower case letters (a-z)", re.compile(r"[a-z]")), ("upper case letters (A-Z)", re.compile(r"[A-Z]")),
          ("numbers (i.e. 0-9)", re.compile(r"[0-9]")), ("special characters (e.g. !@#$%^&*)", re.compile(r"[^a-zA-Z0-9]")))


def check(password: str, policy: str = "good", min_length: int | None = None) -> str | None:
    """None when the password satisfies the policy, else Auth0-style text listing the rules."""
    length, kinds_needed = POLICIES.get(policy, POLICIES["good"])
    length = max(length, min_length or 0)
    kinds = [name for name, rx in _KINDS if rx.search(password)]
    # "fair" asks for lower, upper and numbers; "good"/"excellent" for 3 of the 4 kinds.
    if policy == "fair":
        ok_kinds = all(rx.search(password) for _, rx in _KINDS[:3])
    else:
        ok_kinds = len(kinds) >= kinds_needed
    repeated = policy == "excellent" and re.search(r"(.)\1\1", password)
    if len(password) >= length and ok_kinds and not repeated:
        return None
    rules = [f"At least {length} characters in length"]
    if kinds_needed:
        rules.append("Contain at least 3 of the following 4 types of characters: "
                     + ", ".join(name for name, _ in _KINDS) if policy != "fair"
                     else "Contain lower case letters (a-z), upper case letters (A-Z) and numbers (i.e. 0-9)")
    if policy == "excellent":
        rules.append("No more than 2 identical characters in a row")
    return "Password is too weak: " + "; ".join(rules)

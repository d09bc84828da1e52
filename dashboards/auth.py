"""Who may see what: users with hashed passwords in a config file, and the counties each role may see.

Roles: `city` sees every county and the city rows; `county:<admdvs>` sees only its own county.
The scope is applied inside every query (data.py), not only in the interface.
Users come from dashboards/users.toml, or the file named by YIBAO_USERS. To add one, hash the
password with `python dashboards/auth.py PASSWORD` and add a [users.NAME] table.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from labels import CITY, REGIONS

ITERATIONS = 200_000
USERS_FILE = Path(__file__).with_name("users.toml")


@dataclass(frozen=True)
class User:
    username: str
    name: str
    role: str

    @property
    def scope(self) -> tuple[str, ...]:
        """The admdvs values this user's queries may return."""
        if self.role == "city":
            return tuple(sorted(REGIONS))
        if self.role.startswith("county:") and self.role[7:] in REGIONS and self.role[7:] != CITY:
            return (self.role[7:],)
        return ()

    @property
    def is_city(self) -> bool:
        return self.role == "city"


def hash_password(password: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt.encode("ascii"), ITERATIONS).hex()
    return f"pbkdf2_sha256${ITERATIONS}${salt}${digest}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "pbkdf2_sha256":
        return False
    candidate = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt.encode("ascii"), int(iterations)).hex()
    return hmac.compare_digest(candidate, digest)


def load_users() -> dict[str, dict]:
    path = Path(os.environ.get("YIBAO_USERS", USERS_FILE))
    with open(path, "rb") as f:
        return tomllib.load(f).get("users", {})


def authenticate(username: str, password: str) -> User | None:
    entry = load_users().get(username)
    if not entry or not verify_password(password, entry.get("password", "")):
        return None
    user = User(username, entry.get("name", username), entry.get("role", ""))
    return user if user.scope else None


if __name__ == "__main__":
    print(hash_password(sys.argv[1]))

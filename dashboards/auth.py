"""Who may sign in and what they see: users with hashed passwords, the counties each role may see, sign-in
with throttle, lockout and constant time, and the signed session cookie that survives a reload.

Roles (regions from seeds/region.csv): `city:<admdvs>` sees its city's rows and every county of that city;
`county:<admdvs>` sees only its own county; `province` (省医保局) sees every delivered city side by side.
The scope is applied inside every query (data.py), not only in the interface.
Users come from $YIBAO_DATA/users.toml, or the file named by YIBAO_USERS. There is no default: without
a users file nobody can sign in (`yibao demo` writes the demo users). To add a user, hash the password
with `python dashboards/auth.py PASSWORD` and add a [users.NAME] table.
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

from itsdangerous import BadSignature, URLSafeTimedSerializer

from yibao import paths, regions

import signin

ITERATIONS = 200_000
COOKIE = "yibao_session"


@dataclass(frozen=True)
class User:
    username: str
    name: str
    role: str

    @property
    def code(self) -> str:
        """The region a city:<admdvs> or county:<admdvs> role names ('' for province)."""
        return self.role.partition(":")[2]

    @property
    def kind(self) -> str:
        """province, city or county; '' for a role that names no seeded region of its kind."""
        if self.role == "province":
            return "province"
        level = self.role.partition(":")[0]
        region = regions.regions().get(self.code)
        return level if level in ("city", "county") and region is not None and region.level == level else ""

    @property
    def city(self) -> str | None:
        """The city whose pages this user sees: their own, or their county's; None for the province."""
        return regions.city_of(self.code) if self.kind in ("city", "county") else None

    @property
    def scope(self) -> tuple[str, ...]:
        """The admdvs values this user's queries may return."""
        if self.kind == "province":
            return tuple(sorted(regions.regions()))
        if self.kind == "city":
            return (self.city, *regions.counties(self.city))
        if self.kind == "county":
            return (self.code,)
        return ()

    @property
    def is_city(self) -> bool:
        return self.kind == "city"

    @property
    def is_province(self) -> bool:
        return self.kind == "province"


def hash_password(password: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt.encode("ascii"), ITERATIONS).hex()
    return f"pbkdf2_sha256${ITERATIONS}${salt}${digest}"


# Checked when the user name is unknown, so a wrong password costs the same time for every name.
NOBODY = hash_password(secrets.token_hex(16), "no-such-user")


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "pbkdf2_sha256":
        return False
    candidate = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt.encode("ascii"), int(iterations)).hex()
    return hmac.compare_digest(candidate, digest)


def users_file() -> Path:
    return Path(os.environ.get("YIBAO_USERS") or paths.data_dir() / "users.toml")


def load_users() -> dict[str, dict]:
    path = users_file()
    if not path.exists():
        return {}
    with open(path, "rb") as f:
        return tomllib.load(f).get("users", {})


def _user(username: str, entry: dict | None) -> User | None:
    if not entry:
        return None
    user = User(username, entry.get("name", username), entry.get("role", ""))
    if not user.scope:  # the password was right: say in the server's log why the sign-in is still refused
        print(
            f"yibao dashboard: user {username!r} in {users_file()} has role {user.role!r}, which names no region "
            "of seeds/region.csv; use city:<admdvs>, county:<admdvs> or province",
            file=sys.stderr,
        )
        return None
    return user


def authenticate(username: str, password: str) -> User | None:
    """The user if the password is right, else None; the same work whether or not the name exists."""
    entry = load_users().get(username)
    stored = entry.get("password", "") if entry and entry.get("password", "").count("$") == 3 else NOBODY
    ok = verify_password(password, stored)
    return _user(username, entry) if ok and entry else None


@dataclass(frozen=True)
class SignIn:
    user: User | None
    refusal: str = ""  # '' | failed | throttled | locked
    wait_seconds: int = 0


def sign_in(username: str, password: str, client: str) -> SignIn:
    """Throttled, locked-out and logged (signin.py) sign-in."""
    wait, why = signin.wait_seconds(username, client)
    if wait:
        signin.record(username, client, "refused")
        return SignIn(None, why, wait)
    user = authenticate(username, password)
    signin.record(username, client, "ok" if user else "failed")
    return SignIn(user, "" if user else "failed")


def _serializer() -> URLSafeTimedSerializer:
    key = os.environ.get("YIBAO_COOKIE_KEY")
    if not key:
        path = paths.data_dir() / "secrets" / "cookie_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_hex(32), encoding="utf-8")
            path.chmod(0o600)
        key = path.read_text(encoding="utf-8").strip()
    return URLSafeTimedSerializer(key, salt="yibao-dashboard-session")


def session_token(user: User) -> str:
    """A signed token naming a new server-side session; expires after signin.SESSION_SECONDS."""
    return _serializer().dumps({"sid": signin.start_session(user.username)})


def token_user(token: str | None) -> User | None:
    """The user a cookie's token signs in, if its signature holds, it has not expired, its session was not
    ended by signing out, and the user is still in the users file."""
    if not token:
        return None
    try:
        sid = _serializer().loads(token, max_age=signin.SESSION_SECONDS)["sid"]
    except (BadSignature, KeyError, TypeError):
        return None
    username = signin.session_user(sid)
    return _user(username, load_users().get(username)) if username else None


def end_token(token: str | None) -> None:
    try:
        signin.end_session(_serializer().loads(token or "", max_age=signin.SESSION_SECONDS)["sid"])
    except (BadSignature, KeyError, TypeError):
        pass


if __name__ == "__main__":
    print(hash_password(sys.argv[1]))

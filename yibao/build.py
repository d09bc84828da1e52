"""`yibao build`: run dbt with the project's profile against $YIBAO_DB.

dbt's target and log folders live under $YIBAO_DATA, so two data folders never share state.
"""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from . import paths


def pii_salt(data: Path) -> str:
    """YIBAO_PII_SALT, or a local secret created on first run (git-ignored with the data folder)."""
    if os.environ.get("YIBAO_PII_SALT"):
        return os.environ["YIBAO_PII_SALT"]
    secret = data / "secrets" / "pii_salt"
    if not secret.exists():
        secret.parent.mkdir(parents=True, exist_ok=True)
        secret.write_text(secrets.token_hex(32), encoding="utf-8")
        secret.chmod(0o600)
    return secret.read_text(encoding="utf-8").strip()


def dbt_env() -> dict[str, str]:
    data = paths.data_dir()
    env = dict(os.environ)
    env.update(
        YIBAO_DATA=str(data),
        YIBAO_DB=str(paths.db_path()),
        YIBAO_PII_SALT=pii_salt(data),
        DBT_LOG_PATH=str(data / "dbt" / "logs"),
        DBT_TARGET_PATH=str(data / "dbt" / "target"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    return env


def dbt(command: str, *args: str, capture: bool = False) -> subprocess.CompletedProcess:
    """Run one dbt command in the project with the project's profiles.yml."""
    exe = Path(sys.executable).with_name("dbt")
    cmd = [str(exe), command, "--project-dir", str(paths.PROJECT_DIR), "--profiles-dir", str(paths.PROJECT_DIR), *args]
    paths.db_path().parent.mkdir(parents=True, exist_ok=True)
    return subprocess.run(cmd, env=dbt_env(), cwd=paths.PROJECT_DIR, text=True,
                          capture_output=capture)


def dbt_build(extra: list[str] | None = None) -> int:
    return dbt("build", *(extra or [])).returncode

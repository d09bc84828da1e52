"""`yibao dashboard`: serve the Streamlit app in dashboards/ against $YIBAO_DB."""
from __future__ import annotations

import os
import subprocess
import sys

from . import paths


def serve(port: int = 8501) -> int:
    app = paths.PROJECT_DIR / "dashboards" / "app.py"
    env = dict(os.environ, YIBAO_DATA=str(paths.data_dir()), YIBAO_DB=str(paths.db_path()))
    print(f"dashboard: http://localhost:{port}  (Ctrl-C to stop)", flush=True)
    cmd = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port),
           "--server.headless", "true", "--browser.gatherUsageStats", "false", "--client.toolbarMode", "viewer"]
    try:
        return subprocess.call(cmd, env=env)
    except KeyboardInterrupt:
        return 0

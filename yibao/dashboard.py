"""`yibao dashboard`: serve the Streamlit app in dashboards/ against $YIBAO_DB.

It binds 127.0.0.1 unless --address says otherwise, and makes no connection off the machine: no usage
statistics, and the address to print is given, so Streamlit never looks up the machine's external IP.
The process becomes Streamlit (exec), so a service manager's stop signal reaches the server itself.
No error trace is ever shown in the browser (client.showErrorDetails none); it goes to the server's log.
"""

from __future__ import annotations

import os
import sys

from . import paths


def command(port: int = 8501, address: str = "127.0.0.1") -> list[str]:
    app = paths.PROJECT_DIR / "dashboards" / "app.py"
    shown = "localhost" if address in ("127.0.0.1", "0.0.0.0", "::") else address
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--browser.serverAddress",
        shown,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "viewer",
        "--client.showErrorDetails",
        "none",
        "--server.fileWatcherType",
        "none",
        "--global.developmentMode",
        "false",
    ]


def serve(port: int = 8501, address: str = "127.0.0.1") -> int:
    env = dict(os.environ, YIBAO_DATA=str(paths.data_dir()), YIBAO_DB=str(paths.db_path()))
    print(
        f"dashboard: http://{'localhost' if address == '127.0.0.1' else address}:{port}  (Ctrl-C to stop)", flush=True
    )
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, command(port, address), env)
    return 0  # not reached: the process is now Streamlit

"""The one place that knows how the app is started (used by ``smartcounty app`` and the browser test).

Run as ``[sys.executable, "-m", "streamlit", *streamlit_args(port)]`` with ``SMARTCOUNTY_SERVING``
in the environment.
"""

from __future__ import annotations

from pathlib import Path

APP_PATH = Path(__file__).resolve().parent / "app.py"
DEFAULT_ADDRESS = "127.0.0.1"
DEFAULT_PORT = 8501


def streamlit_args(port: int = DEFAULT_PORT, address: str = DEFAULT_ADDRESS) -> list[str]:
    """Arguments after ``streamlit``: local-only, headless, no telemetry, XSRF on, no uploads,
    no file watcher (the app reads a published file, it is not being edited)."""
    return [
        "run",
        str(APP_PATH),
        "--server.address", address,
        "--server.port", str(port),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.enableXsrfProtection", "true",
        "--server.enableCORS", "true",
        "--server.maxUploadSize", "0",
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
        # Serves streamlit_app/static/ (the county boundaries, fetched once by the browser) only.
        "--server.enableStaticServing", "true",
        "--client.toolbarMode", "viewer",
        "--global.developmentMode", "false",
    ]

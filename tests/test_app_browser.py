"""The real app in a real browser: `streamlit run` on a pipeline-built serving copy, driven by
headless Chromium over the DevTools protocol; screenshots land in artifacts/screenshots/."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from conftest import default_signals
from streamlit_app.launch import streamlit_args

REPO = Path(__file__).resolve().parent.parent
SCREENSHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium")

# Each test has its own deadline (DevTools and HTTP reads included) and fails there with a message;
# pytest-timeout is only the backstop, CLEANUP_S later: time to stop Streamlit and Chromium.
OVERVIEW_DEADLINE_S, MAP_DEADLINE_S, CLEANUP_S = 75, 120, 15

pytestmark = [
    pytest.mark.browser,
    pytest.mark.timeout(OVERVIEW_DEADLINE_S + CLEANUP_S),
    pytest.mark.skipif(CHROMIUM is None, reason="chromium not on PATH (make test installs Debian chromium + fonts-noto-cjk)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        cmd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True, preexec_fn=default_signals,
    )


def _stop(*procs: subprocess.Popen) -> None:
    """SIGTERM to every process group, SIGKILL to what is left after 3 s: at most ~5 s in all."""
    for sig, wait in ((signal.SIGTERM, 3), (signal.SIGKILL, 2)):
        alive = [p for p in procs if p.poll() is None]
        for proc in alive:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)
        until = time.monotonic() + wait
        for proc in alive:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.0, until - time.monotonic()))


def _wait_http(url: str, deadline: float, log: Path) -> bytes:
    while True:
        remaining = deadline - time.monotonic()
        try:
            with urllib.request.urlopen(url, timeout=max(0.1, min(2.0, remaining))) as response:
                return response.read()
        except OSError as error:
            if time.monotonic() >= deadline:
                tail = log.read_text(encoding="utf-8", errors="replace")[-1500:] if log.exists() else ""
                raise AssertionError(f"{url} did not answer before the test's deadline ({error}); "
                                     f"{log.name}:\n{tail}") from None
            time.sleep(0.2)


class Cdp:
    """A minimal DevTools-protocol client: commands by id, events ignored.

    Every socket read is bounded by the test's own deadline, so a browser that stops answering
    fails the test with a clear message instead of blocking until pytest-timeout kills it.
    """

    def __init__(self, ws, deadline: float) -> None:
        self.ws = ws
        self.deadline = deadline
        self.next_id = 0

    async def _recv(self, method: str) -> dict:
        remaining = self.deadline - time.monotonic()
        try:
            if remaining <= 0:
                raise TimeoutError
            return json.loads(await asyncio.wait_for(self.ws.recv(), timeout=remaining))
        except TimeoutError:
            raise AssertionError(f"Chromium did not answer {method} before the test's deadline") from None

    async def send(self, method: str, **params):
        self.next_id += 1
        my_id = self.next_id
        try:
            await asyncio.wait_for(self.ws.send(json.dumps({"id": my_id, "method": method, "params": params})),
                                   timeout=max(0.1, self.deadline - time.monotonic()))
        except TimeoutError:
            raise AssertionError(f"Chromium did not take {method} before the test's deadline") from None
        while True:
            message = await self._recv(method)
            if message.get("id") == my_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    async def evaluate(self, expression: str):
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    async def wait_for(self, texts: list[str], deadline: float, extra_js: str = "true") -> str:
        """Poll until every text is in the page, the app is idle and ``extra_js`` holds."""
        probe = (
            "JSON.stringify({text: document.body ? document.body.innerText : '',"
            " busy: !!document.querySelector('[data-testid=\"stStatusWidget\"]'),"
            f" extra: !!({extra_js})}})"
        )
        state = {}
        while time.monotonic() < deadline:
            state = json.loads(await self.evaluate(probe))
            if all(text in state["text"] for text in texts) and not state["busy"] and state["extra"]:
                return state["text"]
            await asyncio.sleep(0.3)
        raise AssertionError(f"page never showed {texts}; last text: {state.get('text', '')[:800]}")

    async def screenshot(self, path: Path) -> bytes:
        data = base64.b64decode((await self.send("Page.captureScreenshot", format="png"))["data"])
        path.write_bytes(data)
        return data


def _pixel_stddev(png: bytes) -> float:
    from PIL import Image, ImageStat

    return ImageStat.Stat(Image.open(io.BytesIO(png)).convert("L")).stddev[0]


def _headline_texts(serving: Path) -> list[str]:
    with duckdb.connect(str(serving), read_only=True) as con:
        share = con.execute(
            "select smart_city_share from report.fig1_investment_share order by year desc limit 1").fetchone()[0]
        with_sc, total = con.execute(
            "select counties_with_smart_city, counties_total from report.county_coverage").fetchone()
    return [f"{share * 100:.2f}%", f"{with_sc} / {total}"]


@contextlib.contextmanager
def _app_in_chromium(serving: Path, tmp_path: Path, deadline: float):
    """`streamlit run` on ``serving`` and headless Chromium; yields (DevTools page URL, app URL)."""
    app_port, cdp_port = _free_port(), _free_port()
    env = {**os.environ, "SMARTCOUNTY_SERVING": str(serving), "PYTHONDONTWRITEBYTECODE": "1"}
    app = _start([sys.executable, "-m", "streamlit", *streamlit_args(app_port)], env, tmp_path / "streamlit.log")
    profile = tempfile.mkdtemp(prefix="chromium-", dir=tmp_path)
    browser = _start(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
         f"--remote-debugging-port={cdp_port}", "--remote-debugging-address=127.0.0.1",
         "--window-size=1400,2000", "--lang=zh-CN", "about:blank"],
        env, tmp_path / "chromium.log",
    )
    try:
        _wait_http(f"http://127.0.0.1:{app_port}/_stcore/health", deadline, tmp_path / "streamlit.log")
        _wait_http(f"http://127.0.0.1:{cdp_port}/json/version", deadline, tmp_path / "chromium.log")
        targets = json.loads(_wait_http(f"http://127.0.0.1:{cdp_port}/json/list", deadline, tmp_path / "chromium.log"))
        ws_url = next(t["webSocketDebuggerUrl"] for t in targets if t.get("type") == "page")
        yield ws_url, f"http://127.0.0.1:{app_port}"
    finally:
        _stop(browser, app)


async def _connect(ws_url: str, deadline: float):
    import websockets

    try:
        return await websockets.connect(ws_url, max_size=None, open_timeout=max(0.1, deadline - time.monotonic()),
                                        close_timeout=1)
    except TimeoutError:
        raise AssertionError("Chromium's DevTools socket did not open before the test's deadline") from None


def test_overview_and_scenarios_render_in_chromium(tmp_path: Path, small_build) -> None:
    started = time.monotonic()
    serving = tmp_path / "serving.duckdb"  # the copy `smartcounty build` published from a small drop
    shutil.copyfile(small_build.serving, serving)
    headline = _headline_texts(serving)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    deadline = started + OVERVIEW_DEADLINE_S
    with _app_in_chromium(serving, tmp_path, deadline) as (ws_url, base):
        overview_text, overview_png, scenarios_png = asyncio.run(_drive(ws_url, base, headline, deadline))

    for text in headline:
        assert text in overview_text
    assert "总览" in overview_text and "数据质量" in overview_text  # Chinese navigation
    assert _pixel_stddev(overview_png) > 10, "overview screenshot looks blank"
    assert _pixel_stddev(scenarios_png) > 10, "scenarios screenshot looks blank"
    assert time.monotonic() - started < OVERVIEW_DEADLINE_S + CLEANUP_S


async def _drive(ws_url: str, base: str, headline: list[str], deadline: float):
    no_exception = "!document.querySelector('[data-testid=\"stException\"]')"
    async with await _connect(ws_url, deadline) as ws:
        cdp = Cdp(ws, deadline)
        await cdp.send("Page.enable")
        # A deep link as the very first request of a fresh server: the page must still run inside
        # the app shell (navigation + language switch), not alone.
        await cdp.send("Page.navigate", url=f"{base}/scenarios")
        await cdp.wait_for(
            ["图2", "English", "总览"], deadline,
            extra_js="[...document.querySelectorAll('[data-testid=\"stImage\"] img')]"
                     ".some(i => i.complete && i.naturalWidth > 0) && " + no_exception,
        )
        await asyncio.sleep(3)  # Vega charts and the data grid draw after the delta arrives
        scenarios_png = await cdp.screenshot(SCREENSHOTS / "scenarios.png")

        await cdp.send("Page.navigate", url=f"{base}/")
        text = await cdp.wait_for(headline, deadline, extra_js=no_exception)
        await asyncio.sleep(3)
        overview_png = await cdp.screenshot(SCREENSHOTS / "overview.png")
    return text, overview_png, scenarios_png


# ---------------------------------------------------------------- the map of Guangxi
SHAPES_JS = ("document.querySelectorAll('[data-testid=\"stVegaLiteChart\"] svg "
             "path[aria-roledescription=\"geoshape\"]')")
NO_EXCEPTION_JS = "!document.querySelector('[data-testid=\"stException\"]')"


def _cjk_families() -> set[str]:
    """Font families installed here that cover Chinese (fontconfig's view, as Chromium's)."""
    listing = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout
    return {name.strip() for line in listing.splitlines() for name in line.split(",") if name.strip()}


@pytest.mark.timeout(MAP_DEADLINE_S + CLEANUP_S)
def test_recommendations_map_draws_111_counties_with_cjk_legend_and_names(tmp_path: Path, small_build) -> None:
    started = time.monotonic()
    serving = tmp_path / "serving.duckdb"
    shutil.copyfile(small_build.serving, serving)
    with duckdb.connect(str(serving), read_only=True) as con:
        names = {row[0] for row in con.execute("select county_name from marts.dim_county").fetchall()}
    cjk = _cjk_families()
    assert cjk, "no font with Chinese glyphs is installed (make test installs fonts-noto-cjk)"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # Our own deadline, well inside pytest-timeout, so a hang fails here with a message.
    deadline = started + MAP_DEADLINE_S
    with _app_in_chromium(serving, tmp_path, deadline) as (ws_url, base):
        result = asyncio.run(_drive_map(ws_url, base, deadline))

    assert result["shapes"] == 111
    assert result["legend"] == "综合得分"
    assert result["tooltip"] in names, result["tooltip"]
    # Every glyph of the legend title and of the county's name came from a font with Chinese glyphs.
    for part in ("legend", "tooltip"):
        fonts = result[f"{part}_fonts"]
        assert fonts and all(f["familyName"] in cjk for f in fonts), (part, fonts, sorted(cjk))
        assert sum(f["glyphCount"] for f in fonts) == len(result[part]), (part, fonts)
    assert _pixel_stddev(result["png"]) > 10, "map screenshot looks blank"


async def _drive_map(ws_url: str, base: str, deadline: float) -> dict:
    async with await _connect(ws_url, deadline) as ws:
        cdp = Cdp(ws, deadline)
        for domain in ("Page", "DOM", "CSS"):
            await cdp.send(f"{domain}.enable")
        await cdp.send("Page.navigate", url=f"{base}/recommendations")
        await cdp.wait_for(["建议监测", "图10"], deadline, extra_js=f"{SHAPES_JS}.length > 0 && {NO_EXCEPTION_JS}")
        shapes = await cdp.evaluate(f"{SHAPES_JS}.length")
        legend = await cdp.evaluate(
            "(document.querySelector('[data-testid=\"stVegaLiteChart\"] .role-legend-title text') || {}).textContent")
        # Hover a county where it is itself under the pointer: the tooltip names it.
        point = await cdp.evaluate(f"""(() => {{
            for (const p of {SHAPES_JS}) {{
                const r = p.getBoundingClientRect(), x = r.x + r.width / 2, y = r.y + r.height / 2;
                if (document.elementFromPoint(x, y) === p) return [x, y];
            }}
            return null; }})()""")
        assert point, "no county shape is under its own centre"
        await cdp.send("Input.dispatchMouseEvent", type="mouseMoved", x=point[0], y=point[1])
        await cdp.wait_for([], deadline, extra_js="document.querySelector('#vg-tooltip-element.visible')")
        # The tooltip's first value is the county's name.
        tooltip = await cdp.evaluate("document.querySelector('#vg-tooltip-element td.value').textContent")
        document = await cdp.send("DOM.getDocument", depth=-1, pierce=True)
        fonts = {}
        for part, selector in (("legend", '[data-testid="stVegaLiteChart"] .role-legend-title text'),
                               ("tooltip", "#vg-tooltip-element td.value")):
            node = await cdp.send("DOM.querySelector", nodeId=document["root"]["nodeId"], selector=selector)
            fonts[f"{part}_fonts"] = (await cdp.send("CSS.getPlatformFontsForNode", nodeId=node["nodeId"]))["fonts"]
        png = await cdp.screenshot(SCREENSHOTS / "recommendations.png")
    return {"shapes": shapes, "legend": legend, "tooltip": tooltip, "png": png, **fonts}


# ---------------------------------------------------------------- the deadlines themselves
def test_a_silent_browser_fails_at_the_deadline_with_its_own_message(tmp_path: Path) -> None:
    class Silent:  # a DevTools socket that takes commands and never answers
        async def send(self, message: str) -> None:
            pass

        async def recv(self) -> str:
            await asyncio.sleep(3600)

    started = time.monotonic()
    with pytest.raises(AssertionError, match="did not answer Page.enable before the test's deadline"):
        asyncio.run(Cdp(Silent(), started + 0.5).send("Page.enable"))
    log = tmp_path / "streamlit.log"
    log.write_text("Traceback: the app did not start", encoding="utf-8")
    with pytest.raises(AssertionError, match="did not answer before the test's deadline(.|\n)*the app did not start"):
        _wait_http(f"http://127.0.0.1:{_free_port()}/_stcore/health", time.monotonic() + 0.5, log)
    assert time.monotonic() - started < 5

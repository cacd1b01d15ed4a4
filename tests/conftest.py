"""Shared fixtures. The gazetteer index is cached once per checkout under .pytest_cache,
so repeated runs reuse it while a fresh clone (CI) builds it once."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EXAMPLE = ROOT / "examples" / "al-qaim-husaybah-2017.txt"

os.environ.setdefault("GEOMAP_CACHE_DIR", str(ROOT / ".pytest_cache" / "geomap-index"))
os.environ.pop("GEOMAP_GAZETTEER", None)


def unprivileged() -> list[str]:
    """A command prefix under which file permissions hold: as root, drop the capabilities
    that bypass them (util-linux setpriv); otherwise nothing."""
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: permissions cannot be enforced")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]


@pytest.fixture(scope="session")
def gold() -> dict:
    """The expected reading of the founding article."""
    return json.loads((DATA / "al-qaim-husaybah-2017.gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def full_gazetteer():
    """The bundled gazetteer, opened once."""
    from geomap.gazetteer import Gazetteer

    with Gazetteer.open() as gazetteer:
        yield gazetteer


@pytest.fixture(scope="session")
def make_gazetteer(tmp_path_factory):
    """A function: rows (tuples in the CSV's column order) -> a Gazetteer of those rows alone,
    with its own index, so a test knows every place that can be chosen."""
    import csv

    from geomap.gazetteer import ALL_COLUMNS, Gazetteer

    def make(rows):
        folder = tmp_path_factory.mktemp("gaz")
        path = folder / "g.csv"
        width = max(len(row) for row in rows)  # the optional columns, when a row has them
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(ALL_COLUMNS[:width])
            writer.writerows([*row, *[""] * (width - len(row))] for row in rows)
        return Gazetteer.open([path], bundled=False, use_env=False, cache=folder / "cache")

    return make


# --- Browser fixtures (the map's real-browser tests) ------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = ROOT / "test-artifacts"
#: Schemes that would leave the machine.
NETWORK_SCHEMES = ("http:", "https:", "ws:", "wss:", "ftp:")


class OfflinePage:
    """A map page opened with the network off, and what it did: requests, console errors,
    dialogs (drained from Chromium's performance and browser logs)."""

    def __init__(self, driver, path: Path):
        self.driver = driver
        self.path = path
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []

    def collect(self) -> OfflinePage:
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                self.requests.append(message["params"]["request"]["url"])
            elif message["method"] == "Page.javascriptDialogOpening":
                self.dialogs.append(message["params"].get("message", ""))
        self.errors += [
            e["message"] for e in self.driver.get_log("browser") if e["level"] == "SEVERE"
        ]
        return self

    def leaving(self) -> list[str]:
        """Requests that left the page: to the network, or to a file that is not the page's."""
        self.collect()
        allowed = (
            self.path.as_uri(),
            self.path.parent.joinpath(f"{self.path.stem}_files").as_uri(),
        )
        return [
            u
            for u in self.requests
            if u.lower().startswith(NETWORK_SCHEMES)
            or (u.startswith("file:") and not u.startswith(allowed))
        ]

    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        out = ARTIFACTS / name
        self.driver.save_screenshot(str(out))
        return out


@pytest.fixture(scope="session")
def chromium(tmp_path_factory):
    """Headless Debian Chromium with every network request blocked."""
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        pytest.skip(
            "needs Debian's chromium and chromium-driver at /usr/bin "
            "(apt-get install chromium chromium-driver)"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-default-apps",
        "--window-size=1400,900",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    options.set_capability("unhandledPromptBehavior", "ignore")
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd(
        "Network.setBlockedURLs",
        {"urls": ["http://*", "https://*", "ws://*", "wss://*", "ftp://*"]},
    )
    driver.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    yield driver
    driver.quit()


@pytest.fixture
def open_offline(chromium):
    """Open a saved map page in the offline browser: ``open_offline(path) -> OfflinePage``."""

    def open_page(path: Path) -> OfflinePage:
        chromium.get("about:blank")
        chromium.get_log("performance")
        chromium.get_log("browser")
        page = OfflinePage(chromium, Path(path).resolve())
        chromium.get(page.path.as_uri())
        return page

    return open_page

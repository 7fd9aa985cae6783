"""End to end in headless Chromium (Debian's chromium and chromium-driver; nothing downloaded).

A person opens the home page, searches "Great Stone", follows the hit to the entity page, reads
both of its names and the sentence behind its agreement, then runs the visited-sites query
form and reads five rows. Screenshots go to tests/artifacts/ (and one to docs/screenshots/).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import require
from test_server_support import EVIL_LABEL, Served, fresh_project, project_with_evil_label, running

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


@pytest.fixture(scope="module")
def driver() -> Iterator[object]:
    require(CHROMIUM.exists() and CHROMEDRIVER.exists(),
            "headless browser tests need Debian's chromium and chromium-driver "
            "(apt-get install chromium chromium-driver)")
    try:
        from selenium import webdriver
    except ImportError:
        require(False, "the browser tests need selenium (pip install selenium)")
        raise
    profile = tempfile.mkdtemp(prefix="kg-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--window-size=1280,1000",
                     f"--user-data-dir={profile}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=webdriver.ChromeService(
        executable_path=str(CHROMEDRIVER)), options=options)
    browser.set_page_load_timeout(60)
    try:
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


def screenshot(browser: object, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    height = browser.execute_script("return document.documentElement.scrollHeight")  # type: ignore[attr-defined]
    browser.set_window_size(1280, max(700, min(int(height) + 40, 2400)))  # type: ignore[attr-defined]
    assert browser.save_screenshot(str(path))  # type: ignore[attr-defined]
    browser.set_window_size(1280, 1000)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    with running(fresh_project()) as server:
        yield server


def test_a_person_finds_great_stone_and_runs_a_query(driver: object, served: Served) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    browser = driver
    wait = WebDriverWait(browser, 30)  # type: ignore[arg-type]
    browser.get(served.url + "/")  # type: ignore[attr-defined]
    assert "Knowledge graph" in browser.find_element(By.TAG_NAME, "h1").text  # type: ignore[attr-defined]
    screenshot(browser, ARTIFACTS / "home.png")

    box = browser.find_element(By.CSS_SELECTOR, "header form input[name=q]")  # type: ignore[attr-defined]
    box.send_keys("Great Stone")
    box.submit()
    wait.until(expected_conditions.url_contains("/search?q="))
    screenshot(browser, ARTIFACTS / "search.png")
    hit = browser.find_element(By.LINK_TEXT, "Great Stone Industrial Park")  # type: ignore[attr-defined]
    hit.click()
    wait.until(expected_conditions.url_matches(r"/id/great-stone-industrial-park$"))

    assert browser.find_element(By.ID, "title").text == "Great Stone Industrial Park"  # type: ignore[attr-defined]
    names = browser.find_element(By.ID, "names").text  # type: ignore[attr-defined]
    assert "Great Stone Industrial Park" in names and "Veliky Kamen" in names
    sources = browser.find_element(By.ID, "sources").text  # type: ignore[attr-defined]
    assert "signed further cooperation agreements with Great Stone Industrial Park." in sources
    assert browser.find_elements(By.CSS_SELECTOR, ".diagram svg")  # type: ignore[attr-defined]
    screenshot(browser, ARTIFACTS / "entity.png")
    screenshot(browser, ROOT / "docs" / "screenshots" / "entity-page.png")

    browser.find_element(By.LINK_TEXT, "Queries").click()  # type: ignore[attr-defined]
    browser.find_element(By.LINK_TEXT, "Sites the mission visited").click()  # type: ignore[attr-defined]
    browser.find_element(By.ID, "run").click()  # type: ignore[attr-defined]
    wait.until(expected_conditions.presence_of_element_located((By.ID, "row-count")))
    rows = browser.find_elements(By.CSS_SELECTOR, "table.results tbody tr")  # type: ignore[attr-defined]
    assert len(rows) == 5
    assert browser.find_element(By.ID, "row-count").text == "5"  # type: ignore[attr-defined]
    assert any("Great Stone Industrial Park" in row.text for row in rows)
    screenshot(browser, ARTIFACTS / "visited-sites.png")
    refused = [entry["message"] for entry in browser.get_log("browser")  # type: ignore[attr-defined]
               if "Content Security Policy" in entry["message"]]
    assert refused == [], "the pages break their own Content-Security-Policy"


def test_markup_in_a_label_stays_text_in_the_browser(driver: object) -> None:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    with running(project_with_evil_label()) as served:
        browser = driver
        browser.get(served.url + "/id/label-with-markup")  # type: ignore[attr-defined]
        assert browser.find_element(By.ID, "title").text == EVIL_LABEL  # type: ignore[attr-defined]
        assert not browser.find_elements(By.CSS_SELECTOR, "main b")  # type: ignore[attr-defined]
        with pytest.raises(NoAlertPresentException):
            browser.switch_to.alert.text  # type: ignore[attr-defined]  # noqa: B018
        screenshot(browser, ARTIFACTS / "escaped-label.png")

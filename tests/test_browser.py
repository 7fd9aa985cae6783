"""End to end in headless Chromium (Debian's chromium and chromium-driver; nothing downloaded).

A person opens the home page, searches "Great Stone", follows the hit to the entity page, reads
both of its names and the sentence behind its agreement, then runs the visited-sites query
form and reads five rows. On the SPARQL page they write a query in the editor (YASGUI) with
prefix and class completion, run it, sort the table, and page through the whole graph; with
JavaScript off, the same page's plain form still answers. A class link on an entity page leads
to its section of the vocabulary page, and the neighbourhood diagram keeps long names whole and
apart, measured with Chromium's own fonts. Screenshots go to tests/artifacts/ (the two the docs
show, to docs/screenshots/ when KG_DOC_SCREENSHOTS is set).
"""

from __future__ import annotations

import os
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
DOC_SCREENSHOTS = ROOT / "docs" / "screenshots" if os.environ.get("KG_DOC_SCREENSHOTS") else ARTIFACTS
"""Where the screenshots the docs show are written: ``docs/screenshots/`` when
``KG_DOC_SCREENSHOTS`` is set (to refresh them), else beside the other artifacts."""
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


@pytest.fixture(scope="module")
def driver() -> Iterator[object]:
    require(
        CHROMIUM.exists() and CHROMEDRIVER.exists(),
        "headless browser tests need Debian's chromium and chromium-driver "
        "(apt-get install chromium chromium-driver)",
    )
    try:
        from selenium import webdriver
    except ImportError:
        require(False, "the browser tests need selenium (pip install selenium)")
        raise
    profile = tempfile.mkdtemp(prefix="kg-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1000",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    browser = webdriver.Chrome(
        service=webdriver.ChromeService(executable_path=str(CHROMEDRIVER)), options=options
    )
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
    screenshot(browser, DOC_SCREENSHOTS / "entity-page.png")

    # each step waits for the page it leads to, so that no element of the page before is used
    browser.find_element(By.LINK_TEXT, "Queries").click()  # type: ignore[attr-defined]
    wait.until(expected_conditions.url_matches(r"/queries/?$"))
    clickable = expected_conditions.element_to_be_clickable
    wait.until(clickable((By.LINK_TEXT, "Sites the mission visited"))).click()
    wait.until(expected_conditions.url_contains("/queries/visited-sites"))
    wait.until(clickable((By.ID, "run"))).click()
    wait.until(expected_conditions.text_to_be_present_in_element((By.ID, "row-count"), "5"))
    rows = wait.until(lambda b: _row_texts(b))
    assert len(rows) == 5
    assert any("Great Stone Industrial Park" in row for row in rows)
    screenshot(browser, ARTIFACTS / "visited-sites.png")
    refused = [
        entry["message"]
        for entry in browser.get_log("browser")  # type: ignore[attr-defined]
        if "Content Security Policy" in entry["message"]
    ]
    assert refused == [], "the pages break their own Content-Security-Policy"


def _row_texts(browser: object) -> list[str] | None:
    """The result table's rows as text, or ``None`` while the table is being replaced."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By

    try:
        found = browser.find_elements(By.CSS_SELECTOR, "table.results tbody tr")  # type: ignore[attr-defined]
        return [row.text for row in found] or None
    except StaleElementReferenceException:
        return None


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


def _editor_text(browser: object) -> str:
    text: str = browser.execute_script(  # type: ignore[attr-defined]
        "return window.kgQueryEditor.getTab().getYasqe().getValue()"
    )
    return text


def _column(browser: object, index: int) -> list[str]:
    cells: list[str] = browser.execute_script(  # type: ignore[attr-defined]
        "var i = arguments[0];"
        "return Array.from(document.querySelectorAll('#yasgui .yasr table.dataTable tbody tr'))"
        ".map(function (row) { return row.cells[i].textContent; })",
        index,
    )
    return cells


def _label_header(browser: object) -> object:
    from selenium.webdriver.common.by import By

    return browser.find_elements(By.CSS_SELECTOR, "#yasgui .yasr table.dataTable thead th")[2]  # type: ignore[attr-defined]


def _shown_in_order(browser: object, wait: object, order: list[str]) -> None:
    from selenium.common.exceptions import TimeoutException

    try:
        wait.until(lambda b: _column(b, 2) == order)  # type: ignore[attr-defined]
    except TimeoutException:
        assert _column(browser, 2) == order


def _hints(browser: object, wait: object, expected: str) -> list[str]:
    from selenium.webdriver.common.by import By

    def shown(b: object) -> list[str] | bool:
        texts = [h.text for h in b.find_elements(By.CSS_SELECTOR, ".CodeMirror-hints li")]  # type: ignore[attr-defined]
        return texts if expected in texts else False

    return wait.until(shown)  # type: ignore[attr-defined, no-any-return]


def _loaded_hosts(browser: object) -> set[str]:
    """The hosts of every http(s) request the pages made since the last call."""
    import json
    from urllib.parse import urlsplit

    hosts = set()
    for entry in browser.get_log("performance"):  # type: ignore[attr-defined]
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            url = urlsplit(message["params"]["request"]["url"])
            if url.scheme in ("http", "https", "ws", "wss"):
                hosts.add(url.hostname or "")
    return hosts


def test_the_query_editor_completes_runs_sorts_and_pages(driver: object, served: Served) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    browser = driver
    wait = WebDriverWait(browser, 30)  # type: ignore[arg-type]
    _loaded_hosts(browser)
    browser.get(served.url + "/query")  # type: ignore[attr-defined]
    wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "#yasgui .CodeMirror")))
    assert not browser.find_element(By.ID, "plain-query").is_displayed()  # type: ignore[attr-defined]
    browser.find_element(By.CSS_SELECTOR, "#yasgui .CodeMirror").click()  # type: ignore[attr-defined]
    keys = browser.find_element(By.CSS_SELECTOR, "#yasgui .CodeMirror textarea")  # type: ignore[attr-defined]
    keys.send_keys(Keys.CONTROL, "a")
    keys.send_keys(Keys.DELETE)

    skos = "skos: <http://www.w3.org/2004/02/skos/core#>"
    keys.send_keys("PREFIX sk")  # the prefix list opens by itself in a PREFIX line
    assert _hints(browser, wait, skos) == [skos]
    keys.send_keys(Keys.ENTER)
    assert _editor_text(browser) == "PREFIX " + skos
    keys.send_keys(Keys.END, Keys.ENTER, "SELECT ?visit ?label WHERE {", Keys.ENTER, "?visit a kgo:SiteV")
    keys.send_keys(Keys.CONTROL, " ")  # classes come from the graph itself
    assert "kgo:SiteVisit" in _hints(browser, wait, "kgo:SiteVisit")
    keys.send_keys(Keys.ENTER)
    keys.send_keys(" ; skos:prefLabel ?label .", Keys.ENTER, 'FILTER(LANG(?label) = "en")', Keys.ENTER, "}")
    written = _editor_text(browser)
    body = (
        "SELECT ?visit ?label WHERE { ?visit a kgo:SiteVisit ; skos:prefLabel ?label . "
        'FILTER(LANG(?label) = "en") }'
    )
    assert " ".join(written.split()) == f"PREFIX {skos} {body}"
    assert not browser.find_elements(By.CSS_SELECTOR, "#yasgui .parseErrorIcon")  # type: ignore[attr-defined]
    keys.send_keys(Keys.CONTROL, Keys.ENTER)
    wait.until(
        expected_conditions.presence_of_element_located(
            (By.CSS_SELECTOR, "#yasgui .yasr table.dataTable tbody tr")
        )
    )
    # the same query through the library, which predeclares every prefix
    expected = sorted(
        (str(row[1].value) for row in served.project.query(body).rows if row[1] is not None), key=str.casefold
    )
    assert len(set(expected)) == len(expected) > 2, "the visits should have distinct names"
    assert sorted(_column(browser, 2), key=str.casefold) == [f'"{v}"@en' for v in expected]

    ascending = [f'"{v}"@en' for v in expected]
    for order in (ascending, ascending[::-1]):  # a click on the header sorts, the next reverses
        _label_header(browser).click()
        _shown_in_order(browser, wait, order)
    _label_header(browser).click()  # back to the query's order, then ascending again
    _label_header(browser).click()
    _shown_in_order(browser, wait, ascending)
    screenshot(browser, ARTIFACTS / "query-editor.png")
    screenshot(browser, DOC_SCREENSHOTS / "query-editor.png")

    total = int(served.project.store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0].value)  # type: ignore[union-attr]
    assert total > 600  # every distinct fact of the bundled graph
    keys.send_keys(Keys.CONTROL, "a")
    keys.send_keys(Keys.DELETE)
    keys.send_keys("SELECT * WHERE { ?s ?p ?o }", Keys.CONTROL, Keys.ENTER)
    wait.until(
        expected_conditions.text_to_be_present_in_element(
            (By.CSS_SELECTOR, "#yasgui .yasr_response_chip"), f"{total} results"
        )
    )
    numbers: list[int] = []
    for _ in range(total // 10):  # bounded: 50 rows a page
        shown = [int(n) for n in _column(browser, 0)]
        assert len(shown) <= 50
        numbers.extend(shown)
        following = browser.find_element(By.CSS_SELECTOR, "#yasgui .dt-paging-button.next")  # type: ignore[attr-defined]
        if "disabled" in (following.get_attribute("class") or ""):
            break
        following.click()
        wait.until(lambda b, last=shown[-1]: int(_column(b, 0)[0]) == last + 1)
    assert numbers == list(range(1, total + 1))
    screenshot(browser, ARTIFACTS / "query-editor-last-page.png")

    keys.send_keys(Keys.CONTROL, "a")
    keys.send_keys(Keys.DELETE)
    keys.send_keys("SELECT * WHERE { ?s foo:bar ?o }")
    icon = wait.until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "#yasgui .parseErrorIcon"))
    )
    ActionChains(browser).move_to_element(icon).perform()  # type: ignore[arg-type]
    tip = wait.until(
        expected_conditions.visibility_of_element_located(
            (By.CSS_SELECTOR, "#yasgui .parseErrorIcon .yasqe_tooltip")
        )
    )
    assert tip.text == "Prefix 'foo' is not defined"

    assert _loaded_hosts(browser) == {"127.0.0.1"}
    refused = [
        entry["message"]
        for entry in browser.get_log("browser")  # type: ignore[attr-defined]
        if "Content Security Policy" in entry["message"]
    ]
    assert refused == [], "the editor breaks the page's Content-Security-Policy"


def test_the_sparql_page_answers_without_javascript(driver: object, served: Served) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    browser = driver
    wait = WebDriverWait(browser, 30)  # type: ignore[arg-type]
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})  # type: ignore[attr-defined]
    try:
        browser.get(served.url + "/query")  # type: ignore[attr-defined]
        assert not browser.find_element(By.ID, "editor").is_displayed()  # type: ignore[attr-defined]
        browser.find_element(By.ID, "run").click()  # type: ignore[attr-defined]
        wait.until(expected_conditions.presence_of_element_located((By.ID, "row-count")))
        rows = browser.find_elements(By.CSS_SELECTOR, "table.results tbody tr")  # type: ignore[attr-defined]
        assert len(rows) == int(browser.find_element(By.ID, "row-count").text) > 0  # type: ignore[attr-defined]
        screenshot(browser, ARTIFACTS / "query-without-javascript.png")
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})  # type: ignore[attr-defined]


def test_a_class_link_leads_to_its_vocabulary_page(driver: object, served: Served) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    browser = driver
    wait = WebDriverWait(browser, 30)  # type: ignore[arg-type]
    browser.get(served.url + "/id/actp-rf")  # type: ignore[attr-defined]
    badge = browser.find_element(By.CSS_SELECTOR, ".types .badge a[href^='/ontology#']")  # type: ignore[attr-defined]
    label, curie = badge.text, badge.get_attribute("title")
    assert label and curie.startswith("kgo:") and label != curie  # a label, the CURIE on hover
    badge.click()
    wait.until(expected_conditions.url_contains("/ontology#"))
    fragment = browser.current_url.split("#", 1)[1]  # type: ignore[attr-defined]
    section = browser.find_element(By.ID, fragment)  # type: ignore[attr-defined]
    heading = section.find_element(By.TAG_NAME, "h2")
    assert heading.text.startswith(label) and curie in heading.text
    top = browser.execute_script("return arguments[0].getBoundingClientRect().top", section)  # type: ignore[attr-defined]
    assert -5 <= top < 200, "the browser scrolled to the class's section"
    assert "instance" in section.find_element(By.CSS_SELECTOR, "p.usage").text
    screenshot(browser, ARTIFACTS / "vocabulary-class.png")
    instance = section.find_element(By.CSS_SELECTOR, "p.usage a[href^='/id/']")
    target = instance.get_attribute("href")
    instance.click()  # an instance leads back to an entity page
    wait.until(expected_conditions.url_to_be(target))
    assert browser.find_element(By.ID, "title").text  # type: ignore[attr-defined]
    refused = [
        entry["message"]
        for entry in browser.get_log("browser")  # type: ignore[attr-defined]
        if "Content Security Policy" in entry["message"]
    ]
    assert refused == []


DIAGRAM_GEOMETRY = """
const svg = document.querySelector('.diagram svg');
const view = svg.viewBox.baseVal;
const box = (element) => {
  const b = element.getBBox();
  return {x: b.x, y: b.y, r: b.x + b.width, b: b.y + b.height};
};
const nodes = Array.from(svg.querySelectorAll('g.node')).map((g) => ({
  rect: box(g.querySelector('rect')), text: box(g.querySelector('text')),
  words: g.querySelector('text').textContent }));
const labels = Array.from(svg.querySelectorAll('g.edge text')).map(box);
const frame = {x: view.x, y: view.y, r: view.x + view.width, b: view.y + view.height};
return {view: frame, nodes: nodes, labels: labels};
"""


def test_the_diagram_keeps_long_labels_whole_and_apart(driver: object) -> None:
    from test_diagram import NAMES, project_with_long_labels

    def inside(inner: dict[str, float], outer: dict[str, float]) -> bool:
        return (
            inner["x"] >= outer["x"] - 0.5
            and inner["y"] >= outer["y"] - 0.5
            and inner["r"] <= outer["r"] + 0.5
            and inner["b"] <= outer["b"] + 0.5
        )

    def apart(a: dict[str, float], b: dict[str, float]) -> bool:
        return a["r"] <= b["x"] or b["r"] <= a["x"] or a["b"] <= b["y"] or b["b"] <= a["y"]

    with running(project_with_long_labels()) as served:
        browser = driver
        browser.get(served.url + "/id/diagram-probe")  # type: ignore[attr-defined]
        drawn = browser.execute_script(DIAGRAM_GEOMETRY)  # type: ignore[attr-defined]
        screenshot(browser, ARTIFACTS / "diagram-long-labels.png")
    assert len(drawn["nodes"]) > 8 and drawn["labels"]
    for node in drawn["nodes"]:  # every name inside its box, as Chromium sets the text
        assert inside(node["text"], node["rect"]), node
    shown = {" ".join(n["words"].split()) for n in drawn["nodes"]}
    assert (
        sum(" ".join(name.split()).replace(" ", "") in {s.replace(" ", "") for s in shown} for name in NAMES)
        == len(shown) - 1
    )  # whole names (the centre aside), none cut
    boxes = [n["rect"] for n in drawn["nodes"]] + drawn["labels"]
    for index, first in enumerate(boxes):
        assert inside(first, drawn["view"]), first
        for second in boxes[index + 1 :]:
            assert apart(first, second), (first, second)

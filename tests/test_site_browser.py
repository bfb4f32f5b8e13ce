"""The contract explorer in a real browser (issue 23, "Tested in a real browser"): Debian's
Chromium driven by Selenium through Debian's chromedriver, on the site of the shipped
contracts loaded from file://. Every page loads without console errors; forms filled by
keystrokes, selections and clicks answer as the reference interpreter does (answer, grounds
linked to their clauses, due dates and their timelines); a form can be completed and
submitted from the keyboard alone; screenshots of the main pages are kept as artifacts
(folder $CLAUSEC_ARTIFACTS, else a pytest temporary folder).

In CI (`CI` set) a missing Selenium, Chromium or chromedriver fails; elsewhere it skips."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import clausec
from clausec.evaluation.facts import FactError
from clausec.evaluation.interpreter import ask
from clausec.evaluation.values import EvaluationError
from clausec.ir import nodes as ir
from clausec.ir import types as t
from clausec.ir.interface import interface

from conftest import CONTRACTS, FULL_DEPTH, REPO, depth, need_tool
from factgen import fact_cases

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.remote.webelement import WebElement
    from selenium.webdriver.support.select import Select
except ImportError as missing:  # pragma: no cover - CI installs it (.ci/run)
    if os.environ.get("CI"):
        raise
    pytest.skip(
        f"{missing.name} is missing: pip install -e '.[test]' -c constraints.txt",
        allow_module_level=True,
    )

# Imported after the guard: test_site needs nothing Selenium does, but a skipped module
# should not pay for its import.
from test_site import _raw, compare_shown, scenario_cases

# Debian's packages (.ci/run installs them). Explicit paths: Selenium Manager must not look
# for, or download, a browser or a driver.
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# The date fields are typed as a person in this locale types them (month, day, year).
LOCALE = "en-US"
DESKTOP = (1280, 900)
PHONE_WIDTH = 390


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[ir.Contract]]:
    """The site of the shipped contracts, built by the command from this checkout's source,
    and the contracts as this process compiles them (for the interpreter's answers)."""
    out = tmp_path_factory.mktemp("site")
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"), PYTHONIOENCODING="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "clausec", "site", str(CONTRACTS), "-o", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    result = clausec.check_paths([CONTRACTS])
    return out, list(result.contracts)


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("CLAUSEC_ARTIFACTS")
    if given:
        folder = Path(given)
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    """One headless Chromium for the module (starting one takes about a second)."""
    need_tool(CHROMIUM.is_file(), f"{CHROMIUM} is missing (Debian: apt-get install chromium)")
    need_tool(
        CHROMEDRIVER.is_file(),
        f"{CHROMEDRIVER} is missing (Debian: apt-get install chromium-driver)",
    )
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--disable-gpu",
        "--disable-extensions",
        "--no-first-run",
        f"--lang={LOCALE}",
        f"--window-size={DESKTOP[0]},{DESKTOP[1]}",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(argument)
    if os.geteuid() == 0:
        # Chromium refuses to run as root with its sandbox (containers, CI).
        options.add_argument("--no-sandbox")
    # Every console message of the pages, read back with get_log("browser").
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(str(CHROMEDRIVER), log_output=subprocess.DEVNULL)
    # Installed but failing to start (a driver of another version, a crash) is a failure.
    chrome = webdriver.Chrome(service=service, options=options)
    try:
        yield chrome
    finally:
        chrome.quit()


# ------------------------------------------------------------------ helpers


def load(driver: webdriver.Chrome, page: Path) -> None:
    """Open ``page`` from file://; get() returns once the page and its module script ran."""
    driver.get(page.as_uri())
    assert driver.execute_script("return document.readyState") == "complete"


def console(driver: webdriver.Chrome) -> list[dict[str, Any]]:
    """The console messages since the last call: errors (uncaught exceptions, failed loads,
    console.error) are SEVERE; anything the page's own code logs counts as well, since
    explorer.js logs nothing."""
    return [
        entry
        for entry in driver.get_log("browser")
        if entry["level"] == "SEVERE" or entry.get("source") == "console-api"
    ]


def overflow(driver: webdriver.Chrome) -> int:
    """How many CSS pixels the page is wider than the window (0: no horizontal scrolling)."""
    width: int = driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    return width


def type_date(field: WebElement, iso: str) -> None:
    """Type a date into a date field as its user does: the digits of month, day and year in
    the locale's order (Chromium's date field advances on its own)."""
    day = dt.date.fromisoformat(iso)
    field.send_keys(f"{day.month:02d}{day.day:02d}{day.year:04d}")
    typed = field.get_property("value")
    assert typed == iso, f"typed {iso} into #{field.get_attribute('id')}, it holds {typed!r}"


class Form:
    """One question's form in the open page, filled through the browser's input events. It
    remembers what each field holds so that a case touches only the fields that change."""

    def __init__(self, driver: webdriver.Chrome, form_id: str, kinds: dict[str, str]) -> None:
        self.driver = driver
        self.id = form_id
        self.kinds = kinds  # field id: select, date, event, text
        self.held: dict[str, str] = dict.fromkeys(kinds, "")
        self.never: set[str] = set()
        self.as_of = ""

    def element(self, element_id: str) -> WebElement:
        return self.driver.find_element(By.ID, element_id)

    def fill(self, values: dict[str, str], never: list[str], as_of: str) -> None:
        for fid, kind in self.kinds.items():
            wanted = values.get(fid, "")
            if self.held[fid] != wanted:
                self._set(fid, kind, wanted)
                self.held[fid] = wanted
            if kind == "event":
                box = f"{fid}-never"
                if (box in never) != (box in self.never):
                    self.element(box).click()
                    self.never ^= {box}
        if as_of != self.as_of:
            self._set(f"{self.id}-as-of", "date", as_of)
            self.as_of = as_of
        presume = self.element(f"{self.id}-presume")
        assert presume.is_selected(), "the presumptions are applied by default"

    def _set(self, fid: str, kind: str, value: str) -> None:
        field = self.element(fid)
        if kind == "select":
            Select(field).select_by_value(value)
        else:
            field.clear()
            if value and kind in ("date", "event"):
                type_date(field, value)
            elif value:
                field.send_keys(value)

    def submit(self) -> WebElement:
        """Click Answer; the answer region (filled synchronously by the submit handler)."""
        self.driver.find_element(By.CSS_SELECTOR, f"#{self.id} button[type=submit]").click()
        return self.element(f"{self.id}-answer")


def field_kinds(contract: ir.Contract) -> dict[str, dict[str, str]]:
    """For each form of the contract's page, the kind of control of each of its fields."""
    shape = interface(contract)
    forms: dict[str, dict[str, str]] = {}
    for qi, q in enumerate(shape.questions, start=1):
        kinds = {}
        for fi, name in enumerate(q.facts, start=1):
            fact = shape.fact(name)
            if isinstance(fact.type, t.Boolean | t.Enum):
                kind = "select"
            elif isinstance(fact.type, t.Date):
                kind = "event" if fact.kind == "event" else "date"
            else:
                kind = "text"
            kinds[f"q{qi}-f{fi}"] = kind
        forms[f"q{qi}"] = kinds
    return forms


def _typed(value: object, fact_type: t.Type, event: bool) -> str | None:
    """A generated fact value (tests/factgen.py) as a person types or picks it in the field
    of its type: "" for unknown, "never" for an event that never happens; None for a value
    the field cannot hold (another currency or unit, a malformed value for the readers)."""
    if value is None:
        return ""
    if isinstance(fact_type, t.Boolean):
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value) if value in ("true", "false") else None
    if isinstance(fact_type, t.Enum):
        return value if isinstance(value, str) and value in fact_type.members else None
    if isinstance(fact_type, t.Date):
        if value == "never":
            return "never" if event else None
        text = str(value)
        # Four-digit years: what a date field's year part takes when typed.
        ok = len(text) == 10 and "1000" <= text[:4] <= "9999"
        return text if ok and _iso(text) else None
    if isinstance(fact_type, t.Money):
        if isinstance(value, dict) and value.get("currency") == fact_type.currency:
            return str(value["amount"])
        amount, _, currency = str(value).partition(" ")
        return amount if currency == fact_type.currency else None
    if isinstance(fact_type, t.Duration):
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        amount, _, unit = str(value).partition(" ")
        return amount if unit == fact_type.unit_class.replace("_", " ") else None
    if isinstance(value, bool):
        return None
    text = str(value)
    # The page trims what is typed and reads an empty field as unknown.
    return text if text == text.strip() and text else None


def _iso(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def generated_cases(
    contract: ir.Contract, n: int, seed: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Cases in the shape of test_site.scenario_cases from factgen's fact sets, the questions
    taken in turn; the expected answer is the interpreter's for what the form hands the
    evaluator (test_site._raw), or {"error": message} when it refuses a value."""
    shape = interface(contract)
    cases: list[dict[str, Any]] = []
    expected: list[dict[str, Any]] = []
    for k, (facts, as_of) in enumerate(fact_cases(contract, n, seed)):
        qi = k % len(shape.questions)
        q = shape.questions[qi]
        form = f"q{qi + 1}"
        values: dict[str, str] = {}
        never: list[str] = []
        raw: dict[str, object] = {}
        representable = True
        for fi, name in enumerate(q.facts, start=1):
            fact = shape.fact(name)
            typed = _typed(facts.get(name), fact.type, fact.kind == "event")
            if typed is None:
                representable = False
                break
            if typed == "never":
                never.append(f"{form}-f{fi}-never")
                raw[name] = "never"
            elif typed:
                values[f"{form}-f{fi}"] = typed
                raw[name] = _raw(typed, fact.type)
        if not representable:
            continue
        cases.append({"form": form, "values": values, "never": never, "asOf": as_of or ""})
        try:
            expected.append(ask(contract, q.name, raw, as_of or "today").to_dict())
        except (FactError, EvaluationError) as refused:
            expected.append({"error": str(refused), "question": q.name})
    return cases, expected


# What the answer region shows, in the shape test_site.compare_shown reads: the first line,
# the grounds' clause links, the days of the timelines with their marks. Read in one call
# (a timeline has up to 43 days of four parts each).
READ_ANSWER = """
const region = arguments[0];
const head = region.firstElementChild;
const grounds = region.querySelector(".grounds");
return JSON.stringify({
  head: head ? head.innerText : "",
  error: head !== null && head.className === "error",
  grounds: grounds
    ? [...grounds.children]
      .filter((li) => li.textContent.startsWith("because clause "))
      .map((li) => li.querySelector("a, span"))
      .map((a) => [a.textContent, a.getAttribute("href")])
    : [],
  days: [...region.querySelectorAll("li.day")].map((e) => [e.dataset.date,
    e.className.split(" ")[1], [...e.querySelectorAll(".mark")].map((m) => m.textContent)]),
});
"""


def read_answer(driver: webdriver.Chrome, region: WebElement) -> dict[str, Any]:
    shown: dict[str, Any] = json.loads(driver.execute_script(READ_ANSWER, region))
    return shown


def _sample(cases: list[dict[str, Any]], every: int) -> list[int]:
    """The indexes of the cases to run: at full depth (``every`` 1) all of them; else the
    first case of every ``every``-th question (in the order the scenarios first ask them)."""
    if every == 1:
        return list(range(len(cases)))
    order: dict[str, int] = {}
    chosen = []
    for i, case in enumerate(cases):
        if case["form"] not in order:
            order[case["form"]] = len(order)
            if order[case["form"]] % every == 0:
                chosen.append(i)
    return chosen


def _check_due_dates(answer: dict[str, Any], shown: dict[str, Any], where: str) -> None:
    """The days marked "due" on the timelines are the grounds' due dates, in their order."""
    dues = [
        str(g["deadline"]["due"])
        for g in answer["grounds"]
        if g["deadline"] and len(str(g["deadline"]["due"])) == 10
    ]
    marked = [date for date, _, marks in shown["days"] if "due" in marks]
    assert marked == dues, where


# ------------------------------------------------------------------ (a) every page loads


def test_the_console_check_sees_errors(driver: webdriver.Chrome, tmp_path: Path) -> None:
    """The check below is not vacuous: an uncaught exception in a module script and a
    console.error of a page opened from file:// are in the log it reads."""
    page = tmp_path / "broken.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><title>x</title><h1>x</h1><script type="module">'
        'console.error("logged"); throw new Error("thrown");</script></html>',
        encoding="utf-8",
    )
    console(driver)
    load(driver, page)
    messages = " ".join(entry["message"] for entry in console(driver))
    assert "logged" in messages and "thrown" in messages, messages


def test_every_page_loads_without_console_errors(
    driver: webdriver.Chrome, site: tuple[Path, list[ir.Contract]]
) -> None:
    out, contracts = site
    pages = sorted(out.glob("*.html"))
    assert len(pages) == len(contracts) + 1
    console(driver)
    for page in pages:
        load(driver, page)
        assert driver.find_element(By.TAG_NAME, "h1").is_displayed(), page.name
        # site.css applied (body { max-width: 72rem }), and nothing wider than the window.
        assert driver.execute_script("return getComputedStyle(document.body).maxWidth") == (
            "1152px"
        ), page.name
        assert not overflow(driver), page.name
        assert not console(driver), page.name


# ------------------------------------------------------------------ (b) forms answer as ask


@pytest.mark.deep
def test_forms_filled_in_the_browser_answer_as_the_interpreter(
    driver: webdriver.Chrome, site: tuple[Path, list[ir.Contract]]
) -> None:
    """The facts of scenario expectations typed, selected and clicked into their question's
    form, submitted with the Answer button: the page shows the interpreter's answer, its
    grounds linked to their clauses, and timelines whose due days are the due dates; a value
    the evaluator refuses shows its message. Then fact sets of tests/factgen.py that the
    fields can hold, the questions in turn. By default one expectation of every sixth
    question and one generated set per contract (each answer runs the evaluator and askNext
    and costs about a third of a second); at full depth every expectation and 40 generated
    sets per contract."""
    out, contracts = site
    every = depth(6, 1)
    compared = days = refused = 0
    questions: set[tuple[str, str]] = set()
    for contract in contracts:
        if not contract.scenarios:
            continue
        cases, expected = scenario_cases(contract)
        chosen = _sample(cases, every)
        # Then generated fact sets, the questions in turn: values no scenario gives.
        more, answers = generated_cases(contract, depth(1, 40), seed=23)
        chosen += range(len(cases), len(cases) + len(more))
        cases += more
        expected += answers
        load(driver, out / f"{contract.id}.html")
        kinds = field_kinds(contract)
        forms: dict[str, Form] = {}
        shown_answers = []
        for i in chosen:
            case = cases[i]
            form = forms.setdefault(case["form"], Form(driver, case["form"], kinds[case["form"]]))
            form.fill(case["values"], case["never"], case["asOf"])
            region = form.submit()
            assert region.is_displayed()
            shown = read_answer(driver, region)
            where = f"{contract.id} {expected[i]['question']} {case}"
            questions.add((contract.id, case["form"]))
            if "error" in expected[i]:
                # A value the evaluator refuses: its message, and no answer.
                assert shown["error"] and shown["head"] == expected[i]["error"], where
                refused += 1
                continue
            _check_due_dates(expected[i], shown, where)
            days += len(shown["days"])
            shown_answers.append(shown)
        picked = [i for i in chosen if "error" not in expected[i]]
        compared += sum(
            1
            for _ in compare_shown(
                contract, [cases[i] for i in picked], [expected[i] for i in picked], shown_answers
            )
        )
        assert not console(driver), contract.id
    assert compared + refused > (800 if FULL_DEPTH else 45)
    # The sample reaches deadlines drawn on timelines.
    assert compared > 30 and days > 40


# ------------------------------------------------------------------ (c) keyboard use


def active_id(driver: webdriver.Chrome) -> str:
    return str(driver.switch_to.active_element.get_attribute("id") or "")


def press(driver: webdriver.Chrome, keys: str) -> None:
    """Keys to whatever has the focus, as a keyboard sends them."""
    ActionChains(driver).send_keys(keys).perform()


def tab_out(driver: webdriver.Chrome) -> None:
    """Tab to the next control: a date field takes a Tab per part it has left (month, day,
    year) before the focus leaves it."""
    here = active_id(driver)
    for _ in range(4):
        press(driver, Keys.TAB)
        if active_id(driver) != here:
            return
    raise AssertionError(f"Tab does not leave #{here}")


def keyboard_fill(
    driver: webdriver.Chrome, form_id: str, kinds: dict[str, str], case: dict[str, Any]
) -> None:
    """Fill a form from its first field with the keyboard only: arrows in a choice, digits in
    a date, text in a text field, Space on a checkbox, Tab from each control to the next in
    the order of the form; the focus must arrive where a reader of the form expects it."""
    for fid, kind in kinds.items():
        assert active_id(driver) == fid, f"the focus is on #{active_id(driver)}, not #{fid}"
        value = case["values"].get(fid, "")
        if kind == "select" and value:
            options = [
                o.get_attribute("value") for o in Select(driver.find_element(By.ID, fid)).options
            ]
            press(driver, Keys.ARROW_DOWN * options.index(value))
        elif kind in ("date", "event") and value:
            day = dt.date.fromisoformat(value)
            press(driver, f"{day.month:02d}{day.day:02d}{day.year:04d}")
        elif value:
            press(driver, value)
        assert driver.find_element(By.ID, fid).get_property("value") == value, fid
        tab_out(driver)
        if kind == "event":
            assert active_id(driver) == f"{fid}-never"
            if f"{fid}-never" in case["never"]:
                press(driver, Keys.SPACE)
            tab_out(driver)
    assert active_id(driver) == f"{form_id}-as-of"
    if case["asOf"]:
        day = dt.date.fromisoformat(case["asOf"])
        press(driver, f"{day.month:02d}{day.day:02d}{day.year:04d}")
    tab_out(driver)
    assert active_id(driver) == f"{form_id}-presume"
    tab_out(driver)
    button = driver.switch_to.active_element
    assert button.tag_name == "button" and button.text == "Answer"


def test_a_form_is_completed_and_submitted_with_the_keyboard(
    driver: webdriver.Chrome, site: tuple[Path, list[ir.Contract]]
) -> None:
    """Tab, arrows, digits and Enter only, from the form's first field: the answer is the
    interpreter's and the focus moves to it; a wrong value, submitted with Enter from its
    field, moves the focus to the first wrong field."""
    out, contracts = site
    contract = next(c for c in contracts if c.id == "soolife_deposit")
    cases, expected = scenario_cases(contract)
    kinds = field_kinds(contract)
    # A case that uses every kind of control: a choice, a date and a text field.
    i = next(
        i
        for i, case in enumerate(cases)
        if {kinds[case["form"]][fid] for fid in case["values"]} >= {"select", "date", "text"}
        or {kinds[case["form"]][fid] for fid in case["values"]} >= {"select", "event", "text"}
    )
    case = cases[i]
    form_id = case["form"]
    load(driver, out / f"{contract.id}.html")
    first = driver.find_element(By.ID, next(iter(kinds[form_id])))
    # Reaching the form by Tab from the top of the page would pass every clause link first;
    # the test starts at its first field.
    driver.execute_script("arguments[0].focus()", first)
    keyboard_fill(driver, form_id, kinds[form_id], case)
    press(driver, Keys.ENTER)
    region = driver.find_element(By.ID, f"{form_id}-answer")
    shown = read_answer(driver, region)
    assert len(list(compare_shown(contract, [case], [expected[i]], [shown]))) == 1
    assert active_id(driver) == f"{form_id}-answer", "the focus moves to the answer"

    # Two wrong amounts (a decimal comma) in a form with two money fields: Enter in the
    # second submits the form (implicit submission), the focus goes to the first.
    shape = interface(contract)
    form_id, money = next(
        (f"q{qi}", fields)
        for qi, q in enumerate(shape.questions, start=1)
        if len(
            fields := [
                f"q{qi}-f{fi}"
                for fi, name in enumerate(q.facts, start=1)
                if isinstance(shape.fact(name).type, t.Money)
            ]
        )
        >= 2
    )
    load(driver, out / f"{contract.id}.html")
    for fid in money[:2]:
        driver.find_element(By.ID, fid).click()
        press(driver, "12,5")
    press(driver, Keys.ENTER)
    head = driver.find_element(By.CSS_SELECTOR, f"#{form_id}-answer > :first-child")
    assert "error" in (head.get_attribute("class") or "").split()
    assert head.text
    assert active_id(driver) == money[0], "the focus moves to the first wrong field"
    assert not console(driver)


# ------------------------------------------------------------------ (d) screenshots


def screenshot(driver: webdriver.Chrome, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    assert driver.save_screenshot(str(path)), name
    # A PNG of some substance: a blank or failed capture is a few hundred bytes.
    assert path.stat().st_size > 10_000, f"{path} is nearly empty"
    return path


def scroll_to(driver: webdriver.Chrome, element: WebElement) -> None:
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", element)


def test_screenshots_of_the_main_pages(
    driver: webdriver.Chrome, site: tuple[Path, list[ir.Contract]], artifacts: Path
) -> None:
    """The index, a clause of the deposit agreement (Chinese quote beside its reading), an
    answered form with a timeline, and a page at a phone's width, kept as PNG files for people
    to look at. At the phone's width nothing is wider than the screen."""
    out, contracts = site
    deposit = next(c for c in contracts if c.id == "soolife_deposit")
    load(driver, out / "index.html")
    screenshot(driver, artifacts, "index")

    load(driver, out / f"{deposit.id}.html")
    clause = driver.find_element(By.CSS_SELECTOR, "article.clause:has(figure.norm-graph)")
    scroll_to(driver, clause)
    screenshot(driver, artifacts, "clause")

    # The first expectation with a due date on a timeline: its form answered.
    cases, expected = scenario_cases(deposit)
    i = next(
        i
        for i, answer in enumerate(expected)
        if any(g["deadline"] and len(str(g["deadline"]["due"])) == 10 for g in answer["grounds"])
    )
    case = cases[i]
    form = Form(driver, case["form"], field_kinds(deposit)[case["form"]])
    form.fill(case["values"], case["never"], case["asOf"])
    region = form.submit()
    assert driver.find_elements(By.CSS_SELECTOR, f"#{case['form']}-answer li.day")
    scroll_to(driver, region)
    screenshot(driver, artifacts, "answer")

    # A phone: 390 CSS pixels wide, as a phone's browser lays the page out.
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": PHONE_WIDTH, "height": 844, "deviceScaleFactor": 2, "mobile": True},
    )
    try:
        # A phone's browser widens the layout to what does not fit: innerWidth shows it.
        for page in sorted(out.glob("*.html")):
            load(driver, page)
            assert driver.execute_script("return innerWidth") == PHONE_WIDTH, page.name
            assert not overflow(driver), f"{page.name} is wider than a phone"
        load(driver, out / "index.html")
        screenshot(driver, artifacts, "phone_index")
        load(driver, out / f"{deposit.id}.html")
        scroll_to(driver, driver.find_element(By.CSS_SELECTOR, "article.clause:has(.quote)"))
        screenshot(driver, artifacts, "phone_clause")
        form = Form(driver, case["form"], field_kinds(deposit)[case["form"]])
        form.fill(case["values"], case["never"], case["asOf"])
        scroll_to(driver, form.submit())
        screenshot(driver, artifacts, "phone_answer")
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert not console(driver)

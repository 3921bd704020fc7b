"""Fixtures for the real-browser tests: the built `credit` server on a fresh demo city for each module, and headless Chromium.

Environment:
  CREDIT_BIN               path of the built `credit` executable (required)
  CREDIT_BROWSER_DATABASE  a PostgreSQL URL: each module then gets a database of its own beside it (default: SQLite files)
  CREDIT_SCREENSHOTS       folder for screenshots (default: test-output/screenshots)
"""
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest
import requests
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(binary, database, cwd, log, *extra):
    """Starts `credit serve --demo` on the database (with `extra` flags) and waits until it answers; returns the process
    and its address."""
    port = _free_port()
    process = subprocess.Popen(
        [binary, "serve", "--demo", "--database", database, "--port", str(port), *extra],
        stdout=log, stderr=subprocess.STDOUT, cwd=cwd,
    )
    base = f"http://127.0.0.1:{port}"
    # Readiness probe: the demo city is seeded before the server listens; give up after 120 s.
    deadline = time.monotonic() + 120
    while True:
        if process.poll() is not None:
            raise RuntimeError("server exited early:\n" + open(log.name).read())
        try:
            if requests.get(base + "/healthz", timeout=2).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("server did not become ready:\n" + open(log.name).read())
        time.sleep(0.2)
    return process, base


def fresh_database(tmp, name):
    """A database of a test's own, beside the session's: an SQLite file in `tmp`, or a new PostgreSQL database `name`
    (dropped first if a run before left it) when the session runs on PostgreSQL."""
    session = os.environ.get("CREDIT_BROWSER_DATABASE") or ""
    if not session.startswith("postgres"):
        return f"sqlite:{tmp}/{name}.sqlite"
    base, _, _ = session.rpartition("/")
    psql = os.path.join(os.environ.get("CREDIT_PG_BIN", "/usr/bin"), "psql")
    for statement in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run([psql, "-q", base + "/postgres", "-c", statement], check=True, timeout=60)
    return base + "/" + name


@pytest.fixture(scope="session")
def demo_city():
    """The demo city, seeded once per run by `credit serve --demo` and stopped: each module's server starts on a copy.
    Yields the seeded database and the folder of its development keys."""
    binary = os.environ["CREDIT_BIN"]
    tmp = tempfile.mkdtemp(prefix="credit-demo-city-")
    database = fresh_database(tmp, "credit_demo_city")
    with open(os.path.join(tmp, "seed.log"), "w") as log:
        process, _ = start_server(binary, database, tmp, log)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0, open(log.name).read()[-2000:]
    yield database, tmp
    drop_database(database)
    shutil.rmtree(tmp, ignore_errors=True)


def copy_of(city, tmp, name):
    """A copy of the seeded demo city, with its keys, for one module: an SQLite file beside its key files, or a
    PostgreSQL database made from it as a template (its keys in the working directory, as the server keeps them)."""
    database, folder = city
    if database.startswith("sqlite:"):
        source = database[len("sqlite:"):]
        target = os.path.join(tmp, name + ".sqlite")
        for suffix in ("", "-wal", "-shm", ".keys.json", ".signing.key"):
            if os.path.exists(source + suffix):
                shutil.copy(source + suffix, target + suffix)
        return "sqlite:" + target
    base, _, seed = database.rpartition("/")
    psql = os.path.join(os.environ.get("CREDIT_PG_BIN", "/usr/bin"), "psql")
    for statement in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name} TEMPLATE {seed}"):
        subprocess.run([psql, "-q", base + "/postgres", "-c", statement], check=True, timeout=120)
    for key in ("credit-keys.json", "credit-signing.key"):
        shutil.copy(os.path.join(folder, key), os.path.join(tmp, key))
    return base + "/" + name


@pytest.fixture(scope="module")
def server(request, demo_city):
    """A server of the module's own on a copy of the demo city (an SQLite file, or a PostgreSQL database named after
    the module when the run is on PostgreSQL): what one module does to its data never reaches another, so modules run
    alone and in any order."""
    binary = os.environ["CREDIT_BIN"]
    tmp = tempfile.mkdtemp(prefix="credit-browser-")
    database = copy_of(demo_city, tmp, "credit_" + request.module.__name__.rpartition(".")[2])
    log = open(os.path.join(tmp, "server.log"), "w")
    process, base = start_server(binary, database, tmp, log)
    yield {"base": base, "process": process, "log": log.name, "database": database, "binary": binary, "cwd": tmp}
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    log.close()
    # The database and its key file go; the server's log stays for a look after a failure.
    drop_database(database)
    for name in os.listdir(tmp):
        if name != "server.log":
            path = os.path.join(tmp, name)
            shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)


def drop_database(database):
    """Drops a PostgreSQL database `fresh_database` made (an SQLite file goes with its folder)."""
    if database.startswith("postgres"):
        base, _, name = database.rpartition("/")
        psql = os.path.join(os.environ.get("CREDIT_PG_BIN", "/usr/bin"), "psql")
        subprocess.run([psql, "-q", base + "/postgres", "-c", f"DROP DATABASE IF EXISTS {name}"], check=True, timeout=60)


@pytest.fixture(scope="module")
def browser():
    """A browser of the module's own: the servers all listen on 127.0.0.1, and cookies do not tell ports apart."""
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CREDIT_CHROMIUM", "/usr/bin/chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # the console, for `console_is_clean`
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    # A Chinese user's browser: Chromium on Linux takes its language from LANGUAGE (it ignores --lang) and needs
    # Debian's chromium-l10n for it; date fields then read 2026/12/07, not 12/07/2026, in the screenshots.
    service = Service(os.environ.get("CREDIT_CHROMEDRIVER", "/usr/bin/chromedriver"), env=dict(os.environ, LANGUAGE="zh_CN"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


# What the browser's console says when a page breaks without a visible error: the Content Security Policy refused
# something the page needs (an inline style or script is not applied), or its JavaScript failed.
BROKEN_PAGE = ("Content Security Policy", "Uncaught")


@pytest.fixture(autouse=True)
def console_is_clean(request):
    """Fails a browser test whose pages made the console report a refused style or script, or a script error."""
    if "browser" not in request.fixturenames:
        yield
        return
    driver = request.getfixturevalue("browser")
    driver.get_log("browser")  # what earlier tests left
    yield
    problems = [entry["message"] for entry in driver.get_log("browser") if any(m in entry["message"] for m in BROKEN_PAGE)]
    assert not problems, "the browser's console: " + "; ".join(problems)


@pytest.fixture(scope="session")
def screenshots():
    folder = pathlib.Path(os.environ.get("CREDIT_SCREENSHOTS", "test-output/screenshots"))
    folder.mkdir(parents=True, exist_ok=True)

    def save(driver, name):
        path = folder / f"{name}.png"
        driver.save_screenshot(str(path))
        return path

    return save


@pytest.fixture
def gb18030_file(tmp_path):
    """Writes a text as a GB18030 file under the test's own directory; returns its path."""
    def write(name, text):
        path = os.path.join(str(tmp_path), name)
        with open(path, "wb") as f:
            f.write(text.encode("gb18030"))
        return path
    return write


@pytest.fixture(scope="session")
def credit_code():
    """Completes the first 16 characters of a unified social credit code with its two check characters: position 17,
    the organisation code's (GB 11714: weights 3 7 9 10 5 8 4 2, A=10 … Z=35, 10 → X, 11 → 0), and position 18
    (GB 32100)."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    def complete(first16):
        assert len(first16) == 16, first16
        body = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(first16[8:], [3, 7, 9, 10, 5, 8, 4, 2]))
        check = 11 - body % 11
        first17 = first16 + {10: "X", 11: "0"}.get(check, str(check))
        total = sum(alphabet.index(c) * w for c, w in zip(first17, weights))
        return first17 + alphabet[(31 - total % 31) % 31]
    return complete


def replaced(element):
    """A wait condition: `element`'s page has been replaced by the next one. Like Selenium's `staleness_of`, but
    chromedriver sometimes answers the check on a replaced page's element with "Node with given id does not belong
    to the document" instead of a stale-element error: that is an answer too."""
    def check(_):
        try:
            element.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return True
            raise
    return check


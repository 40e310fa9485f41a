"""End-to-end harness: the built web app, served by a real `advocase serve` on a free port over a fresh SQLite
database loaded with the demo data, driven by Playwright in Debian's headless Chromium (never Playwright's
own browser download). The web app is (re)built with `make web` when web/dist is missing or stale."""

from __future__ import annotations

from contextlib import contextmanager

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("ADVOCASE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE = REPO / "web" / "node_modules" / "axe-core" / "axe.min.js"
ADVOCATE = "advocate.eastboston@mpu.demo.advocase.org"
# The browser's time zone, and the organizations' on the server (ADVOCASE_TIME_ZONE): dates typed in the pages and
# the server's "today" agree, at any hour (the API tests run their servers on UTC).
TIME_ZONE = "America/New_York"
SERVER_LOGS: dict[str, Path] = {}  # base URL -> the log of the server answering there


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def web_dist() -> Path:
    """`make web`: npm ci when the lockfile changed, npm run build when sources or the schema changed."""
    assert shutil.which("make") and shutil.which("npm"), "make and npm are needed to build the web app"
    subprocess.run(["make", "-s", "web"], cwd=REPO, check=True)
    return REPO / "web" / "dist"


@contextmanager
def running_server(tmp_path_factory, name: str, extra_env: dict | None = None, port: int | None = None):
    """A real server process on a fresh SQLite file (migrations, demo data on first start, the built web app);
    yields its base URL. `extra_env` adds settings (e.g. SMTP delivery); without it no SMTP is configured."""
    port = port or _free_port()
    base = f"http://127.0.0.1:{port}"
    db_file = tmp_path_factory.mktemp(name) / "e2e.sqlite3"
    env = {**os.environ, "ADVOCASE_DATABASE_URL": f"sqlite+aiosqlite:///{db_file}", "ADVOCASE_ENV": "test",
           "ADVOCASE_TIME_ZONE": TIME_ZONE, "ADVOCASE_DEMO_ON_FIRST_START": "1", "ADVOCASE_ARGON2_TIME_COST": "1",
           "ADVOCASE_ARGON2_MEMORY_KIB": "8192"}
    env.pop("ADVOCASE_SMTP_HOST", None)
    env.update(extra_env or {})
    SERVER_LOGS[base] = db_file.with_suffix(".log")
    log = open(SERVER_LOGS[base], "w")
    proc = subprocess.Popen(
        [sys.executable, "-c", "import sys; from api.cli import main; sys.exit(main(sys.argv[1:]))",
         "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 300
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {db_file.with_suffix('.log').read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start in time")
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="session")
def server(web_dist, tmp_path_factory) -> str:
    """The shared server of the e2e tests; modules that change shared demo data start their own (running_server)."""
    with running_server(tmp_path_factory, "e2e") as base:
        yield base


@pytest.fixture(scope="module")
def browser(server):
    # Module scope: Playwright's sync API runs an event loop while it is started, which pytest-asyncio's
    # async tests cannot share; stopping it after each e2e module leaves the rest of the suite unaffected.
    from playwright.sync_api import sync_playwright
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def context(browser, server):
    ctx = browser.new_context(base_url=server, locale="en-US", timezone_id=TIME_ZONE)
    ctx.set_default_timeout(15000)
    yield ctx
    ctx.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test leaves its screenshot in var/e2e/<test>.png, and its report tells what the browser saw
    go wrong (script errors, console errors, failed or refused requests) and the text of the page: a failure on CI
    is then explained without rerunning it."""
    outcome = yield
    report = outcome.get_result()
    page = item.funcargs.get("page") if hasattr(item, "funcargs") else None
    if report.when != "call" or not report.failed or page is None:
        return
    out = REPO / "var" / "e2e"
    out.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=str(out / f"{item.name}.png"), full_page=True)
        text = page.locator("body").inner_text(timeout=2000)
    except Exception as e:  # the page may be gone with the failure
        text = f"(no page text: {e})"
    seen = getattr(page, "advocase_seen", [])
    report.sections.append(("browser", "\n".join([f"at {page.url}", *(seen or ["no errors in the browser"]),
                                                    "--- page text:", text[:3000]])))
    log = next((path for base, path in SERVER_LOGS.items() if page.url.startswith(base)), None)
    if log and log.is_file():
        report.sections.append(("server log (last 40 lines)", "\n".join(log.read_text().splitlines()[-40:])))


@pytest.fixture
def page(context):
    """A fresh browser tab (own cookies) that notes what goes wrong in it (see pytest_runtest_makereport)."""
    p = context.new_page()
    seen: list[str] = []
    p.advocase_seen = seen
    p.on("pageerror", lambda e: seen.append(f"page error: {e}"))
    p.on("console", lambda m: seen.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
    p.on("requestfailed", lambda r: seen.append(f"request failed: {r.method} {r.url} ({r.failure})"))
    p.on("response", lambda r: seen.append(f"HTTP {r.status}: {r.request.method} {r.url}") if r.status >= 400 else None)
    return p


def sign_in(page, email: str = ADVOCATE, password: str | None = None) -> None:
    from domain.demo import DEMO_PASSWORD
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password or DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)


def axe_violations(page) -> list[dict]:
    """axe-core's serious and critical violations on the current page."""
    page.add_script_tag(content=AXE.read_text())
    found = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
    }""")
    return [v for v in found if v["impact"] in ("serious", "critical")]


def broken_words(page, selector: str) -> list[str]:
    """The words of the visible elements matching `selector` that the browser broke across lines ("Escala|ted"):
    each word's text boxes, laid out on more than one line. Screen-reader-only text is left out."""
    return page.evaluate("""(selector) => {
        const broken = [];
        for (const el of document.querySelectorAll(selector)) {
            if (!el.getClientRects().length) continue;
            const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                if (node.parentElement.closest('.sr-only')) continue;
                for (const m of node.textContent.matchAll(/\\S+/g)) {
                    const range = document.createRange();
                    range.setStart(node, m.index);
                    range.setEnd(node, m.index + m[0].length);
                    const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
                    if (lines.size > 1) broken.push(m[0]);
                }
            }
        }
        return broken;
    }""", selector)


def page_width(page) -> int:
    """How wide the page is laid out (more than the viewport: the page scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth")


def graphql(page, query: str, variables: dict | None = None) -> dict:
    """A GraphQL call with the page's session cookie and the CSRF header, as the app makes it."""
    r = page.request.post("/graphql", data={"query": query, "variables": variables or {}},
                          headers={"X-Advocase-CSRF": "1", "Content-Type": "application/json"})
    assert r.ok, r.text()
    body = r.json()
    assert not body.get("errors"), body
    return body["data"]


def is_language_save(response) -> bool:
    """The web app saving the signed-in user's language (setMyLanguage) after a choice in the language menu."""
    return response.url.endswith("/graphql") and "setMyLanguage" in (response.request.post_data or "")


def choose_language(page, code: str) -> None:
    """Choose a language in the menu while signed in, and wait until the server has saved it (the language of
    the user's mail: tests that switch a shared demo user to Spanish switch back with this)."""
    with page.expect_response(is_language_save) as saved:
        page.locator("header label.language select").select_option(code)
    assert saved.value.ok


def my_language(page) -> str:
    """The signed-in user's language on the server (me.preferredLanguage)."""
    return graphql(page, "query { me { preferredLanguage } }")["me"]["preferredLanguage"]


@pytest.fixture
def back_to_english(page):
    """For tests that switch a shared demo user's language while signed in (saved on the server, so their next
    sign-in in a fresh browser follows it): afterwards the user is back to English on the server."""
    yield
    graphql(page, 'mutation { setMyLanguage(input: {language: "en"}) { errors { code } } }')

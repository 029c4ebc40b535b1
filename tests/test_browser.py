"""The web form in a real browser: Debian's Chromium, driven by Playwright, against a real server.

`make test` installs Chromium with apt-get when /usr/bin/chromium is missing;
Playwright's own browser download (`playwright install`) is never used. The
server is werkzeug on 127.0.0.1 over a temporary corpus copy and index, and
the browser may load nothing but that server. Screenshots go to the test's
tmp_path.
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.servers import live_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    with live_app(tmp_path_factory.mktemp("browser")) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def browser():
    assert os.access(CHROMIUM, os.X_OK), f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Page:
    """A fresh page that may only talk to the test server, recording every dialog it opens."""

    def __init__(self, browser, base_url, java_script_enabled=True):
        self.context = browser.new_context(java_script_enabled=java_script_enabled, viewport={"width": 1000, "height": 800})
        self.context.set_default_timeout(TIMEOUT_MS)
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.blocked: list[str] = []
        self.page.on("dialog", self._dialog)
        allowed = urlsplit(base_url).netloc
        self.context.route(re.compile(".*"), lambda route: self._route(route, allowed))

    def _dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _route(self, route, allowed):
        if urlsplit(route.request.url).netloc == allowed:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def ask(self, base_url: str, question: str):
        self.page.goto(base_url + "/")
        box = self.page.locator('input[name="q"]')
        box.fill(question)
        with self.page.expect_navigation():
            self.page.locator('button[type="submit"]').click()
        return self.page

    def close(self):
        self.context.close()


@pytest.fixture()
def page(browser, live_server):
    opened = Page(browser, live_server)
    yield opened
    opened.close()
    assert not opened.blocked, f"the page tried to load other hosts: {opened.blocked}"


def test_a_question_typed_in_the_form_shows_the_answer_highlighted_in_its_sentence(page, live_server, tmp_path):
    p = page.ask(live_server, "How much additional funding did Blinken announce?")
    first = p.locator(".answer").first
    expect(first.locator("mark")).to_have_text("$20 million")
    sentence = first.locator("blockquote.sentence")
    expect(sentence).to_contain_text("$20 million in U.S. funding")
    assert "<mark>$20 million</mark>" in sentence.inner_html()
    expect(first.locator(".text .answer-text")).to_have_text("$20 million")
    expect(p.locator("#analysis")).to_contain_text("NUM:money")
    expect(p.locator('input[name="q"]')).to_have_value("How much additional funding did Blinken announce?")
    assert "q=How+much+additional+funding" in p.url
    mark_box = first.locator("mark").bounding_box()
    assert mark_box and mark_box["width"] > 0 and mark_box["height"] > 0  # visible, not collapsed
    p.screenshot(path=str(tmp_path / "answer.png"), full_page=True)
    assert (tmp_path / "answer.png").stat().st_size > 10_000
    assert page.dialogs == []


@pytest.mark.parametrize(
    "question",
    ["<script>alert(1)</script>", '"><img src=x onerror=alert(2)>', "<svg/onload=alert(3)>", "javascript:alert(4)"],
)
def test_markup_in_a_question_is_shown_as_text_and_never_runs(page, live_server, tmp_path, question):
    p = page.ask(live_server, question)
    expect(p.locator('input[name="q"]')).to_have_value(question)
    p.wait_for_load_state("load")
    p.wait_for_timeout(300)  # give an injected handler the chance to fire
    assert page.dialogs == [], f"a dialog opened: {page.dialogs}"
    assert p.evaluate("document.querySelectorAll('script, img, svg, iframe').length") == 0
    assert p.evaluate("document.querySelectorAll('[onerror], [onload]').length") == 0
    p.screenshot(path=str(tmp_path / "markup.png"), full_page=True)


def test_the_dialog_recorder_does_see_a_script_that_runs(page):
    """The check above is not vacuous: a script that does run is caught."""
    page.page.set_content("<p>x</p><script>alert('ran')</script>")
    page.page.wait_for_timeout(300)
    assert page.dialogs == ["alert: ran"]


def test_an_unanswerable_question_shows_the_no_answer_state(page, live_server, tmp_path):
    p = page.ask(live_server, "Who won the 2018 World Cup?")
    expect(p.locator("#no-answer")).to_be_visible()
    expect(p.locator("#no-answer")).to_have_text("No answer found in the corpus.")
    assert p.locator(".answer").count() == 0
    p.screenshot(path=str(tmp_path / "no-answer.png"), full_page=True)


def test_the_form_works_without_javascript(browser, live_server):
    page = Page(browser, live_server, java_script_enabled=False)
    try:
        p = page.ask(live_server, "Who is the president of Kazakhstan?")
        expect(p.locator(".answer").first.locator("mark")).not_to_be_empty()
        expect(p.locator("#analysis")).to_contain_text("HUM:ind")
    finally:
        page.close()


def test_an_example_link_asks_its_question(page, live_server):
    p = page.page
    p.goto(live_server + "/")
    with p.expect_navigation():
        p.get_by_role("link", name="How much did the tenge fall?").click()
    expect(p.locator('input[name="q"]')).to_have_value("How much did the tenge fall?")
    expect(p.locator(".answer, #no-answer").first).to_be_visible()


def test_an_overlong_question_pasted_past_maxlength_is_reported(page, live_server):
    p = page.page
    p.goto(live_server + "/?q=" + "x" * 600)
    expect(p.locator('[role="alert"]')).to_be_visible()


def test_an_answer_links_to_its_sentence_highlighted_in_the_article(page, live_server, tmp_path):
    console: list[str] = []
    page.page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    p = page.ask(live_server, "How much additional funding did Blinken announce?")
    link = p.locator(".answer").first.locator("a.source")
    href = link.get_attribute("href")
    assert re.fullmatch(r"/documents/blinken-central-asia#s\d+", href)
    with p.expect_navigation():
        link.click()
    target = p.locator(f"#{href.split('#')[1]}")
    expect(target).to_contain_text("$20 million")
    # Highlighted by the stylesheet's :target rule, no script: the only sentence with that background.
    assert target.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 224, 102)"
    assert p.evaluate(
        "[...document.querySelectorAll('.sentence')].filter(e => getComputedStyle(e).backgroundColor === 'rgb(255, 224, 102)').length"
    ) == 1
    assert target.bounding_box()["y"] < 800  # scrolled into view
    expect(p.locator("h1")).to_be_visible()
    p.screenshot(path=str(tmp_path / "article.png"), full_page=True)
    assert not [line for line in console if "Content Security Policy" in line or line.startswith("error")], console


def test_the_documents_page_lists_the_corpus_and_links_to_articles(page, live_server):
    p = page.page
    p.goto(live_server + "/documents")
    row = p.locator("table.documents tbody tr").first
    expect(row.locator("td.count")).to_have_text("57")
    with p.expect_navigation():
        row.locator("a").click()
    expect(p.locator("#s0")).to_be_visible()
    assert p.locator(".sentence").count() == 57
    # The stylesheet loaded under the Content-Security-Policy (the body's font is not the browser default).
    assert "system-ui" in p.evaluate("getComputedStyle(document.body).fontFamily")


def test_runners_up_are_subdued_below_the_best_answer_and_a_value_sits_beside_it(page, live_server, tmp_path):
    p = page.ask(live_server, "How much additional funding did Blinken announce?")
    best = p.locator(".answer.best")
    expect(best).to_have_count(1)
    expect(best.locator(".value")).to_contain_text("= 20,000,000 USD")
    runners = p.locator(".answer.runner-up")
    assert runners.count() >= 1
    # The stylesheet (no inline style: the CSP forbids it) makes them fainter and smaller, below the best one.
    assert float(runners.first.evaluate("e => getComputedStyle(e).opacity")) < 1
    assert best.evaluate("e => getComputedStyle(e).opacity") == "1"
    assert runners.first.bounding_box()["y"] > best.bounding_box()["y"]
    size = lambda locator: float(locator.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))  # noqa: E731
    assert size(runners.first.locator(".text")) < size(best.locator(".text"))
    p.screenshot(path=str(tmp_path / "runners-up.png"), full_page=True)

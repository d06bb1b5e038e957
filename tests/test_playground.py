"""The playground in a real browser: Playwright driving Debian's Chromium (nothing downloaded)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from serving import running_server

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def base():
    with running_server() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), "Debian's chromium is required: apt-get install chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield browser
        browser.close()


def test_type_see_highlight_apply_fix_and_it_goes_away(base, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    page.goto(base)
    page.fill("#customer", "My parcel never arrived and I was charged twice!")
    page.locator("#draft").press_sequentially("Hi Sam,\n\nThat's not my department, sorry.", delay=5)
    mark = page.locator("#preview mark.c-buck-passing")
    expect(mark).to_have_text("That's not my department")
    expect(page.locator("#verdict")).to_have_text("fail")
    expect(page.locator("#findings li")).not_to_have_count(0)
    page.screenshot(path=str(ROOT / "docs" / "playground.png"), full_page=True)
    page.get_by_role("button", name="Apply the fix for buck-passing.not-my-department").click()
    expect(page.locator("#draft")).not_to_have_value("Hi Sam,\n\nThat's not my department, sorry.")
    assert "not my department" not in page.input_value("#draft")
    expect(mark).to_have_count(0)
    page.close()


def test_keyboard_only_reaches_a_finding(base, browser):
    page = browser.new_page()
    page.goto(base)
    page.focus("#draft")
    page.keyboard.type("That's not my department.")
    expect(page.locator("#preview mark")).not_to_have_count(0)
    page.locator("#preview mark").first.focus()
    page.keyboard.press("Enter")
    active = page.locator("#findings li.active")
    expect(active).to_have_count(1)
    assert page.evaluate("document.activeElement.id").startswith("finding-")
    page.close()


def test_usable_on_a_375_pixel_screen(base, browser):
    page = browser.new_page(viewport={"width": 375, "height": 740})
    page.goto(base)
    page.fill("#draft", "That's not my department.")
    expect(page.locator("#preview mark")).not_to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    box = page.locator("#draft").bounding_box()
    assert box and box["width"] > 300
    page.close()

"""The public reads which red and black lists exist, on what basis, and whom their measures reach; the credit office
loads a new version on the same page."""
import datetime
import json

import requests
from selenium.webdriver.common.by import By

from test_auth_pages import PASSWORD, _office_account, _sign_in


def test_the_lists_page_shows_every_list_with_its_basis(server, browser, screenshots):
    shipped = requests.get(server["base"] + "/api/v1/lists", timeout=10).json()
    browser.get(server["base"] + "/")
    browser.find_element(By.ID, "footer-lists").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "红黑名单"
    assert shipped["version"] in browser.find_element(By.ID, "lists-version").text
    for item in shipped["items"]:
        section = browser.find_element(By.ID, f"list-{item['code']}")
        assert item["name"] in section.text
        assert section.find_element(By.CLASS_NAME, "list-basis").text == item["basis"]
        assert section.find_element(By.CLASS_NAME, "list-authority").text == item["authority"]
    # The court's list reaches the persons behind a listed company, and says on what basis.
    debtor = browser.find_element(By.ID, "list-dishonest-judgment-debtor")
    roles = [r.text for r in debtor.find_elements(By.CLASS_NAME, "list-role")]
    assert roles == ["法定代表人", "主要负责人", "实际控制人"]
    assert "法释〔2015〕17号" in debtor.find_element(By.CLASS_NAME, "list-reach").text
    assert debtor.find_element(By.CLASS_NAME, "list-validity").text == "2 年"
    assert "守信激励名单" in browser.find_element(By.ID, "list-a-grade-taxpayer").text
    screenshots(browser, "50-lists")


def test_the_credit_office_loads_a_new_version_on_the_page(server, browser, screenshots):
    _office_account(server, "office.lists")
    browser.delete_all_cookies()
    _sign_in(browser, server, "office.lists", PASSWORD)
    assert "office.lists" in browser.find_element(By.ID, "account-link").text  # signed in before going on
    browser.get(server["base"] + "/lists")
    box = browser.find_element(By.NAME, "document")
    assert box.size["width"] >= 0.95 * browser.find_element(By.ID, "lists-form").size["width"], "a version is a page of JSON"
    version = json.loads(box.get_attribute("value"))
    assert {t["code"] for t in version["types"]} >= {"dishonest-judgment-debtor", "a-grade-taxpayer"}

    # A new version from a month ahead; first with the tax list's basis left out, which no list may lack.
    start = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8, days=30)).date().isoformat()
    version["version"], version["effectiveFrom"] = "next-" + start, start
    tax = next(t for t in version["types"] if t["code"] == "major-tax-violator")
    basis, tax["basis"] = tax["basis"], ""
    tax["validityMonths"] = 24

    def load(document):
        box = browser.find_element(By.NAME, "document")
        box.clear()
        browser.execute_script("arguments[0].value = arguments[1]", box, json.dumps(document, ensure_ascii=False))
        browser.find_element(By.ID, "lists-load-button").click()

    load(version)
    problems = browser.find_element(By.ID, "lists-problems").text
    assert "major-tax-violator" in problems and "没有法律依据" in problems
    assert requests.get(server["base"] + "/api/v1/lists", params={"on": start}, timeout=10).json()["version"] != version["version"]
    screenshots(browser, "51-lists-refused")

    tax["basis"] = basis
    load(version)
    assert f"已载入名单类型版本 {version['version']}" in browser.find_element(By.ID, "lists-loaded").text
    assert start in browser.find_element(By.ID, "lists-upcoming").text
    later = requests.get(server["base"] + "/api/v1/lists", params={"on": start}, timeout=10).json()
    assert next(t for t in later["items"] if t["code"] == "major-tax-violator")["validityMonths"] == 24
    screenshots(browser, "52-lists-loaded")

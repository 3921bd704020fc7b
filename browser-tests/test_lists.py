"""The public reads which red and black lists exist, on what basis, and whom their measures reach; the credit office
loads a new version on the same page."""
import datetime
import json
import re

import requests
from selenium.webdriver.common.by import By

from test_auth_pages import PASSWORD, _cli, _office_account, _sign_in


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


def test_a_department_lists_an_entity_on_its_page_and_the_public_sees_it_until_revoked(server, browser, screenshots):
    departments = requests.get(server["base"] + "/api/v1/departments", timeout=10).json()["items"]
    market = next(d["code"] for d in departments if "市场监督管理" in d["name"])
    created = _cli(server, "accounts", "create", "--role", "department", "--name", "市场监管科员", "--department", market)
    assert created.returncode == 0, created.stderr
    account = re.search(r"账户 (\d+)", created.stdout).group(1)
    assert _cli(server, "accounts", "password", "--account", account, "--login", "market.lists", stdin=PASSWORD + "\n").returncode == 0
    codes = [e["code"] for e in requests.get(server["base"] + "/api/v1/entities", params={"q": "济南"}, timeout=10).json()["items"]]
    code = next(c for c in codes if not requests.get(server["base"] + f"/api/v1/entities/{c}/listings", timeout=10).json()["items"])

    browser.delete_all_cookies()
    _sign_in(browser, server, "market.lists", PASSWORD)
    assert "market.lists" in browser.find_element(By.ID, "account-link").text or "市场监管科员" in browser.find_element(By.ID, "account-link").text
    browser.find_element(By.ID, "listings-link").click()
    # Only the lists this department keeps are offered.
    offered = [o.get_attribute("value") for o in browser.find_elements(By.CSS_SELECTOR, "#listing-list option")]
    assert offered == ["market-serious-violator", "food-safety-ban"]
    browser.find_element(By.ID, "listing-code").send_keys(code)
    browser.find_element(By.ID, "listing-number").send_keys("济市监严列〔2026〕页面1号")
    browser.find_element(By.ID, "listing-reason").send_keys("提供虚假材料取得许可，被吊销许可证")
    browser.find_element(By.ID, "listing-basis").send_keys("《市场监督管理严重违法失信名单管理办法》第二条")
    today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date()
    for field, day in (("listing-notice", today - datetime.timedelta(days=7)), ("listing-start", today)):
        browser.execute_script("arguments[0].value = arguments[1]", browser.find_element(By.ID, field), day.isoformat())
    browser.find_element(By.ID, "listing-button").click()
    assert "已列入" in browser.find_element(By.ID, "listings-done").text
    row = browser.find_element(By.CSS_SELECTOR, "#listings-table tbody tr")
    assert code in row.text and "有效" in row.text
    screenshots(browser, "57-department-listings")

    # The public sees it on the entity's page.
    browser.get(server["base"] + f"/entities/{code}")
    assert "市场监督管理严重违法失信名单" in browser.find_element(By.ID, "entity-listings").text
    screenshots(browser, "58-entity-listed")
    # Revoked (the decision annulled on review): gone from the page, kept as a version.
    browser.get(server["base"] + "/listings")
    form = browser.find_element(By.CSS_SELECTOR, "#listings-table .listing-end")
    form.find_element(By.CSS_SELECTOR, "select[name=outcome] option[value=revoked]").click()
    form.find_element(By.NAME, "reason").send_keys("行政复议撤销列入决定")
    form.find_element(By.TAG_NAME, "button").click()
    assert "撤销" in browser.find_element(By.ID, "listings-done").text
    browser.get(server["base"] + f"/entities/{code}")
    assert browser.find_elements(By.ID, "entity-no-listings")

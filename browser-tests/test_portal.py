"""What a person sees in a real browser: search the demo city in Chinese, open an entity, page on."""
import signal

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import replaced
from test_import_cli import _sql


def _some_enterprise(server):
    """An enterprise of the demo city, found the way any API client would."""
    body = requests.get(server["base"] + "/api/v1/entities", params={"q": "有限公司", "size": 5}, timeout=10).json()
    assert body["total"] > 0
    return body["items"][0]


def test_search_in_chinese_and_open_an_entity(server, browser, screenshots):
    entity = _some_enterprise(server)
    fragment = entity["name"][2:5]  # three characters from the middle of the name, e.g. 泰盛体

    browser.get(server["base"] + "/")
    assert browser.find_element(By.TAG_NAME, "h1").text == "信用信息公示查询"
    count = browser.find_element(By.ID, "entity-count").text
    assert count.replace(",", "") == "2000" or int(count.replace(",", "")) > 1000
    screenshots(browser, "01-home")

    box = browser.find_element(By.ID, "q")
    box.send_keys(fragment)
    box.send_keys(Keys.ENTER)
    assert f"“{fragment}”的查询结果" in browser.find_element(By.TAG_NAME, "h1").text
    names = [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".result-name")]
    assert entity["name"] in names
    assert all(fragment in n for n in names), names
    screenshots(browser, "02-search-results")

    browser.find_element(By.LINK_TEXT, entity["name"]).click()
    assert browser.find_element(By.ID, "entity-code").text == entity["code"]
    assert entity["name"] in browser.find_element(By.ID, "entity-name").text
    assert browser.find_element(By.ID, "entity-representative").text == entity["legalRepresentative"]["name"]
    page = browser.page_source
    assert "基本信息" in page and "主要人员" in page and "登记变更记录" in page
    screenshots(browser, "03-entity")


def test_paging_through_a_common_fragment(server, browser, screenshots):
    browser.get(server["base"] + "/")
    box = browser.find_element(By.ID, "q")
    box.send_keys("济南")
    browser.find_element(By.ID, "search-button").click()
    first = [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".result-name")]
    assert len(first) == 20
    pager = browser.find_element(By.CSS_SELECTOR, ".pager")
    browser.find_element(By.ID, "next-page").click()
    # Read the second page, not the first one's results while it is being replaced.
    WebDriverWait(browser, 10).until(replaced(pager))
    second = [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".result-name")]
    assert second and not set(first) & set(second)
    assert "第 2 /" in browser.find_element(By.CSS_SELECTOR, ".pager").text
    screenshots(browser, "04-second-page")


def test_a_one_character_search_is_explained(server, browser, screenshots):
    browser.get(server["base"] + "/search?q=%E6%B5%8E")
    assert "至少两个字" in browser.find_element(By.ID, "problem").text
    screenshots(browser, "05-too-short")


def test_an_unknown_code_shows_a_clear_page(server, browser, screenshots):
    browser.get(server["base"] + "/entities/91350100M000100Y43")
    assert "未找到" in browser.find_element(By.ID, "error-message").text
    browser.get(server["base"] + "/entities/91350100M000100Y4Z")
    assert "校验码应为“3”" in browser.find_element(By.ID, "error-message").text
    screenshots(browser, "06-invalid-code")


def test_the_server_signs_a_checkpoint_of_the_demo_city_when_it_starts(server):
    checkpoint = requests.get(server["base"] + "/api/v1/log/checkpoint", timeout=10).json()
    # It covers the demo city: its 2,000 entities and its departments' records, everything logged before it.
    before = dict(_sql(server, f"SELECT kind, count(*) FROM log_entries WHERE recorded_at <= '{checkpoint['time']}' GROUP BY kind"))
    assert int(before["entity-version"]) == 2000 and int(before["record-version"]) > 0
    assert checkpoint["size"] == sum(int(n) for n in before.values())
    assert len(checkpoint["rootHash"]) == 64 and checkpoint["signature"] and checkpoint["keyId"]

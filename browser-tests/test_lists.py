"""The public reads which red and black lists exist, on what basis, and whom their measures reach."""
import requests
from selenium.webdriver.common.by import By


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

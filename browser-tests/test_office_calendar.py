"""The credit office loads a year's holidays on the calendar page by pasting the State Council's notice.

The notice pasted is 2026's, as published —
the arrangement the platform ships — so loading it changes no clock and the other tests' figures stay as they are.
"""
import os

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from test_auth_pages import PASSWORD, _office_account, _sign_in

NOTICES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "holiday-notices")


def _submit(browser, button, answer):
    """Clicks a button of the form and waits for the element only the answer has (not for the old page to go stale:
    chromedriver sometimes answers that check with "Node … does not belong to the document")."""
    browser.find_element(By.ID, button).click()
    return WebDriverWait(browser, 10).until(expected_conditions.presence_of_element_located((By.ID, answer)))


def test_the_credit_office_loads_a_years_holidays_from_the_notice(server, browser, screenshots):
    _office_account(server, "office.calendar")
    browser.delete_all_cookies()
    _sign_in(browser, server, "office.calendar", PASSWORD)
    assert "office.calendar" in browser.find_element(By.ID, "account-link").text
    browser.find_element(By.ID, "calendar-link").click()
    years = {row.find_elements(By.TAG_NAME, "td")[0].text: row.find_elements(By.TAG_NAME, "td")[2].text
             for row in browser.find_elements(By.CSS_SELECTOR, "#calendar-years tbody tr")}
    assert "国务院办公厅关于2026年部分节假日安排的通知" in years["2026"]
    # Each year names its notice; where its text was checked is the cell's tooltip, not the page's text.
    assert years["2025"] == "国务院办公厅关于2025年部分节假日安排的通知（2024-11-12，新华社）"
    cell = browser.find_elements(By.CSS_SELECTOR, "#calendar-years tbody tr td:nth-child(3)")[0]
    assert "wikisource" in cell.get_attribute("title") and "wikisource" not in cell.text

    # The box for the notice spans the form: a notice is a page of text.
    box = browser.find_element(By.NAME, "notice")
    assert box.size["width"] >= 0.95 * browser.find_element(By.ID, "calendar-form").size["width"]
    assert box.size["height"] >= 200

    with open(os.path.join(NOTICES, "2026.txt"), encoding="utf-8") as f:
        notice = f.read()
    browser.execute_script("arguments[0].value = arguments[1]", box, notice)
    preview = _submit(browser, "calendar-preview-button", "calendar-preview").text
    assert "2026 年：全年 248 个工作日" in preview
    assert "春节 2026-02-15 至 2026-02-23 2026-02-14、2026-02-28" in preview
    assert not browser.find_elements(By.ID, "calendar-contradictions")
    screenshots(browser, "44-calendar-preview")

    # Loading it stores 2026 as published: the same days, so no clock changes.
    loaded = _submit(browser, "calendar-load-button", "calendar-loaded").text
    assert "已载入 2026 年节假日安排（全年 248 个工作日）" in loaded and "变化 0 条" in loaded
    rows = {row.find_elements(By.TAG_NAME, "td")[0].text: row.find_elements(By.TAG_NAME, "td")[2].text
            for row in browser.find_elements(By.CSS_SELECTOR, "#calendar-years tbody tr")}
    assert "由通知文本读入" in rows["2026"]
    screenshots(browser, "45-calendar-loaded")

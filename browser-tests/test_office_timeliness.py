"""The credit office reads the 7-working-day clock of the demo city's departments on the timeliness page.

"""
import datetime
import os

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import replaced
from test_auth_pages import PASSWORD, _cli, _office_account, _sign_in
from test_import_cli import _sql

HOLIDAYS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Sources", "CreditCore", "Resources", "holidays")


def _table(browser):
    """The page's rows summed by department: {name: (records, late)}."""
    figures = {}
    for row in browser.find_elements(By.CSS_SELECTOR, "#timeliness-table tbody tr"):
        cells = [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
        records, late = figures.get(cells[0], (0, 0))
        figures[cells[0]] = (records + int(cells[2].replace(",", "")), late + int(cells[3].replace(",", "")))  # 20,010
    return figures


def _database(server, start, end):
    """The same figures from the tables: records decided in the period, by department, and how many arrived late (of
    the categories with a clock: a court's list has none)."""
    rows = _sql(server, "SELECT d.name, count(*), sum(r.late) FROM records r JOIN departments d ON d.code = r.department_code "
                        f"WHERE r.clock_days IS NOT NULL AND r.decided_on >= '{start}' AND r.decided_on <= '{end}' GROUP BY d.name")
    return {name: (int(n), int(late)) for name, n, late in rows}


def test_the_credit_office_reads_the_departments_timeliness(server, browser, screenshots):
    _office_account(server, "office.timeliness")
    browser.delete_all_cookies()
    _sign_in(browser, server, "office.timeliness", PASSWORD)
    assert "office.timeliness" in browser.find_element(By.ID, "account-link").text  # signed in: the next page is the office's

    # By default the last 365 days, in Asia/Shanghai: the demo city's departments, some of their records late.
    today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date()
    browser.get(server["base"] + "/timeliness")
    browser.find_element(By.ID, "timeliness-table")
    shown = _table(browser)
    assert shown == _database(server, today - datetime.timedelta(days=364), today)
    assert "济南市市场监督管理局" in shown and sum(late for _, late in shown.values()) > 0
    # Withdrawals of revoked decisions, by the day revoked: the demo city sends some after their 3 working days.
    withdrawn = [(int(row.find_element(By.CLASS_NAME, "withdrawals").text), int(row.find_element(By.CLASS_NAME, "withdrawals-late").text))
                 for row in browser.find_elements(By.CSS_SELECTOR, "#timeliness-table tbody tr")]
    start = today - datetime.timedelta(days=364)
    stored = _sql(server, "SELECT count(*), sum(withdrawal_late) FROM records WHERE withdrawal_due_by IS NOT NULL "
                          f"AND revoked_on >= '{start}' AND revoked_on <= '{today}'")
    assert (sum(n for n, _ in withdrawn), sum(late for _, late in withdrawn)) == (int(stored[0][0]), int(stored[0][1] or 0))
    assert sum(n for n, _ in withdrawn) > 0
    screenshots(browser, "40-timeliness")

    # A shorter period, chosen on the page: fewer records, the same agreement with the tables.
    start = today - datetime.timedelta(days=90)
    field = browser.find_element(By.NAME, "from")
    browser.execute_script("arguments[0].value = arguments[1]", field, start.isoformat())
    before = browser.find_element(By.ID, "timeliness-table")
    browser.find_element(By.CSS_SELECTOR, "form.filters button").click()
    WebDriverWait(browser, 10).until(replaced(before))  # the new page, not the old one's rows
    assert f"from={start.isoformat()}" in browser.current_url
    narrower = _table(browser)
    assert narrower == _database(server, start, today)
    assert sum(n for n, _ in narrower.values()) < sum(n for n, _ in shown.values())
    screenshots(browser, "41-timeliness-90-days")

    # A late count leads to those records: the department's list, late only, the same period and category.
    link = browser.find_element(By.CSS_SELECTOR, "#timeliness-table a.late-records")
    count = int(link.text.replace(",", ""))
    link.click()
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("部门记录：")
    assert browser.find_element(By.ID, "department-records-total").text == f"共 {count:,} 条"
    rows = browser.find_elements(By.CSS_SELECTOR, "#department-records-table tbody tr")
    assert rows and all("逾期" in row.text for row in rows)
    screenshots(browser, "46-late-records")


def test_the_credit_office_reads_the_unmatched_records(server, browser, screenshots):
    """Records about codes the registry does not know: the demo city's traders from outside, on the office's page."""
    _office_account(server, "office.unmatched")
    browser.delete_all_cookies()
    _sign_in(browser, server, "office.unmatched", PASSWORD)
    browser.find_element(By.ID, "unmatched-link").click()
    table = browser.find_element(By.ID, "unmatched-table")
    shown = sorted((row.find_elements(By.TAG_NAME, "td")[0].text, row.find_elements(By.TAG_NAME, "td")[3].text)
                   for row in table.find_elements(By.CSS_SELECTOR, "tbody tr"))
    stored = sorted(_sql(server, "SELECT subject_code, document_number FROM records WHERE matched = 0"))
    assert shown == [tuple(row) for row in stored] and len(shown) > 0
    assert f"共 {len(shown)} 条" in browser.find_element(By.ID, "unmatched-count").text
    screenshots(browser, "42-unmatched")


def test_a_clock_counted_on_an_estimate_is_said_so(server, browser, screenshots):
    """A historic penalty (decided in 2013, before any holiday data the platform has): its clock is an estimate, and
    the timeliness page says which records and which year."""
    departments = requests.get(server["base"] + "/api/v1/departments", timeout=10).json()["items"]
    market = next(d for d in departments if "市场监督管理" in d["name"])
    created = _cli(server, "accounts", "create", "--role", "department", "--name", "历史数据录入员", "--department", market["code"])
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip().splitlines()[-1]
    entity = requests.get(server["base"] + "/api/v1/entities", params={"q": "有限公司", "size": 1}, timeout=10).json()["items"][0]
    penalty = {
        "category": "penalty", "subjectCode": entity["code"], "subjectName": entity["name"],
        "documentNumber": "济市监罚〔2013〕历史1号", "decidedOn": "2013-06-03", "content": "罚款人民币一万元",
        "basis": "《中华人民共和国产品质量法》第四十九条", "severity": "general", "punishmentKinds": "罚款",
    }
    response = requests.post(server["base"] + "/api/v1/records", json={"records": [penalty]},
                             headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert response.status_code == 200, response.text
    stored = response.json()["results"][0]
    assert stored["status"] == "accepted", stored
    record = requests.get(f"{server['base']}/api/v1/records/{stored['id']}", headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
    assert record["dueByEstimated"] is True and record["late"] is True

    _office_account(server, "office.estimates")
    browser.delete_all_cookies()
    _sign_in(browser, server, "office.estimates", PASSWORD)
    assert "office.estimates" in browser.find_element(By.ID, "account-link").text
    browser.get(server["base"] + "/timeliness?from=2013-01-01&to=2013-12-31")
    note = browser.find_element(By.ID, "timeliness-estimated").text
    # The years without an arrangement the period's clocks may run into, to next year: 2013–2022 and, until shipped, next year.
    shipped = {int(name[:4]) for name in os.listdir(HOLIDAYS)}
    today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date()
    missing = [year for year in range(2013, today.year + 2) if year not in shipped]
    spans = []
    for year in missing:
        if spans and spans[-1][1] + 1 == year:
            spans[-1][1] = year
        else:
            spans.append([year, year])
    named = "、".join(str(a) if a == b else f"{a}–{b}" for a, b in spans)
    assert "其中 1 条" in note and f"（{named}）" in note and "2013–2022" in named, note
    headers = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "#timeliness-table thead th")]
    assert headers[-1] == "期限为估算"
    rows = [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")] for row in browser.find_elements(By.CSS_SELECTOR, "#timeliness-table tbody tr")]
    # department, category, records, late, on time, delay, revoked, withdrawn late, estimated
    assert rows == [[market["name"], "行政处罚", "1", "1", "0.0%", rows[0][5], "0", "0", "1"]]
    screenshots(browser, "43-timeliness-estimated")


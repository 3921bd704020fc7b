"""An entity repairs its credit and objects on its page; the department that decided answers on its own page."""
import datetime
import re

import requests
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from test_auth_pages import _sign_in as sign_in
from test_file_upload import PASSWORD, _cli


def _account(server, role, name, login, **where):
    args = ["accounts", "create", "--role", role, "--name", name]
    for key, value in where.items():
        args += [f"--{key}", value]
    created = _cli(server, *args)
    assert created.returncode == 0, created.stderr
    account = re.search(r"账户 (\d+)", created.stdout).group(1)
    assert _cli(server, "accounts", "password", "--account", account, "--login", login, stdin=PASSWORD + "\n").returncode == 0
    return created.stdout.strip().splitlines()[-1]  # the token, shown once


def _sign_in(browser, server, login):
    browser.delete_all_cookies()
    sign_in(browser, server, login, PASSWORD)
    browser.find_element(By.ID, "repairs-link").click()


def _said(browser, element_id, words):
    """Waits for the page that answers a form (the one before it may carry the same notice): its notice holds `words`."""
    WebDriverWait(browser, 20, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda b: words in b.find_element(By.ID, element_id).text)


def test_an_entity_repairs_a_penalty_and_objects_to_another_and_the_department_answers(server, browser, screenshots):
    departments = requests.get(server["base"] + "/api/v1/departments", timeout=10).json()["items"]
    market = next(d for d in departments if "市场监督管理" in d["name"])
    clerk_token = _account(server, "department", "修复审核员", "market.repair", department=market["code"])
    codes = [e["code"] for e in requests.get(server["base"] + "/api/v1/entities", params={"q": "济南"}, timeout=10).json()["items"]]
    code = codes[7]
    today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date()
    # A general penalty decided four months ago (repair from the day after three months) and one decided last week.
    old, recent = (today - datetime.timedelta(days=125)).isoformat(), (today - datetime.timedelta(days=7)).isoformat()

    def penalty(number, decided):
        return {"category": "penalty", "subjectCode": code, "subjectName": "某公司", "documentNumber": number, "decidedOn": decided,
                "content": "罚款人民币五千元", "basis": "《中华人民共和国食品安全法》第一百二十六条", "severity": "general",
                "punishmentKinds": "罚款", "procedure": "ordinary"}
    sent = requests.post(server["base"] + "/api/v1/records", headers={"Authorization": f"Bearer {clerk_token}"},
                         json={"records": [penalty("济市监罚〔2026〕修复1号", old), penalty("济市监罚〔2026〕异议1号", recent)]}, timeout=10)
    assert sent.status_code == 200 and all(r["status"] == "accepted" for r in sent.json()["results"]), sent.text
    repaired_id, objected_id = (r["id"] for r in sent.json()["results"])
    _account(server, "entity", "某公司经办人", "entity.repair", entity=code)

    # The entity sees both, asks to repair the old one (the commitment ticked) and objects to the recent one.
    _sign_in(browser, server, "entity.repair")
    row = browser.find_element(By.ID, f"record-{repaired_id}")
    assert "济市监罚〔2026〕修复1号" in row.text
    row.find_element(By.CLASS_NAME, "repair-apply").find_element(By.TAG_NAME, "button").click()
    _said(browser, "repairs-problem", "信用修复承诺")  # without the commitment: refused
    browser.find_element(By.ID, f"record-{repaired_id}").find_element(By.CLASS_NAME, "repair-commitment").click()
    browser.find_element(By.ID, f"record-{repaired_id}").find_element(By.CLASS_NAME, "repair-apply").find_element(By.TAG_NAME, "button").click()
    _said(browser, "repairs-done", "修复申请")
    early = browser.find_element(By.ID, f"record-{objected_id}")
    early.find_element(By.CLASS_NAME, "repair-commitment").click()
    early.find_element(By.CLASS_NAME, "repair-apply").find_element(By.TAG_NAME, "button").click()
    _said(browser, "repairs-problem", "起可以申请信用修复")  # too early: the day is named
    objection = browser.find_element(By.ID, f"record-{objected_id}").find_element(By.CLASS_NAME, "objection-file")
    objection.find_element(By.NAME, "grounds").send_keys("处罚决定已被行政复议撤销")
    objection.find_element(By.TAG_NAME, "button").click()
    _said(browser, "repairs-done", "异议处理中")
    assert "异议处理中" in browser.find_element(By.ID, f"record-{objected_id}").text
    screenshots(browser, "61-entity-repair-and-objection")
    def ours():
        public = requests.get(f"{server['base']}/api/v1/entities/{code}/records", timeout=10).json()["items"]
        return {r["documentNumber"]: r["underObjection"] for r in public if r["id"] in (str(repaired_id), str(objected_id))}
    assert ours() == {"济市监罚〔2026〕修复1号": False, "济市监罚〔2026〕异议1号": True}

    # The market regulator approves the repair and upholds the objection's record, with reasons.
    _sign_in(browser, server, "market.repair")
    case = next(r for r in browser.find_elements(By.CSS_SELECTOR, "#repairs-cases tbody tr") if code in r.text)
    assert "办理中" in case.text
    form = case.find_element(By.CLASS_NAME, "repair-decide")
    form.find_element(By.NAME, "reason").send_keys("罚款已缴清，违法行为已改正")
    form.find_element(By.TAG_NAME, "button").click()
    _said(browser, "repairs-done", "已修复")
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "#objections-cases tbody tr") if f"记录 {objected_id}" in r.text)
    decide = row.find_element(By.CLASS_NAME, "objection-decide")
    decide.find_element(By.NAME, "reason").send_keys("经核查处罚决定未被撤销，原信息维持")
    decide.find_element(By.TAG_NAME, "button").click()
    _said(browser, "repairs-done", "维持原信息")
    screenshots(browser, "62-department-decided")

    assert ours() == {"济市监罚〔2026〕异议1号": False}
    browser.get(f"{server['base']}/entities/{code}")
    assert "济市监罚〔2026〕修复1号" not in browser.find_element(By.TAG_NAME, "body").text

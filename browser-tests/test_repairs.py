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


def _market_clerk(server, name, login):
    """A department account of the market regulator, and the demo city's entities in Jinan."""
    departments = requests.get(server["base"] + "/api/v1/departments", timeout=10).json()["items"]
    market = next(d for d in departments if "市场监督管理" in d["name"])
    token = _account(server, "department", name, login, department=market["code"])
    codes = [e["code"] for e in requests.get(server["base"] + "/api/v1/entities", params={"q": "济南"}, timeout=10).json()["items"]]
    return market, token, codes


def test_an_entity_repairs_a_penalty_and_objects_to_another_and_the_department_answers(server, browser, screenshots):
    _, clerk_token, codes = _market_clerk(server, "修复审核员", "market.repair")
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
    # The entity still finds it in its own file, as repaired.
    _sign_in(browser, server, "entity.repair")
    browser.find_element(By.CSS_SELECTOR, "#subject-file summary").click()
    assert "已修复" in browser.find_element(By.ID, f"file-{repaired_id}").find_element(By.CLASS_NAME, "file-state").text


def test_the_department_asks_for_more_material_the_entity_uploads_it_and_a_persons_objection_is_entered_for_them(
        server, browser, screenshots, tmp_path):
    market, clerk_token, codes = _market_clerk(server, "材料审核员", "market.material")
    code = codes[8]
    today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date()
    old, recent = (today - datetime.timedelta(days=125)).isoformat(), (today - datetime.timedelta(days=7)).isoformat()
    common = {"category": "penalty", "content": "罚款人民币三千元", "basis": "《中华人民共和国食品安全法》第一百二十六条",
              "severity": "general", "punishmentKinds": "罚款", "procedure": "ordinary"}
    sent = requests.post(server["base"] + "/api/v1/records", headers={"Authorization": f"Bearer {clerk_token}"}, json={"records": [
        dict(common, subjectCode=code, subjectName="某公司", documentNumber="济市监罚〔2026〕补正1号", decidedOn=old),
        dict(common, subjectIdNumber="11010519491231002X", subjectName="张三", documentNumber="济市监罚〔2026〕个人1号", decidedOn=recent),
    ]}, timeout=10)
    assert sent.status_code == 200 and all(r["status"] == "accepted" for r in sent.json()["results"]), sent.text
    record_id, person_record_id = (r["id"] for r in sent.json()["results"])
    entity_token = _account(server, "entity", "补正经办人", "entity.material", entity=code)

    _sign_in(browser, server, "entity.material")
    row = browser.find_element(By.ID, f"record-{record_id}")
    row.find_element(By.CLASS_NAME, "repair-commitment").click()
    row.find_element(By.CLASS_NAME, "repair-apply").find_element(By.TAG_NAME, "button").click()
    _said(browser, "repairs-done", "修复申请")

    # The department asks, once and in full, for what is missing.
    _sign_in(browser, server, "market.material")
    case = next(r for r in browser.find_elements(By.CSS_SELECTOR, "#repairs-cases tbody tr") if code in r.text)
    case_id = case.get_attribute("id").split("-")[1]
    ask = case.find_element(By.CLASS_NAME, "repair-request")
    ask.find_element(By.NAME, "reason").send_keys("请补充整改完成证明")
    ask.find_element(By.TAG_NAME, "button").click()
    _said(browser, "repairs-done", "待补正材料")
    assert not browser.find_element(By.ID, f"repair-{case_id}").find_elements(By.CLASS_NAME, "repair-request"), "asked once"

    # The entity uploads: a program renamed .pdf is refused by its content; the real PDF is kept.
    _sign_in(browser, server, "entity.material")
    fake, real = tmp_path / "整改证明.pdf", tmp_path / "整改完成证明.pdf"
    fake.write_bytes(b"MZ\x90\x00 not a pdf")
    real.write_bytes(b"%PDF-1.7\n% rectification done\n")
    supply = browser.find_element(By.ID, f"repair-{case_id}").find_element(By.CLASS_NAME, "repair-supply")
    supply.find_element(By.NAME, "files").send_keys(str(fake))
    supply.find_element(By.TAG_NAME, "button").click()
    WebDriverWait(browser, 20).until(lambda b: "不是 PDF" in b.find_element(By.CSS_SELECTOR, f"#repair-{case_id} .supply-result").text)
    supply = browser.find_element(By.ID, f"repair-{case_id}").find_element(By.CLASS_NAME, "repair-supply")
    supply.find_element(By.NAME, "files").clear()
    supply.find_element(By.NAME, "files").send_keys(str(real))
    supply.find_element(By.NAME, "reason").send_keys("整改已完成")
    supply.find_element(By.TAG_NAME, "button").click()
    WebDriverWait(browser, 20, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda b: "整改完成证明.pdf" in b.find_element(By.ID, f"repair-{case_id}").text)
    assert "办理中" in browser.find_element(By.ID, f"repair-{case_id}").find_element(By.CLASS_NAME, "repair-status").text
    link = browser.find_element(By.ID, f"repair-{case_id}").find_element(By.LINK_TEXT, "整改完成证明.pdf").get_attribute("href")
    download = requests.get(link, headers={"Authorization": f"Bearer {entity_token}"}, timeout=10)
    assert download.content == real.read_bytes() and download.headers["Content-Disposition"].startswith("attachment")
    screenshots(browser, "63-entity-supplied-material")

    # The department extends once, with its approval, and sees its deadlines; it enters a person's objection for them.
    _sign_in(browser, server, "market.material")
    extend = browser.find_element(By.ID, f"repair-{case_id}").find_element(By.CLASS_NAME, "repair-extend")
    extend.find_element(By.NAME, "approvedBy").send_keys("分管局长")
    extend.find_element(By.NAME, "reason").send_keys("需现场核查整改情况")
    extend.find_element(By.TAG_NAME, "button").click()
    _said(browser, "repairs-done", "答复期限")
    assert "分管局长" in browser.find_element(By.ID, f"repair-{case_id}").find_element(By.CLASS_NAME, "timeline").text
    assert browser.find_element(By.ID, f"deadline-{market['code']}").is_displayed()
    assert "PUT /api/v1/case-deadlines/webhook" in browser.find_element(By.ID, "reminder-push").text, "no push address set yet"
    behalf = browser.find_element(By.ID, "objection-on-behalf")
    behalf.find_element(By.NAME, "recordId").send_keys(str(person_record_id))
    behalf.find_element(By.NAME, "grounds").send_keys("本人未在该处经营，身份被冒用")
    behalf.find_element(By.TAG_NAME, "button").click()
    _said(browser, "repairs-problem", "身份核验")  # who they are and how they were identified come first
    behalf = browser.find_element(By.ID, "objection-on-behalf")
    behalf.find_element(By.NAME, "recordId").send_keys(str(person_record_id))
    behalf.find_element(By.NAME, "onBehalfOf").send_keys("张三")
    behalf.find_element(By.NAME, "identityCheck").send_keys("窗口查验居民身份证原件")
    behalf.find_element(By.NAME, "grounds").send_keys("本人未在该处经营，身份被冒用")
    behalf.find_element(By.TAG_NAME, "button").click()
    _said(browser, "repairs-done", "异议处理中")
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "#objections-cases tbody tr") if f"记录 {person_record_id}" in r.text)
    assert "代 张三 提出" in row.text and "11010519491231002X" not in browser.page_source
    screenshots(browser, "64-department-deadlines-and-objection-for-a-person")


def test_a_listed_entity_reads_its_notice_and_asks_to_leave_the_list_a_year_on(server, browser, screenshots):
    _, clerk_token, codes = _market_clerk(server, "名单管理员", "market.listing")
    code = codes[9]
    today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date()
    # Entered 400 days ago: the one-year minimum of serious dishonesty (国办发〔2025〕22号) has passed.
    starts = today - datetime.timedelta(days=400)
    entered = requests.post(server["base"] + "/api/v1/listings", headers={"Authorization": f"Bearer {clerk_token}"}, json={
        "list": "market-serious-violator", "subjectCode": code, "documentNumber": "济市监严〔2025〕名单1号",
        "reason": "未按责令改正决定停止销售不合格食品", "basis": "《市场监督管理严重违法失信名单管理办法》第二条",
        "startsOn": starts.isoformat(), "noticeServedOn": (starts - datetime.timedelta(days=5)).isoformat()}, timeout=10)
    assert entered.status_code == 201, entered.text
    listing_id = entered.json()["id"]
    _account(server, "entity", "名单经办人", "entity.listed", entity=code)

    _sign_in(browser, server, "entity.listed")
    row = browser.find_element(By.ID, f"listing-{listing_id}")
    assert "市场监督管理严重违法失信名单" in row.text and "济市监严〔2025〕名单1号" in row.text
    row.find_element(By.TAG_NAME, "summary").click()
    notice = row.find_element(By.TAG_NAME, "pre").text
    assert "信用修复告知书" in notice and "提前移出名单" in notice and "免费" in notice
    row.find_element(By.CLASS_NAME, "repair-commitment").click()
    row.find_element(By.CLASS_NAME, "repair-apply").find_element(By.TAG_NAME, "button").click()
    _said(browser, "repairs-done", "修复申请")
    case = next(r for r in browser.find_elements(By.CSS_SELECTOR, "#repairs-cases tbody tr") if f"列入 {listing_id}" in r.text)
    assert "办理中" in case.text
    screenshots(browser, "65-listed-entity-notice-and-repair")

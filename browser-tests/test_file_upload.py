"""A department's clerk uploads a GB18030 CSV with bad rows, sees each row's errors, and fixes one on the page.

"""
import datetime
import re
import subprocess

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

PASSWORD = "报送员 horse battery"


def _cli(server, *args, stdin=None):
    return subprocess.run([server["binary"], *args, "--database", server["database"]], input=stdin,
                          capture_output=True, text=True, cwd=server["cwd"], timeout=120)


def _clerk(server, department_words, name, login):
    """Creates a department clerk with a password; returns the department."""
    departments = requests.get(server["base"] + "/api/v1/departments", timeout=10).json()["items"]
    department = next(d for d in departments if department_words in d["name"])
    created = _cli(server, "accounts", "create", "--role", "department", "--name", name, "--department", department["code"])
    assert created.returncode == 0, created.stderr
    account = re.search(r"账户 (\d+)", created.stdout).group(1)
    assert _cli(server, "accounts", "password", "--account", account, "--login", login, stdin=PASSWORD + "\n").returncode == 0
    return department


def _sign_in_and_open_imports(server, browser, login):
    browser.delete_all_cookies()
    browser.get(server["base"] + "/login")
    browser.find_element(By.ID, "login").send_keys(login)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "login-submit").click()
    browser.find_element(By.ID, "imports-link").click()


def wrong_check_character(code):
    """The code with another check character: a typo the check character catches."""
    return code[:-1] + ("0" if code[-1] != "0" else "1")


def _submit_upload(browser):
    """Sends the chosen file and waits for the job to finish; returns the result line."""
    browser.find_element(By.ID, "import-submit").click()
    WebDriverWait(browser, 60).until(lambda b: b.find_element(By.ID, "import-result").get_attribute("data-status") == "done")
    return browser.find_element(By.ID, "import-result").text


def test_upload_a_gb18030_file_see_row_errors_and_fix_one(server, browser, screenshots, gb18030_file):
    _clerk(server, "住房和城乡建设", "住建报送员", "housing.clerk")

    entities = requests.get(server["base"] + "/api/v1/entities", params={"q": "有限公司", "size": 3}, timeout=10).json()["items"]
    decided = ((datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date() - datetime.timedelta(days=3)).isoformat()
    good, typo, other = entities[0]["code"], wrong_check_character(entities[1]["code"]), entities[2]["code"]
    text = (
        "行政相对人名称,统一社会信用代码,行政处罚决定书文号,处罚决定日期,处罚内容,处罚依据,失信程度,处罚类别\n"
        f"{entities[0]['name']},{good},济建罚〔2026〕11号,{decided},罚款人民币五万元,《建筑法》第六十四条,一般,罚款\n"
        f"{entities[1]['name']},{typo},济建罚〔2026〕12号,{decided},罚款人民币二万元,《建筑法》第六十五条,一般,罚款\n"
        f"{entities[2]['name']},{other},济建罚〔2026〕13号,2099-01-01,罚款,《建筑法》,一般,罚款\n"
    )
    path = gb18030_file("住建处罚-GB18030.csv", text)

    _sign_in_and_open_imports(server, browser, "housing.clerk")
    # The upload page links to the catalogue, which names every column of the file's header for penalties.
    browser.find_element(By.ID, "catalogue-link").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "公共信用信息目录"
    penalty = browser.find_element(By.ID, "category-penalty").text
    assert all(column in penalty for column in text.splitlines()[0].split(",")), penalty
    screenshots(browser, "29-catalogue")
    browser.back()
    browser.find_element(By.ID, "import-file").send_keys(path)
    screenshots(browser, "30-upload-chosen")
    result = _submit_upload(browser)
    assert "新增 1" in result and "退回 2" in result, result
    assert browser.find_element(By.ID, "import-progress").get_attribute("value") == "100"
    # The list of recent uploads below shows the file, done, with its counts.
    WebDriverWait(browser, 10).until(
        lambda b: b.find_element(By.CSS_SELECTOR, "tr.import-job").get_attribute("data-status") == "done")
    job = browser.find_element(By.CSS_SELECTOR, "tr.import-job")
    assert "住建处罚-GB18030.csv" in job.text and "完成" in job.find_element(By.CLASS_NAME, "job-status").text
    assert job.find_element(By.CLASS_NAME, "job-accepted").text == "1" and job.find_element(By.CLASS_NAME, "job-rejected").text == "2"
    screenshots(browser, "31-upload-done")

    browser.find_element(By.ID, "import-rejections").click()
    rows = browser.find_elements(By.CSS_SELECTOR, "article.rejection")
    assert len(rows) == 2
    assert "第 3 行" in rows[0].text and "校验码" in rows[0].text
    assert "第 4 行" in rows[1].text and "晚于今天" in rows[1].text
    # Where each row came from and when, as the clerk reads it: the upload, in Beijing time.
    assert "上传文件" in rows[0].text and re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）", rows[0].text)
    assert browser.find_element(By.ID, "rejections-total").text.startswith("共 2 条待改正")
    screenshots(browser, "32-rejections")

    # Fix the typo in the credit code of line 3 and send it again.
    code_input = rows[0].find_element(By.CSS_SELECTOR, "input[name=subjectCode]")
    assert code_input.get_attribute("value") == typo
    assert Select(rows[0].find_element(By.NAME, "severity")).first_selected_option.text == "一般"  # as sent, one of three
    code_input.clear()
    code_input.send_keys(entities[1]["code"])
    rows[0].find_element(By.CSS_SELECTOR, "form.correction button").click()
    assert "第 3 行已改正并入库" in browser.find_element(By.ID, "rejections-notice").text
    remaining = browser.find_elements(By.CSS_SELECTOR, "article.rejection")
    assert len(remaining) == 1 and "第 4 行" in remaining[0].text
    screenshots(browser, "33-rejection-fixed")

    published = requests.get(f"{server['base']}/api/v1/entities/{entities[1]['code']}/records", timeout=10).json()["items"]
    assert "济建罚〔2026〕12号" in [r["documentNumber"] for r in published]

    # The department finds both stored penalties among its own records, and opens the corrected one.
    browser.find_element(By.ID, "department-records-link").click()
    listed = browser.find_element(By.ID, "department-records-table").text
    assert "济建罚〔2026〕11号" in listed and "济建罚〔2026〕12号" in listed and "公示中" in listed
    screenshots(browser, "37-department-records")
    browser.find_element(By.LINK_TEXT, "济建罚〔2026〕12号").click()
    assert browser.find_element(By.ID, "record-state").text == "公示中"
    assert "第 1 版" in browser.find_element(By.ID, "version-1").text and entities[1]["code"] in browser.find_element(By.ID, "version-1").text
    screenshots(browser, "38-department-record")


def test_the_registering_department_uploads_a_registration_file_and_fixes_a_row(server, browser, screenshots, gb18030_file, credit_code):
    _clerk(server, "市场监督管理", "登记科员", "market.clerk")
    new, fixed = credit_code("91370102MA7BR001"), credit_code("91370102MA7BR002")
    text = (
        "统一社会信用代码,主体名称,主体类型,行政区划代码,行业代码,成立日期,法定代表人,法定代表人证件号码,变更原因\n"
        f"{new},济南浏览器登记有限公司,企业,370102,65,2025-06-01,张三,11010519491231002X,\n"
        f"{wrong_check_character(fixed)},济南改正登记有限公司,企业,370102,65,2025-06-02,李四,11010519491231002X,\n"
    )
    path = gb18030_file("登记-GB18030.csv", text)

    _sign_in_and_open_imports(server, browser, "market.clerk")
    Select(browser.find_element(By.ID, "import-category")).select_by_value("registration")
    browser.find_element(By.ID, "import-file").send_keys(path)
    result = _submit_upload(browser)
    assert "新增 1" in result and "退回 1" in result, result
    screenshots(browser, "34-registration-uploaded")

    browser.find_element(By.ID, "import-rejections").click()
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "article.rejection") if "主体登记信息" in r.text)
    assert "第 3 行" in row.text and "校验码" in row.text
    code_input = row.find_element(By.CSS_SELECTOR, "input[name=code]")
    code_input.clear()
    code_input.send_keys(fixed)
    screenshots(browser, "35-registration-correcting")
    row.find_element(By.CSS_SELECTOR, "form.correction button").click()
    assert "第 3 行已改正并入库" in browser.find_element(By.ID, "rejections-notice").text

    browser.get(f"{server['base']}/entities/{fixed}")
    assert "济南改正登记有限公司" in browser.find_element(By.TAG_NAME, "body").text
    assert "11010519491231002X" not in browser.page_source
    screenshots(browser, "36-registered-entity")
    assert requests.get(f"{server['base']}/api/v1/entities/{new}", timeout=10).json()["name"] == "济南浏览器登记有限公司"


def test_a_department_uploads_its_listing_decisions_and_fixes_a_refused_row(server, browser, screenshots, gb18030_file):
    _clerk(server, "市场监督管理", "名单科员", "market.listfile")
    codes = [e["code"] for e in requests.get(server["base"] + "/api/v1/entities", params={"q": "济南"}, timeout=10).json()["items"]]
    clean = [c for c in codes if not requests.get(f"{server['base']}/api/v1/entities/{c}/listings", timeout=10).json()["items"]][:2]
    today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date()
    notice = today - datetime.timedelta(days=7)
    text = (
        "名单代码,统一社会信用代码,身份证号码,自然人姓名,列入决定文书号,列入事由,列入依据,列入日期,届满日期,告知送达日期,禁入行业\n"
        f"market-serious-violator,{clean[0]},,,济市监严〔2026〕文件1号,提供虚假材料,《市场监督管理严重违法失信名单管理办法》第二条,"
        f"{today.year}/{today.month}/{today.day},,{notice.year}年{notice.month}月{notice.day}日,\n"
        f"market-serious-violator,{clean[1]},,,济市监严〔2026〕文件2号,拒不履行,《市场监督管理严重违法失信名单管理办法》第二条,{today},,,\n"
    )
    path = gb18030_file("列入决定-GB18030.csv", text)

    _sign_in_and_open_imports(server, browser, "market.listfile")
    Select(browser.find_element(By.ID, "import-category")).select_by_value("listing")
    browser.find_element(By.ID, "import-file").send_keys(path)
    result = _submit_upload(browser)
    assert "新增 1" in result and "退回 1" in result, result
    screenshots(browser, "59-listing-file-uploaded")
    listed = requests.get(f"{server['base']}/api/v1/entities/{clean[0]}/listings", timeout=10).json()["items"]
    assert [l["documentNumber"] for l in listed] == ["济市监严〔2026〕文件1号"]

    # The second row was refused for want of prior notice; the clerk adds the day it was served.
    browser.find_element(By.ID, "import-rejections").click()
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "article.rejection") if "列入名单决定" in r.text)
    assert "第 3 行" in row.text and "告知" in row.text
    row.find_element(By.CSS_SELECTOR, "input[name=noticeServedOn]").send_keys(notice.isoformat())
    screenshots(browser, "60-listing-row-correcting")
    row.find_element(By.CSS_SELECTOR, "form.correction button").click()
    assert "第 3 行已改正并入库" in browser.find_element(By.ID, "rejections-notice").text

    browser.get(f"{server['base']}/entities/{clean[1]}")
    assert "市场监督管理严重违法失信名单" in browser.find_element(By.ID, "entity-listings").text


def test_a_file_in_the_departments_own_columns_is_mapped_once_and_the_next_imports_without_asking(server, browser, screenshots, gb18030_file):
    _clerk(server, "交通运输", "交通报送员", "transport.clerk")
    entities = requests.get(server["base"] + "/api/v1/entities", params={"q": "有限公司", "size": 2}, timeout=10).json()["items"]
    decided = ((datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date() - datetime.timedelta(days=3)).isoformat()
    # The bureau's own template: some names are the standard's, some only alike, some nothing like it.
    header = "企业名称,信用代码,处罚决定书编号,违法行为,处罚依据,处罚种类,处罚结果,决定日期,失信程度,经办人\n"

    def row(entity, number):
        return f"{entity['name']},{entity['code']},{number},超限运输,《公路法》第七十六条,罚款,罚款人民币三千元,{decided},一般,赵六\n"

    first = gb18030_file("交通处罚-十一月.csv", header + row(entities[0], "济交罚〔2026〕51号"))
    second = gb18030_file("交通处罚-十二月.csv", header + row(entities[1], "济交罚〔2026〕52号"))

    _sign_in_and_open_imports(server, browser, "transport.clerk")
    assert not browser.find_element(By.ID, "mapping-saved").is_displayed()
    browser.find_element(By.ID, "import-file").send_keys(first)
    browser.find_element(By.ID, "import-submit").click()
    panel = browser.find_element(By.ID, "mapping-panel")
    WebDriverWait(browser, 60).until(lambda b: panel.is_displayed())
    assert "不认识的列" in browser.find_element(By.ID, "mapping-reason").text
    rows = {r.find_element(By.CLASS_NAME, "mapping-column").text: r for r in browser.find_elements(By.CSS_SELECTOR, "tr.mapping-row")}
    assert list(rows) == header.strip().split(",")

    def choice(column):
        return Select(rows[column].find_element(By.TAG_NAME, "select"))

    # Proposed: the catalogue's own names, and names alike enough, each saying why; the rest left to the clerk.
    assert choice("处罚种类").first_selected_option.text == "处罚类别 *"
    assert choice("信用代码").first_selected_option.text == "统一社会信用代码"
    assert rows["信用代码"].find_element(By.CLASS_NAME, "mapping-basis").text == "名称相近，请确认"
    assert choice("经办人").first_selected_option.text == "请选择"
    missing = browser.find_element(By.ID, "mapping-missing")
    assert "行政相对人名称" in missing.text and "处罚内容" in missing.text
    screenshots(browser, "39-mapping-proposed")

    choice("企业名称").select_by_value("subjectName")
    choice("处罚结果").select_by_value("content")
    choice("经办人").select_by_value("__ignore")
    assert not missing.is_displayed()
    screenshots(browser, "40-mapping-chosen")
    browser.find_element(By.ID, "mapping-save").click()
    WebDriverWait(browser, 60).until(lambda b: b.find_element(By.ID, "import-result").get_attribute("data-status") == "done")
    assert "新增 1" in browser.find_element(By.ID, "import-result").text
    assert not panel.is_displayed()
    saved = browser.find_element(By.ID, "mapping-saved")
    WebDriverWait(browser, 10).until(lambda b: saved.is_displayed())
    assert "企业名称 → 行政相对人名称" in saved.text and "经办人 → 忽略" in saved.text
    screenshots(browser, "41-mapping-saved")

    # The next file of the bureau: read by the saved mapping, without asking.
    browser.find_element(By.ID, "import-file").clear()
    browser.find_element(By.ID, "import-file").send_keys(second)
    result = _submit_upload(browser)
    assert "新增 1" in result and "按本部门保存的列对应读取" in result, result
    assert not panel.is_displayed()
    screenshots(browser, "42-mapped-upload")
    for entity, number in [(entities[0], "济交罚〔2026〕51号"), (entities[1], "济交罚〔2026〕52号")]:
        published = requests.get(f"{server['base']}/api/v1/entities/{entity['code']}/records", timeout=10).json()["items"]
        assert number in [r["documentNumber"] for r in published]

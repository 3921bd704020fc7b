"""An entity issues its special credit report, prints it on A4, and anyone verifies it by its number; a changed copy fails."""
import base64
import subprocess

import requests
from selenium.webdriver.common.by import By

from test_auth_pages import _sign_in as sign_in
from test_file_upload import PASSWORD
from test_repairs import _account


def test_an_entity_prints_its_report_and_anyone_verifies_it(server, browser, screenshots, tmp_path):
    base = server["base"]
    # An entity with a penalty in public view, so that the report has something in its first section.
    penalties = requests.get(base + "/api/v1/records", params={"category": "penalty", "size": 50}, timeout=10).json()["items"]
    code = next(r["subjectCode"] for r in penalties if r.get("subjectCode"))
    token = _account(server, "entity", "报告经办人", "entity.report", entity=code)
    browser.delete_all_cookies()
    sign_in(browser, server, "entity.report", PASSWORD)
    browser.find_element(By.ID, "reports-link").click()
    browser.find_element(By.CSS_SELECTOR, "#report-issue button").click()  # the last three years, the default
    number = browser.find_element(By.ID, "report-number").text
    assert number.startswith("XYBG")
    report = browser.find_element(By.ID, "credit-report").text
    for title in ("行政处罚信息（含简易程序）", "行政强制信息", "严重失信主体名单信息", "刑事裁判信息", "信用承诺及履约情况"):
        assert title in report
    assert "无" in report and f"{base}/reports/verify?number={number}" in report
    # The printed code is the verification address, as a phone's reader (zbar) reads it.
    qr = tmp_path / "qr.png"
    browser.find_element(By.CSS_SELECTOR, "#report-qr svg").screenshot(str(qr))
    read = subprocess.run(["zbarimg", "--raw", "-q", str(qr)], capture_output=True, text=True, timeout=60)
    assert read.stdout.strip() == f"{base}/reports/verify?number={number}", read.stdout + read.stderr
    assert browser.find_elements(By.CSS_SELECTOR, ".report-section table"), "its penalties are listed"
    # As printed: the page in print media, and the PDF Chromium makes of it (A4).
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    screenshots(browser, "69-credit-report-as-printed")
    pdf = base64.b64decode(browser.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69})["data"])
    assert pdf.startswith(b"%PDF")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})

    # Anyone, signed in or not, checks it by its number.
    browser.delete_all_cookies()
    browser.get(f"{base}/reports/verify?number={number}")
    assert "真实有效" in browser.find_element(By.ID, "verify-result").text
    screenshots(browser, "70-credit-report-verified")
    issued = requests.get(f"{base}/api/v1/reports/{number}", headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
    copy = {k: v for k, v in issued.items() if k not in ("digest", "signature", "keyId", "verifyAt")}
    assert requests.post(f"{base}/api/v1/reports/{number}/verify", json=copy, timeout=10).json()["valid"] is True
    copy["subject"]["name"] = copy["subject"]["name"][:-1] + "司" if not copy["subject"]["name"].endswith("司") else copy["subject"]["name"][:-1] + "厂"
    changed = requests.post(f"{base}/api/v1/reports/{number}/verify", json=copy, timeout=10).json()
    assert changed["valid"] is False and changed["problems"]
    browser.get(f"{base}/reports/verify?number=XYBG20260101999999")
    assert "未通过核验" in browser.find_element(By.ID, "verify-result").text

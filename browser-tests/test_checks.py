"""An approval officer checks bidders on the /checks page, prints the result with its receipts; anyone verifies a
receipt on the public page, and offline with the platform's public key alone."""
import base64
import hashlib
import json
import re

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_auth_pages import PASSWORD, _cli, _sign_in


def _canonical(value):
    """The bytes the platform hashes and signs (docs/lists-and-checks.md): sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _verify_offline(check, public_key):
    """True when the receipt's signature holds for `public_key` and the answer is the one signed."""
    answer = {k: v for k, v in check.items() if k != "receipt"}
    receipt = dict(check["receipt"])
    signature = base64.b64decode(receipt.pop("signature"))
    if receipt["answerDigest"] != "sha256:" + hashlib.sha256(_canonical(answer)).hexdigest():
        return False
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key)).verify(signature, _canonical(receipt))
        return True
    except Exception:
        return False


def _accounts(server):
    departments = requests.get(server["base"] + "/api/v1/departments", timeout=10).json()["items"]
    market = next(d["code"] for d in departments if "市场监督管理" in d["name"])
    clerk = _cli(server, "accounts", "create", "--role", "department", "--name", "市场监管科员", "--department", market)
    assert clerk.returncode == 0, clerk.stderr
    created = _cli(server, "accounts", "create", "--role", "approver", "--name", "采购审批员")
    assert created.returncode == 0, created.stderr
    account = re.search(r"账户 (\d+)", created.stdout).group(1)
    result = _cli(server, "accounts", "password", "--account", account, "--login", "approver.checks", stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    return clerk.stdout.strip().splitlines()[-1]


def test_an_approver_checks_bidders_prints_and_anyone_verifies_the_receipt(server, browser, screenshots):
    token = _accounts(server)
    bidders = [e["code"] for e in requests.get(server["base"] + "/api/v1/entities", params={"q": "济南"}, timeout=10).json()["items"]]
    listed, clean = None, None
    for code in bidders:
        items = requests.get(server["base"] + f"/api/v1/entities/{code}/listings", timeout=10).json()["items"]
        if not items and listed is None:
            listed = code
        elif not items and clean is None:
            clean = code
    # The market regulator lists the first bidder (as a department's system would).
    entered = requests.post(
        server["base"] + "/api/v1/listings",
        headers={"Authorization": "Bearer " + token},
        json={"list": "market-serious-violator", "subjectCode": listed, "documentNumber": "济市监严列〔2026〕浏览器1号",
              "reason": "提供虚假材料骗取许可，被吊销许可证", "basis": "《市场监督管理严重违法失信名单管理办法》第二条",
              "startsOn": "2026-11-02", "noticeServedOn": "2026-10-26"},
        timeout=10,
    )
    assert entered.status_code == 201, entered.text

    browser.delete_all_cookies()
    _sign_in(browser, server, "approver.checks", PASSWORD)
    assert "采购审批员" in browser.find_element(By.ID, "account-link").text  # signed in before going on
    browser.find_element(By.ID, "checks-link").click()
    Select(browser.find_element(By.ID, "check-scenario")).select_by_value("government-procurement")
    browser.find_element(By.ID, "check-purpose").send_keys("某项目开标资格审查")
    browser.find_element(By.ID, "check-subjects").send_keys(listed + "\n" + clean)
    browser.find_element(By.ID, "check-button").click()
    results = browser.find_elements(By.CLASS_NAME, "check-result")
    assert len(results) == 2
    assert results[0].find_elements(By.CLASS_NAME, "check-listed") and "限制参加政府采购活动" in results[0].text
    assert results[1].find_elements(By.CLASS_NAME, "check-clean") and "未被列入任何名单" in results[1].text
    screenshots(browser, "53-checks")
    assert "经 legal-representative" not in results[0].text and results[0].find_elements(By.CLASS_NAME, "check-listings")
    assert browser.find_element(By.ID, "print-button").is_displayed()
    # Printed: the form goes, the results and receipts stay.
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert not browser.find_element(By.ID, "check-form").is_displayed()
    assert all(r.is_displayed() for r in browser.find_elements(By.CLASS_NAME, "check-receipt"))
    pdf = base64.b64decode(browser.execute_cdp_cmd("Page.printToPDF", {})["data"])
    assert pdf.startswith(b"%PDF")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "screen"})

    shown = results[0].find_element(By.CLASS_NAME, "check-json").get_attribute("textContent")
    check = json.loads(shown)
    assert check["result"] == "listed" and check["subject"]["code"] == listed
    # The approval's feedback (奖惩反馈), on the check's own page.
    results[0].find_element(By.CLASS_NAME, "check-link").click()
    browser.find_element(By.ID, "feedback-case").send_keys("济采〔2026〕浏览器1号")
    browser.find_element(By.ID, "feedback-button").click()
    assert "济采〔2026〕浏览器1号" in browser.find_element(By.CLASS_NAME, "check-feedback").text
    assert not browser.find_elements(By.ID, "feedback-form"), "fed back once"
    screenshots(browser, "56-check-feedback")

    # Offline: the receipt holds for the key the platform publishes, and fails once one byte of the answer changes.
    platform_key = check["receipt"]["publicKey"]
    assert _verify_offline(check, platform_key)
    assert not _verify_offline(dict(check, purpose=check["purpose"] + "。"), platform_key)

    # Someone shown the result verifies it on the public page, signed out.
    browser.delete_all_cookies()
    browser.get(server["base"] + "/")
    browser.find_element(By.ID, "footer-verify").click()
    assert browser.find_element(By.ID, "platform-key").text == platform_key

    def verify(document):
        box = browser.find_element(By.ID, "verify-document")
        browser.execute_script("arguments[0].value = arguments[1]", box, document)
        browser.find_element(By.ID, "verify-button").click()

    verify(shown)
    assert browser.find_elements(By.ID, "verify-valid"), browser.find_element(By.ID, "verify-outcome").text
    assert check["checkId"] in browser.find_element(By.ID, "verify-outcome").text
    screenshots(browser, "54-check-verified")
    verify(shown.replace('"listed"', '"lister"'))
    assert browser.find_elements(By.ID, "verify-invalid")
    assert "已被改动" in browser.find_element(By.ID, "verify-outcome").text
    screenshots(browser, "55-check-altered")
    # By its id alone.
    browser.execute_script("arguments[0].value = ''", browser.find_element(By.ID, "verify-document"))
    browser.find_element(By.ID, "verify-id").send_keys(check["checkId"])
    browser.find_element(By.ID, "verify-button").click()
    assert browser.find_elements(By.ID, "verify-valid")

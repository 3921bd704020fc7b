"""An entity signs a commitment on its template; the department finds it not performed; the gate then refuses it."""
import base64

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from test_repairs import _account, _said
from test_auth_pages import _sign_in as sign_in
from test_file_upload import PASSWORD


def _open(browser, server, login):
    browser.delete_all_cookies()
    sign_in(browser, server, login, PASSWORD)
    browser.find_element(By.ID, "commitments-link").click()


def test_an_entity_signs_the_department_finds_it_broken_and_the_gate_refuses_it(server, browser, screenshots):
    base = server["base"]
    departments = requests.get(base + "/api/v1/departments", timeout=10).json()["items"]
    market = next(d for d in departments if "市场监督管理" in d["name"])
    clerk = {"Authorization": "Bearer " + _account(server, "department", "住所核查员", "market.commit", department=market["code"])}
    codes = [e["code"] for e in requests.get(base + "/api/v1/entities", params={"q": "济南"}, timeout=10).json()["items"]]

    def gate(code):
        answer = requests.get(base + "/api/v1/commitments/eligibility", headers=clerk, params={"code": code, "item": "business-premises"}, timeout=10)
        assert answer.status_code == 200, answer.text
        return answer.json()
    code = next(c for c in codes[10:] if gate(c)["eligible"])
    _account(server, "entity", "承诺经办人", "entity.commit", entity=code)

    _open(browser, server, "entity.commit")
    item = browser.find_element(By.ID, "item-business-premises")
    item.find_element(By.TAG_NAME, "summary").click()
    assert "{{address}}" in item.find_element(By.CLASS_NAME, "template").text, "the template it signs is shown"
    item.find_element(By.NAME, "field.address").send_keys("济南市历下区泺源大街 1 号")
    item.find_element(By.TAG_NAME, "button").click()
    _said(browser, "commitments-done", "已签署")
    row = browser.find_element(By.CSS_SELECTOR, "#commitments-list tbody tr")
    commitment_id = row.get_attribute("id").split("-")[1]
    assert "待核查" in row.text
    row.find_element(By.TAG_NAME, "summary").click()
    assert "济南市历下区泺源大街 1 号" in row.find_element(By.TAG_NAME, "pre").text
    screenshots(browser, "66-entity-signed-a-commitment")
    # A voluntary public commitment is published on the entity's page; the one in place of proof is not.
    public = browser.find_element(By.ID, "item-public-integrity")
    public.find_element(By.TAG_NAME, "summary").click()
    public.find_element(By.TAG_NAME, "button").click()
    _said(browser, "commitments-done", "已签署")
    browser.get(f"{base}/entities/{code}")
    shown = browser.find_element(By.ID, "public-commitments").text
    assert "主动公开信用承诺" in shown and "住所（经营场所）" not in shown

    _open(browser, server, "market.commit")
    row = browser.find_element(By.ID, f"commitment-{commitment_id}")
    form = row.find_element(By.CLASS_NAME, "commitment-verify")
    form.find_element(By.CSS_SELECTOR, "option[value='not-fulfilled']").click()
    form.find_element(By.NAME, "reason").send_keys("实地核查：该地址为居民住宅，未办理住改商手续")
    form.find_element(By.TAG_NAME, "button").click()
    _said(browser, "commitments-done", "已记入失信信息")
    assert "未履约" in browser.find_element(By.ID, f"commitment-{commitment_id}").find_element(By.CLASS_NAME, "commitment-state").text
    screenshots(browser, "67-department-found-it-not-performed")

    # From now on the gate refuses the entity, naming the record; its receipt is signed with the platform's key.
    refused = gate(code)
    assert not refused["eligible"] and [r["code"] for r in refused["reasons"]] == ["commitment_breach_unrepaired"]
    receipt = refused["receipt"]
    key = requests.get(base + "/api/v1/log/checkpoint", timeout=10).json()["publicKey"]
    signed = f"credit-platform commitment-eligibility v1\n{receipt['checkId']}\n{receipt['issuedAt']}\n{receipt['checker']}\n{receipt['answerDigest']}\n"
    Ed25519PublicKey.from_public_bytes(base64.b64decode(key)).verify(base64.b64decode(receipt["signature"]), signed.encode())
    public = requests.get(f"{base}/api/v1/entities/{code}/records", timeout=10).json()["items"]
    assert any(r["category"] == "commitment-breach" for r in public), "the breach is in the entity's public file"


def test_an_entity_declares_an_honour_with_its_certificate_and_the_department_accepts_it(server, browser, screenshots, tmp_path):
    base = server["base"]
    departments = requests.get(base + "/api/v1/departments", timeout=10).json()["items"]
    market = next(d for d in departments if "市场监督管理" in d["name"])
    _account(server, "department", "申报审核员", "market.voluntary", department=market["code"])
    code = [e["code"] for e in requests.get(base + "/api/v1/entities", params={"q": "济南"}, timeout=10).json()["items"]][12]
    entity_token = _account(server, "entity", "申报经办人", "entity.voluntary", entity=code)
    certificate = tmp_path / "荣誉证书.pdf"
    certificate.write_bytes(b"%PDF-1.7\n% honour certificate\n")

    _open(browser, server, "entity.voluntary")
    form = browser.find_element(By.ID, "voluntary-submit")
    form.find_element(By.CSS_SELECTOR, "option[value='honour']").click()
    form.find_element(By.CSS_SELECTOR, f"option[value='{market['code']}']").click()
    form.find_element(By.NAME, "title").send_keys("守合同重信用企业")
    form.find_element(By.NAME, "content").send_keys("2025 年度济南市守合同重信用企业")
    form.find_element(By.NAME, "files").send_keys(str(certificate))
    form.find_element(By.TAG_NAME, "button").click()
    WebDriverWait(browser, 20, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda b: "守合同重信用企业" in b.find_element(By.ID, "voluntary-list").text)
    row = browser.find_element(By.CSS_SELECTOR, "#voluntary-list tbody tr")
    submission = row.get_attribute("id").split("-")[1]
    assert "待审核" in row.text
    link = row.find_element(By.LINK_TEXT, "荣誉证书.pdf").get_attribute("href")
    download = requests.get(link, headers={"Authorization": f"Bearer {entity_token}"}, timeout=10)
    assert download.content == certificate.read_bytes() and download.headers["Content-Disposition"].startswith("attachment")

    _open(browser, server, "market.voluntary")
    review = browser.find_element(By.ID, f"voluntary-{submission}").find_element(By.CLASS_NAME, "voluntary-review")
    review.find_element(By.NAME, "reason").send_keys("经核对荣誉文件属实")
    review.find_element(By.TAG_NAME, "button").click()
    _said(browser, "commitments-done", "已采纳")
    screenshots(browser, "68-department-accepted-voluntary-information")

    _open(browser, server, "entity.voluntary")
    assert "已采纳（自主申报）" in browser.find_element(By.ID, f"voluntary-{submission}").find_element(By.CLASS_NAME, "voluntary-status").text

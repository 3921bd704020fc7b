"""A department submits records over the API; the public sees the published one on the entity's page.

"""
import datetime
import re
import subprocess

import requests
from selenium.webdriver.common.by import By


def _department_token(server):
    departments = requests.get(server["base"] + "/api/v1/departments", timeout=10).json()["items"]
    market = next(d for d in departments if "市场监督管理" in d["name"])
    created = subprocess.run(
        [server["binary"], "accounts", "create", "--database", server["database"], "--role", "department",
         "--name", "市场监管科员", "--department", market["code"]],
        capture_output=True, text=True, cwd=server["cwd"], timeout=120,
    )
    assert created.returncode == 0, created.stderr
    return created.stdout.strip().splitlines()[-1]


def test_a_submitted_penalty_appears_on_the_entity_page(server, browser, screenshots):
    token = _department_token(server)
    entity = requests.get(server["base"] + "/api/v1/entities", params={"q": "有限公司", "size": 1}, timeout=10).json()["items"][0]
    # Two days ago in Asia/Shanghai: the server runs on the real clock, so the dates follow it.
    decided = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date() - datetime.timedelta(days=2)
    penalty = {
        "category": "penalty", "subjectCode": entity["code"], "subjectName": entity["name"],
        "documentNumber": "济市监罚〔2026〕浏览器1号", "decidedOn": decided.isoformat(), "content": "罚款人民币二万元",
        "basis": "《中华人民共和国产品质量法》第四十九条", "severity": "general", "punishmentKinds": "罚款", "amountFen": 2000000,
    }
    # The demo city's departments have decided about some entities already: count what is public before.
    before = requests.get(f"{server['base']}/api/v1/entities/{entity['code']}/records", timeout=10).json()["items"]
    penalties_before = sum(1 for r in before if r["category"] == "penalty")
    # A penalty of only 警告 is minor (Order 36), and not published whoever gave it.
    warning = dict(penalty, documentNumber="济市监罚〔2026〕浏览器2号", punishmentKinds="警告", content="警告", severity="minor")
    broken = dict(penalty, documentNumber="济市监罚〔2026〕浏览器3号", subjectCode=entity["code"][:-1] + "0", decidedOn="2026-13-01")
    response = requests.post(
        server["base"] + "/api/v1/records", json={"records": [penalty, warning, broken]},
        headers={"Authorization": f"Bearer {token}"}, timeout=30,
    )
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["accepted", "accepted", "rejected"]
    assert {e["field"] for e in results[2]["errors"]} >= {"decidedOn"}

    record = requests.get(f"{server['base']}/api/v1/records/{results[1]['id']}", headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
    assert record["publication"] is None and record["notPublished"] == "warning-only"

    browser.get(f"{server['base']}/entities/{entity['code']}")
    section = browser.find_element(By.ID, "public-records")
    assert f"行政处罚（{penalties_before + 1}）" in section.text
    assert "济市监罚〔2026〕浏览器1号" in section.text and "罚款人民币二万元" in section.text
    assert "浏览器2号" not in section.text, "a warning-only penalty is not published"
    assert re.search(r"\d{4}-\d{2}-\d{2}", section.text)
    browser.execute_script("document.getElementById('public-records').scrollIntoView()")
    screenshots(browser, "20-entity-public-records")


def test_a_fine_never_paid_stays_public_past_its_year_and_the_page_says_why(server, browser, screenshots):
    # The demo city's departments mark some unpaid general fines uncorrected before their year is up (Order 36).
    items = requests.get(server["base"] + "/api/v1/open-data/records", params={"format": "json", "category": "penalty"}, timeout=60).json()
    kept = [r for r in items if r.get("stillPublicBecause")]
    assert kept, "the demo city shows a record kept public because its conduct was not corrected"
    record = kept[0]
    # Past the maximum, through the day the department stated.
    maximum = re.search(r"最长公示期至 (\d{4}-\d{2}-\d{2})", record["stillPublicBecause"]).group(1)
    assert maximum < record["publicUntil"] and f"继续公示至 {record['publicUntil']}" in record["stillPublicBecause"]

    browser.get(f"{server['base']}/entities/{record['subjectCode']}")
    section = browser.find_element(By.ID, "public-records")
    row = next(r for r in section.find_elements(By.TAG_NAME, "tr") if record["documentNumber"] in r.text)
    reason = row.find_element(By.CLASS_NAME, "record-still-public").text
    assert "失信行为未纠正" in reason and "逾期不缴纳罚款" in reason and "国家发展改革委令2025年第36号" in reason
    browser.execute_script("arguments[0].scrollIntoView()", row)
    screenshots(browser, "21-kept-public-uncorrected")

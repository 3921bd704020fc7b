"""A department sets where its deadline reminders go: today's reminders of its overdue cases reach that address once,
signed with the platform's key, and the page and the API say how delivery stands."""
import base64
import json

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from test_subscriptions import _token, serving_webhooks


def test_a_departments_overdue_reminders_reach_its_webhook_once_signed(demo_city):
    with serving_webhooks(demo_city, "credit_test_reminders") as run:
        binary, database, tmp, receiver, base = run.binary, run.database, run.tmp, run.receiver, run.base
        office = _token(binary, database, tmp, "--role", "credit-office", "--name", "信用办")
        # The demo city has overdue cases; the department of the first is the one reminded.
        overdue = requests.get(base + "/api/v1/case-deadlines", headers=office, timeout=10).json()["overdue"]
        assert overdue, "the demo city has overdue cases"
        department = overdue[0]["departmentCode"]
        ours = {(c["kind"], c["id"]) for c in overdue if c["departmentCode"] == department}
        clerk = _token(binary, database, tmp, "--role", "department", "--name", "督办员", "--department", department)
        hook = f"http://127.0.0.1:{receiver.port}/oa/reminders"
        refused = requests.put(base + "/api/v1/case-deadlines/webhook", headers=clerk, json={"url": hook}, timeout=10)
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "webhook_not_allowed"
        assert requests.put(base + "/api/v1/case-deadlines/webhook", headers=clerk, json={"url": "ftp://x"}, timeout=10).json()["error"]["code"] == "invalid_webhook"
        allowed = requests.put(base + "/api/v1/webhook-allow-list", headers=office, json={"prefixes": [f"http://127.0.0.1:{receiver.port}/"]}, timeout=10)
        assert allowed.status_code == 200, allowed.text
        set_ = requests.put(base + "/api/v1/case-deadlines/webhook", headers=clerk, json={"url": hook}, timeout=10)
        assert set_.status_code == 200 and set_.json()["url"] == hook, set_.text

        (headers, body), = receiver.wait_for(1)
        items = json.loads(body)["items"]
        assert {(i["kind"], i["id"]) for i in items} == ours, "each overdue case of the department, reminded"
        assert all(i["department"] == department and i["level"] == "overdue" and "已超期" in i["message"] for i in items)
        key = requests.get(base + "/api/v1/log/checkpoint", timeout=10).json()["publicKey"]
        signature = base64.b64decode(headers["X-Credit-Signature"].removeprefix("ed25519="))
        Ed25519PublicKey.from_public_bytes(base64.b64decode(key)).verify(signature, body)
        state = requests.get(base + "/api/v1/case-deadlines/webhook", headers=clerk, timeout=10).json()
        assert state["delivered"] == len(items) and state["failures"] == 0 and state["lastStatus"] == 204, state

        stopped = requests.put(base + "/api/v1/case-deadlines/webhook", headers=clerk, json={"url": None}, timeout=10)
        assert stopped.status_code == 200 and "url" not in stopped.json()

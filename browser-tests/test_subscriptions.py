"""A linked system subscribes to a list: each change reaches its webhook once, signed, and its feed, in order, none
skipped or repeated, across a restart of the server."""
import base64
import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import types
from http.server import BaseHTTPRequestHandler, HTTPServer

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from conftest import copy_of, drop_database, start_server


class _Receiver:
    """A linked system's webhook endpoint: keeps each POST (headers and body) and wakes whoever waits for them."""

    def __init__(self):
        self.posts = []
        self.arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.arrived:
                    receiver.posts.append((dict(self.headers), body))
                    receiver.arrived.notify_all()
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count):
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.posts) >= count, timeout=60), self.posts
        return self.posts[:count]


def _token(binary, database, cwd, *arguments):
    created = subprocess.run([binary, "accounts", "create", "--database", database, *arguments], capture_output=True, text=True, cwd=cwd, timeout=120)
    assert created.returncode == 0, created.stderr
    return {"Authorization": "Bearer " + created.stdout.strip().splitlines()[-1]}


@contextlib.contextmanager
def serving_webhooks(demo_city, name):
    """A server on a copy of the demo city that delivers webhooks every second, and a receiver for them; `restart()`
    stops the server and starts it again on the same database. Everything is stopped and removed afterwards."""
    binary = os.environ["CREDIT_BIN"]
    tmp = tempfile.mkdtemp(prefix="credit-webhooks-")
    database = copy_of(demo_city, tmp, name)
    log = open(os.path.join(tmp, "server.log"), "w")
    run = types.SimpleNamespace(binary=binary, database=database, tmp=tmp, receiver=_Receiver())
    run.process, run.base = start_server(binary, database, tmp, log, "--webhook-interval", "1")

    def restart():
        run.process.send_signal(signal.SIGTERM)
        assert run.process.wait(timeout=60) == 0
        run.process, run.base = start_server(binary, database, tmp, log, "--webhook-interval", "1")
    run.restart = restart
    try:
        yield run
    finally:
        if run.process.poll() is None:
            run.process.send_signal(signal.SIGTERM)
            run.process.wait(timeout=30)
        run.receiver.server.shutdown()
        log.close()
        drop_database(database)
        shutil.rmtree(tmp, ignore_errors=True)


def test_each_change_reaches_the_webhook_and_the_feed_once_across_a_restart(demo_city):
    with serving_webhooks(demo_city, "credit_test_subscriptions") as run:
        binary, database, tmp, receiver, base = run.binary, run.database, run.tmp, run.receiver, run.base
        departments = requests.get(base + "/api/v1/departments", timeout=10).json()["items"]
        market = next(d["code"] for d in departments if "市场监督管理" in d["name"])
        clerk = _token(binary, database, tmp, "--role", "department", "--name", "市场监管科员", "--department", market)
        office = _token(binary, database, tmp, "--role", "credit-office", "--name", "信用办")
        system = _token(binary, database, tmp, "--role", "subscriber", "--name", "某审批系统")
        hook = f"http://127.0.0.1:{receiver.port}/credit-hook"
        # Only under an address the credit office allows.
        refused = requests.post(base + "/api/v1/subscriptions", headers=system, json={"lists": ["market-serious-violator"], "webhook": hook}, timeout=10)
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "webhook_not_allowed"
        allowed = requests.put(base + "/api/v1/webhook-allow-list", headers=office, json={"prefixes": [f"http://127.0.0.1:{receiver.port}/"]}, timeout=10)
        assert allowed.status_code == 200, allowed.text
        subscribed = requests.post(base + "/api/v1/subscriptions", headers=system, json={"lists": ["market-serious-violator"], "webhook": hook}, timeout=10)
        assert subscribed.status_code == 201, subscribed.text
        # The feed, read to its end: the demo's earlier entries.
        cursor = 0
        while True:
            page = requests.get(base + "/api/v1/changes", headers=system, params={"after": cursor}, timeout=10).json()
            if page["next"] == cursor:
                break
            cursor = page["next"]

        codes = [e["code"] for e in requests.get(base + "/api/v1/entities", params={"q": "济南"}, timeout=10).json()["items"]]

        def enter(code, number):
            entered = requests.post(
                base + "/api/v1/listings", headers=clerk, timeout=10,
                json={"list": "market-serious-violator", "subjectCode": code, "documentNumber": number, "reason": "提供虚假材料取得许可",
                      "basis": "《市场监督管理严重违法失信名单管理办法》第二条", "startsOn": "2026-11-02", "noticeServedOn": "2026-10-26"},
            )
            assert entered.status_code == 201, entered.text
            return entered.json()["id"]

        first = enter(codes[0], "济市监严列〔2026〕订阅1号")
        (headers, body), = receiver.wait_for(1)
        delivered = json.loads(body)
        assert [i["listingId"] for i in delivered["items"]] == [first]
        # Signed with the platform's key (the one that signs the log's checkpoints).
        key = requests.get(base + "/api/v1/log/checkpoint", timeout=10).json()["publicKey"]
        signature = base64.b64decode(headers["X-Credit-Signature"].removeprefix("ed25519="))
        Ed25519PublicKey.from_public_bytes(base64.b64decode(key)).verify(signature, body)

        # The server stops and starts again; delivery goes on where it stood.
        run.restart()
        base = run.base
        second = enter(codes[1], "济市监严列〔2026〕订阅2号")
        posts = receiver.wait_for(2)
        items = [i for _, b in posts for i in json.loads(b)["items"]]
        assert [i["listingId"] for i in items] == [first, second], "each change once, in order"
        assert items[0]["cursor"] < items[1]["cursor"]
        deliveries = requests.get(base + f"/api/v1/subscriptions/{subscribed.json()['id']}/deliveries", headers=system, timeout=10).json()["items"]
        assert any(d["delivered"] and d["items"] == 1 for d in deliveries)

        # The feed from where the reader stood: the same two changes, then nothing more.
        page = requests.get(base + "/api/v1/changes", headers=system, params={"after": cursor}, timeout=10).json()
        assert [(i["cursor"], i["listingId"]) for i in page["items"]] == [(i["cursor"], i["listingId"]) for i in items]
        again = requests.get(base + "/api/v1/changes", headers=system, params={"after": page["next"]}, timeout=10).json()
        assert again["items"] == []

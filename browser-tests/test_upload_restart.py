"""The server is killed (`kill -9`) while a department's file is arriving, then started again.

On the module's own demo city (both engines), beside the module's server; the servers it starts sign checkpoints of
their own.
"""
import os
import signal
import subprocess
import threading
import time

import requests

from conftest import start_server
from test_import_cli import HEADER, _setup, _sql


def test_kill_9_during_an_upload_fails_the_job_on_restart_and_the_file_sent_again_completes_it(server):
    """The server is killed while a department's file is arriving: the batches it acknowledged stay, the job does not
    say "running" forever after the restart, and the same file in a new job stores the rest, duplicating nothing."""
    department, codes, decided = _setup(server)
    created = subprocess.run(
        [server["binary"], "accounts", "create", "--role", "department", "--name", "上传员", "--department", department,
         "--database", server["database"]], capture_output=True, text=True, cwd=server["cwd"], timeout=120)
    assert created.returncode == 0, created.stderr
    bearer = {"Authorization": "Bearer " + created.stdout.strip().splitlines()[-1]}
    rows = 20_000
    lines = [f"某公司,{codes[i % 3]},济环罚〔2026〕U{i:06d}号,{decided},罚款人民币{i}元,某法,一般,罚款\n" for i in range(rows)]
    with open(os.path.join(server["cwd"], "upload-server.log"), "w") as log:
        process, base = start_server(server["binary"], server["database"], server["cwd"], log)
        job = requests.post(base + "/api/v1/imports", headers=bearer, json={"category": "penalty", "filename": "大文件.csv"}, timeout=30).json()
        # The file arrives in part, then the sender waits: the import has stored what it read, and is running.
        hold = threading.Event()

        def body():
            yield HEADER.encode()
            for start in range(0, 12_000, 1_000):
                yield "".join(lines[start:start + 1_000]).encode()
            hold.wait(120)

        def send():
            try:
                requests.put(f"{base}/api/v1/imports/{job['id']}/file", headers=bearer, data=body(), timeout=180)
            except requests.RequestException:
                pass  # the server is killed under it

        sender = threading.Thread(target=send)
        sender.start()
        deadline = time.monotonic() + 120
        status = {}
        while time.monotonic() < deadline:
            status = requests.get(f"{base}/api/v1/imports/{job['id']}", headers=bearer, timeout=30).json()
            if status["rows"] >= 8_000:
                break
            time.sleep(0.2)
        assert status["status"] == "running" and status["rows"] >= 8_000, status
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        hold.set()
        sender.join(timeout=60)

        stored = int(_sql(server, f"SELECT count(*) FROM records WHERE department_code = '{department}' AND document_number LIKE '%U%'")[0][0])
        assert stored >= 8_000, "the acknowledged batch is kept"

        process, base = start_server(server["binary"], server["database"], server["cwd"], log)
        try:
            after = requests.get(f"{base}/api/v1/imports/{job['id']}", headers=bearer, timeout=30).json()
            assert after["status"] == "failed" and "重新上传同一文件" in after["error"], after
            again = requests.post(base + "/api/v1/imports", headers=bearer, json={"category": "penalty", "filename": "大文件.csv"}, timeout=30).json()
            done = requests.put(f"{base}/api/v1/imports/{again['id']}/file", headers=bearer, data=(HEADER + "".join(lines)).encode(), timeout=600).json()
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
    # On failure: what the server answered, and what it logged (the log is gone with the test's directory).
    explain = f"{done}\n" + "".join(open(os.path.join(server["cwd"], "upload-server.log"), errors="replace").readlines()[-40:])
    assert done.get("status") == "done", explain
    assert done["unchanged"] == stored and done["accepted"] == rows - stored and done["rejected"] == 0, done
    total, distinct = _sql(server, f"SELECT count(*), count(DISTINCT document_number) FROM records WHERE department_code = '{department}' AND document_number LIKE '%U%'")[0]
    assert int(total) == rows and int(distinct) == rows

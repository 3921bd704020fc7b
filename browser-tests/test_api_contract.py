"""The JSON API against its own OpenAPI document, by Schemathesis on a running server (both engines).

Linked systems build their clients from `/openapi.json`; this test holds the server to it. Schemathesis reads the
document, sends thousands of requests built from it — valid ones, and ones that break it on purpose (wrong types,
over-long values, unknown methods, no token or a bad one) — and checks every answer:

- never a 5xx (`not_a_server_error`);
- the status, content type, headers and body are the ones the document declares for the operation, and a body holds
  no field the document does not name;
- a request the document forbids is refused (4xx), and a method an address does not serve is 405;
- a route that needs a token refuses a request without one or with a wrong one (`ignored_auth`);
- with the document's links (`POST /imports` → the job's status and its file), the stateful phase follows them.

One check is off: `positive_data_acceptance`, which expects every request the document allows to succeed. Part of
the platform's validation cannot be written in a schema — a credit code's check character, the end of a period
before its start, a log size beyond the log — and those are 400s with their reason, as they should be. And for
`POST /api/v1/records`, a record that breaks the schema is answered in its own result (`rejected`, every problem,
kept in the queue), not by refusing the batch: `negative_data_rejection` does not apply to the records in it.

The server runs on a database of its own (a demo city), so the other tests' data and checkpoints are untouched.
The seed is fixed: a failure is reproduced by running the test again (and `st replay`, printed with it).
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

import pytest
import requests

from conftest import fresh_database, start_server

SEED = 20261127
# Requests per operation in the fuzzing phase; the coverage phase's edge cases come on top.
EXAMPLES = int(os.environ.get("CREDIT_CONTRACT_EXAMPLES", "80"))


def _token(binary, database, cwd, *arguments):
    created = subprocess.run(
        [binary, "accounts", "create", "--database", database, *arguments], capture_output=True, text=True, cwd=cwd, timeout=120
    )
    assert created.returncode == 0, created.stderr
    return created.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def contract(credit_code):
    binary = os.environ["CREDIT_BIN"]
    tmp = tempfile.mkdtemp(prefix="credit-contract-")
    database = fresh_database(tmp, "credit_contract")
    log = open(os.path.join(tmp, "server.log"), "w")
    # The anonymous rate limit stays on, as in service, but above what one run's coverage phase sends an address in a
    # minute (about 600 requests with 32 operations): a 429 there is the limiter, not the answer the document gives.
    process, base = start_server(binary, database, tmp, log, "--anonymous-rate", "5000")
    try:
        departments = requests.get(base + "/api/v1/departments", timeout=30).json()["items"]
        market = next(d["code"] for d in departments if "市场监督管理" in d["name"])
        tokens = {
            "department": _token(binary, database, tmp, "--role", "department", "--name", "市场监管报送员", "--department", market),
            "office": _token(binary, database, tmp, "--role", "credit-office", "--name", "信用办"),
            "admin": _token(binary, database, tmp, "--role", "admin", "--name", "管理员"),
        }
        # Real identifiers for the operations that read one back: a stored record and an import job.
        clerk = {"Authorization": "Bearer " + tokens["department"]}
        subject = requests.get(base + "/api/v1/entities", params={"q": "济南"}, timeout=30).json()["items"][0]["code"]
        record = {
            "category": "penalty", "subjectCode": subject, "subjectName": "济南某公司", "documentNumber": "济市监罚〔2026〕契约1号",
            "decidedOn": "2026-11-02", "severity": "general", "content": "罚款人民币一万元", "basis": "《食品安全法》", "punishmentKinds": "罚款",
        }
        # Beside it, one about a code not in the registry (the unmatched queue) and one refused (the rejection queue),
        # so that those queues' answers hold items to check too.
        unknown = dict(record, subjectCode=credit_code("91370102MA7CT009"), documentNumber="济市监罚〔2026〕契约2号")
        refused = dict(record, decidedOn="2026-02-30", documentNumber="济市监罚〔2026〕契约3号")
        stored = requests.post(base + "/api/v1/records", headers=clerk, json={"records": [record, unknown, refused]}, timeout=30).json()
        assert [r["status"] for r in stored["results"]] == ["accepted", "accepted", "rejected"], stored
        job = requests.post(base + "/api/v1/imports", headers=clerk, json={"category": "penalty", "filename": "契约.csv"}, timeout=30)
        assert job.status_code == 201, job.text
        contract = {
            "base": base, "tmp": tmp, "tokens": tokens, "market": market, "subject": subject,
            "record": stored["results"][0]["id"], "job": job.json()["id"], "process": process, "log": log.name,
        }
        contract["config"] = _config(contract)
        contract["document"] = _document(contract)
        yield contract
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
        log.close()
    shutil.rmtree(tmp, ignore_errors=True)


def _config(contract):
    """The run's settings (every check is on unless turned off here): the check that does not apply, and real
    identifiers where an operation needs one."""
    known = {
        "/api/v1/records/{id}": ("id", contract["record"]),
        "/api/v1/imports/{id}": ("id", contract["job"]),
        "/api/v1/imports/{id}/file": ("id", contract["job"]),
        "/api/v1/column-mappings/{category}": ("category", "penalty"),
        "/api/v1/entities/{code}": ("code", contract["subject"]),
        "/api/v1/entities/{code}/records": ("code", contract["subject"]),
        "/api/v1/entities/{code}/listings": ("code", contract["subject"]),
        "/api/v1/check": ("code", contract["subject"]),
        "/api/v1/departments/{code}/timeliness": ("code", contract["market"]),
        "/api/v1/departments/{code}/records/export": ("code", contract["market"]),
    }
    operations = "".join(
        f'\n[[operations]]\ninclude-path = "{path}"\nparameters = {{ {name} = "{value}" }}\n' for path, (name, value) in known.items()
    )
    path = os.path.join(contract["tmp"], "schemathesis.toml")
    with open(path, "w") as f:
        f.write(f"""
seed = {SEED}
[generation]
max-examples = {EXAMPLES}
database = "none"
[checks]
positive_data_acceptance.enabled = false

[[operations]]
include-path = "/api/v1/records"
include-method = "POST"
checks.negative_data_rejection.enabled = false
{operations}""")
    return path


def _closed(node, document):
    """A copy of part of the document with its references written out and every object closed: a field the server
    sends that the document does not name fails the run. Only answers are closed (requests keep the published
    schemas, which stay open: clients may meet new fields); the test keeps the document complete."""
    if isinstance(node, dict):
        if "$ref" in node:
            _, section, name = node["$ref"].lstrip("#/").split("/")
            return _closed(document["components"][section][name], document)
        copy = {key: _closed(value, document) for key, value in node.items()}
        if copy.get("type") == "object" and "properties" in copy and "additionalProperties" not in copy:
            copy["additionalProperties"] = False
        return copy
    if isinstance(node, list):
        return [_closed(value, document) for value in node]
    return node


def _document(contract):
    document = requests.get(contract["base"] + "/openapi.json", timeout=30).json()
    for operations in document["paths"].values():
        for operation in operations.values():
            if "responses" in operation:
                operation["responses"] = _closed(operation["responses"], document)
    path = os.path.join(contract["tmp"], "openapi-closed.json")
    with open(path, "w") as f:
        json.dump(document, f, ensure_ascii=False)
    return path


def _run(contract, role, *selection):
    token = ("--header", "Authorization: Bearer " + contract["tokens"][role]) if role else ()
    result = subprocess.run(
        # Schemathesis's command line (`st`), under the interpreter running the tests, wherever pip put its script.
        [sys.executable, "-c", "import sys; from schemathesis.cli import schemathesis; sys.argv[0] = 'st'; schemathesis()",
         "--config-file", contract["config"], "run", contract["document"], "--url", contract["base"],
         *token,
         # One worker: Python 3.11's parser is not thread-safe for Hypothesis's lambdas ("AST constructor recursion depth
         # mismatch" with two).
         "--continue-on-failure", "--workers", "1", "--no-color", *selection],
        capture_output=True, text=True, timeout=900, cwd=contract["tmp"],
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report[-20000:]
    # Every operation selected was tested (none skipped for want of data it could build).
    selected = re.search(r"Selected: (\d+)/", report)
    tested = re.search(r"Tested: (\d+)", report)
    assert selected and tested and selected.group(1) == tested.group(1), report[-5000:]
    # The server is still up and never logged an unhandled error.
    assert requests.get(contract["base"] + "/healthz", timeout=30).status_code == 200
    with open(contract["log"]) as log:
        assert "unhandled error" not in log.read()
    return report


def test_every_operation_keeps_to_the_document_for_a_department_clerk(contract):
    """Everything public, and what a department does: submit records, upload files, read its queue and figures."""
    _run(contract, "department")


def test_the_credit_offices_and_the_administrators_operations_keep_to_it_too(contract):
    """The operations a clerk may not use (403 above) with the tokens that may: catalogue, unmatched, audit, checks,
    accounts."""
    # The links (import jobs) are the clerk's: no stateful phase here.
    phases = ("--phases", "examples,coverage,fuzzing")
    _run(contract, "office", *phases, "--include-path-regex", "^/api/v1/(catalog|unmatched|audit|records/|departments/|check)")
    _run(contract, "admin", *phases, "--include-path-regex", "^/api/v1/(accounts|audit)")


def test_a_visitor_without_a_token_gets_what_the_document_says(contract):
    """The public operations, and every other one refused as the document declares (401); a method an address does
    not serve is 405 before anything asks for a token or a CSRF token. The anonymous rate limit is on, as in service."""
    _run(contract, None, "--phases", "examples,coverage")

"""A database written by the previous release (6b7f95a: a demo city of 60 entities with 30 records, an account and
a signed checkpoint, in `Tests/Fixtures/release-6b7f95a`) upgrades in place: `credit migrate` applies what came since
(the publication periods counted as 民法典 Art. 201–202 count them), `credit verify` finds the log intact under the
same signing key, and the data reads as before, with each stored window ending where the law ends it (both engines)."""
import calendar
import datetime
import json
import os
import pathlib
import shutil
import signal
import subprocess

import requests

from conftest import fresh_database, start_server

FIXTURES = pathlib.Path(__file__).parent.parent / "Tests/Fixtures/release-6b7f95a"
RESOURCES = pathlib.Path(__file__).parent.parent / "Sources/CreditCore/Resources"
SINCE_THE_RELEASE = [
    "applied: count publication periods from the day after the decision",
    "applied: keep the length of each record's clock, and none for what the seed does not time",
    "applied: time the withdrawal of revoked decisions",
    "applied: count the rows of an import stored with a warning",
    "applied: keep each department's column mappings for its files, per category",
    "applied: keep the maximum period's last day of a record kept public because its conduct was not corrected",
    "applied: keep the legal representative's identity number of a record sealed",
    "applied: keep the list-type versions the credit office loads, with their effective dates",
    "applied: keep list entries with their versions, and credit checks with their receipts and feedback",
    "applied: keep linked systems' subscriptions to list changes, the webhook allow-list and the delivery log",
    "applied: keep repair cases with their items and steps, and mark the records a repair ended",
    "applied: keep objections with their steps, and mark the records and list entries under objection",
    "applied: keep material files with repair and objection cases, the one extension, material request and review of a case, and deadline reminders",
    "applied: link a corrected or supplemented objection to the record's version that made it right",
    "applied: keep where each department's deadline reminders are pushed, and which reminders were delivered",
    "applied: keep signed credit commitments with their versions and verification, and the commitment gate's signed answers",
    "applied: keep the credit information entities declare themselves, with its review",
    "applied: keep the special credit reports issued, each with its number, digest and signature",
    "applied: keep the versions of the commitment item list the credit office loads",
]


def _add_months(day, months):
    """民法典 Art. 202: the corresponding day of the month `months` later, or that month's last day when it has none."""
    year, index = divmod(day.month - 1 + months, 12)
    year += day.year
    return datetime.date(year, index + 1, min(day.day, calendar.monthrange(year, index + 1)[1]))


def _last_public_day(record):
    """The last public day of a record by the rules shipped as data: the decision day not counted, the maximum period."""
    decided = datetime.date.fromisoformat(record["decidedOn"])
    if record.get("severity"):
        sets = json.loads((RESOURCES / "publication-rules.json").read_text(encoding="utf-8"))["sets"]
        in_force = [s for s in sets if s["effectiveFrom"] <= record["decidedOn"]][-1]
        months = in_force["periods"][record["severity"]]["maxMonths"]
    else:
        catalogue = json.loads((RESOURCES / "catalogue/2026-04-01.json").read_text(encoding="utf-8"))
        months = next(c for c in catalogue["categories"] if c["code"] == record["category"])["publication"]["months"]
    return _add_months(decided, months).isoformat()


def _released_database(tmp):
    """The fixture restored into a database of the test's own, with its keys where the command line looks for them."""
    session = os.environ.get("CREDIT_BROWSER_DATABASE") or ""
    if not session.startswith("postgres"):
        for suffix in ("", ".keys.json", ".signing.key"):
            shutil.copy(FIXTURES / f"release-6b7f95a.sqlite{suffix}", tmp / f"upgrade.sqlite{suffix}")
        return f"sqlite:{tmp}/upgrade.sqlite"
    database = fresh_database(str(tmp), "credit_upgrade")
    shutil.copy(FIXTURES / "postgres.keys.json", tmp / "credit-keys.json")
    shutil.copy(FIXTURES / "postgres.signing.key", tmp / "credit-signing.key")
    psql = os.path.join(os.environ.get("CREDIT_PG_BIN", "/usr/bin"), "psql")
    subprocess.run([psql, "-q", "-v", "ON_ERROR_STOP=1", "-f", str(FIXTURES / "release-6b7f95a.postgres.sql"), database],
                   check=True, capture_output=True, timeout=120)
    return database


def test_a_database_of_the_previous_release_upgrades_in_place(tmp_path):
    binary = os.environ["CREDIT_BIN"]
    database = _released_database(tmp_path)

    def run(*arguments):
        return subprocess.run([binary, *arguments, "--database", database], capture_output=True, text=True, cwd=str(tmp_path), timeout=300)

    # MUT
    migrated = run("migrate")
    # validate: what came since the release is applied once, the log intact, the data there
    assert migrated.returncode == 0, migrated.stderr
    assert migrated.stdout.strip().splitlines() == SINCE_THE_RELEASE, migrated.stdout
    again = run("migrate")
    assert again.returncode == 0 and "schema is up to date" in again.stdout, again.stdout
    verified = run("verify")
    assert verified.returncode == 0 and verified.stdout.strip() == "ok", verified.stdout + verified.stderr
    assert "90 entries" in verified.stderr
    departments = run("departments", "list")
    assert departments.returncode == 0, departments.stderr
    assert "市场监督管理局" in departments.stdout
    accounts = run("accounts", "list")
    assert accounts.returncode == 0 and "信用办" in accounts.stdout, accounts.stdout + accounts.stderr
    # The server serves it: the public records in their window, the checkpoint the old release signed.
    log = open(tmp_path / "server.log", "w")
    process, base = start_server(binary, database, str(tmp_path), log)
    try:
        records = requests.get(base + "/api/v1/records", params={"size": 100}, timeout=30)
        assert records.status_code == 200 and records.json()["total"] > 0, records.text[:300]
        for record in records.json()["items"]:
            assert record["publicUntil"] == _last_public_day(record), record
        checkpoint = requests.get(base + "/api/v1/log/checkpoint", timeout=30).json()
        assert checkpoint["size"] == 90
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        log.close()

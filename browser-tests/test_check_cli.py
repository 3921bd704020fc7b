"""`credit check` from the command line on the demo city: a signed answer the server verifies as its own; a bad
scenario is refused; and a list entry's version edited behind the platform's back is caught by `credit verify`."""
import json
import os
import sqlite3
import subprocess

import requests


def _credit(server, *args):
    return subprocess.run(
        [server["binary"], *args, "--database", server["database"]], capture_output=True, text=True, cwd=server["cwd"], timeout=300
    )


def test_a_check_from_the_command_line_is_signed_by_the_platform(server):
    code = requests.get(server["base"] + "/api/v1/entities", params={"q": "济南"}, timeout=10).json()["items"][0]["code"]
    checked = _credit(server, "check", code, "--scenario", "government-procurement", "--purpose", "开标资格审查")
    assert checked.returncode == 0, checked.stderr
    check = json.loads(checked.stdout)
    assert check["subject"]["code"] == code and check["result"] in ("no-listings", "listed")
    assert check["receipt"]["checker"].startswith("cli:")
    verified = requests.post(server["base"] + "/api/v1/checks/verify", data=checked.stdout.encode(), timeout=10).json()
    assert verified["valid"] and verified["signedByThisPlatform"] and verified["matchesStoredCheck"], verified

    refused = _credit(server, "check", code, "--scenario", "lottery", "--purpose", "x")
    assert refused.returncode != 0 and "lottery" in refused.stderr


def test_an_edited_list_entry_is_caught_by_verify(server):
    statement = """UPDATE listing_versions SET document = replace(document, '"reason":"', '"reason":"（篡改）') WHERE version = 1
                   AND listing_id = (SELECT min(listing_id) FROM listing_versions)"""
    database = server["database"]
    if database.startswith("sqlite:"):
        with sqlite3.connect(database[len("sqlite:"):]) as connection:
            connection.execute(statement)
    else:
        psql = os.path.join(os.environ.get("CREDIT_PG_BIN", "/usr/bin"), "psql")
        subprocess.run([psql, "-q", database, "-c", statement], check=True, timeout=60)
    broken = _credit(server, "verify")
    assert broken.returncode == 1
    assert "listing-version" in broken.stdout and "no longer matches" in broken.stdout

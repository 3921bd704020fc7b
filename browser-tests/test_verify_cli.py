"""`credit verify` on the demo city: ok, then an edit behind the platform's back is caught and named.

On the module's own demo city (both engines): the edit breaks no other module's log.
"""
import os
import sqlite3
import subprocess


def _verify(server):
    return subprocess.run(
        [server["binary"], "verify", "--database", server["database"]], capture_output=True, text=True, cwd=server["cwd"], timeout=300
    )


def _tamper(server):
    statement = "UPDATE entity_versions SET name = name || '（篡改）' WHERE entity_id = 7 AND version = 1"
    database = server["database"]
    if database.startswith("sqlite:"):
        with sqlite3.connect(database[len("sqlite:"):]) as connection:
            connection.execute(statement)
    else:
        psql = os.path.join(os.environ.get("CREDIT_PG_BIN", "/usr/bin"), "psql")
        subprocess.run([psql, "-q", database, "-c", statement], check=True, timeout=60)


def test_verify_says_ok_then_catches_a_direct_edit(server):
    intact = _verify(server)
    assert intact.returncode == 0, intact.stderr
    assert intact.stdout.strip() == "ok"

    _tamper(server)
    broken = _verify(server)
    assert broken.returncode == 1
    assert "entry 7 " in broken.stdout and "no longer matches" in broken.stdout

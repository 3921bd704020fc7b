"""`credit demo --records`: a generated city with its departments' records, on a database of its own."""
import re
import sqlite3
import subprocess


def _demo(binary, database, cwd):
    command = [binary, "demo", "--database", database, "--entities", "400", "--records"]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=300)


def test_a_generated_city_with_its_records(server, tmp_path):
    database = f"sqlite:{tmp_path}/demo.sqlite"
    result = _demo(server["binary"], database, str(tmp_path))
    assert result.returncode == 0, result.stderr
    stored = int(re.search(r"stored (\d+) credit records", result.stdout).group(1))

    def counts():
        with sqlite3.connect(f"{tmp_path}/demo.sqlite") as connection:
            return connection.execute(
                "SELECT (SELECT count(*) FROM record_versions), (SELECT count(*) FROM records WHERE late = 1),"
                " (SELECT count(DISTINCT department_code) FROM records), (SELECT count(*) FROM log_entries WHERE kind = 'record-version')"
            ).fetchone()

    versions, late, departments, logged = counts()
    # Every submission the command counts is a version, logged; some arrived late; several departments decided.
    assert stored == versions == logged and stored > 0 and late > 0 and departments > 3

    # Run again on the same database: refused, and nothing is added.
    again = _demo(server["binary"], database, str(tmp_path))
    assert "只写入空库" in again.stdout + again.stderr
    assert counts() == (versions, late, departments, logged)

"""`credit calendar load`: a year's arrangement loaded, and the records' 7-working-day clocks counted again with it.

On a database of its own (a generated city with three years of records), so the session's data is untouched.
"""
import json
import os
import re
import sqlite3
import subprocess

HOLIDAYS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Sources", "CreditCore", "Resources", "holidays")


def _credit(server, cwd, *arguments):
    return subprocess.run([server["binary"], *arguments], capture_output=True, text=True, cwd=cwd, timeout=300)


def _clocks(path):
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT id, due_by, late, delay_working_days, clock_estimated FROM records ORDER BY id").fetchall()


def _recount(stdout):
    found = re.search(r"clocks counted again: (\d+), changed: (\d+) \(late or on time changed: (\d+)\), still estimates: (\d+)", stdout)
    assert found, stdout
    return tuple(int(n) for n in found.groups())


def test_a_years_arrangement_loaded_counts_the_clocks_again(server, tmp_path):
    path = f"{tmp_path}/calendar.sqlite"
    database = f"sqlite:{path}"
    made = _credit(server, tmp_path, "demo", "--database", database, "--entities", "400", "--records")
    assert made.returncode == 0, made.stderr
    shipped = _clocks(path)
    in_2025 = sum(1 for row in shipped if row[1].startswith("2025"))
    assert in_2025 > 50

    # The State Council's 2025 arrangement as shipped, loaded: every record touching 2025 is counted again, none changes.
    with open(os.path.join(HOLIDAYS, "2025.json"), encoding="utf-8") as f:
        arrangement = json.load(f)
    correct = tmp_path / "2025.json"
    correct.write_text(json.dumps(arrangement, ensure_ascii=False), encoding="utf-8")
    same = _credit(server, tmp_path, "calendar", "load", "--database", database, str(correct))
    assert same.returncode == 0, same.stderr
    assert "loaded 2025: 248 working days" in same.stdout
    counted, changed, late_changed, estimated = _recount(same.stdout)
    assert counted >= in_2025 and changed == 0 and late_changed == 0
    assert _clocks(path) == shipped

    # A wrong file (the year's holidays left out) is loaded: the clocks that ran over a holiday change, in the tables too.
    wrong = tmp_path / "2025-wrong.json"
    wrong.write_text(json.dumps({**arrangement, "periods": []}, ensure_ascii=False), encoding="utf-8")
    loaded = _credit(server, tmp_path, "calendar", "load", "--database", database, str(wrong))
    assert loaded.returncode == 0, loaded.stderr
    counted, changed, _, _ = _recount(loaded.stdout)
    after = _clocks(path)
    differing = sum(1 for a, b in zip(shipped, after) if a != b)
    assert changed == differing and changed > 0
    assert "restart the server" in loaded.stdout

    # The right file again: every clock is as it was.
    again = _credit(server, tmp_path, "calendar", "load", "--database", database, str(correct))
    assert _recount(again.stdout)[1] == changed
    assert _clocks(path) == shipped
    shown = _credit(server, tmp_path, "calendar", "show", "--database", database)
    assert re.search(r"^2025\t248 ", shown.stdout, re.MULTILINE), shown.stdout

    # A file that is not an arrangement is refused with the reason, and nothing changes.
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({**arrangement, "periods": [{"name": "春节", "from": "2025-02-04", "to": "2025-01-28", "workdays": []}]}))
    refused = _credit(server, tmp_path, "calendar", "load", "--database", database, str(broken))
    assert refused.returncode != 0 and "starts after it ends" in refused.stderr
    assert _clocks(path) == shipped

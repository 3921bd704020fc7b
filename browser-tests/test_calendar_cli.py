"""`credit calendar load`: a year's arrangement loaded (from the notice's text, or JSON), checked against the statutory
holidays, and the records' 7-working-day clocks counted again with it.

On a database of its own (a generated city with three years of records), so the session's data is untouched.
"""
import datetime
import json
import os
import re
import sqlite3
import subprocess

# As Xinhua published it (国办发明电〔2024〕12号); the Swift tests read the same file.
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "holiday-notices", "2025.txt"), encoding="utf-8") as _f:
    NOTICE_2025 = _f.read()

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

    # The State Council's 2025 notice, as its text was published, loaded: read as the arrangement shipped, every record
    # touching 2025 is counted again, and none changes.
    notice = tmp_path / "2025年部分节假日安排的通知.txt"
    notice.write_text(NOTICE_2025, encoding="utf-8")
    same = _credit(server, tmp_path, "calendar", "load", "--database", database, str(notice))
    assert same.returncode == 0, same.stderr
    assert "春节\t2025-01-28 – 2025-02-04，调休上班 / worked: 2025-01-26、2025-02-08" in same.stdout
    assert "loaded 2025: 248 working days" in same.stdout
    counted, changed, late_changed, estimated = _recount(same.stdout)
    assert counted >= in_2025 and changed == 0 and late_changed == 0
    assert _clocks(path) == shipped
    # Saved by Notepad on a Chinese Windows (GB 18030), it reads the same.
    saved = tmp_path / "通知-gbk.txt"
    saved.write_bytes(NOTICE_2025.encode("gb18030"))
    same_again = _credit(server, tmp_path, "calendar", "load", "--database", database, "--dry-run", str(saved))
    assert same_again.returncode == 0 and "2025: 248 working days; nothing stored (--dry-run)" in same_again.stdout, same_again.stderr

    # A wrong file (the year's holidays left out) makes statutory holidays working days: refused, unless forced.
    with open(os.path.join(HOLIDAYS, "2025.json"), encoding="utf-8") as f:
        arrangement = json.load(f)
    correct = tmp_path / "2025.json"
    correct.write_text(json.dumps(arrangement, ensure_ascii=False), encoding="utf-8")
    wrong = tmp_path / "2025-wrong.json"
    wrong.write_text(json.dumps({**arrangement, "periods": []}, ensure_ascii=False), encoding="utf-8")
    refused = _credit(server, tmp_path, "calendar", "load", "--database", database, str(wrong))
    assert refused.returncode != 0 and "2025-01-01 (元旦) is a statutory holiday but a working day" in refused.stderr, refused.stderr
    assert "--force" in refused.stderr
    dry = _credit(server, tmp_path, "calendar", "load", "--database", database, "--force", "--dry-run", str(wrong))
    assert dry.returncode == 0 and "nothing stored (--dry-run)" in dry.stdout
    assert _clocks(path) == shipped
    # Forced, it is loaded: the clocks that ran over a holiday change, in the tables too.
    loaded = _credit(server, tmp_path, "calendar", "load", "--database", database, "--force", str(wrong))
    assert loaded.returncode == 0, loaded.stderr
    counted, changed, _, _ = _recount(loaded.stdout)
    after = _clocks(path)
    differing = sum(1 for a, b in zip(shipped, after) if a != b)
    assert changed == differing and changed > 0
    assert "a running server puts it in force within a minute" in loaded.stdout

    # The right file again: every clock is as it was.
    again = _credit(server, tmp_path, "calendar", "load", "--database", database, str(correct))
    assert _recount(again.stdout)[1] == changed
    assert _clocks(path) == shipped
    shown = _credit(server, tmp_path, "calendar", "show", "--database", database)
    assert re.search(r"^2025\t248 ", shown.stdout, re.MULTILINE), shown.stdout
    # Next year, until its notice is shipped or loaded, is listed as an estimate.
    next_year = datetime.date.today().year + 1
    if next_year not in {int(name[:4]) for name in os.listdir(HOLIDAYS)}:
        assert re.search(rf"^{next_year}\t\d+ .*not loaded: estimated from the statutory holidays", shown.stdout, re.MULTILINE), shown.stdout

    # A file that is not an arrangement is refused with the reason, and nothing changes.
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({**arrangement, "periods": [{"name": "春节", "from": "2025-02-04", "to": "2025-01-28", "workdays": []}]}))
    refused = _credit(server, tmp_path, "calendar", "load", "--database", database, str(broken))
    assert refused.returncode != 0 and "starts after it ends" in refused.stderr
    assert _clocks(path) == shipped

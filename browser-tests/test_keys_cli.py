"""Key rotation from the command line, on a database of its own: rotate, re-encrypt, verify."""
import json
import pathlib
import sqlite3
import subprocess


def _credit(binary, *args, cwd):
    return subprocess.run([binary, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_rotate_then_reencrypt_every_value_under_the_new_key(server, tmp_path):
    tmp = str(tmp_path)
    database = f"sqlite:{tmp}/keys.sqlite"
    binary = server["binary"]
    assert _credit(binary, "demo", "--database", database, "--entities", "60", cwd=tmp).returncode == 0
    key_file = pathlib.Path(f"{tmp}/keys.sqlite.keys.json")
    assert json.loads(key_file.read_text())["activeKeyID"] == "k1"

    rotated = _credit(binary, "keys", "rotate", "--database", database, cwd=tmp)
    assert rotated.returncode == 0, rotated.stderr
    assert "k2" in rotated.stdout
    stored = json.loads(key_file.read_text())
    assert stored["activeKeyID"] == "k2" and set(stored["keys"]) == {"k1", "k2"}
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"

    first = _credit(binary, "keys", "reencrypt", "--database", database, cwd=tmp)
    assert first.returncode == 0, first.stderr
    count = int(first.stdout.split("重新加密 ")[1].split(" ")[0])
    with sqlite3.connect(f"{tmp}/keys.sqlite") as connection:
        persons = connection.execute("SELECT count(*) FROM persons").fetchone()[0]
        phones = connection.execute("SELECT count(*) FROM persons WHERE phone_enc IS NOT NULL").fetchone()[0]
        assert connection.execute("SELECT count(*) FROM persons WHERE id_number_enc NOT LIKE 'k2:%' OR phone_enc NOT LIKE 'k2:%'").fetchone()[0] == 0
    assert count == persons + phones  # identity numbers and phone numbers
    again = _credit(binary, "keys", "reencrypt", "--database", database, cwd=tmp)
    assert "重新加密 0 个值" in again.stdout

    # Retire k1: everything still opens, and the log still verifies.
    stored["keys"].pop("k1")
    key_file.write_text(json.dumps(stored))
    verified = _credit(binary, "verify", "--database", database, cwd=tmp)
    assert verified.returncode == 0 and verified.stdout.strip() == "ok", verified.stdout + verified.stderr

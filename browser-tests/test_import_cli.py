"""`credit import`: a GB18030 file with bad rows, then a kill -9 in the middle of a large import.

On the module's own demo city (both engines).
"""
import datetime
import json
import os
import pathlib
import signal
import subprocess
import time

import requests
import sqlite3

from conftest import fresh_database


def _sql(server, query):
    database = server["database"]
    if database.startswith("sqlite:"):
        with sqlite3.connect(database[len("sqlite:"):]) as connection:
            return connection.execute(query).fetchall()
    psql = os.path.join(os.environ.get("CREDIT_PG_BIN", "/usr/bin"), "psql")
    out = subprocess.run([psql, "-tA", "-F", "\t", database, "-c", query], check=True, capture_output=True, text=True, timeout=60).stdout
    return [tuple(line.split("\t")) for line in out.splitlines() if line]


def _import(server, department, path, *extra):
    return subprocess.run(
        [server["binary"], "import", "--database", server["database"], "--department", department, "--category", "penalty", *extra, path],
        capture_output=True, text=True, cwd=server["cwd"], timeout=600,
    )


def _counts(stdout):
    return {line.split()[0]: int(line.split()[1]) for line in stdout.splitlines() if line.split()[0] in ("accepted", "updated", "unchanged", "rejected")}


def _setup(server):
    department = _sql(server, "SELECT code FROM departments WHERE name LIKE '%生态环境%'")[0][0]
    codes = [row[0] for row in _sql(server, "SELECT code FROM entities ORDER BY id LIMIT 3")]
    decided = ((datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date() - datetime.timedelta(days=2)).isoformat()
    return department, codes, decided


HEADER = "行政相对人名称,统一社会信用代码,行政处罚决定书文号,处罚决定日期,处罚内容,处罚依据,失信程度,处罚类别\n"


def test_a_gb18030_file_with_bad_rows(server, gb18030_file):
    department, codes, decided = _setup(server)
    text = HEADER + "".join([
        f"甲公司,{codes[0]},济环罚〔2026〕1号,{decided},罚款人民币三万元,《大气污染防治法》第九十九条,一般,罚款\n",
        f"乙公司,{codes[1][:-1]}Z,济环罚〔2026〕2号,{decided},罚款,某法,一般,罚款\n",
        f"丙公司,{codes[2]},济环罚〔2026〕3号,2099-01-01,罚款,某法,一般,罚款\n",
    ])
    path = gb18030_file("环保处罚.csv", text)
    result = _import(server, department, path)
    assert result.returncode == 0, result.stderr
    assert _counts(result.stdout) == {"accepted": 1, "updated": 0, "unchanged": 0, "rejected": 2}
    # Each rejected line is named on standard error with its problems, in Chinese and English.
    assert f"第 3 行 / line 3 subjectCode “{codes[1][:-1]}Z”: 统一社会信用代码无效" in result.stderr, result.stderr
    assert "第 4 行 / line 4 decidedOn “2099-01-01”: “处罚决定日期”晚于今天" in result.stderr and "is after today" in result.stderr
    queue = _sql(server, f"SELECT position, problems FROM rejections WHERE department_code = '{department}' ORDER BY id")
    assert [int(row[0]) for row in queue] == [3, 4]
    assert "invalid_credit_code" in queue[0][1] and "future_date" in queue[1][1]

    # Declared as UTF-8, the GB18030 file cannot be read: refused whole, with the reason.
    unreadable = _import(server, department, path, "--encoding", "utf-8")
    assert unreadable.returncode == 1 and "编码" in unreadable.stderr
    with open(path, "wb") as f:
        f.write("名称,经办人\n甲,乙\n".encode("utf-8"))
    refused = _import(server, department, path)
    assert refused.returncode == 1 and "经办人" in refused.stderr
    # A directory or a missing file: a usage error naming it, nothing stored.
    folder = _import(server, department, os.path.dirname(path))
    assert folder.returncode != 0 and "是目录" in folder.stderr and "Error Domain" not in folder.stderr
    missing = _import(server, department, path + ".missing")
    assert missing.returncode != 0 and "无法读取文件" in missing.stderr
    assert len(_sql(server, f"SELECT id FROM rejections WHERE department_code = '{department}'")) == 2


def test_a_registration_file_from_the_registering_department(server, gb18030_file, credit_code):
    market = _sql(server, "SELECT code FROM departments WHERE name LIKE '%市场监督管理%'")[0][0]
    code = credit_code("91370102MA7CL000")
    text = (
        "统一社会信用代码,主体名称,主体类型,行政区划代码,行业代码,成立日期,法定代表人,法定代表人证件号码\n"
        f"{code},济南命令行登记有限公司,企业,370102,65,2024-03-01,张三,11010519491231002X\n"
        f"{code[:-1]}Z,校验码错的公司,企业,370102,65,2024-03-01,张三,11010519491231002X\n"
    )
    path = gb18030_file("登记.csv", text)
    command = [server["binary"], "import", "--database", server["database"], "--department", market, "--category", "registration", path]
    result = subprocess.run(command, capture_output=True, text=True, cwd=server["cwd"], timeout=600)
    assert result.returncode == 0, result.stderr
    assert _counts(result.stdout) == {"accepted": 1, "updated": 0, "unchanged": 0, "rejected": 1}
    assert f"第 3 行 / line 3" in result.stderr and f"“{code[:-1]}Z”" in result.stderr, result.stderr
    assert _sql(server, f"SELECT name FROM entities WHERE code = '{code}'") == [("济南命令行登记有限公司",)]
    mine = f"department_code = '{market}' AND category = 'registration' AND problems LIKE '%{code[:-1]}Z%'"
    queue = _sql(server, f"SELECT category, problems FROM rejections WHERE {mine}")
    assert len(queue) == 1 and "invalid_credit_code" in queue[0][1]
    # The same file again: nothing new, nothing queued twice.
    again = subprocess.run(command, capture_output=True, text=True, cwd=server["cwd"], timeout=600)
    assert _counts(again.stdout) == {"accepted": 0, "updated": 0, "unchanged": 1, "rejected": 1}
    assert len(_sql(server, f"SELECT id FROM rejections WHERE {mine}")) == 1


def test_kill_9_in_the_middle_loses_no_acknowledged_row_and_duplicates_none(server, tmp_path):
    department, codes, decided = _setup(server)
    rows = 20_000
    path = os.path.join(str(tmp_path), "large.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write(HEADER)
        for i in range(rows):
            f.write(f"某公司,{codes[i % 3]},济环罚〔2026〕K{i:06d}号,{decided},罚款人民币{i}元,某法,一般,罚款\n")
    process = subprocess.Popen(
        [server["binary"], "import", "--database", server["database"], "--department", department, "--category", "penalty", path],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=server["cwd"],
    )
    # Wait until at least three batches are stored, then kill without warning.
    seen = b""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        chunk = os.read(process.stderr.fileno(), 256)
        if not chunk:
            break
        seen += chunk
        progress = [int(part.split(b" ")[0]) for part in seen.split("已处理 ".encode()) [1:] if part.split(b" ")[0].isdigit()]
        if progress and progress[-1] >= 3000:
            break
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the import finished before it could be interrupted"

    stored = int(_sql(server, f"SELECT count(*) FROM records WHERE department_code = '{department}' AND document_number LIKE '%K%'")[0][0])
    assert 3000 <= stored < rows

    again = _import(server, department, path)
    assert again.returncode == 0, again.stderr
    counts = _counts(again.stdout)
    assert counts["unchanged"] == stored, "every row stored before the kill is found again"
    assert counts["accepted"] == rows - stored and counts["rejected"] == 0
    total, distinct = _sql(server, f"SELECT count(*), count(DISTINCT document_number) FROM records WHERE department_code = '{department}' AND document_number LIKE '%K%'")[0]
    assert int(total) == rows and int(distinct) == rows



def test_import_follows_a_catalogue_version_loaded_from_the_command_line(tmp_path, credit_code):
    """A column name that only a catalogue version loaded with `credit catalog load` knows is read by `credit import`,
    as the server reads it, and the record keeps that version; on a database of its own (both engines)."""
    binary = os.environ["CREDIT_BIN"]
    database = fresh_database(str(tmp_path), "credit_catalog_cli")

    def run(*arguments):
        return subprocess.run([binary, *arguments, "--database", database], capture_output=True, text=True, cwd=str(tmp_path), timeout=300)

    department = credit_code("11370100MB000001")
    assert run("departments", "add", "--code", department, "--name", "济南市生态环境局").returncode == 0
    today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date()
    # setup: the shipped catalogue with one more name for the document number, in force from today
    shipped = json.loads((pathlib.Path(__file__).parent.parent / "Sources/CreditCore/Resources/catalogue/2026-04-01.json").read_text())
    shipped.update(version="cli-test", effectiveFrom=today.isoformat(), source="测试：文号的另一列名")
    penalty = next(c for c in shipped["categories"] if c["code"] == "penalty")
    next(f for f in penalty["fields"] if f["name"] == "documentNumber")["aliases"].append("决定文书号")
    catalogue = tmp_path / "catalogue.json"
    catalogue.write_text(json.dumps(shipped, ensure_ascii=False), encoding="utf-8")
    loaded = run("catalog", "load", str(catalogue))
    assert loaded.returncode == 0, loaded.stderr
    subject = credit_code("91370102MA3C0000")
    decided = (today - datetime.timedelta(days=2)).isoformat()
    rows = tmp_path / "处罚.csv"
    rows.write_text(
        "行政相对人名称,统一社会信用代码,决定文书号,处罚决定日期,处罚内容,处罚依据,失信程度,处罚类别\n"
        f"甲公司,{subject},济环罚〔2026〕9号,{decided},罚款人民币一万元,《大气污染防治法》第九十九条,一般,罚款\n",
        encoding="utf-8",
    )
    # MUT
    result = subprocess.run(
        [binary, "import", "--database", database, "--department", department, "--category", "penalty", str(rows)],
        capture_output=True, text=True, cwd=str(tmp_path), timeout=300,
    )
    # validate: the header is read with the loaded version, and the record names it
    assert result.returncode == 0, result.stderr
    assert _counts(result.stdout) == {"accepted": 1, "updated": 0, "unchanged": 0, "rejected": 0}
    assert _sql({"database": database}, "SELECT document_number, catalogue_version FROM records") == [("济环罚〔2026〕9号", "cli-test")]


def test_a_file_in_the_departments_own_columns_imports_with_a_mapping_file_or_the_saved_mapping(server, tmp_path):
    department, codes, decided = _setup(server)
    header = "企业名称,信用代码,处罚决定书编号,违法行为,处罚依据,处罚种类,处罚结果,决定日期,失信程度,经办人\n"

    def own_file(name, number):
        path = tmp_path / name
        path.write_text(header + f"甲公司,{codes[0]},{number},超标排放,《大气污染防治法》第九十九条,罚款,罚款人民币十万元,{decided},一般,赵六\n",
                        encoding="utf-8")
        return str(path)

    first = own_file("环保自定模板.csv", "济环罚〔2026〕61号")
    refused = _import(server, department, first)
    assert refused.returncode == 1 and _counts(refused.stdout) == {}
    # What each column probably holds, and a mapping to start from.
    assert "表头有不认识的列" in refused.stderr, refused.stderr
    assert "信用代码 → subjectCode 统一社会信用代码（名称相近，请确认" in refused.stderr
    assert "经办人 → —（未找到" in refused.stderr
    proposed = json.loads(refused.stderr[refused.stderr.index("{"):refused.stderr.rindex("}") + 1])
    assert {"column": "信用代码", "field": "subjectCode"} in proposed["columns"]

    # The clerk completes it: 企业名称 and 处罚结果 named, 经办人 ignored.
    fields = {"企业名称": "subjectName", "处罚结果": "content", "经办人": None}
    mapping = {"columns": [{"column": c["column"], "field": fields.get(c["column"], c["field"])} for c in proposed["columns"]]}
    mapping_file = tmp_path / "mapping.json"
    mapping_file.write_text(json.dumps(mapping, ensure_ascii=False), encoding="utf-8")
    twice = tmp_path / "twice.json"
    twice.write_text(json.dumps({"columns": mapping["columns"] + [{"column": "经办人", "field": "remarks"}]}, ensure_ascii=False), encoding="utf-8")
    bad = _import(server, department, first, "--mapping", str(twice))
    assert bad.returncode == 1 and "“经办人”出现了两次" in bad.stderr, bad.stderr

    done = _import(server, department, first, "--mapping", str(mapping_file))
    assert done.returncode == 0, done.stderr
    assert _counts(done.stdout) == {"accepted": 1, "updated": 0, "unchanged": 0, "rejected": 0}
    content = _sql(server, "SELECT content FROM records WHERE document_number = '济环罚〔2026〕61号'")
    assert len(content) == 1 and "罚款人民币十万元" in content[0][0] and "赵六" not in content[0][0]

    # Saved for the department (as the upload page saves it), the mapping reads its next file without --mapping.
    created = subprocess.run([server["binary"], "accounts", "create", "--database", server["database"], "--role", "department",
                              "--name", "环保报送员", "--department", department], capture_output=True, text=True, cwd=server["cwd"], timeout=60)
    token = created.stdout.strip().splitlines()[-1]
    saved = requests.put(f"{server['base']}/api/v1/column-mappings/penalty", json=mapping, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert saved.status_code == 200, saved.text
    second = _import(server, department, own_file("环保自定模板-2.csv", "济环罚〔2026〕62号"))
    assert second.returncode == 0 and _counts(second.stdout)["accepted"] == 1, second.stderr
    assert "按本部门保存的列对应读取" in second.stderr

"""The first administrator is created with the CLI; its token works against the running server."""
import subprocess

import requests


def _create(server, *args):
    result = subprocess.run(
        [server["binary"], "accounts", "create", "--database", server["database"], *args],
        capture_output=True, text=True, cwd=server["cwd"], timeout=120,
    )
    return result


def test_the_first_admin_is_created_by_the_cli_and_its_token_works(server):
    result = _create(server, "--role", "admin", "--name", "首位管理员")
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip().splitlines()[-1]
    assert token.startswith("crd_") and len(token) == 68

    me = requests.get(server["base"] + "/api/v1/accounts/me", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert me.status_code == 200
    assert me.json()["name"] == "首位管理员" and me.json()["role"] == "admin"

    listing = requests.get(server["base"] + "/api/v1/accounts", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert "首位管理员" in [a["name"] for a in listing.json()["items"]]
    assert token not in listing.text

    anonymous = requests.get(server["base"] + "/api/v1/accounts", timeout=10)
    assert anonymous.status_code == 401 and anonymous.json()["error"]["code"] == "unauthenticated"


def test_an_account_request_that_breaks_the_rules_is_refused_with_a_reason(server):
    result = _create(server, "--role", "department", "--name", "没有部门的科员")
    assert result.returncode != 0
    assert "--department" in result.stderr
    result = _create(server, "--role", "entity", "--name", "x", "--entity", "91350100M000100Y4Z")
    assert result.returncode != 0
    assert "credit code" in result.stderr


def test_a_department_is_told_which_entities_it_registers_and_the_running_server_follows(server, credit_code):
    """A city where the 行政审批服务局 registers companies: `--registers 9` lets its clerk register a 9… code."""
    def departments(*args):
        return subprocess.run([server["binary"], "departments", *args, "--database", server["database"]],
                              capture_output=True, text=True, cwd=server["cwd"], timeout=120)

    code = credit_code("11370100MB123456")
    added = departments("add", "--code", code, "--name", "济南市行政审批服务局", "--registers", "9")
    assert added.returncode == 0, added.stderr
    assert "登记机关类别 9" in added.stdout
    # Renamed without --registers: the configuration stays.
    renamed = departments("add", "--code", code, "--name", "济南市行政审批服务局（更名）")
    assert renamed.returncode == 0 and "登记机关类别 9" in renamed.stdout
    listed = departments("list")
    assert any(line.startswith(code) and "登记机关类别 9" in line for line in listed.stdout.splitlines())
    refused = departments("add", "--code", code, "--name", "济南市行政审批服务局", "--registers", "9Z")
    assert refused.returncode != 0 and "--registers" in refused.stderr

    # Its clerk registers a company through the running server.
    clerk = _create(server, "--role", "department", "--name", "审批科员", "--department", code)
    assert clerk.returncode == 0, clerk.stderr
    entity = {"code": credit_code("91370102MA7K0777"), "name": "审批登记有限公司", "kind": "enterprise", "region": "370102", "industry": "65",
              "establishedOn": "2024-03-01", "legalRepresentative": {"idNumber": "11010519491231002X", "name": "张三"}}
    headers = {"Authorization": "Bearer " + clerk.stdout.strip().splitlines()[-1]}
    registered = requests.post(server["base"] + "/api/v1/entities", headers=headers, json=entity, timeout=30)
    assert registered.status_code in (200, 201), registered.text
    assert departments("add", "--code", code, "--name", "济南市行政审批服务局", "--registers", "by-name").returncode == 0
    again = requests.post(server["base"] + "/api/v1/entities", headers=headers, json=dict(entity, name="审批再登记有限公司"), timeout=30)
    assert again.status_code == 403 and again.json()["error"]["code"] == "not_registering_department"

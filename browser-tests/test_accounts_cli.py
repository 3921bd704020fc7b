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

"""A person signs in on the login page, is protected by CSRF tokens, reads the audit log and signs out.

The account is made the way an administrator would: `credit accounts create`, then `credit accounts password`
with the password on standard input.
"""
import re
import subprocess

import requests
from selenium.webdriver.common.by import By

PASSWORD = "浏览器测试 horse battery"


def _cli(server, *args, stdin=None):
    return subprocess.run(
        [server["binary"], *args, "--database", server["database"]],
        input=stdin, capture_output=True, text=True, cwd=server["cwd"], timeout=120,
    )


def _office_account(server, login):
    created = _cli(server, "accounts", "create", "--role", "credit-office", "--name", f"信用办 {login}")
    assert created.returncode == 0, created.stderr
    account = re.search(r"账户 (\d+)", created.stdout).group(1)
    weak = _cli(server, "accounts", "password", "--account", account, "--login", login, stdin="short\n")
    assert weak.returncode != 0 and "12" in weak.stderr
    result = _cli(server, "accounts", "password", "--account", account, "--login", login, stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert PASSWORD not in result.stdout
    return account


def _sign_in(browser, server, login, password):
    browser.get(server["base"] + "/login")
    browser.find_element(By.ID, "login").send_keys(login)
    browser.find_element(By.ID, "password").send_keys(password)
    browser.find_element(By.ID, "login-submit").click()


def test_sign_in_csrf_and_sign_out(server, browser, screenshots):
    _office_account(server, "office.browser")
    browser.delete_all_cookies()

    _sign_in(browser, server, "office.browser", "a wrong password")
    assert "登录名、密码或动态口令不正确" in browser.find_element(By.ID, "login-problem").text
    assert browser.find_element(By.ID, "login").get_attribute("value") == "office.browser"
    screenshots(browser, "10-login-wrong-password")

    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "login-submit").click()
    assert "信用办 office.browser" in browser.find_element(By.ID, "account-link").text
    cookie = browser.get_cookie("credit_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    browser.find_element(By.ID, "account-link").click()
    assert browser.find_element(By.ID, "account-name").text == "信用办 office.browser"
    screenshots(browser, "11-signed-in-account")

    # A forged form: the same session cookie, but a CSRF token the page never gave. Refused, and the session lives on.
    browser.execute_script("document.querySelector('#logout-form input[name=csrf]').value = '0'.repeat(64)")
    browser.find_element(By.CSS_SELECTOR, "#logout-form button").click()
    assert "表单已过期或来源不明" in browser.find_element(By.ID, "error-message").text
    screenshots(browser, "12-csrf-refused")
    # Another site posting with the browser's cookie but no token at all: refused too.
    forged = requests.post(server["base"] + "/logout", cookies={"credit_session": cookie["value"]}, timeout=10, allow_redirects=False)
    assert forged.status_code == 403
    browser.get(server["base"] + "/account")
    assert browser.find_element(By.ID, "account-name").text == "信用办 office.browser"

    # Sign out with the real form: the session ends on the server, so the old cookie is worthless.
    browser.find_element(By.CSS_SELECTOR, "#logout-form button").click()
    assert "您已安全退出" in browser.find_element(By.ID, "login-notice").text
    assert browser.get_cookie("credit_session") is None
    screenshots(browser, "13-signed-out")
    replay = requests.get(server["base"] + "/api/v1/accounts/me", cookies={"credit_session": cookie["value"]}, timeout=10)
    assert replay.status_code == 401 and replay.json()["error"]["code"] == "invalid_session"
    browser.get(server["base"] + "/account")
    assert browser.find_element(By.TAG_NAME, "h1").text == "401"
    # The page offers to sign in, and signing in there comes back to the page asked for.
    browser.find_element(By.ID, "error-sign-in").click()
    browser.find_element(By.ID, "login").send_keys("office.browser")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "login-submit").click()
    # The account page's own element first: find_element waits for the page the sign-in leads to (current_url,
    # read at once, could still be the sign-in page's — CI of c22bace saw that once).
    assert browser.find_element(By.ID, "account-name").text == "信用办 office.browser"
    assert browser.current_url == server["base"] + "/account"


def test_the_audit_page_shows_who_did_what(server, browser, screenshots):
    _office_account(server, "auditor.browser")
    browser.delete_all_cookies()
    _sign_in(browser, server, "auditor.browser", PASSWORD)
    browser.find_element(By.ID, "audit-link").click()
    assert browser.find_elements(By.ID, "audit-table") == []
    browser.find_element(By.ID, "purpose").send_keys("浏览器测试核查")
    browser.find_element(By.CSS_SELECTOR, "#audit-filter button").click()
    table = browser.find_element(By.ID, "audit-table").text
    assert "登录" in table and "auditor.browser" in table
    assert "登录失败" in table  # the wrong password of the other test
    assert "拒绝" in table and "csrf_failed" in table
    screenshots(browser, "14-audit-log")
    export = browser.find_element(By.ID, "audit-export").get_attribute("href")
    session = browser.get_cookie("credit_session")["value"]
    csv = requests.get(export, cookies={"credit_session": session}, timeout=10)
    assert csv.status_code == 200 and csv.text.startswith("\ufeff编号,时间,类型")
    assert "sign-in-failed" in csv.text

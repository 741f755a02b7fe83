#!/usr/bin/env python3
"""Drives paygate's dashboard in headless Chromium (Debian's chromium and chromedriver, through
selenium) and prints what the page shows as one JSON object on stdout; the Swift test
(DashboardTests) compares it with the ledger. Every wait is bounded; a page that never becomes
ready is reported (with the browser's console), not waited for.

    check_dashboard.py --base http://127.0.0.1:PORT --token TOKEN [--screenshot FILE]
                       [--pay-command JSON_ARRAY]

Phases, in one browser:
  1. /dashboard#token=TOKEN: wait for the first render; read the numbers, the console (SEVERE
     entries), whether the fragment left the address bar; optionally take a screenshot.
  2. Run --pay-command (one more paid request) and wait for the auto refresh to show it.
  3. Forget the token, load /dashboard without one: the token form must appear; submit the
     token through it and wait for the data again.
"""
import argparse
import json
import subprocess
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

WAIT_SECONDS = 20

READ_PAGE = """
const text = (id) => document.getElementById(id).textContent;
const bars = (id) => [...document.querySelectorAll('#' + id + ' .bar-row')]
  .map((row) => [row.dataset.label, row.querySelector('.bar-value').textContent]);
return {
  status: text('status'),
  state: document.getElementById('status').dataset.state,
  total: [...document.querySelectorAll('#total-revenue .amount')].map((node) => node.textContent),
  count: text('receipt-count'),
  verdict: text('health-verdict'),
  health: Object.fromEntries(['settled', 'settling', 'pending', 'failed']
    .map((status) => [status, (document.getElementById('count-' + status) || {}).textContent])),
  routes: bars('by-route'),
  recipients: bars('by-recipient'),
  dayBars: document.querySelectorAll('#by-day svg rect.bar').length,
  receipts: [...document.querySelectorAll('#receipts tbody tr')].map((row) => [...row.cells].map((cell) => cell.textContent)),
  hash: location.hash,
  stored: sessionStorage.getItem('paygate.adminToken') !== null,
  loginVisible: !document.getElementById('login').hidden,
};
"""


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1000", "--hide-scrollbars", "--lang=en-US"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def wait_for(driver, condition):
    try:
        WebDriverWait(driver, WAIT_SECONDS, poll_frequency=0.1).until(lambda d: d.execute_script(condition))
        return True
    except TimeoutException:
        return False


def severe(driver):
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def ready(driver):
    return wait_for(driver, "return document.getElementById('status').dataset.state === 'ready'")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--screenshot")
    parser.add_argument("--pay-command")
    args = parser.parse_args()
    result = {}
    driver = browser()
    try:
        driver.get(args.base + "/dashboard#token=" + args.token)
        result["ready"] = ready(driver)
        result["page"] = driver.execute_script(READ_PAGE)
        result["severe"] = severe(driver)
        if args.screenshot and result["ready"]:
            height = driver.execute_script("return document.documentElement.scrollHeight")
            driver.set_window_size(1280, height + 140)  # the window includes browser chrome
            time.sleep(0.3)
            driver.save_screenshot(args.screenshot)
        if args.pay_command:
            before = result["page"]["count"]
            paid = subprocess.run(json.loads(args.pay_command), capture_output=True, text=True, timeout=30)
            result["payExit"] = paid.returncode
            result["refreshed"] = wait_for(driver, "return document.getElementById('receipt-count').textContent !== %s"
                                           % json.dumps(before))
            result["afterRefresh"] = driver.execute_script(READ_PAGE)
            result["severeAfterRefresh"] = severe(driver)

        driver.execute_script("sessionStorage.clear()")
        driver.get(args.base + "/dashboard")
        result["loginShown"] = wait_for(driver, "return !document.getElementById('login').hidden")
        result["withoutToken"] = driver.execute_script(READ_PAGE)
        driver.find_element(By.ID, "token").send_keys(args.token)
        driver.find_element(By.CSS_SELECTOR, "#login button").click()
        result["readyAfterLogin"] = ready(driver)
        result["afterLogin"] = driver.execute_script(READ_PAGE)
    finally:
        driver.quit()
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()

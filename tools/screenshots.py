"""Screenshots of a running portal in headless Chromium, desktop and phone width, for a look.

    .venv/bin/python tools/screenshots.py [--base http://127.0.0.1:8000] [--lang ky] /path ...

Logs in as the demo admin (DEMO_ADMIN_PASSWORD or the default) and writes var/screenshots/*.png.
"""

import argparse
import os
import re
import tempfile
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

OUT = Path(__file__).resolve().parents[1] / "var" / "screenshots"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--lang", default="ky")
    parser.add_argument("--user", default="admin")
    parser.add_argument(
        "--password", default=os.environ.get("DEMO_ADMIN_PASSWORD", "demo-admin-2024")
    )
    parser.add_argument("--pdf", action="store_true", help="also print each page to an A4 PDF")
    args = parser.parse_args()

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tempfile.mkdtemp()}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        driver.get(args.base + "/accounts/login/")
        driver.add_cookie({"name": "portal_language", "value": args.lang})
        driver.get(args.base + "/accounts/login/")
        driver.find_element(By.ID, "id_username").send_keys(args.user)
        driver.find_element(By.ID, "id_password").send_keys(args.password)
        driver.find_element(By.CSS_SELECTOR, "form button.primary").click()
        for path in args.paths:
            slug = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
            for label, (width, height) in {"desktop": (1366, 900), "phone": (390, 844)}.items():
                driver.set_window_size(width, height)
                driver.get(args.base + path)
                full = driver.execute_script("return document.documentElement.scrollHeight")
                driver.set_window_size(width, min(max(full, height), 4000))
                name = OUT / f"{slug}-{args.lang}-{label}.png"
                driver.save_screenshot(str(name))
                print(name)
            if args.pdf:
                import base64

                from selenium.webdriver.common.print_page_options import PrintOptions

                driver.set_window_size(1366, 900)
                driver.get(args.base + path)
                printing = PrintOptions()
                printing.page_width, printing.page_height = 21.0, 29.7
                name = OUT / f"{slug}-{args.lang}.pdf"
                name.write_bytes(base64.b64decode(driver.print_page(printing)))
                print(name)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()

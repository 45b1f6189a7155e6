"""The load test's users (locust), run by bench/load_test.py: vice-rectors who read the dashboard
and the session report, and dean's offices who save grade sheets.

Each dean's office user has a sheet of its own (a 2-core server, not a contest for one sheet):
it opens the sheet, changes every grade, and saves, as a person does. The signed-in sessions
and the sheets come from the JSON file named by PORTAL_LOAD_USERS, written by
bench/load_test.py.
"""

import itertools
import json
import os
import re

from locust import HttpUser, between, task

USERS = json.loads(open(os.environ["PORTAL_LOAD_USERS"], encoding="utf-8").read())
_deans = itertools.cycle(USERS["deans"])
_rectors = itertools.cycle(USERS["rectors"])
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
# A grade cell's input, and whether it is disabled (a student not admitted): a browser posts only
# the enabled ones.
CELL = re.compile(r'<input[^>]*name="(grade-\d+)"[^>]*>')


class PortalUser(HttpUser):
    abstract = True
    # A person reads a page before the next: 1 to 5 s (locust's own examples use this).
    wait_time = between(1, 5)

    def sign_in(self, account):
        # Signed in beforehand by bench/load_test.py: the session cookie is all a browser keeps.
        host = self.host.split("://", 1)[1].split(":", 1)[0]
        self.client.cookies.set("sessionid", account["session"], domain=host, path="/")

    def page(self, path, name):
        """GET a page; a redirect to the login page or any status but 200 is a failure."""
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200 or "/accounts/login/" in response.url:
                response.failure(f"{response.status_code} at {response.url}")
            return response


class ViceRector(PortalUser):
    weight = 3

    def on_start(self):
        self.sign_in(next(_rectors))

    @task(3)
    def dashboard(self):
        self.page("/dashboard/", "dashboard")

    @task(1)
    def dashboard_faculty_filter(self):
        self.page("/dashboard/?form=day", "dashboard (day form)")

    @task(2)
    def session_report(self):
        self.page("/reports/session/", "session report")


class DeanOffice(PortalUser):
    weight = 2

    def on_start(self):
        account = next(_deans)
        self.sheet = f"/sessions/sheets/{account['assessment']}/main/"
        self.values = itertools.cycle(["5", "4", "3"])
        self.sign_in(account)

    @task
    def save_sheet(self):
        page = self.page(self.sheet, "grade sheet")
        token = CSRF.search(page.text).group(1)
        version = VERSION.search(page.text).group(1)
        value = next(self.values)
        form = {"csrfmiddlewaretoken": token, "version": version}
        form.update(
            {
                match.group(1): value
                for match in CELL.finditer(page.text)
                if "disabled" not in match.group(0)
            }
        )
        with self.client.post(
            self.sheet, form, name="grade sheet save", catch_response=True
        ) as response:
            if response.status_code != 200 or "grade-" not in response.text:
                response.failure(f"save answered {response.status_code}")

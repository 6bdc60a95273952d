"""`make loadtest`'s salespeople (locust, headless): each logs in as one of the plan's users (each alone
in their team) and, with a short think time, loads their board, opens a column's next page, moves one
of their cards to another open stage (sending the values the stage requires, as the board's dialog
does), creates an action on one of their opportunities and searches an account.

Every request's time and outcome, and every write (with the token that finds it on the site), go to
LOAD_RECORDS when locust quits; crm_portal.benchmarks.loadtest.verify compares them with the site.
No frappe import: this runs in the checkout's .venv, outside the bench.
Environment: LOAD_PLAN (JSON written by loadtest.prepare), LOAD_RECORDS (output), LOAD_SITE."""

from __future__ import annotations

import json
import os
import random
import time
import uuid
from datetime import date, datetime, timedelta

import gevent
from gevent.event import Event
from locust import HttpUser, between, events, task
from locust.exception import StopUser

with open(os.environ["LOAD_PLAN"]) as f:
	PLAN = json.load(f)
RECORDS = {"requests": [], "actions": [], "moves": [], "logins": []}
FREE_USERS = list(PLAN["users"])
WINDOW = {"start": None, "end": None, "deadline": None, "stopping": False}
USERS = int(os.environ.get("LOAD_USERS", len(PLAN["users"])))
SECONDS = float(os.environ.get("LOAD_SECONDS", 60))
LOGGED_IN = {"count": 0}
ALL_LOGGED_IN = Event()
BOARD = "/api/method/crm_portal.api.board."


@events.request.add_listener
def record_request(request_type, name, response_time, response_length, exception=None, **kwargs):
	RECORDS["requests"].append(
		{"name": name, "ms": response_time, "ok": exception is None, "at": time.time()}
	)


@events.quitting.add_listener
def write_records(environment, **kwargs):
	WINDOW["end"] = WINDOW["end"] or time.time()
	RECORDS["seconds"] = round(WINDOW["end"] - (WINDOW["start"] or WINDOW["end"]), 1)
	RECORDS["requests"] = [r for r in RECORDS["requests"] if r["at"] >= (WINDOW["start"] or 0)]
	with open(os.environ["LOAD_RECORDS"], "w") as f:
		json.dump(RECORDS, f)


@events.test_stop.add_listener
def stopped(environment, **kwargs):
	WINDOW["end"] = time.time()


class Salesperson(HttpUser):
	wait_time = between(float(os.environ.get("LOAD_WAIT_MIN", 1)), float(os.environ.get("LOAD_WAIT_MAX", 4)))

	def on_start(self):
		self.user = FREE_USERS.pop(0)
		self.client.headers["X-Frappe-Site-Name"] = os.environ["LOAD_SITE"]
		self.client.headers["Accept"] = "application/json"
		self.cards: dict[str, dict] = {}
		self.columns: list[str] = []
		with self.client.post(
			"/api/method/login",
			data={"usr": self.user, "pwd": PLAN["password"]},
			name="login",
			catch_response=True,
		) as response:
			if response.status_code != 200:
				response.failure(f"login {self.user}: {response.status_code}")
		RECORDS["logins"].append({"user": self.user, "ok": response.status_code == 200})
		# A first board before the window: every gunicorn worker imports and caches what a request
		# needs on its first requests, as a running site's workers already have.
		self.board("board (warm-up)")
		# The measured window opens when everyone is in: the logins (password hashing) do not count.
		LOGGED_IN["count"] += 1
		if LOGGED_IN["count"] == USERS:
			WINDOW["start"] = time.time()
			WINDOW["deadline"] = WINDOW["start"] + SECONDS
			ALL_LOGGED_IN.set()
		ALL_LOGGED_IN.wait()

	def in_window(self):
		"""Stop every salesperson once the window has passed (each finishes the task under way)."""
		if time.time() < WINDOW["deadline"]:
			return
		if not WINDOW["stopping"]:
			WINDOW["stopping"] = True
			gevent.spawn(self.environment.runner.quit)
		raise StopUser()

	def call(self, method: str, path: str, name: str, **kwargs):
		"""(ok, message) of one API call; a non-200 answer or a server exception counts as an error."""
		with getattr(self.client, method)(path, name=name, catch_response=True, **kwargs) as response:
			try:
				body = response.json()
			except ValueError:
				body = {}
			if response.status_code != 200 or body.get("exc") or body.get("exc_type"):
				response.failure(f"{response.status_code} {body.get('exc_type') or response.text[:200]}")
				return False, None
			return True, body.get("message")

	@task(3)
	def load_board(self):
		self.in_window()
		self.board("board")

	def board(self, name: str):
		ok, board = self.call(
			"get", BOARD + "get_board", name, params={"portfolio": PLAN["portfolio"], "scope": "me"}
		)
		if ok:
			self.columns = [c["stage"] for c in board["columns"]]
			self.cards = {c["name"]: c for column in board["columns"] for c in column["cards"]}

	@task(2)
	def column_page(self):
		self.in_window()
		if not self.columns:
			return
		self.call(
			"get",
			BOARD + "get_column_cards",
			"column page",
			params={
				"portfolio": PLAN["portfolio"],
				"stage": random.choice(self.columns),
				"scope": "me",
				"start": 20,
				"page_length": 20,
			},
		)

	@task(2)
	def move(self):
		self.in_window()
		if not self.cards:
			return
		card = self.cards[random.choice(list(self.cards))]
		target = random.choice([s for s in PLAN["open_stages"] if s != card["stage"]])
		values = {}
		for field in PLAN["requirements"][target]:
			if field == "amount":
				values[field] = card.get("amount") or 5000
			elif field == "expected_signature_date":
				values[field] = card.get("expected_signature_date") or str(date.today() + timedelta(days=60))
		ok, summary = self.call(
			"post",
			"/api/method/crm_portal.api.pipeline.move_to_stage",
			"move",
			data={
				"opportunity": card["name"],
				"stage": target,
				"values": json.dumps({"opportunity": values}),
				"modified": card["modified"],
			},
		)
		RECORDS["moves"].append(
			{"user": self.user, "opportunity": card["name"], "from": card["stage"], "to": target, "ok": ok}
		)
		if ok:
			card.update(stage=summary["stage"], modified=summary["modified"])

	@task(1)
	def create_action(self):
		self.in_window()
		if not self.cards:
			return
		token = f"Load {uuid.uuid4().hex}"
		opportunity = random.choice(list(self.cards))
		start = (datetime.now() + timedelta(days=random.randint(1, 20))).strftime("%Y-%m-%d %H:%M:%S")
		ok, summary = self.call(
			"post",
			"/api/method/crm_portal.api.actions.create_action",
			"create action",
			data={
				"action_type": PLAN["action_type"],
				"subject": token,
				"start": start,
				"opportunity": opportunity,
			},
		)
		RECORDS["actions"].append(
			{"user": self.user, "token": token, "ok": ok, "name": (summary or {}).get("name")}
		)

	@task(2)
	def search_account(self):
		self.in_window()
		self.call(
			"get",
			"/api/method/crm_portal.api.accounts.search_accounts",
			"account search",
			params={"query": PLAN["account_queries"][self.user]},
		)

"""The actions feed of a team (a team lead's "my team") read through `feed_index`, person by person, and
exactly what the plain `frappe.get_list` returns, for every persona.

Integration tests: `TEST_SITE=<site> make integration MODULE=crm_portal.tests.test_actions_feed_queries`."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_to_date, now_datetime

from crm_portal import actions as action_rules
from crm_portal.api import actions
from crm_portal.tests.test_board_queries import (
	LEAD,
	MANAGER,
	MEMBERS,
	SELLER,
	VIEWER,
	opportunity_reads,
	setup_people,
	statements_sent,
)

PREFIX = "_BQFEED-"
TEAM = (LEAD, *MEMBERS)
# The rest of the firm: many people, so the team's open actions are a small part of the table.
OTHERS = tuple(f"bqfeed.other{i}@example.com" for i in range(20))
TYPES = ("Relance", "Rendez-vous")
LIKE = "\\_BQFEED-%"


def insert_actions(size: int) -> None:
	"""`size` actions: one in 5 open, assignees spread over the team, a seller and the rest of the firm;
	every start distinct (so every sort order is total), from 10 days ago to 60 days ahead."""
	now = now_datetime()
	people = (*TEAM, SELLER, *OTHERS)
	fields = [
		"name", "subject", "action_type", "status", "start", "assigned_to", "account_name", "owner",
		"creation", "modified", "modified_by", "docstatus",
	]  # fmt: skip
	rows = [
		(
			f"{PREFIX}{i:06d}", f"Relance {i}", TYPES[i % 2], "Open" if i % 5 == 0 else "Done",
			add_to_date(now, minutes=i * 23 - 14400), people[i % len(people)], f"Compte {i % 7}",
			# a few of the firm's actions created by the team lead: the rule's `owner = me` branch
			LEAD if i % 97 == 0 else "Administrator", now, now, "Administrator", 0,
		)
		for i in range(size)
	]  # fmt: skip
	frappe.db.delete("CRM Action", {"name": ("like", LIKE)})
	frappe.db.bulk_insert("CRM Action", fields, rows, chunk_size=2000)


def delete_actions() -> None:
	frappe.db.delete("CRM Action", {"name": ("like", LIKE)})


class TestTeamFeedUsesIndexes(FrappeTestCase):
	"""A team lead's feed reads, for the page, at most a page of open actions per person (one range of
	`feed_index` each) and, for the counts, the index alone (rule included): before, the page walked the
	`start` index over the whole firm's actions, done ones included, until it met a page of the team's."""

	SIZE = 6000

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		setup_people()
		insert_actions(cls.SIZE)
		frappe.db.sql("analyze table `tabCRM Action`")  # commits: the rows are deleted at the end
		cls.addClassCleanup(frappe.db.commit)
		cls.addClassCleanup(delete_actions)

	def test_team_lead_feed_reads_the_team_s_open_actions_through_feed_index(self):
		team_open = frappe.db.count("CRM Action", {"status": "Open", "assigned_to": ("in", TEAM)})
		self.assertGreater(team_open, 100)
		with self.set_user(LEAD):
			for bucket in ("all", "late", "later"):
				actions.get_actions(scope="team_nn_me", bucket=bucket)  # warm the caches a site has
				with statements_sent() as sent:
					actions.get_actions(scope="team_nn_me", bucket=bucket)
				statements = [s for s in sent if "from `tabCRM Action`" in s]
				self.assertGreaterEqual(len(statements), 3, sent)
				for statement in statements:
					counting = "count(" in statement
					for read in opportunity_reads(statement, "tabCRM Action"):
						rows = float(read.get("r_rows") or 0) * float(read.get("r_loops") or 1)
						label = (
							f"{bucket}: {read.get('access_type')} {read.get('key')} {rows} rows "
							f"index only: {read.get('using_index')}\n{statement}"
						)
						self.assertNotEqual(read.get("access_type"), "ALL", label)
						self.assertEqual(read.get("key"), "feed_index", label)
						# a page: at most start + page + 1 rows per person; counts: the team's open ones
						bound = team_open if counting else len(TEAM) * 51
						self.assertLessEqual(rows, bound, label)
						if counting:
							self.assertTrue(read.get("using_index"), label)


class TestFeedEquivalence(FrappeTestCase):
	"""Every persona's feed (page, order, has_more, counts) is what `frappe.get_list` returns with the
	feed's filters, whatever the scope, bucket, sort, page and done filter."""

	SIZE = 700

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		setup_people()
		insert_actions(cls.SIZE)
		cls.addClassCleanup(delete_actions)

	def expected(self, scope, bucket, sort, include_done, start, page_length, action_types=None):
		now = now_datetime()
		conditions, or_filters = actions.feed_filters(scope, None, action_types, include_done)
		rows = frappe.get_list(
			"CRM Action",
			filters=[*conditions, *actions.bucket_conditions(bucket, now)],
			or_filters=or_filters,
			fields=["name"],
			order_by=actions.SORTS[sort],
			limit_start=start,
			limit_page_length=page_length + 1,
		)
		every = frappe.get_list(
			"CRM Action", filters=conditions, or_filters=or_filters, fields=["start", "status"], limit=0
		)
		counts = dict.fromkeys((*action_rules.BUCKETS, action_rules.ALL), 0)
		for row in every:
			kind = action_rules.bucket_of(row.start, row.status, now)
			if kind in counts:
				counts[kind] += 1
			counts[action_rules.ALL] += 1
		return [r.name for r in rows[:page_length]], len(rows) > page_length, counts

	def check(self, user, scope, **kwargs):
		kwargs = {
			"bucket": "all",
			"sort": "date",
			"include_done": False,
			"start": 0,
			"page_length": 20,
		} | kwargs
		with self.set_user(user):
			names, has_more, counts = self.expected(scope, **kwargs)
			got = actions.get_actions(scope=scope, **kwargs)
		label = f"{user} {scope} {kwargs}"
		self.assertEqual([r["name"] for r in got["actions"]], names, label)
		self.assertEqual(got["has_more"], has_more, label)
		self.assertEqual(got["counts"], counts, label)
		return names

	def test_team_lead_every_bucket_sort_and_page(self):
		seen = 0
		for bucket in ("all", "late", "today", "this_week", "next_week", "later"):
			for sort in actions.SORTS:
				for include_done in (False, True):
					for start in (0, 15):
						seen += len(
							self.check(
								LEAD,
								"team_nn_me",
								bucket=bucket,
								sort=sort,
								include_done=include_done,
								start=start,
							)
						)
		self.assertGreater(seen, 100, "the cases must return rows")

	def test_team_lead_action_types_and_other_scopes(self):
		self.assertTrue(self.check(LEAD, "team_nn_me", action_types=["Relance"]))
		self.assertTrue(self.check(LEAD, "team_nn"))
		self.assertTrue(self.check(LEAD, "me", include_done=True))

	def test_every_persona(self):
		for user, scope in (
			(SELLER, "me"),
			(SELLER, "all"),
			(LEAD, "all"),
			(MANAGER, "all"),
			(VIEWER, "all"),
			("Administrator", "all"),
		):
			for include_done in (False, True):
				self.check(user, scope, include_done=include_done, page_length=30)
				self.check(user, scope, include_done=include_done, bucket="late", start=10)

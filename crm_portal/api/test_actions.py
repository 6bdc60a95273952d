"""Actions API on a real site: buckets and counts, team scopes from the Sales Person tree, search /
sort / type filter, every state change, permissions, the reminder jobs."""

from datetime import UTC, datetime, timedelta

import frappe
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import add_to_date, get_datetime, get_system_timezone, now_datetime

from crm_portal import actions
from crm_portal.api import actions as api
from crm_portal.tests.utils import (
	create_test_action,
	create_test_customer,
	create_test_opportunity,
	create_test_sales_person,
	create_test_user,
)

BOSS = "act.boss@example.com"  # Sales Person tree: BOSS > LEAD > REP; OUTSIDER elsewhere
LEAD = "act.lead@example.com"
REP = "act.rep@example.com"
OUTSIDER = "act.outsider@example.com"
MANAGER = "act.manager@example.com"


class TestActionsAPI(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		for user in (BOSS, LEAD, REP, OUTSIDER):
			create_test_user(user)
		create_test_user(MANAGER, roles=("Sales User", "Sales Manager"))
		boss = create_test_sales_person(BOSS)
		lead = create_test_sales_person(LEAD, parent=boss)
		create_test_sales_person(REP, parent=lead, is_group=0)
		create_test_sales_person(OUTSIDER, is_group=0)
		cls.customer = create_test_customer("_Test Actions API Customer")

	def setUp(self):
		frappe.db.savepoint("actions_api")
		frappe.db.delete("CRM Action")  # counts below are exact: start from an empty feed (rolled back)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback(save_point="actions_api")

	def make(self, user=BOSS, **fields):
		fields.setdefault("assigned_to", user)
		with self.set_user(user):
			return create_test_action(**fields)

	def feed(self, user=BOSS, **kwargs):
		with self.set_user(user):
			return api.get_actions(**kwargs)

	# --- buckets ----------------------------------------------------------------------------------

	def test_buckets_counts_and_lists_at_their_boundaries(self):
		now = now_datetime()
		bounds = actions.bucket_bounds(now)
		starts = [
			now - timedelta(days=3),
			now - timedelta(minutes=2),
			now + timedelta(minutes=5),
			bounds["this_week"][0],  # tomorrow midnight (next Monday on Sundays)
			bounds["next_week"][0] - timedelta(seconds=1),  # Sunday 23:59:59
			bounds["next_week"][0],  # Monday 00:00
			bounds["later"][0] - timedelta(seconds=1),
			bounds["later"][0],
			bounds["later"][0] + timedelta(days=40),
		]
		made = [self.make(start=start, subject=f"B{i}") for i, start in enumerate(starts)]
		done = self.make(start=now - timedelta(days=1), subject="Fait")
		api_done = api  # done through the API, as a user would
		with self.set_user(BOSS):
			api_done.mark_done(done.name)
		expected = dict.fromkeys((*actions.BUCKETS, actions.ALL), 0)
		for start in starts:
			bucket = actions.bucket_of(get_datetime(start), actions.OPEN, now)
			expected[bucket] += 1
			expected[actions.ALL] += 1
		result = self.feed()
		self.assertEqual(result["counts"], expected)
		self.assertEqual(result["counts"]["late"], 2)
		self.assertEqual(result["counts"]["later"], 2)
		for bucket in actions.BUCKETS:
			names = {a["name"] for a in self.feed(bucket=bucket)["actions"]}
			wanted = {
				a.name
				for a in made
				if actions.bucket_of(get_datetime(a.start), actions.OPEN, get_datetime(result["now"]))
				== bucket
			}
			self.assertEqual(names, wanted, bucket)
		with_done = self.feed(include_done=True)
		self.assertEqual(with_done["counts"][actions.ALL], expected[actions.ALL] + 1)
		self.assertEqual(with_done["counts"]["late"], 2, "a done action is never late")
		self.assertIn(done.name, {a["name"] for a in with_done["actions"]})
		self.assertEqual(
			[a["start"] for a in result["actions"]], sorted(a["start"] for a in result["actions"])
		)

	def test_feed_queries_do_not_grow_with_actions(self):
		for days in range(-3, 2):
			self.make(start=add_to_date(now_datetime(), days=days, minutes=5))
		self.feed(scope="team_nn_me")  # warm the caches (meta, types, names)
		with self.assertQueryCount(12):
			self.feed(scope="team_nn_me")
		for days in range(-30, 60, 3):
			self.make(LEAD, start=add_to_date(now_datetime(), days=days, minutes=5))
			self.make(REP, start=add_to_date(now_datetime(), days=days, minutes=5), action_type="Démo")
		self.feed(scope="team_nn_me")
		with self.assertQueryCount(12):
			result = self.feed(scope="team_nn_me", page_length=100)
		self.assertEqual(len(result["actions"]), 65)

	def test_now_is_the_site_time(self):
		result = self.feed()
		site_now = actions.site_now(datetime.now(UTC), get_system_timezone())
		self.assertLess(abs(get_datetime(result["now"]) - site_now), timedelta(minutes=1))

	def test_unknown_bucket_and_sort_are_refused(self):
		with self.assertRaisesRegex(frappe.ValidationError, "Unknown period"):
			self.feed(bucket="someday")
		with self.assertRaisesRegex(frappe.ValidationError, "Unknown sort"):
			self.feed(sort="colour")

	# --- scopes -------------------------------------------------------------------------------------

	def test_team_scopes_follow_the_sales_person_tree(self):
		mine, lead, rep = self.make(BOSS), self.make(LEAD), self.make(REP)
		outsider = self.make(OUTSIDER)

		def names(scope, user=BOSS):
			return {a["name"] for a in self.feed(user, scope=scope)["actions"]}

		self.assertEqual(names("me"), {mine.name})
		self.assertEqual(names("team_n1"), {lead.name})
		self.assertEqual(names("team_n1_me"), {mine.name, lead.name})
		self.assertEqual(names("team_nn"), {lead.name, rep.name})
		self.assertEqual(names("team_nn_me"), {mine.name, lead.name, rep.name})
		self.assertEqual(names(REP), {rep.name})
		self.assertEqual(names("all"), {mine.name, lead.name, rep.name}, "a Sales User sees their team only")
		self.assertEqual(names("all", MANAGER), {mine.name, lead.name, rep.name, outsider.name})
		self.assertEqual(names("team_nn", LEAD), {rep.name})
		self.assertEqual(names("all", REP), {rep.name})
		self.assertEqual(self.feed(BOSS, scope="team_nn_me")["counts"]["all"], 3)

	def test_outsider_cannot_see_or_change_anothers_action(self):
		action = self.make(REP)
		with self.set_user(OUTSIDER):
			self.assertEqual(api.get_actions(scope=REP)["actions"], [])
			self.assertFalse(frappe.has_permission("CRM Action", "read", doc=action.name))
			for call in (
				lambda: api.mark_done(action.name),
				lambda: api.postpone(action.name, "tomorrow"),
				lambda: api.reassign(action.name, OUTSIDER),
				lambda: api.delete_action(action.name),
			):
				self.assertRaises(frappe.PermissionError, call)
		with self.set_user(BOSS):  # their manager in the tree
			api.postpone(action.name, "tomorrow")

	# --- search, sort, types ------------------------------------------------------------------------

	def test_search_sort_and_type_filter(self):
		opp = create_test_opportunity(title="_Test Refonte site", account=self.customer, salesperson=BOSS)
		a = self.make(subject="Appeler Martin", start=add_to_date(now_datetime(), days=3))
		b = self.make(action_type="Démo", opportunity=opp.name, start=add_to_date(now_datetime(), days=1))
		c = self.make(LEAD, subject="Zèbre", start=add_to_date(now_datetime(), days=2))

		def names(**kwargs):
			return [x["name"] for x in self.feed(scope="team_nn_me", **kwargs)["actions"]]

		self.assertEqual(names(), [b.name, c.name, a.name], "by date")
		self.assertEqual(names(search="martin"), [a.name])
		self.assertEqual(names(search="Refonte"), [b.name], "the opportunity's name is searched")
		self.assertEqual(names(search=self.customer[:12]), [b.name], "the account's name is searched")
		self.assertEqual(self.feed(scope="team_nn_me", search="martin")["counts"]["all"], 1)
		self.assertEqual(names(action_types=["Démo"]), [b.name])
		self.assertEqual(names(action_types='["Relance", "Démo"]'), [b.name, c.name, a.name])
		self.assertEqual(names(sort="assignee")[-1], c.name)
		self.assertEqual(names(sort="account")[-1], b.name, "actions without account first")
		row = next(x for x in self.feed(scope="team_nn_me")["actions"] if x["name"] == b.name)
		self.assertEqual(
			(row["account"], row["opportunity_title"], row["nature"]), (self.customer, opp.title, "Meeting")
		)
		self.assertTrue(row["color"])

	# --- state changes --------------------------------------------------------------------------------

	def test_done_and_create_next(self):
		opp = create_test_opportunity(account=self.customer, salesperson=BOSS)
		first = self.make(opportunity=opp.name, start=add_to_date(now_datetime(), days=-1))
		self.assertLess(get_datetime(opp.reload().next_action_date), now_datetime())
		start = add_to_date(now_datetime(), days=4)
		with self.set_user(BOSS):
			result = api.done_and_create_next(first.name, "Proposition", start=str(start), notes="Envoyer")
		self.assertEqual(frappe.db.get_value("CRM Action", first.name, "status"), "Done")
		nxt = frappe.get_doc("CRM Action", result["next"]["name"])
		self.assertEqual((nxt.opportunity, nxt.account, nxt.assigned_to), (opp.name, self.customer, BOSS))
		self.assertEqual(opp.reload().next_action_date, get_datetime(start))
		self.assertEqual(actions.next_action_state(opp.next_action_date, now_datetime()), "upcoming")
		with self.set_user(BOSS), self.assertRaisesRegex(frappe.ValidationError, "Unknown action type"):
			api.done_and_create_next(nxt.name, "_Test Nope")
		self.assertEqual(frappe.db.get_value("CRM Action", nxt.name, "status"), "Open", "all or nothing")
		with self.set_user(BOSS), self.assertRaisesRegex(frappe.ValidationError, "Only an open action"):
			api.mark_done(first.name)

	def test_cancel_reopen_delete_and_the_card_state(self):
		opp = create_test_opportunity(account=self.customer, salesperson=BOSS)
		action = self.make(opportunity=opp.name, start=add_to_date(now_datetime(), hours=-2))

		def state():
			return api.get_opportunity_actions(opp.name)["next_action_state"]

		with self.set_user(BOSS):
			self.assertEqual(state(), "late")
			api.cancel(action.name)
			self.assertEqual(state(), "none")
			with self.assertRaisesRegex(frappe.ValidationError, "Only an open action can be postponed"):
				api.postpone(action.name, "tomorrow")
			api.reopen(action.name)
			self.assertEqual(state(), "late")
			api.postpone(action.name, "tomorrow")
			self.assertEqual(state(), "upcoming")
			api.delete_action(action.name)
			self.assertEqual(state(), "none")
		self.assertFalse(frappe.db.exists("CRM Action", action.name))
		# nothing of it is left for an action that would get its name again
		self.assertFalse(
			frappe.db.exists("ToDo", {"reference_type": "CRM Action", "reference_name": action.name})
		)

	@change_settings("CRM Portal Settings", {"sync_meetings_to_calendar": 1})
	def test_postpone_keeps_time_and_duration(self):
		start = get_datetime("2026-01-05 14:30:00")
		action = self.make(action_type="RDV tel", start=start, end=start + timedelta(minutes=45))
		today = now_datetime().date()
		with self.set_user(BOSS):
			api.postpone(action.name, "tomorrow")
			action.reload()
			self.assertEqual(
				get_datetime(action.start), datetime.combine(today + timedelta(days=1), start.time())
			)
			self.assertEqual(get_datetime(action.end) - get_datetime(action.start), timedelta(minutes=45))
			api.postpone(action.name, "next_week")
			action.reload()
			self.assertEqual(get_datetime(action.start).weekday(), 0)
			self.assertEqual(get_datetime(action.start).date(), actions.week_start(today) + timedelta(days=7))
			api.postpone(action.name, "date", date="2031-06-12")
			action.reload()
			self.assertEqual(get_datetime(action.start), get_datetime("2031-06-12 14:30:00"))
			event = frappe.get_doc("Event", action.event)
			self.assertEqual(
				get_datetime(event.starts_on), get_datetime("2031-06-12 14:30:00"), "calendar follows"
			)
			with self.assertRaisesRegex(frappe.ValidationError, "Choose the date"):
				api.postpone(action.name, "date")
			with self.assertRaisesRegex(frappe.ValidationError, "tomorrow, next week or a date"):
				api.postpone(action.name, "someday")
			stale = str(add_to_date(action.modified, seconds=-5))
			with self.assertRaises(frappe.ValidationError):
				api.postpone(action.name, "tomorrow", modified=stale)

	def test_reassign_notifies_the_new_assignee(self):
		action = self.make(BOSS, subject="Relancer le devis")
		with self.set_user(BOSS):
			api.reassign(action.name, LEAD)
			with self.assertRaisesRegex(frappe.ValidationError, "must be assigned to someone"):
				api.reassign(action.name, "")
		self.assertEqual(frappe.db.get_value("CRM Action", action.name, "assigned_to"), LEAD)
		self.assertTrue(
			frappe.db.exists(
				"Notification Log", {"for_user": LEAD, "type": "Assignment", "document_name": action.name}
			)
		)
		todos = frappe.get_all(
			"ToDo",
			filters={"reference_type": "CRM Action", "reference_name": action.name},
			fields=["allocated_to", "status"],
		)
		self.assertEqual({(t.allocated_to, t.status) for t in todos}, {(BOSS, "Cancelled"), (LEAD, "Open")})
		self.assertIn(action.name, {a["name"] for a in self.feed(LEAD)["actions"]})

	def test_quick_create_and_bad_input(self):
		opp = create_test_opportunity(account=self.customer, salesperson=BOSS)
		with self.set_user(BOSS):
			created = api.create_action("Note", notes="Client satisfait", opportunity=opp.name)
			doc = frappe.get_doc("CRM Action", created["name"])
			self.assertEqual((doc.assigned_to, doc.account, doc.nature), (BOSS, self.customer, "Note"))
			self.assertLess(abs(get_datetime(doc.start) - now_datetime()), timedelta(minutes=1))
			with self.assertRaisesRegex(frappe.ValidationError, "Unknown action type"):
				api.create_action("_Test Inconnu")
			with self.assertRaisesRegex(frappe.ValidationError, "cannot be before its start"):
				api.create_action("Démo", start="2031-01-02 10:00:00", end="2031-01-02 09:00:00")
			with self.assertRaisesRegex(frappe.ValidationError, "Unknown user|Could not find"):
				api.create_action("Relance", assigned_to="nobody@example.com")

	# --- reminders -----------------------------------------------------------------------------------

	@change_settings("CRM Portal Settings", {"meeting_reminder_minutes": 15})
	def test_meeting_reminder_once(self):
		soon = self.make(
			action_type="Démo", subject="Démo produit", start=add_to_date(now_datetime(), minutes=10)
		)
		self.make(action_type="Démo", subject="Plus tard", start=add_to_date(now_datetime(), minutes=40))
		self.make(subject="Tâche", start=add_to_date(now_datetime(), minutes=5))

		def logs():
			return frappe.get_all(
				"Notification Log",
				filters={"for_user": BOSS, "type": "Alert", "document_type": "CRM Action"},
				pluck="document_name",
			)

		self.assertEqual(api.send_meeting_reminders(), 1)
		self.assertEqual(logs(), [soon.name])
		self.assertEqual(api.send_meeting_reminders(), 0, "reminded once")
		self.assertEqual(logs(), [soon.name])
		with self.set_user(BOSS):
			api.postpone(soon.name, "tomorrow")
		self.assertEqual(
			frappe.db.get_value("CRM Action", soon.name, "reminder_sent"), 0, "moved: remind again"
		)

	@change_settings("CRM Portal Settings", {"meeting_reminder_minutes": 0})
	def test_meeting_reminder_off(self):
		self.make(action_type="Démo", start=add_to_date(now_datetime(), minutes=10))
		self.assertEqual(api.send_meeting_reminders(), 0)

	@change_settings("CRM Portal Settings", {"send_late_actions_digest": 1})
	def test_late_actions_digest(self):
		self.make(BOSS, subject="En retard 1", start=add_to_date(now_datetime(), days=-2))
		self.make(BOSS, subject="En retard 2", start=add_to_date(now_datetime(), hours=-1))
		self.make(BOSS, subject="À venir", start=add_to_date(now_datetime(), days=2))
		self.make(LEAD, subject="En retard 3", start=add_to_date(now_datetime(), days=-1))
		frappe.db.delete("Email Queue")
		frappe.db.delete("Email Queue Recipient")
		self.assertEqual(api.send_late_actions_digest(), 2, "no e-mail account: notifications only")
		self.assertFalse(frappe.db.exists("Email Queue", {}))
		frappe.db.delete("Notification Log", {"type": "Alert"})
		# the account is rolled back, Frappe's per-process cache of it must go too
		self.addCleanup(setattr, frappe.local, "outgoing_email_account", {})
		frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": "_Test Actions Outgoing",
				"email_id": "crm-actions@example.com",
				"smtp_server": "localhost",
				"enable_outgoing": 1,
				"default_outgoing": 1,
			}
		).insert(ignore_permissions=True)
		frappe.local.outgoing_email_account = {}
		self.assertEqual(api.send_late_actions_digest(), 2)
		boss_logs = frappe.get_all(
			"Notification Log",
			filters={"for_user": BOSS, "type": "Alert"},
			fields=["subject", "email_content"],
		)
		self.assertEqual(len(boss_logs), 1)
		self.assertIn("2", boss_logs[0].subject)
		self.assertIn("En retard 1", boss_logs[0].email_content)
		self.assertNotIn("À venir", boss_logs[0].email_content)
		recipients = frappe.get_all("Email Queue Recipient", pluck="recipient")
		self.assertEqual(sorted(recipients), sorted([BOSS, LEAD]))

	@change_settings("CRM Portal Settings", {"send_late_actions_digest": 0})
	def test_late_actions_digest_off(self):
		self.make(BOSS, start=add_to_date(now_datetime(), days=-2))
		self.assertEqual(api.send_late_actions_digest(), 0)

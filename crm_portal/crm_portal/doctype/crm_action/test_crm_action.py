"""CRM Action rules on a real site: defaults, bad input, the opportunity's next action date, the
assignee's ToDo, the calendar Event of meetings, recurrence."""

from datetime import timedelta

import frappe
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import add_to_date, get_datetime, now_datetime

from crm_portal.tests.utils import (
	create_test_action,
	create_test_customer,
	create_test_opportunity,
	create_test_sales_person,
	create_test_user,
	get_test_company,
)

SALES_USER = "action.user@example.com"
OTHER_USER = "action.other@example.com"  # in SALES_USER's team
OUTSIDER = "action.outsider@example.com"  # in no team of theirs


class TestCRMAction(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		create_test_user(SALES_USER)
		create_test_user(OTHER_USER)
		create_test_user(OUTSIDER)
		create_test_sales_person(OTHER_USER, parent=create_test_sales_person(SALES_USER), is_group=0)
		cls.customer = create_test_customer("_Test Action Customer")

	def setUp(self):
		frappe.db.savepoint("action_test")
		frappe.set_user(SALES_USER)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback(save_point="action_test")

	def opportunity(self, **fields):
		fields.setdefault("account", self.customer)
		return create_test_opportunity(**fields)

	# --- defaults and bad input -------------------------------------------------------------------

	def test_defaults_from_type_creator_and_opportunity(self):
		opp = self.opportunity()
		action = create_test_action(opportunity=opp.name, call_direction="Outbound")
		self.assertEqual(action.assigned_to, SALES_USER, "assignee defaults to the creator")
		self.assertEqual(action.subject, "Relance")
		self.assertEqual(action.nature, "Task")
		self.assertFalse(action.call_direction, "a task that is not a call has no direction")
		self.assertEqual((action.account_type, action.account), ("Customer", self.customer))
		self.assertEqual(action.account_name, self.customer)
		self.assertEqual(action.opportunity_title, opp.title)
		self.assertTrue(action.name.startswith("ACT-"))
		call = create_test_action(action_type="RDV tel", call_direction="Inbound", subject="Appel")
		self.assertEqual((call.nature, call.call_direction), ("Meeting", "Inbound"))
		self.assertEqual(
			get_datetime(call.end) - get_datetime(call.start),
			timedelta(hours=1),
			"a meeting without end lasts its type's default duration",
		)

	def test_bad_input_is_refused_clearly(self):
		start = add_to_date(now_datetime(), hours=2)
		with self.assertRaisesRegex(frappe.ValidationError, "end of the action cannot be before its start"):
			create_test_action(start=start, end=add_to_date(start, minutes=-1))
		with self.assertRaisesRegex(frappe.ValidationError, "Unknown action type|Could not find"):
			create_test_action(action_type="_Test No Such Type")
		action = create_test_action()
		action.assigned_to = None
		with self.assertRaisesRegex(frappe.ValidationError, "must be assigned to someone"):
			action.save()
		other = create_test_customer("_Test Action Other Customer")
		with self.assertRaisesRegex(frappe.ValidationError, "account of opportunity"):
			create_test_action(opportunity=self.opportunity().name, account_type="Customer", account=other)
		with self.assertRaisesRegex(frappe.ValidationError, "account must be one of"):
			create_test_action(account_type="Company", account=get_test_company())

	def test_done_sets_completed_on_and_reopen_clears_it(self):
		action = create_test_action()
		action.status = "Done"
		action.save()
		self.assertTrue(action.completed_on)
		action.status = "Open"
		action.save()
		self.assertIsNone(action.completed_on)

	# --- next action date ---------------------------------------------------------------------------

	def test_next_action_date_follows_every_change(self):
		opp = self.opportunity()
		modified = frappe.db.get_value("CRM Opportunity", opp.name, "modified")

		def next_date():
			return frappe.db.get_value("CRM Opportunity", opp.name, "next_action_date")

		self.assertIsNone(next_date())
		soon = create_test_action(opportunity=opp.name, start=add_to_date(now_datetime(), days=1))
		later = create_test_action(opportunity=opp.name, start=add_to_date(now_datetime(), days=5))
		self.assertEqual(next_date(), get_datetime(soon.start))
		soon.status = "Done"
		soon.save()
		self.assertEqual(next_date(), get_datetime(later.start))
		later.start = add_to_date(now_datetime(), days=-3)
		later.save()
		self.assertEqual(next_date(), get_datetime(later.start), "a late action is the next one")
		later.status = "Cancelled"
		later.save()
		self.assertIsNone(next_date())
		third = create_test_action(opportunity=opp.name, start=add_to_date(now_datetime(), days=2))
		self.assertEqual(next_date(), get_datetime(third.start))
		other = self.opportunity(title="_Test Autre")
		third.opportunity = other.name
		third.save()
		self.assertIsNone(next_date(), "moving the action away refreshes the old opportunity")
		self.assertEqual(
			frappe.db.get_value("CRM Opportunity", other.name, "next_action_date"), get_datetime(third.start)
		)
		third.delete()
		self.assertIsNone(frappe.db.get_value("CRM Opportunity", other.name, "next_action_date"))
		self.assertEqual(
			frappe.db.get_value("CRM Opportunity", opp.name, "modified"),
			modified,
			"the next action date is not a user's edit of the opportunity",
		)

	# --- assignment ---------------------------------------------------------------------------------

	def open_todos(self, action):
		return frappe.get_all(
			"ToDo",
			filters={"reference_type": "CRM Action", "reference_name": action.name, "status": "Open"},
			pluck="allocated_to",
		)

	def test_todo_follows_assignee_and_status(self):
		action = create_test_action()
		self.assertEqual(self.open_todos(action), [SALES_USER])
		action.assigned_to = OUTSIDER
		with self.assertRaisesRegex(frappe.PermissionError, "member of your team"):
			action.save()  # only managers hand work outside the team
		self.assertEqual(self.open_todos(action), [SALES_USER])
		action.reload()
		action.assigned_to = OTHER_USER
		action.save()
		self.assertEqual(self.open_todos(action), [OTHER_USER])
		self.assertTrue(
			frappe.db.exists(
				"Notification Log",
				{"for_user": OTHER_USER, "type": "Assignment", "document_name": action.name},
			),
			"the new assignee is notified",
		)
		frappe.set_user("Administrator")
		action.reload()
		action.status = "Done"
		action.save()
		self.assertEqual(self.open_todos(action), [])
		self.assertEqual(frappe.db.get_value("CRM Action", action.name, "assigned_to"), OTHER_USER)

	# --- calendar -------------------------------------------------------------------------------------

	@change_settings("CRM Portal Settings", {"sync_meetings_to_calendar": 1})
	def test_meeting_mirrored_to_event(self):
		start = add_to_date(now_datetime(), days=2)
		meeting = create_test_action(
			action_type="RDV physique", subject="Visite", start=start, opportunity=self.opportunity().name
		)
		self.assertTrue(meeting.event)
		event = frappe.get_doc("Event", meeting.event)
		self.assertEqual((event.subject, event.owner, event.status), ("Visite", SALES_USER, "Open"))
		self.assertEqual(get_datetime(event.starts_on), get_datetime(start))
		self.assertEqual(get_datetime(event.ends_on), add_to_date(get_datetime(start), hours=1))
		self.assertEqual(event.event_type, "Private")
		self.assertIn("CRM Opportunity", {link.link_doctype for link in event.links})
		# change: moved and given to someone else
		meeting.start = add_to_date(start, days=1)
		meeting.end = add_to_date(start, days=1, hours=2)
		meeting.assigned_to = OTHER_USER
		meeting.save()
		event.reload()
		self.assertEqual(get_datetime(event.starts_on), add_to_date(get_datetime(start), days=1))
		self.assertEqual(get_datetime(event.ends_on), add_to_date(get_datetime(start), days=1, hours=2))
		self.assertEqual(event.owner, OTHER_USER, "the event is on the new assignee's calendar")
		frappe.set_user("Administrator")
		meeting.reload()
		meeting.status = "Cancelled"
		meeting.save()
		self.assertEqual(frappe.db.get_value("Event", event.name, "status"), "Cancelled")
		meeting.delete()
		self.assertFalse(frappe.db.exists("Event", event.name))

	@change_settings("CRM Portal Settings", {"sync_meetings_to_calendar": 1})
	def test_no_event_for_tasks_and_event_removed_when_no_longer_a_meeting(self):
		task = create_test_action()
		self.assertFalse(task.event)
		meeting = create_test_action(action_type="RDV tel")
		event = meeting.event
		self.assertTrue(event)
		meeting.action_type = "Relance"
		meeting.save()
		self.assertFalse(meeting.event)
		self.assertFalse(frappe.db.exists("Event", event))

	@change_settings("CRM Portal Settings", {"sync_meetings_to_calendar": 0})
	def test_calendar_setting_off(self):
		self.assertFalse(create_test_action(action_type="Démo").event)

	# --- recurrence -------------------------------------------------------------------------------

	@change_settings("CRM Portal Settings", {"sync_meetings_to_calendar": 1})
	def test_weekly_meeting_creates_its_occurrences(self):
		start = get_datetime("2031-03-03 09:00:00")  # a Monday
		first = create_test_action(
			action_type="RDV physique",
			subject="Point hebdo",
			start=start,
			repeat_frequency="Weekly",
			repeat_interval=2,
			repeat_count=3,
			opportunity=self.opportunity().name,
		)
		rows = frappe.get_all(
			"CRM Action",
			filters={"recurrence_of": first.name},
			fields=["start", "end", "event", "subject", "opportunity", "repeat_frequency"],
			order_by="start asc",
		)
		self.assertEqual(
			[r.start for r in rows],
			[get_datetime("2031-03-17 09:00:00"), get_datetime("2031-03-31 09:00:00")],
		)
		for row in rows:
			self.assertEqual(row.end, add_to_date(row.start, hours=1))
			self.assertTrue(row.event, "each occurrence is on the calendar")
			self.assertEqual((row.subject, row.opportunity), ("Point hebdo", first.opportunity))
			self.assertFalse(row.repeat_frequency, "occurrences do not repeat themselves")
		# postponing the first meeting later does not re-check its recurrence
		first.start = add_to_date(start, days=60)
		first.save()
		self.assertEqual(get_datetime(first.end), add_to_date(start, days=60, hours=1), "the end follows")
		first.delete()
		self.assertEqual(
			frappe.db.count("CRM Action", {"subject": "Point hebdo", "recurrence_of": ("is", "not set")}),
			2,
			"deleting the first meeting leaves the others",
		)

	def test_bad_recurrence_is_refused(self):
		with self.assertRaisesRegex(frappe.ValidationError, "Only meetings can repeat"):
			create_test_action(repeat_frequency="Daily", repeat_count=2)
		with self.assertRaisesRegex(frappe.ValidationError, "number of occurrences or an end date"):
			create_test_action(action_type="Démo", repeat_frequency="Daily")
		with self.assertRaisesRegex(frappe.ValidationError, "cannot end before"):
			create_test_action(action_type="Démo", repeat_frequency="Daily", repeat_until="2020-01-01")

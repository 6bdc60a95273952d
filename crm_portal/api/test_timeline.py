"""360° timeline of an account, a contact, an opportunity."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, add_to_date, now_datetime

from crm_portal.api.timeline import get_timeline
from crm_portal.tests.utils import (
	create_test_contact,
	create_test_opportunity,
	create_test_prospect,
	create_test_user,
)

OUTSIDER = "_test.timeline.outsider@example.com"


def has_actions() -> bool:
	return bool(frappe.db.exists("DocType", "CRM Action"))


class TestTimeline(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		create_test_user(OUTSIDER, roles=())
		cls.prospect = create_test_prospect("_Test Timeline Account")
		cls.contact = create_test_contact(
			"_Test Timeline", "Contact", links=(("CRM Prospect", cls.prospect),)
		)
		cls.first = create_test_opportunity(
			title="_Test Timeline Opp 1",
			account_type="CRM Prospect",
			account=cls.prospect,
			amount=5000,
			days=4,
		)
		cls.second = create_test_opportunity(
			title="_Test Timeline Opp 2",
			account_type="CRM Prospect",
			account=cls.prospect,
			contact=cls.contact,
			expected_signature_date=add_days(now_datetime().date(), 30),
		)
		# Creation dates one day apart, so "newest first" is testable.
		frappe.db.set_value(
			"CRM Opportunity", cls.first.name, "creation", add_days(now_datetime(), -3), update_modified=False
		)
		frappe.db.set_value(
			"CRM Opportunity",
			cls.second.name,
			"creation",
			add_days(now_datetime(), -2),
			update_modified=False,
		)
		frappe.db.set_value(
			"CRM Prospect", cls.prospect, "creation", add_days(now_datetime(), -10), update_modified=False
		)
		cls.actions = {}
		if has_actions():
			from crm_portal.tests.utils import create_test_action

			now = now_datetime()
			cls.actions["next_week"] = create_test_action(
				subject="_Test next week",
				account_type="CRM Prospect",
				account=cls.prospect,
				start=add_days(now, 7),
			).name
			cls.actions["tomorrow"] = create_test_action(
				subject="_Test tomorrow", opportunity=cls.first.name, start=add_days(now, 1)
			).name
			cls.actions["late"] = create_test_action(
				subject="_Test late",
				opportunity=cls.second.name,
				contact=cls.contact,
				start=add_days(now, -1),
			).name
			done = create_test_action(
				subject="_Test done",
				account_type="CRM Prospect",
				account=cls.prospect,
				start=add_to_date(now, hours=-30),
			)
			done.status = "Done"
			done.completed_on = add_to_date(now, hours=-29)
			done.save()
			cls.actions["done"] = done.name

	def test_account_timeline(self):
		timeline = get_timeline("CRM Prospect", self.prospect)
		past_kinds = [e["kind"] for e in timeline["past"]]
		opportunities = [e for e in timeline["past"] if e["kind"] == "opportunity"]
		self.assertEqual(
			[o["name"] for o in opportunities], [self.second.name, self.first.name]
		)  # newest first
		tile = opportunities[1]
		self.assertEqual(tile["amount"], 5000)
		self.assertEqual(tile["days"], 4)
		self.assertEqual(tile["portfolio"], self.first.portfolio)
		self.assertEqual(tile["stage_name"], "IDENTIFICATION")
		self.assertEqual(opportunities[0]["expected_signature_date"], self.second.expected_signature_date)
		self.assertEqual(past_kinds[-1], "created")  # the account's creation is the oldest entry
		self.assertEqual(timeline["counts"]["opportunities"], 2)
		self.assertEqual(timeline["counts"]["past"], len(timeline["past"]))
		dates = [frappe.utils.get_datetime(e["date"]) for e in timeline["past"]]
		self.assertEqual(dates, sorted(dates, reverse=True))

		if not has_actions():
			self.assertEqual(timeline["upcoming"], [])
			return
		upcoming = [e["name"] for e in timeline["upcoming"]]
		self.assertEqual(
			upcoming, [self.actions["next_week"], self.actions["tomorrow"], self.actions["late"]]
		)  # newest first, actions of the account's opportunities included
		self.assertEqual([e["late"] for e in timeline["upcoming"]], [0, 0, 1])
		self.assertEqual(timeline["counts"]["late"], 1)
		self.assertEqual(timeline["counts"]["actions"], 4)
		self.assertIn(self.actions["done"], [e["name"] for e in timeline["past"]])
		self.assertEqual(past_kinds[0], "action")  # done yesterday: newer than the opportunities

	def test_contact_timeline(self):
		timeline = get_timeline("Contact", self.contact)
		self.assertEqual(
			[e["name"] for e in timeline["past"] if e["kind"] == "opportunity"], [self.second.name]
		)
		if has_actions():
			self.assertEqual([e["name"] for e in timeline["upcoming"]], [self.actions["late"]])

	def test_opportunity_timeline_has_modifications(self):
		doc = frappe.get_doc("CRM Opportunity", self.first.name)
		doc.amount = 7000
		doc.save(ignore_version=False)  # bench run-tests skips Version logs unless asked
		timeline = get_timeline("CRM Opportunity", self.first.name)
		modified = [e for e in timeline["past"] if e["kind"] == "modified"]
		self.assertTrue(modified)
		self.assertIn("Amount", modified[0]["changed"])
		self.assertEqual(timeline["past"][0]["kind"], "modified")  # the newest entry
		if has_actions():
			self.assertEqual([e["name"] for e in timeline["upcoming"]], [self.actions["tomorrow"]])

	def test_permission_and_target(self):
		with self.set_user(OUTSIDER):
			with self.assertRaises(frappe.PermissionError):
				get_timeline("CRM Prospect", self.prospect)
		with self.assertRaises(frappe.ValidationError):
			get_timeline("User", "Administrator")
		with self.assertRaises(frappe.DoesNotExistError):
			get_timeline("CRM Prospect", "PRO-NOPE")

"""The validation layer's Frappe side: the decorator of whitelisted functions and the document hook
(the HTTP answers of every endpoint are tested by crm_portal/tests/test_hostile_input.py)."""

import inspect
import math

import frappe
from frappe.tests.utils import FrappeTestCase

from crm_portal.arguments.checks import (
	DATE,
	YEAR,
	FieldOf,
	Json,
	Link,
	checked_arguments,
	column_rule,
	validate_document_values,
)
from crm_portal.tests.utils import create_test_customer, create_test_opportunity


@checked_arguments(
	"CRM Opportunity",
	comment="closing_comment",
	year=YEAR,
	filters=Json(keys={"since": DATE, "amount_min": "CRM Opportunity.amount"}),
)
def endpoint(
	opportunity: str,
	amount: float | None = None,
	comment: str | None = None,
	year: int | None = None,
	page_length: int = 20,
	filters: dict | str | None = None,
	flag: bool = False,
) -> dict:
	return {
		"opportunity": opportunity,
		"amount": amount,
		"comment": comment,
		"year": year,
		"page_length": page_length,
		"filters": filters,
		"flag": flag,
	}


class TestCheckedArguments(FrappeTestCase):
	def refused(self, *args, **kwargs) -> str:
		with self.assertRaises(frappe.ValidationError) as caught:
			endpoint(*args, **kwargs)
		return frappe.utils.strip_html(str(caught.exception))

	def test_the_signature_stays_and_frappe_has_nothing_left_to_check(self):
		self.assertEqual(list(inspect.signature(endpoint).parameters)[:2], ["opportunity", "amount"])
		self.assertEqual(endpoint.__annotations__, {})
		self.assertTrue(endpoint.checked_arguments)

	def test_missing_argument_is_named(self):
		self.assertIn("opportunity", self.refused(amount=5))

	def test_values_are_converted_as_frappe_does_and_passed_on(self):
		result = endpoint("OPP-1", amount="12.5", page_length="7", flag=1)
		self.assertEqual((result["amount"], result["page_length"], result["flag"]), (12.5, 7, True))

	def test_wrong_types_are_named(self):
		self.assertIn("opportunity", self.refused(["OPP-1"]))
		self.assertIn("page_length", self.refused("OPP-1", page_length="many"))

	def test_numbers_follow_the_field_column(self):
		for value in (1e30, math.nan, math.inf, "inf", -1e12):
			with self.subTest(value=value):
				self.assertIn("amount", self.refused("OPP-1", amount=value))
		self.assertEqual(math.copysign(1, endpoint("OPP-1", amount=-0.0)["amount"]), 1)
		self.assertIn("year", self.refused("OPP-1", year=9999))
		self.assertIn("page_length", self.refused("OPP-1", page_length=2**40))

	def test_text_follows_the_field_column(self):
		self.assertIn("comment", self.refused("OPP-1", comment="x" * 70_000))
		self.assertEqual(endpoint("OPP-1", comment="x" * 60_000)["comment"], "x" * 60_000)
		self.assertIn("opportunity", self.refused("x" * 141))

	def test_json_limits_and_members(self):
		self.assertIn("filters", self.refused("OPP-1", filters="[" * 10_000 + "]" * 10_000))
		deep: list = []
		for _level in range(100):
			deep = [deep]
		self.assertIn("filters", self.refused("OPP-1", filters={"a": deep}))
		self.assertIn("since", self.refused("OPP-1", filters={"since": "2024-02-30"}))
		self.assertIn("amount_min", self.refused("OPP-1", filters='{"amount_min": "nan"}'))
		given = '{"since": "2024-02-29", "amount_min": 10}'
		self.assertEqual(endpoint("OPP-1", filters=given)["filters"], given)  # passed on unchanged

	def test_column_rules(self):
		self.assertEqual(column_rule("Currency", None, None), ("number", 1e12, False))
		self.assertEqual(column_rule("Int", None, None), ("number", 2**31, True))
		self.assertEqual(column_rule("Data", None, 11), ("text", 11, None))
		self.assertEqual(column_rule("Small Text", None, None), ("text", None, 65_535))
		self.assertEqual(column_rule("Datetime", None, None), ("date", True))
		self.assertIsNone(column_rule("Text Editor", None, None))
		self.assertIsNone(column_rule("Check", None, None))


class TestDocumentValues(FrappeTestCase):
	def setUp(self):
		self.opportunity = create_test_opportunity(title="_Test Checks", account=create_test_customer())

	def test_new_values_are_checked(self):
		for fieldname, value in (
			("amount", 1e30),
			("days", math.nan),
			("expected_signature_date", "2024-02-30"),
			("expected_signature_date", "2201-01-01"),
			("closing_comment", "x" * 70_000),
		):
			with self.subTest(field=fieldname, value=str(value)[:12]):
				doc = frappe.get_doc("CRM Opportunity", self.opportunity.name)
				doc.set(fieldname, value)
				self.assertRaises(frappe.ValidationError, doc.save)

	def test_rows_are_checked(self):
		doc = frappe.get_doc("CRM Opportunity", self.opportunity.name)
		doc.append("estimate_lines", {"description": "x", "quantity": 1, "unit_price": 1e30})
		self.assertRaises(frappe.ValidationError, doc.save)

	def test_dates_frappe_reads_are_accepted(self):
		doc = frappe.get_doc("CRM Opportunity", self.opportunity.name)
		doc.expected_signature_date = "2026-12-31 00:00:00"
		validate_document_values(doc)

	def test_minus_zero_becomes_zero_and_stored_values_are_left_alone(self):
		doc = frappe.get_doc("CRM Opportunity", self.opportunity.name)
		doc.amount = -0.0
		validate_document_values(doc)
		self.assertEqual(math.copysign(1, doc.amount), 1)
		# a value already stored (before these rules) does not block other changes
		frappe.db.set_value("CRM Opportunity", doc.name, "expected_signature_date", "1850-01-01")
		doc = frappe.get_doc("CRM Opportunity", self.opportunity.name)
		doc.load_doc_before_save()
		doc.description = "changed"
		validate_document_values(doc)


@checked_arguments(doctype=Link("DocType"), field=FieldOf(also=("assigned_to",)))
def generic(doctype: str, field: str) -> str:
	return f"{doctype}.{field}"


class TestRulesOfNamedArguments(FrappeTestCase):
	def test_an_argument_named_doctype_gets_its_rule(self):
		self.assertEqual(generic("CRM Opportunity", "amount"), "CRM Opportunity.amount")
		self.assertEqual(generic("CRM Opportunity", "assigned_to"), "CRM Opportunity.assigned_to")
		self.assertRaises(frappe.ValidationError, generic, "2024-02-30", "amount")
		self.assertRaises(frappe.ValidationError, generic, "CRM Opportunity", "no_such_field")

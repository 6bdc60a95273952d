# Copyright (c) 2026, crm_portal developers
# For license information, please see license.txt

import frappe
from frappe.tests.utils import FrappeTestCase
from stdnum import luhn

from crm_portal.api import accounts as api
from crm_portal.tests.utils import (
	create_test_contact,
	create_test_customer,
	create_test_link_type,
	create_test_opportunity,
	create_test_prospect,
	create_test_user,
)

SALES_USER = "alfred.dupont@example.com"


def siren(prefix: str) -> str:
	"""A valid SIREN from 8 digits."""
	return prefix + luhn.calc_check_digit(prefix)


def siret(siren_: str, establishment: str = "0001") -> str:
	body = siren_ + establishment
	return body + luhn.calc_check_digit(body)


def new_prospect(call_name: str, **fields):
	return frappe.get_doc({"doctype": "CRM Prospect", "call_name": call_name, **fields})


class TestCRMProspect(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		create_test_user(SALES_USER, first_name="Alfred", last_name="Dupont")
		for code, kind, direction in (
			("DONORDRE", "Management", "Descending"),
			("CL_A_FACT", "Management", "Ascending"),
			("SITE_LIV", "Management", "Ascending"),
			("_TEST_MERE", "Filiation", "Descending"),
			("_TEST_FILLE", "Filiation", "Ascending"),
		):
			create_test_link_type(code, kind, direction)

	def tearDown(self):
		frappe.set_user("Administrator")

	# --- SIREN / SIRET ----------------------------------------------------------------------------

	def test_siren_is_checked(self):
		doc = new_prospect("_Test Siren Check", siren="328 025 903").insert()
		self.assertEqual(doc.siren, "328025903")  # stored compact
		self.assertEqual(doc.status, "Draft")
		with self.assertRaisesRegex(frappe.ValidationError, "checksum"):
			new_prospect("_Test Bad Siren", siren="328025904").insert()
		with self.assertRaisesRegex(frappe.ValidationError, "9 digits"):
			new_prospect("_Test Short Siren", siren="32802590").insert()
		with self.assertRaisesRegex(frappe.ValidationError, "digits only"):
			new_prospect("_Test Letters Siren", siren="32802590A").insert()

	def test_siret_is_checked_and_fills_the_siren(self):
		number = siret(siren("10000001"))
		doc = new_prospect("_Test Siret", siret=number).insert()
		self.assertEqual(doc.siren, number[:9])
		with self.assertRaisesRegex(frappe.ValidationError, "checksum"):
			new_prospect("_Test Bad Siret", siret=number[:-1] + str((int(number[-1]) + 1) % 10)).insert()
		with self.assertRaisesRegex(frappe.ValidationError, "does not belong"):
			new_prospect("_Test Mismatch", siren="328025903", siret=siret(siren("10000002"))).insert()

	def test_la_poste_siret(self):
		doc = new_prospect("_Test Bureau de poste", siret="35600000000010").insert()
		self.assertEqual(doc.siren, "356000000")

	def test_siren_required_unless_registration_pending(self):
		with self.assertRaisesRegex(frappe.ValidationError, "immatriculation"):
			new_prospect("_Test No Siren").insert()
		doc = new_prospect("_Test Pending", legal_form="En cours d'immatriculation").insert()
		self.assertFalse(doc.siren)

	def test_siret_unique_across_prospects_and_customers(self):
		number = siret(siren("10000003"))
		first = new_prospect("_Test Siret Holder", siret=number).insert()
		with self.assertRaises(frappe.DuplicateEntryError) as e:
			new_prospect("_Test Siret Copy", siret=number).insert()
		self.assertIn("_Test Siret Holder", str(e.exception))  # names the holder
		self.assertIn("SIRET", str(e.exception))

		other = siret(siren("10000004"))
		cust = frappe.get_doc("Customer", create_test_customer("_Test Siret Customer"))
		cust.crm_siret = other
		cust.save()
		self.assertEqual(cust.crm_siren, other[:9])
		with self.assertRaisesRegex(frappe.DuplicateEntryError, "_Test Siret Customer"):
			new_prospect("_Test Siret Of A Customer", siret=other).insert()
		# ...and the other way round
		cust2 = frappe.get_doc("Customer", create_test_customer("_Test Siret Customer 2"))
		cust2.crm_siret = number
		with self.assertRaisesRegex(frappe.DuplicateEntryError, "_Test Siret Holder"):
			cust2.save()
		# The customer a prospect became shares its SIRET.
		cust2.reload()
		cust2.crm_siret = number
		cust2.crm_prospect = first.name
		cust2.save()
		first.reload()
		first.customer = cust2.name
		first.save()
		self.assertEqual(first.status, "Customer")

	def test_duplicate_siren_or_call_name_warns_without_refusing(self):
		number = siren("10000005")
		new_prospect("_Test Homonyme", siren=number).insert()
		frappe.clear_messages()
		doc = new_prospect("_Test Homonyme", siret=siret(number, "0002")).insert()
		self.assertTrue(doc.name)
		warnings = doc.flags.duplicate_warnings
		self.assertEqual(len(warnings), 2, warnings)
		self.assertTrue(any("SIREN" in w for w in warnings))
		self.assertTrue(any("Call Name" in w for w in warnings))
		self.assertTrue(frappe.get_message_log())
		frappe.clear_messages()
		unique = new_prospect("_Test Unique Name", legal_form="En cours d'immatriculation").insert()
		self.assertEqual(unique.flags.duplicate_warnings, [])

	def test_customer_follows_the_same_rules(self):
		cust = frappe.get_doc("Customer", create_test_customer("_Test Rules Customer"))
		cust.crm_siren = "328025904"
		with self.assertRaisesRegex(frappe.ValidationError, "checksum"):
			cust.save()
		cust.reload()
		cust.save()  # a customer without SIREN is fine (individuals, foreign companies)

	# --- status -----------------------------------------------------------------------------------

	def test_validate_prospect_action(self):
		name = create_test_prospect("_Test Validate Me")
		doc = frappe.get_doc("CRM Prospect", name)
		doc.status = "Validated"  # not by hand
		doc.save()
		self.assertEqual(doc.reload().status, "Draft")
		result = api.validate_prospect(name)
		self.assertEqual(result["status"], "Validated")
		self.assertEqual(frappe.db.get_value("CRM Prospect", name, "status"), "Validated")
		with self.assertRaisesRegex(frappe.ValidationError, "Only a draft prospect"):
			api.validate_prospect(name)
		self.assertEqual(api.set_prospect_closed(name, True)["status"], "Closed")
		self.assertEqual(api.set_prospect_closed(name, False)["status"], "Validated")

	def test_new_prospect_is_always_draft(self):
		doc = new_prospect(
			"_Test Forced", legal_form="En cours d'immatriculation", status="Validated"
		).insert()
		self.assertEqual(doc.status, "Draft")

	def test_sales_user_validates_through_the_api(self):
		with self.set_user(SALES_USER):
			created = api.create_prospect(
				{"call_name": "_Test Created By Alfred", "legal_form": "En cours d'immatriculation"}
			)
			self.assertEqual(created["status"], "Draft")
			self.assertEqual(api.validate_prospect(created["name"])["status"], "Validated")
		self.assertEqual(frappe.db.get_value("CRM Prospect", created["name"], "account_manager"), SALES_USER)

	def test_create_prospect_refuses_unknown_fields(self):
		with self.assertRaisesRegex(frappe.ValidationError, "status"):
			api.create_prospect({"call_name": "_Test Sneaky", "status": "Customer"})

	# --- contacts ---------------------------------------------------------------------------------

	def test_two_contacts_of_one_account_never_share_an_email(self):
		prospect = create_test_prospect("_Test Contacts Account")
		other = create_test_prospect("_Test Other Account")
		create_test_contact(
			"_Test Marie", "Curie", email="marie@example.com", links=(("CRM Prospect", prospect),)
		)
		with self.assertRaisesRegex(frappe.DuplicateEntryError, "marie@example.com"):
			create_test_contact(
				"_Test Pierre", "Curie", email="MARIE@example.com", links=(("CRM Prospect", prospect),)
			)
		# Another account may have a contact with that address.
		create_test_contact(
			"_Test Pierre", "Curie", email="marie@example.com", links=(("CRM Prospect", other),)
		)
		# Linking that contact to the first account is refused too.
		contact = frappe.get_doc("Contact", create_test_contact("_Test Pierre", "Curie"))
		contact.append("links", {"link_doctype": "CRM Prospect", "link_name": prospect})
		with self.assertRaises(frappe.DuplicateEntryError):
			contact.save()

	def test_contacts_shown_on_the_form(self):
		prospect = create_test_prospect("_Test Onload Account")
		create_test_contact("_Test Onload", "Contact", links=(("CRM Prospect", prospect),))
		doc = frappe.get_doc("CRM Prospect", prospect)
		doc.run_method("onload")
		contacts = doc.get_onload().get("contact_list")
		self.assertEqual([c.first_name for c in contacts], ["_Test Onload"])

	# --- account links ----------------------------------------------------------------------------

	def link(self, own, other_doctype, other, other_type, **kw):
		return {
			"account_link_type": own,
			"linked_doctype": other_doctype,
			"linked_account": other,
			"linked_link_type": other_type,
			**kw,
		}

	def test_management_link_needs_an_ordering_side(self):
		a = frappe.get_doc("CRM Prospect", create_test_prospect("_Test Donneur"))
		b = create_test_prospect("_Test Facture")
		a.append("account_links", self.link("SITE_LIV", "CRM Prospect", b, "CL_A_FACT"))
		with self.assertRaisesRegex(frappe.ValidationError, "DONORDRE"):
			a.save()
		a.reload()
		a.append("account_links", self.link("DONORDRE", "CRM Prospect", b, "CL_A_FACT"))
		a.save()
		self.assertEqual(a.account_links[0].kind, "Management")
		self.assertEqual(a.account_links[0].linked_account_name, "_Test Facture")

	def test_one_default_management_link(self):
		a = frappe.get_doc("CRM Prospect", create_test_prospect("_Test Default A"))
		b = create_test_prospect("_Test Default B")
		c = create_test_customer("_Test Default C")
		a.append("account_links", self.link("DONORDRE", "CRM Prospect", b, "CL_A_FACT", is_default=1))
		a.append("account_links", self.link("DONORDRE", "Customer", c, "CL_A_FACT", is_default=1))
		with self.assertRaisesRegex(frappe.ValidationError, "Only one"):
			a.save()
		a.reload()
		a.append("account_links", self.link("DONORDRE", "CRM Prospect", b, "CL_A_FACT", is_default=1))
		a.append("account_links", self.link("DONORDRE", "Customer", c, "CL_A_FACT"))
		a.save()

	def test_link_kinds_and_targets(self):
		a = frappe.get_doc("CRM Prospect", create_test_prospect("_Test Mere"))
		b = create_test_prospect("_Test Fille")
		a.append("account_links", self.link("DONORDRE", "CRM Prospect", b, "_TEST_FILLE"))
		with self.assertRaisesRegex(frappe.ValidationError, "same kind"):
			a.save()
		a.reload()
		a.append("account_links", self.link("_TEST_MERE", "CRM Prospect", a.name, "_TEST_FILLE"))
		with self.assertRaisesRegex(frappe.ValidationError, "itself"):
			a.save()
		a.reload()
		a.append("account_links", self.link("_TEST_MERE", "CRM Prospect", b, "_TEST_FILLE", is_default=1))
		a.save()
		self.assertEqual(a.account_links[0].is_default, 0)  # only management links are defaults
		self.assertEqual(a.account_links[0].kind, "Filiation")

		# Filiation links are searchable from both sides.
		from_b = api.get_account_links("CRM Prospect", b, kind="Filiation")
		self.assertEqual(len(from_b), 1)
		self.assertFalse(from_b[0]["outgoing"])
		self.assertEqual(from_b[0]["account"], a.name)
		self.assertEqual(from_b[0]["link_type"], "_TEST_FILLE")
		self.assertEqual(from_b[0]["direction"], "Ascending")
		from_a = api.get_account_links("CRM Prospect", a.name)
		self.assertEqual(from_a[0]["account"], b)
		self.assertEqual(api.get_account_links("CRM Prospect", a.name, kind="Management"), [])

	def test_customer_links(self):
		cust = frappe.get_doc("Customer", create_test_customer("_Test Link Customer"))
		b = create_test_prospect("_Test Link Target")
		cust.append("crm_account_links", self.link("SITE_LIV", "CRM Prospect", b, "CL_A_FACT"))
		with self.assertRaisesRegex(frappe.ValidationError, "DONORDRE"):
			cust.save()

	# --- opportunities ----------------------------------------------------------------------------

	def test_opportunity_on_a_prospect(self):
		prospect = create_test_prospect("_Test Opportunity Prospect")
		opportunity = create_test_opportunity(account_type="CRM Prospect", account=prospect)
		self.assertEqual(opportunity.account_name, "_Test Opportunity Prospect")

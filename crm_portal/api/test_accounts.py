"""Accounts & contacts API: search semantics, SIRENE lookup against a local server, quick account
creation, opportunity search by phone / e-mail."""

import json

import frappe
from frappe.tests.utils import FrappeTestCase, change_settings
from stdnum import luhn

from crm_portal.api import accounts as api
from crm_portal.api import pipeline
from crm_portal.tests.sirene_server import BROKEN_NUMBER, GARBAGE_NUMBER, SLOW_NUMBER, SireneTestServer
from crm_portal.tests.utils import (
	create_test_contact,
	create_test_customer,
	create_test_opportunity,
	create_test_portfolio,
	create_test_prospect,
	create_test_user,
)

SALES_USER = "alfred.dupont@example.com"
NOBODY = "_test.no.roles@example.com"
SEARCH_SETTINGS = {"min_search_chars": 3, "search_closed_accounts": 0}


def siren(prefix: str) -> str:
	return prefix + luhn.calc_check_digit(prefix)


def siret(siren_: str, establishment: str = "0001") -> str:
	body = siren_ + establishment
	return body + luhn.calc_check_digit(body)


SIREN_A = siren("91234567")
SIREN_C = siren("91234999")


def names(results):
	return [r["title"] for r in results]


class TestAccountSearch(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		create_test_user(SALES_USER, first_name="Alfred", last_name="Dupont")
		create_test_user(NOBODY, roles=())
		cls.conseil = create_test_prospect(
			"Zyxel Conseil", siren=SIREN_A, legal_name="ZYXEL CONSEIL SAS", account_manager=SALES_USER
		)
		cls.audit = create_test_prospect("Zyxo Audit", siret=siret(siren("91234568")))
		cls.club = create_test_prospect("Le Zyxel Club")
		cls.under = create_test_prospect("Zyx_Under")
		cls.zyxau = create_test_prospect("Zyxau")
		cls.exact = create_test_prospect("Zyxel")
		cls.closed = create_test_prospect("Zyxel Fermé")
		frappe.get_doc("CRM Prospect", cls.closed).close()
		cls.customer = create_test_customer("Zyxel Customer")
		frappe.db.set_value("Customer", cls.customer, "crm_siren", SIREN_C)
		cls.closed_customer = create_test_customer("Zyxel Disabled Customer", disabled=1)
		cls.martin = create_test_contact(
			"Zyxette", "Martin", email="zyxette@example.com", links=(("CRM Prospect", cls.conseil),)
		)
		cls.closed_contact = create_test_contact(
			"Zyxine", "Ferme", email="zyxine@example.com", links=(("CRM Prospect", cls.closed),)
		)

	@change_settings("CRM Portal Settings", SEARCH_SETTINGS)
	def test_starts_with_by_default(self):
		result = api.search("zyxel")
		self.assertFalse(result["too_short"])
		self.assertEqual(names(result["accounts"]), ["Zyxel", "Zyxel Conseil", "Zyxel Customer"])
		self.assertEqual(result["accounts"][0]["rank"], 0)  # the exact name first
		self.assertEqual(result["accounts"][2]["doctype"], "Customer")
		self.assertNotIn("Le Zyxel Club", names(result["accounts"]))

	@change_settings("CRM Portal Settings", SEARCH_SETTINGS)
	def test_wildcards_anywhere(self):
		for query in ("*zyxel", "%zyxel", "*ZYXEL*"):
			found = names(api.search_accounts(query))
			self.assertIn("Le Zyxel Club", found, query)
			self.assertIn("Zyxel Conseil", found, query)
		self.assertEqual(names(api.search_accounts("zyx*audit")), ["Zyxo Audit"])
		self.assertEqual(names(api.search_accounts("zy%club")), [])  # still starts with "zy"
		self.assertEqual(names(api.search_accounts("*zyxel*club")), ["Le Zyxel Club"])

	@change_settings("CRM Portal Settings", SEARCH_SETTINGS)
	def test_underscore_is_a_plain_character(self):
		self.assertEqual(names(api.search_accounts("zyx_")), ["Zyx_Under"])

	@change_settings("CRM Portal Settings", SEARCH_SETTINGS)
	def test_siren_and_siret_prefix(self):
		self.assertEqual(names(api.search_accounts(SIREN_A[:8])), ["Zyxel Conseil"])
		exact = api.search_accounts(SIREN_A)
		self.assertEqual(names(exact), ["Zyxel Conseil"])
		self.assertEqual(exact[0]["rank"], 0)
		spaced = f"{SIREN_A[:3]} {SIREN_A[3:6]} {SIREN_A[6:]}"
		self.assertEqual(names(api.search_accounts(spaced)), ["Zyxel Conseil"])
		self.assertEqual(names(api.search_accounts("91234568")), ["Zyxo Audit"])  # SIREN part of its SIRET
		self.assertEqual(names(api.search_accounts(SIREN_C[:6])), ["Zyxel Customer"])
		self.assertEqual(names(api.search_accounts("zyxel conseil s")), ["Zyxel Conseil"])  # legal name

	@change_settings("CRM Portal Settings", SEARCH_SETTINGS)
	def test_minimum_characters(self):
		for query in ("zy", "z*y", "  z y ", "***", ""):
			result = api.search(query)
			self.assertTrue(result["too_short"], query)
			self.assertEqual(result["min_chars"], 3)
			self.assertEqual(result["accounts"], [])
			self.assertEqual(api.search_accounts(query), [])
		with change_settings("CRM Portal Settings", {"min_search_chars": 2}):
			self.assertIn("Zyxel Conseil", names(api.search_accounts("zy")))

	@change_settings("CRM Portal Settings", SEARCH_SETTINGS)
	def test_closed_accounts_only_when_allowed(self):
		found = names(api.search_accounts("zyxel"))
		self.assertNotIn("Zyxel Fermé", found)
		self.assertNotIn("Zyxel Disabled Customer", found)
		self.assertEqual(names(api.search_contacts("zyxine")), [])
		with change_settings("CRM Portal Settings", {"search_closed_accounts": 1}):
			results = api.search_accounts("zyxel")
			self.assertEqual(
				names(results),
				["Zyxel", "Zyxel Conseil", "Zyxel Customer", "Zyxel Disabled Customer", "Zyxel Fermé"],
			)
			self.assertEqual([r["closed"] for r in results], [0, 0, 0, 1, 1])  # open first
			contacts = api.search_contacts("zyxine")
			self.assertEqual(names(contacts), ["Zyxine Ferme"])
			self.assertEqual(contacts[0]["closed"], 1)

	@change_settings("CRM Portal Settings", SEARCH_SETTINGS)
	def test_contacts(self):
		result = api.search("zyxette")
		self.assertEqual(names(result["contacts"]), ["Zyxette Martin"])
		contact = result["contacts"][0]
		self.assertEqual(contact["accounts"][0]["name"], self.conseil)
		self.assertEqual(names(api.search_contacts("martin")), ["Zyxette Martin"])  # last name
		self.assertEqual(names(api.search_contacts("zyxette@ex")), ["Zyxette Martin"])  # e-mail

	@change_settings("CRM Portal Settings", SEARCH_SETTINGS)
	def test_results_are_capped(self):
		self.assertEqual(len(api.search_accounts("zyx", limit=2)), 2)
		self.assertEqual(len(api.search_accounts("zyx", limit=1000)), 6)  # capped at MAX_RESULTS anyway

	@change_settings("CRM Portal Settings", SEARCH_SETTINGS)
	def test_input_is_data_not_sql(self):
		for query in ("zyx'; DROP TABLE `tabCRM Prospect`; --", 'zyx" OR 1=1 --', "zyx\\", "zyx%' OR '1'='1"):
			self.assertEqual(api.search_accounts(query), [], query)
		self.assertTrue(frappe.db.exists("CRM Prospect", self.conseil))

	@change_settings("CRM Portal Settings", SEARCH_SETTINGS)
	def test_permissions(self):
		with self.set_user(SALES_USER):
			# Row-level permissions apply: the prospects Alfred manages, and the customers.
			self.assertEqual(names(api.search_accounts("zyxel")), ["Zyxel Conseil", "Zyxel Customer"])
		with self.set_user(NOBODY):
			result = api.search("zyxel")
			self.assertEqual(result["accounts"], [])
			self.assertEqual(result["contacts"], [])


class TestSireneLookup(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.server = SireneTestServer(slow_seconds=3).__enter__()

	@classmethod
	def tearDownClass(cls):
		cls.server.__exit__(None, None, None)
		super().tearDownClass()

	def settings(self, **extra):
		return change_settings(
			"CRM Portal Settings", {"sirene_api_url": self.server.url, "sirene_timeout": 2, **extra}
		)

	def test_fills_only_empty_fields_of_a_prospect(self):
		# A La Poste establishment (its SIRET escapes Luhn).
		prospect = frappe.get_doc(
			{"doctype": "CRM Prospect", "call_name": "Poste de Lyon (mon nom)", "siret": "35600000000010"}
		).insert()
		with self.settings():
			result = api.sirene_lookup(prospect=prospect.name)
		prospect.reload()
		self.assertEqual(prospect.call_name, "Poste de Lyon (mon nom)")  # filled: untouched
		self.assertEqual(prospect.legal_name, "LA POSTE")
		self.assertEqual(prospect.ape_code, "53.10Z")
		self.assertEqual(prospect.legal_form, "SA")
		self.assertEqual(prospect.siren, "356000000")
		self.assertEqual(set(result["filled"]), {"legal_name", "ape_code", "legal_form"})
		address = frappe.get_doc("Address", result["address"])
		self.assertEqual(
			(address.address_line1, address.address_line2, address.pincode, address.city),
			("12 PL DE LA MAIRIE", "BUREAU DE POSTE", "69001", "LYON"),
		)
		self.assertEqual(address.links[0].link_name, prospect.name)
		# Again: nothing left to fill, no second address.
		with self.settings():
			again = api.sirene_lookup(prospect=prospect.name)
		self.assertEqual(again["filled"], {})
		self.assertIsNone(again["address"])

	def test_siren_lookup_fills_no_address(self):
		prospect = frappe.get_doc(
			{"doctype": "CRM Prospect", "call_name": "Kaola Siren", "siren": "328025903"}
		).insert()
		with self.settings():
			result = api.sirene_lookup(prospect=prospect.name)
		self.assertIsNone(result["address"])
		self.assertEqual(frappe.db.get_value("CRM Prospect", prospect.name, "ape_code"), "62.01Z")

	def test_new_form_values(self):
		with self.settings():
			result = api.sirene_lookup(
				number="328 025 903 00019", values={"call_name": "", "legal_name": "Ma raison sociale"}
			)
		self.assertEqual(result["values"]["call_name"], "KAOLA")
		self.assertNotIn("legal_name", result["values"])
		self.assertEqual(result["values"]["siren"], "328025903")
		self.assertEqual(result["address"]["city"], "PARIS")
		# The form then creates the prospect with the address.
		created = api.create_prospect(
			{k: v for k, v in result["values"].items()} | {"legal_name": "Ma raison sociale"},
			address=result["address"],
		)
		self.assertTrue(
			frappe.db.exists("Dynamic Link", {"parenttype": "Address", "link_name": created["name"]})
		)

	def assertLookupError(self, number, code, text, **settings):
		with self.settings(**settings):
			with self.assertRaises(api.SireneLookupError) as e:
				api.sirene_lookup(number=number, values={})
		self.assertEqual(e.exception.code, code)
		self.assertIn(text, str(e.exception))
		self.assertNotIn("Traceback", str(e.exception))

	def test_errors_are_clear_messages(self):
		self.assertLookupError("440529949", "not_found", "No company found")
		self.assertLookupError("328025904", "invalid_number", "not a valid SIREN")
		self.assertLookupError(SLOW_NUMBER, "timeout", "did not answer in time", sirene_timeout=1)
		self.assertLookupError(BROKEN_NUMBER, "unavailable", "cannot be reached")
		self.assertLookupError(GARBAGE_NUMBER, "bad_response", "cannot be read")

	def test_api_down(self):
		with SireneTestServer() as stopped:
			url = stopped.url
		with change_settings("CRM Portal Settings", {"sirene_api_url": url}):
			with self.assertRaises(api.SireneLookupError) as e:
				api.sirene_lookup(number="328025903", values={})
		self.assertEqual(e.exception.code, "unavailable")

	def test_needs_write_permission(self):
		prospect = frappe.get_doc(
			{"doctype": "CRM Prospect", "call_name": "Kaola Perm", "legal_form": "En cours d'immatriculation"}
		).insert()
		create_test_user(NOBODY, roles=())
		with self.settings(), self.set_user(NOBODY):
			with self.assertRaises(frappe.PermissionError):
				api.sirene_lookup(number="328025903", prospect=prospect.name)
			with self.assertRaises(frappe.PermissionError):
				api.sirene_lookup(number="328025903", values={})


class TestQuickAccountCreation(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		create_test_user(SALES_USER, first_name="Alfred", last_name="Dupont")
		cls.portfolio = create_test_portfolio()

	def test_quick_create_makes_a_draft_prospect(self):
		values = {"call_name": "_Test Quick Prospect", "legal_form": "En cours d'immatriculation"}
		with change_settings("CRM Portal Settings", {"allow_quick_account_creation": 1}):
			with self.set_user(SALES_USER):
				created = pipeline.quick_create(
					self.portfolio, None, "_Test Quick Opp", account_values=values
				)
		self.assertEqual(created["account_type"], "CRM Prospect")
		self.assertEqual(created["account_name"], "_Test Quick Prospect")
		self.assertEqual(frappe.db.get_value("CRM Prospect", created["account"], "status"), "Draft")

	def test_values_as_the_desk_sends_them(self):
		# frappe.call JSON-encodes objects: the endpoints accept that form too.
		values = {"call_name": "_Test Json Prospect", "legal_form": "En cours d'immatriculation"}
		with change_settings("CRM Portal Settings", {"allow_quick_account_creation": 1}):
			created = pipeline.quick_create(
				self.portfolio, "", "_Test Json", account_values=json.dumps(values)
			)
		self.assertEqual(created["account_name"], "_Test Json Prospect")
		other = api.create_prospect(json.dumps({**values, "call_name": "_Test Json Prospect 2"}))
		self.assertEqual(other["status"], "Draft")

	def test_quick_create_follows_settings_and_is_atomic(self):
		values = {"call_name": "_Test Refused Prospect", "legal_form": "En cours d'immatriculation"}
		with change_settings("CRM Portal Settings", {"allow_quick_account_creation": 0}):
			with self.assertRaises(frappe.PermissionError):
				pipeline.quick_create(self.portfolio, None, "_Test Refused", account_values=values)
		self.assertFalse(frappe.db.exists("CRM Prospect", {"call_name": "_Test Refused Prospect"}))
		# The prospect is rolled back when the opportunity fails.
		with change_settings("CRM Portal Settings", {"allow_quick_account_creation": 1}):
			with self.assertRaises(frappe.ValidationError):
				pipeline.quick_create("_Test No Such Portfolio", None, "_Test Bad", account_values=values)
		self.assertFalse(frappe.db.exists("CRM Prospect", {"call_name": "_Test Refused Prospect"}))
		with self.assertRaisesRegex(frappe.ValidationError, "either"):
			pipeline.quick_create(self.portfolio, create_test_customer(), "_Test Both", account_values=values)


class TestOpportunitySearch(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.customer = create_test_customer("_Test Phone Customer")
		cls.contact = create_test_contact(
			"_Test Phone",
			"Contact",
			email="phone.contact@example.com",
			phone="06 12 34 56 78",
			links=(("Customer", cls.customer),),
		)
		cls.by_contact = create_test_opportunity(
			title="_Test By Contact", account=cls.customer, contact=cls.contact
		).name
		cls.prospect = create_test_prospect(
			"_Test Mail Prospect",
			invoice_email="factures@zyx-example.com",
			phone="+33 1 44 55 66 77",
		)
		cls.by_account = create_test_opportunity(
			title="_Test By Account", account_type="CRM Prospect", account=cls.prospect
		).name
		cls.unrelated = create_test_opportunity(title="_Test Unrelated").name

	def found(self, query):
		return {o.name for o in api.search_opportunities(query)["opportunities"]}

	def test_by_contact_phone_whatever_the_format(self):
		for query in ("06 12 34 56 78", "0612345678", "+33 6 12 34 56 78", "06.12.34.56.78"):
			self.assertEqual(self.found(query), {self.by_contact}, query)

	def test_by_email(self):
		self.assertEqual(self.found("phone.contact@example.com"), {self.by_contact})
		self.assertEqual(self.found("PHONE.CONTACT@example.com"), {self.by_contact})
		self.assertEqual(self.found("factures@zyx-example.com"), {self.by_account})

	def test_by_account_phone(self):
		self.assertEqual(self.found("01 44 55 66 77"), {self.by_account})

	def test_nothing_and_too_short(self):
		self.assertEqual(self.found("nobody@example.com"), set())
		self.assertTrue(api.search_opportunities("06")["too_short"])

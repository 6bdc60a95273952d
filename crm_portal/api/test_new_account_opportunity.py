"""An opportunity started on a new account before its SIREN is known (issue #16, point 2): the desk
board's "+ Opportunité" and the portal's "Nouvelle opportunité" send the new account's values without
an `account`, through Frappe's request dispatch (frappe.call, as /api/method does)."""

import frappe
from frappe.tests.utils import FrappeTestCase, change_settings

from crm_portal.accounts.fields import REGISTRATION_PENDING
from crm_portal.tests.utils import create_test_portfolio, create_test_user

SALES_USER = "new.account.seller@example.com"
PORTAL_USER = "new.account.portal@example.com"
METHOD = "crm_portal.api.pipeline.quick_create"


class TestOpportunityOnANewAccount(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		create_test_user(SALES_USER)
		create_test_user(PORTAL_USER, roles=("CRM Portal User",), user_type="Website User")
		cls.portfolio = create_test_portfolio()

	def create(self, user: str, title: str, **kwargs) -> dict:
		with change_settings("CRM Portal Settings", {"allow_quick_account_creation": 1}):
			with self.set_user(user):
				return frappe.call(METHOD, portfolio=self.portfolio, title=title, **kwargs)

	def assert_draft_without_siren(self, created: dict, call_name: str) -> None:
		self.assertEqual(created["account_type"], "CRM Prospect")
		prospect = frappe.db.get_value(
			"CRM Prospect", created["account"], ["call_name", "status", "siren", "legal_form"], as_dict=True
		)
		self.assertEqual(prospect.call_name, call_name)
		self.assertEqual(prospect.status, "Draft")
		self.assertFalse(prospect.siren)
		self.assertEqual(prospect.legal_form, REGISTRATION_PENDING)

	def test_desk_dialog_without_siren_nor_legal_form(self):
		"""The desk dialog's payload with only a name: the draft is 'en cours d'immatriculation'."""
		created = self.create(
			SALES_USER,
			"_Test New Account Desk",
			account=None,
			account_values={"call_name": "_Test Jeune Pousse Desk"},
			amount=12000,
		)
		self.assert_draft_without_siren(created, "_Test Jeune Pousse Desk")

	def test_portal_form_sends_no_account(self):
		"""The portal form leaves `account` out entirely (its select is disabled)."""
		created = self.create(
			PORTAL_USER,
			"_Test New Account Portal",
			account_type="CRM Prospect",
			account_values=frappe.as_json(
				{"call_name": "_Test Jeune Pousse Portail", "legal_form": REGISTRATION_PENDING}
			),
			amount="3000",
		)
		self.assert_draft_without_siren(created, "_Test Jeune Pousse Portail")
		self.assertEqual(frappe.db.get_value("CRM Opportunity", created["name"], "salesperson"), PORTAL_USER)

	def test_a_siren_still_needs_to_be_valid(self):
		with self.assertRaises(frappe.ValidationError):
			self.create(
				SALES_USER,
				"_Test New Account Bad Siren",
				account_values={"call_name": "_Test Pousse Siren", "siren": "123456789"},
			)
		self.assertFalse(frappe.db.exists("CRM Prospect", {"call_name": "_Test Pousse Siren"}))

	def test_neither_an_account_nor_a_new_one_is_refused_clearly(self):
		with self.assertRaises(frappe.ValidationError):
			self.create(SALES_USER, "_Test No Account")

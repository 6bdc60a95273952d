# Copyright (c) 2026, crm_portal developers
# For license information, please see license.txt
"""Lead statuses and the lead conversion, on a real site."""

import frappe
from frappe.tests.utils import FrappeTestCase, change_settings

from crm_portal.api import leads as api
from crm_portal.exceptions import StageRequirementsError
from crm_portal.setup.lead_statuses import ensure_lead_statuses
from crm_portal.tests.utils import (
	create_test_contact,
	create_test_customer,
	create_test_lead,
	create_test_portfolio,
	create_test_prospect,
	create_test_template,
	create_test_user,
)

SALES_USER = "lea.leads@example.com"
OTHER_USER = "no.leads@example.com"
QUALIFIED = "Qualification commerciale"


class TestLeadStatuses(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		ensure_lead_statuses()

	def test_seeded_statuses_and_default(self):
		rows = frappe.get_all(
			"CRM Lead Status", fields=["name", "is_open", "is_converted"], order_by="sequence asc"
		)
		names = [r.name for r in rows]
		for name in ("Nouvelle", QUALIFIED, "Convertie", "Perdue"):
			self.assertIn(name, names)
		lead = create_test_lead("_Test Lead Default")
		self.assertEqual(lead.crm_lead_status, "Nouvelle")
		self.assertEqual(lead.crm_status_is_open, 1)

	def test_lost_lead_leaves_the_open_list(self):
		lead = create_test_lead("_Test Lead Lost")
		lead.crm_lead_status = "Perdue"
		lead.save()
		self.assertEqual(lead.crm_status_is_open, 0)
		open_leads = frappe.get_list("Lead", filters={"crm_status_is_open": 1}, pluck="name")
		history = frappe.get_list("Lead", filters={"crm_status_is_open": 0}, pluck="name")
		self.assertNotIn(lead.name, open_leads)
		self.assertIn(lead.name, history)

	def test_status_flag_change_moves_its_leads(self):
		status = frappe.get_doc(
			{"doctype": "CRM Lead Status", "status_name": "_Test Appel de qualification", "sequence": 15}
		).insert()
		lead = create_test_lead("_Test Lead Flag", crm_lead_status=status.name)
		self.assertEqual(lead.crm_status_is_open, 1)
		status.is_open = 0
		status.save()
		self.assertEqual(frappe.db.get_value("Lead", lead.name, "crm_status_is_open"), 0)

	def test_inconsistent_flags_refused(self):
		with self.assertRaisesRegex(frappe.ValidationError, "both open and lost"):
			frappe.get_doc(
				{"doctype": "CRM Lead Status", "status_name": "_Test Bad", "is_open": 1, "is_lost": 1}
			).insert()
		with self.assertRaisesRegex(frappe.ValidationError, "Only an open status can allow conversion"):
			frappe.get_doc(
				{
					"doctype": "CRM Lead Status",
					"status_name": "_Test Bad 2",
					"is_open": 0,
					"allows_conversion": 1,
				}
			).insert()

	def test_converted_status_only_through_conversion(self):
		lead = create_test_lead("_Test Lead Manual")
		lead.crm_lead_status = "Convertie"
		with self.assertRaisesRegex(frappe.ValidationError, "Convert button"):
			lead.save()

	def test_scoring_is_stored_as_stars(self):
		lead = create_test_lead("_Test Lead Stars", crm_scoring=0.8, crm_key_account=1, crm_nurturing=1)
		self.assertAlmostEqual(frappe.db.get_value("Lead", lead.name, "crm_scoring") * 5, 4)


class TestLeadConversion(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		ensure_lead_statuses()
		create_test_user(SALES_USER, roles=("Sales User",))
		create_test_user(OTHER_USER, roles=("Website Manager",))
		cls.portfolio = create_test_portfolio()
		# a portfolio whose first stage needs the expected signature date
		template = create_test_template(
			"_Test Lead Template",
			(
				("DEMANDE", 10, "Open", 10, (("Opportunity", "expected_signature_date"),)),
				("Gagnée", 90, "Won", 100, ()),
				("Perdue", 99, "Lost", 0, ()),
			),
		)
		cls.strict_portfolio = create_test_portfolio("_Test Lead Strict Portfolio", template)

	def tearDown(self):
		frappe.set_user("Administrator")

	def qualified_lead(self, name: str, **fields):
		return create_test_lead(name, crm_lead_status=QUALIFIED, **fields)

	def assert_converted(self, lead, account_type, account, contact, opportunity=None):
		lead.reload()
		self.assertEqual(lead.crm_lead_status, "Convertie")
		self.assertEqual(lead.crm_status_is_open, 0)
		self.assertEqual(lead.status, "Converted")  # ERPNext's own status too
		self.assertEqual(lead.crm_converted_account_type, account_type)
		self.assertEqual(lead.crm_converted_account, account)
		self.assertEqual(lead.crm_converted_contact, contact)
		self.assertEqual(lead.crm_converted_opportunity, opportunity)
		self.assertTrue(frappe.get_doc("Contact", contact).has_link(account_type, account))

	# --- the four combinations ---------------------------------------------------------------------

	def test_new_prospect_new_contact_without_opportunity(self):
		lead = self.qualified_lead("_Test Conv A", company_name="_Test Conv A SAS", email_id="a@conv.example")
		result = api.convert_lead(lead.name, account_values={"legal_form": "En cours d'immatriculation"})
		self.assertEqual(result["account_type"], "CRM Prospect")
		prospect = frappe.get_doc("CRM Prospect", result["account"])
		self.assertEqual(prospect.call_name, "_Test Conv A SAS")
		self.assertEqual(prospect.status, "Draft")
		contact = frappe.get_doc("Contact", result["contact"])
		self.assertEqual(contact.email_id, "a@conv.example")
		self.assertIsNone(result["opportunity"])
		self.assert_converted(lead, "CRM Prospect", prospect.name, contact.name)
		# the lead's own contact became the account's: no duplicate person
		self.assertEqual(
			frappe.db.count("Contact Email", {"email_id": "a@conv.example", "parenttype": "Contact"}), 1
		)

	def test_new_customer_new_contact_with_opportunity(self):
		lead = self.qualified_lead(
			"_Test Conv B", company_name="_Test Conv B SARL", email_id="b@conv.example"
		)
		result = api.convert_lead(
			lead.name,
			account_type="Customer",
			create_opportunity=1,
			opportunity_values={"portfolio": self.portfolio, "amount": 12000},
		)
		customer = frappe.get_doc("Customer", result["account"])
		self.assertEqual(customer.customer_name, "_Test Conv B SARL")
		self.assertEqual(customer.lead_name, lead.name)
		opp = frappe.get_doc("CRM Opportunity", result["opportunity"])
		self.assertEqual(
			(opp.account_type, opp.account, opp.contact), ("Customer", customer.name, result["contact"])
		)
		self.assertEqual(opp.title, "_Test Conv B SARL")
		self.assertEqual(opp.amount, 12000)
		self.assertEqual(opp.stage, f"{create_test_template()}-IDENTIFICATION")  # the first stage
		self.assert_converted(lead, "Customer", customer.name, result["contact"], opp.name)

	def test_existing_account_new_contact(self):
		prospect = create_test_prospect("_Test Conv Existing C")
		lead = self.qualified_lead("_Test Conv C", first_name="Claire", email_id="c@conv.example")
		result = api.convert_lead(
			lead.name,
			account_mode="existing",
			account=prospect,
			contact_values={"first_name": "Claire", "last_name": "Martin"},
		)
		self.assertEqual(result["account"], prospect)
		self.assertEqual(frappe.db.count("CRM Prospect", {"call_name": "_Test Conv Existing C"}), 1)
		self.assertEqual(frappe.db.get_value("Contact", result["contact"], "last_name"), "Martin")
		self.assert_converted(lead, "CRM Prospect", prospect, result["contact"])

	def test_existing_account_existing_contact_with_opportunity(self):
		customer = create_test_customer("_Test Conv Existing D")
		contact = create_test_contact("Denis", "_TestConvD", links=(("Customer", customer),))
		lead = self.qualified_lead("_Test Conv D")
		result = api.convert_lead(
			lead.name,
			account_mode="existing",
			account_type="Customer",
			account=customer,
			contact_mode="existing",
			contact=contact,
			create_opportunity=1,
			opportunity_values={"portfolio": self.portfolio, "title": "_Test Conv D Audit"},
		)
		self.assertEqual(result["contact"], contact)
		self.assertEqual(
			frappe.db.get_value("CRM Opportunity", result["opportunity"], "title"), "_Test Conv D Audit"
		)
		self.assert_converted(lead, "Customer", customer, contact, result["opportunity"])

	# --- refusals and rollback ---------------------------------------------------------------------

	def test_only_qualified_leads_convert_once(self):
		lead = create_test_lead("_Test Conv New Status")
		with self.assertRaisesRegex(frappe.ValidationError, "Only a qualified lead"):
			api.convert_lead(lead.name, account_values={"legal_form": "En cours d'immatriculation"})
		lead = self.qualified_lead("_Test Conv Twice", company_name="_Test Conv Twice SAS")
		api.convert_lead(lead.name, account_values={"legal_form": "En cours d'immatriculation"})
		with self.assertRaisesRegex(frappe.ValidationError, "already converted"):
			api.convert_lead(lead.name, account_values={"legal_form": "En cours d'immatriculation"})

	def test_bad_requests_are_refused_clearly(self):
		lead = self.qualified_lead("_Test Conv Bad")
		with self.assertRaisesRegex(frappe.ValidationError, "existing contact can only be chosen"):
			api.convert_lead(lead.name, contact_mode="existing", contact="whoever")
		with self.assertRaisesRegex(frappe.ValidationError, "Select the existing account"):
			api.convert_lead(lead.name, account_mode="existing")
		with self.assertRaisesRegex(frappe.ValidationError, "portfolio of the opportunity"):
			api.convert_lead(lead.name, create_opportunity=1)
		with self.assertRaisesRegex(frappe.ValidationError, "CRM Prospect or a Customer"):
			api.convert_lead(lead.name, account_type="Supplier")
		other = create_test_customer("_Test Conv Other Account")
		stranger = create_test_contact("Stranger", "_TestConv")
		with self.assertRaisesRegex(frappe.ValidationError, "is not a contact of"):
			api.convert_lead(
				lead.name,
				account_mode="existing",
				account_type="Customer",
				account=other,
				contact_mode="existing",
				contact=stranger,
			)
		self.assertFalse(frappe.db.get_value("Lead", lead.name, "crm_converted_account"))

	def test_rollback_when_the_opportunity_fails(self):
		"""The strict portfolio's first stage needs a date: nothing of the conversion stays."""
		lead = self.qualified_lead(
			"_Test Conv Rollback", company_name="_Test Conv Rollback SAS", email_id="r@conv.example"
		)
		contacts_before = frappe.db.count("Contact")
		with self.assertRaises(StageRequirementsError):
			api.convert_lead(
				lead.name,
				account_values={"legal_form": "En cours d'immatriculation"},
				create_opportunity=1,
				opportunity_values={"portfolio": self.strict_portfolio},
			)
		self.assertFalse(frappe.db.exists("CRM Prospect", {"call_name": "_Test Conv Rollback SAS"}))
		self.assertEqual(frappe.db.count("Contact"), contacts_before)
		lead.reload()
		self.assertEqual(lead.crm_lead_status, QUALIFIED)
		self.assertFalse(lead.crm_converted_account)
		# with the date, the same conversion goes through
		result = api.convert_lead(
			lead.name,
			account_values={"legal_form": "En cours d'immatriculation"},
			create_opportunity=1,
			opportunity_values={"portfolio": self.strict_portfolio, "expected_signature_date": "2027-03-31"},
		)
		self.assertTrue(result["opportunity"])

	def test_rollback_when_the_account_is_refused(self):
		lead = self.qualified_lead("_Test Conv Bad Siren", company_name="_Test Conv Bad Siren SAS")
		with self.assertRaisesRegex(frappe.ValidationError, "checksum"):
			api.convert_lead(lead.name, account_values={"siren": "328025904"})
		self.assertFalse(frappe.db.exists("CRM Prospect", {"call_name": "_Test Conv Bad Siren SAS"}))
		self.assertFalse(frappe.db.get_value("Lead", lead.name, "crm_converted_account"))

	def test_json_arguments_from_the_desk(self):
		lead = self.qualified_lead("_Test Conv Json", company_name="_Test Conv Json SAS")
		result = api.convert_lead(
			lead.name,
			account_values='{"legal_form": "En cours d\'immatriculation"}',
			contact_values='{"first_name": "Jason"}',
			create_opportunity="0",
		)
		self.assertEqual(frappe.db.get_value("Contact", result["contact"], "first_name"), "Jason")

	def test_permissions(self):
		# SALES_USER's lead: a salesperson converts the leads of their scope (crm_portal/erpnext_walls.py).
		lead = self.qualified_lead(
			"_Test Conv Perm", company_name="_Test Conv Perm SAS", lead_owner=SALES_USER
		)
		with self.set_user(OTHER_USER), self.assertRaises(frappe.PermissionError):
			api.convert_lead(lead.name, account_values={"legal_form": "En cours d'immatriculation"})
		with self.set_user(SALES_USER):
			defaults = api.get_conversion_defaults(lead.name)
			self.assertTrue(defaults["can_convert"])
			self.assertEqual(defaults["account_values"]["call_name"], "_Test Conv Perm SAS")
			self.assertIn("En cours d'immatriculation", defaults["legal_forms"])  # the dialog's choices
			result = api.convert_lead(lead.name, account_values={"legal_form": "En cours d'immatriculation"})
		self.assertEqual(frappe.db.get_value("Lead", lead.name, "crm_converted_by"), SALES_USER)
		self.assertEqual(frappe.db.get_value("CRM Prospect", result["account"], "owner"), SALES_USER)

	@change_settings("CRM Settings", {"auto_creation_of_contact": 0})
	def test_new_contact_created_when_the_lead_has_none(self):
		lead = self.qualified_lead(
			"_Test Conv NoContact", company_name="_Test Conv NoContact SAS", email_id="n@conv.example"
		)
		self.assertFalse(api.lead_contacts(lead.name))
		result = api.convert_lead(lead.name, account_values={"legal_form": "En cours d'immatriculation"})
		contact = frappe.get_doc("Contact", result["contact"])
		self.assertTrue(contact.has_link("Lead", lead.name))
		self.assertEqual(contact.email_id, "n@conv.example")


class TestLeadNativeFeatures(FrappeTestCase):
	"""What Frappe gives natively and the seeds ask for keeps working on leads."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		ensure_lead_statuses()
		create_test_user(SALES_USER, roles=("Sales User",))

	def test_bulk_update_of_assignee_team_and_industry(self):
		from frappe.desk.doctype.bulk_update.bulk_update import submit_cancel_or_update_docs
		from frappe.utils.nestedset import get_root_of

		if not frappe.db.exists("Industry Type", "_Test Chimie"):
			frappe.get_doc({"doctype": "Industry Type", "industry": "_Test Chimie"}).insert()
		leads = [create_test_lead(f"_Test Bulk {i}").name for i in range(3)]
		team = get_root_of("Sales Person")
		failed = submit_cancel_or_update_docs(
			"Lead",
			leads,
			action="update",
			data={"lead_owner": SALES_USER, "crm_team": team, "industry": "_Test Chimie"},
		)
		self.assertFalse(failed)
		for lead in leads:
			self.assertEqual(
				frappe.db.get_value("Lead", lead, ["lead_owner", "crm_team", "industry"]),
				(SALES_USER, team, "_Test Chimie"),
			)

	def test_tags_and_attachments(self):
		from frappe.desk.doctype.tag.tag import add_tag

		lead = create_test_lead("_Test Tagged Lead")
		add_tag("_test-salon-2026", "Lead", lead.name)
		self.assertIn("_test-salon-2026", frappe.db.get_value("Lead", lead.name, "_user_tags"))
		file = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": "_test_carte.txt",
				"content": b"carte de visite",
				"attached_to_doctype": "Lead",
				"attached_to_name": lead.name,
				"is_private": 1,
			}
		).insert()
		self.assertEqual(file.attached_to_name, lead.name)


class TestMasterImport(FrappeTestCase):
	"""CSV import of industries, functions (Designation) and sources, as the Data Import form does it.
	Frappe's importer commits after each row, so this class creates nothing else and removes what it
	imported."""

	def test_csv_import_of_industries_functions_and_sources(self):
		from frappe.core.doctype.data_import.importer import Importer

		suffix = frappe.generate_hash(length=6)
		created = []
		try:
			for doctype, column, value in (
				("Industry Type", "Industry", f"_Test Import Industrie {suffix}"),
				("Designation", "designation_name", f"_Test Import Fonction {suffix}"),
				("Lead Source", "Source Name", f"_Test Import Salon {suffix}"),
			):
				self.assertTrue(frappe.get_meta(doctype).allow_import, doctype)
				file = frappe.get_doc(
					{
						"doctype": "File",
						"file_name": f"_test_import_{suffix}_{frappe.scrub(doctype)}.csv",
						"content": f"{column}\n{value}\n".encode(),
						"is_private": 1,
					}
				).insert()
				data_import = frappe.get_doc(
					{
						"doctype": "Data Import",
						"reference_doctype": doctype,
						"import_type": "Insert New Records",
						"import_file": file.file_url,
					}
				).insert()
				created += [("Data Import", data_import.name), ("File", file.name), (doctype, value)]
				Importer(doctype, data_import=data_import).import_data()
				self.assertTrue(frappe.db.exists(doctype, value), doctype)
		finally:
			for doctype, name in reversed(created):
				if doctype == "Data Import":
					frappe.db.delete("Data Import Log", {"data_import": name})
				if frappe.db.exists(doctype, name):
					frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
			frappe.db.commit()  # the importer committed the rows: undo them for good

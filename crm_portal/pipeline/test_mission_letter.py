"""The mission letter (crm_portal/pipeline/mission_letter.py): the print format "Lettre de mission" of an
opportunity's Quotation, and sending it by e-mail once the proposal is "Validée".

Everything a salesperson does here runs as a Sales User, on real ERPNext documents; the e-mail is made by
Frappe's own `frappe.core.doctype.communication.email.make`, as the desk's composer calls it."""

import json

import frappe
from frappe.core.doctype.communication.email import make as make_communication
from frappe.model.workflow import apply_workflow
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, fmt_money, formatdate, today

from crm_portal.api import pipeline
from crm_portal.exceptions import QuotationNotValidatedError
from crm_portal.pipeline import approval, mission_letter
from crm_portal.pipeline.mission_letter import PRINT_FORMAT, VALIDATED
from crm_portal.setup.erpnext_setup import SERVICE_ITEM_CODE, ensure_service_item
from crm_portal.tests.utils import (
	create_test_contact,
	create_test_customer,
	create_test_opportunity,
	create_test_portfolio,
	create_test_template,
	create_test_user,
)

SELLER = "letter.seller@example.com"
OUTSIDER = "letter.outsider@example.com"
APPROVER = "letter.approver@example.com"
TEMPLATE = "_Test Letter"
STAGES = (
	("IDENT", 10, "Open", 10, ()),
	("PROPOSITION", 30, "Open", 70, (), True),
	("SIGNED", 90, "Won", 100, ()),
	("LOST", 99, "Lost", 0, ()),
)
PROPOSAL = f"{TEMPLATE}-PROPOSITION"
CUSTOMER = "_Test Letter Customer"
CONTACT_EMAIL = "claire.cliente@letter-client.example.com"
LETTER_HEAD = "_Test Lettre En-tête"
LETTER_HEAD_MARK = "ZQX-EN-TETE-CABINET"
OUTGOING = "_Test Letter Outgoing"
# Over the 10 000 € amount threshold, also once converted to the company currency (the test customer's
# quotations are priced in the price list's currency).
OVER_THRESHOLD = 13000


class TestMissionLetter(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		create_test_user(SELLER, first_name="Sophie", last_name="Lettre")
		create_test_user(OUTSIDER, first_name="Oscar", last_name="Ailleurs")
		create_test_user(APPROVER, roles=("Sales Manager",), first_name="Anne", last_name="Approbatrice")
		cls.portfolio = create_test_portfolio(
			"_Test Letter Portfolio", create_test_template(TEMPLATE, STAGES)
		)
		cls.customer = create_test_customer(CUSTOMER)
		cls.contact = create_test_contact(
			"Claire", "Cliente", email=CONTACT_EMAIL, links=(("Customer", cls.customer),)
		)
		ensure_service_item()
		frappe.db.set_single_value("CRM Portal Settings", "default_item", SERVICE_ITEM_CODE)
		if not frappe.db.exists("Letter Head", LETTER_HEAD):
			frappe.get_doc(
				{
					"doctype": "Letter Head",
					"letter_head_name": LETTER_HEAD,
					"source": "HTML",
					"content": f"<div class='crm-test-head'>{LETTER_HEAD_MARK}</div>",
				}
			).insert(ignore_permissions=True)

	# Fixtures
	# --------

	def proposal(self, amount: float, **fields) -> frappe._dict:
		"""The seller's opportunity moved to the proposal stage, with the Quotation it made."""
		with self.set_user(SELLER):
			opportunity = create_test_opportunity(
				portfolio=self.portfolio,
				account=self.customer,
				contact=self.contact,
				amount=amount,
				expected_signature_date=add_days(today(), 30),
				**fields,
			)
			quotation = pipeline.move_to_stage(opportunity.name, PROPOSAL)["quotation"]
		return frappe._dict(opportunity=opportunity.name, quotation=quotation)

	def discounted_proposal(self) -> frappe._dict:
		"""A proposal of 5 000 € list price with a 4 % discount on its line (4 800 € after discount): under
		the thresholds (10 000 € / 5 %), so the workflow validates it."""
		made = self.proposal(5000, title="_Test Lettre <b>Audit</b> & conseil")
		with self.set_user(SELLER):
			quotation = frappe.get_doc("Quotation", made.quotation)
			row = quotation.items[0]
			row.price_list_rate = 5000
			row.discount_percentage = 4
			row.rate = 4800
			quotation.letter_head = LETTER_HEAD
			quotation.save()
			apply_workflow(quotation.as_dict(), approval.VALIDATE)
		return made

	def pending_proposal(self) -> frappe._dict:
		"""A proposal over the amount threshold whose approval the seller requested: À valider,
		routed to the settings' default approver."""
		settings = frappe.get_doc("CRM Portal Settings")
		settings.default_approver = APPROVER
		settings.save()
		made = self.proposal(OVER_THRESHOLD)
		with self.set_user(SELLER):
			apply_workflow(frappe.get_doc("Quotation", made.quotation).as_dict(), approval.REQUEST)
		return made

	def state_of(self, quotation: str) -> str | None:
		return frappe.db.get_value("Quotation", quotation, "workflow_state")

	def send(self, quotation: str, recipients: str = CONTACT_EMAIL, **kwargs) -> dict:
		return make_communication(
			doctype="Quotation",
			name=quotation,
			subject="Lettre de mission",
			content="Bonjour, voici notre lettre de mission.",
			recipients=recipients,
			print_format=PRINT_FORMAT,
			**kwargs,
		)

	def outgoing_email_account(self) -> None:
		self.addCleanup(setattr, frappe.local, "outgoing_email_account", {})
		frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": OUTGOING,
				"email_id": "crm-letters@example.com",
				"smtp_server": "localhost",
				"enable_outgoing": 1,
				"default_outgoing": 1,
			}
		).insert(ignore_permissions=True)
		frappe.local.outgoing_email_account = {}

	# The print format
	# ----------------

	def test_letter_shows_lines_amounts_dates_signatory_and_letter_head(self):
		made = self.discounted_proposal()
		with self.set_user(SELLER):
			html = frappe.get_print("Quotation", made.quotation, PRINT_FORMAT)
		currency = frappe.db.get_value("Quotation", made.quotation, "currency")
		self.assertIn(LETTER_HEAD_MARK, html)
		self.assertIn(frappe.db.get_value("Item", SERVICE_ITEM_CODE, "item_name"), html)
		self.assertIn(fmt_money(5000, currency=currency), html)  # list price, total before discount
		self.assertIn(fmt_money(4800, currency=currency), html)  # after discount
		self.assertIn(f"- {fmt_money(200, currency=currency)}", html)  # the discount
		self.assertIn("4 %", html)
		self.assertIn(formatdate(add_days(today(), 30)), html)  # the expected signature date
		self.assertIn("Sophie Lettre", html)  # the signatory: the opportunity's salesperson
		self.assertIn("Claire Cliente", html)  # the client's contact
		self.assertIn(CUSTOMER, html)
		# French, whatever the reader's language (the print format's default print language)
		self.assertIn("Lettre de mission", html)
		self.assertIn("Total avant remise", html)
		# the opportunity's title is shown as typed, never as markup
		self.assertIn("_Test Lettre &lt;b&gt;Audit&lt;/b&gt; &amp; conseil", html)
		self.assertNotIn("<b>Audit</b>", html)

	def test_letter_is_a_pdf_through_the_attachment_path(self):
		"""What the e-mail attaches (frappe.attach_print, as Email Queue does when it sends) is a PDF."""
		made = self.discounted_proposal()
		# attach_print lifts the print permission check and puts it back only when it succeeds
		self.addCleanup(setattr, frappe.local.flags, "ignore_print_permissions", False)
		with self.set_user(SELLER):
			try:
				attachment = frappe.attach_print("Quotation", made.quotation, print_format=PRINT_FORMAT)
			except OSError as e:
				if "HostNotFoundError" not in str(e):
					raise
				# wkhtmltopdf fetches the print styles from the site's host name, which this machine may not
				# resolve (*.localhost test sites): the HTML test above covers the letter's content.
				self.skipTest(f"wkhtmltopdf cannot reach the site's host here: {e}")
		self.assertTrue(attachment["fname"].endswith(".pdf"), attachment["fname"])
		self.assertTrue(attachment["fcontent"].startswith(b"%PDF"), attachment["fcontent"][:20])

	def test_other_team_cannot_print_send_or_read_the_approval(self):
		made = self.discounted_proposal()
		with self.set_user(OUTSIDER):
			with self.assertRaises(frappe.PermissionError):
				frappe.get_print("Quotation", made.quotation, PRINT_FORMAT)
			with self.assertRaises(frappe.PermissionError):
				self.send(made.quotation)
			with self.assertRaises(frappe.PermissionError):
				mission_letter.get_mission_letter_defaults(made.quotation)
			with self.assertRaises(frappe.PermissionError):
				mission_letter.get_quotation_approval(made.opportunity)
		self.assertFalse(frappe.db.exists("Communication", {"reference_name": made.quotation}))

	# Sending
	# -------

	def test_sending_before_validated_is_refused(self):
		draft = self.proposal(OVER_THRESHOLD)  # needs approval: Brouillon until approved
		pending = self.pending_proposal()
		self.assertEqual(self.state_of(draft.quotation), approval.DRAFT)
		self.assertEqual(self.state_of(pending.quotation), approval.PENDING)
		for made in (draft, pending):
			with self.set_user(SELLER):
				with self.assertRaises(QuotationNotValidatedError):
					self.send(made.quotation)
				with self.assertRaises(QuotationNotValidatedError):
					mission_letter.get_mission_letter_defaults(made.quotation)
				self.assertFalse(mission_letter.get_quotation_approval(made.opportunity).can_send_letter)
			self.assertFalse(frappe.db.exists("Communication", {"reference_name": made.quotation}))
		# once its approver approves it, the same letter leaves
		with self.set_user(APPROVER):
			apply_workflow(frappe.get_doc("Quotation", pending.quotation).as_dict(), approval.APPROVE)
		self.assertEqual(self.state_of(pending.quotation), VALIDATED)
		with self.set_user(SELLER):
			sent = self.send(pending.quotation)
		self.assertTrue(frappe.db.exists("Communication", sent["name"]))

	def test_a_reply_from_the_client_is_not_refused(self):
		"""Only what leaves is held back: an e-mail received on the quotation is recorded."""
		made = self.proposal(OVER_THRESHOLD)
		with self.set_user(SELLER):
			made_comm = make_communication(
				doctype="Quotation",
				name=made.quotation,
				subject="Question",
				content="Une question sur votre proposition",
				sender=CONTACT_EMAIL,
				recipients=SELLER,
				sent_or_received="Received",
			)
		self.assertTrue(frappe.db.exists("Communication", made_comm["name"]))

	def test_validated_letter_is_sent_and_recorded_on_the_opportunity_and_the_account(self):
		made = self.discounted_proposal()
		self.assertEqual(self.state_of(made.quotation), VALIDATED)
		self.outgoing_email_account()
		with self.set_user(SELLER):
			approval = mission_letter.get_quotation_approval(made.opportunity)
			self.assertTrue(approval.can_send_letter)
			defaults = mission_letter.get_mission_letter_defaults(made.quotation)
			self.assertEqual(defaults["recipients"], CONTACT_EMAIL)
			self.assertEqual(defaults["print_format"], PRINT_FORMAT)
			sent = self.send(made.quotation, recipients=defaults["recipients"], send_email=1)
		communication = frappe.get_doc("Communication", sent["name"])
		links = {(link.link_doctype, link.link_name) for link in communication.timeline_links}
		self.assertIn(("CRM Opportunity", made.opportunity), links)
		self.assertIn(("Customer", self.customer), links)
		self.assertEqual(len(links), len(communication.timeline_links))  # no duplicate
		# queued with the letter as its attachment (printed as PDF when the queue sends it)
		queued = frappe.get_all(
			"Email Queue", filters={"communication": sent["name"]}, fields=["name", "attachments"]
		)
		self.assertEqual(len(queued), 1)
		attachments = json.loads(queued[0].attachments or "[]")
		self.assertIn(PRINT_FORMAT, [a.get("print_format") for a in attachments])
		# shown in the opportunity's timeline (Frappe reads Communication Links)
		with self.set_user(SELLER):
			timeline = frappe.get_list(
				"Communication Link",
				filters={"link_doctype": "CRM Opportunity", "link_name": made.opportunity},
				fields=["parent"],
				ignore_permissions=True,
			)
		self.assertIn(sent["name"], [row.parent for row in timeline])

	def test_letter_to_another_address_is_still_linked_to_the_opportunity_and_the_account(self):
		"""The links come from the quotation's opportunity, not from the recipient's contact."""
		made = self.discounted_proposal()
		with self.set_user(SELLER):
			sent = self.send(made.quotation, recipients="direction@autre-adresse.example.com")
		links = {
			(link.link_doctype, link.link_name)
			for link in frappe.get_doc("Communication", sent["name"]).timeline_links
		}
		self.assertIn(("CRM Opportunity", made.opportunity), links)
		self.assertIn(("Customer", self.customer), links)

	def test_approval_shown_on_the_opportunity(self):
		"""Who must approve and since when, read from the opportunity's quotation."""
		made = self.pending_proposal()
		with self.set_user(SELLER):
			shown = mission_letter.get_quotation_approval(made.opportunity)
		self.assertEqual(shown.name, made.quotation)
		self.assertEqual(shown.workflow_state, approval.PENDING)
		self.assertEqual(shown.crm_approver, APPROVER)
		self.assertEqual(shown.approver_name, "Anne Approbatrice")
		self.assertTrue(shown.crm_approval_requested_on)
		self.assertFalse(shown.can_send_letter)
		with self.set_user(APPROVER):
			apply_workflow(frappe.get_doc("Quotation", made.quotation).as_dict(), approval.APPROVE)
		with self.set_user(SELLER):
			shown = mission_letter.get_quotation_approval(made.opportunity)
		self.assertEqual(shown.workflow_state, VALIDATED)
		self.assertTrue(shown.can_send_letter)

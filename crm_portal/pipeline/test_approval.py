"""The quotation approval circuit (issue #19) through Frappe's real HTTP stack: logged-in users call what
the desk calls (the Workflow's apply_workflow, REST PUT, frappe.client.submit, the e-mail composer,
ERPNext's make_sales_order, reportview). Each request runs in its own thread and database connection,
so what a test sets up is committed; the class deletes its records and restores the settings at the end.

SELLER owns the deals; APPROVER (a Sales User of no team of SELLER's) is routed by the filière "Services";
DEFAULT_APPROVER would approve the rest; OUTSIDER is another salesperson, asked for nothing."""

import json
from urllib.parse import quote

import frappe
from frappe.tests.test_api import make_request
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, get_test_client, today
from frappe.utils.password import update_password

from crm_portal.pipeline.approval import (
	DRAFT,
	PENDING,
	REFUSED,
	VALIDATED,
	WORKFLOW,
	install_workflow,
)
from crm_portal.setup.erpnext_setup import SERVICE_ITEM_CODE, ensure_service_item
from crm_portal.tests.utils import (
	create_test_customer,
	create_test_opportunity,
	create_test_portfolio,
	create_test_template,
	create_test_user,
)

SELLER, APPROVER, DEFAULT_APPROVER, OUTSIDER = (
	"approval.seller@example.com",
	"approval.approver@example.com",
	"approval.default@example.com",
	"approval.outsider@example.com",
)
PASSWORD = "Approval-Test-2026!"
TITLE = "_Test Approval"
TEMPLATE = "_Test Approval Tpl"
STAGES = (
	("IDENT", 10, "Open", 10, ()),
	("PROPOSITION", 30, "Open", 70, (), True),
	("SIGNED", 90, "Won", 100, ()),
	("LOST", 99, "Lost", 0, ()),
)
PROPOSAL, SIGNED = f"{TEMPLATE}-PROPOSITION", f"{TEMPLATE}-SIGNED"
FILIERE_FIELD, BU_FIELD = "crm_filiere", "crm_bu"
ROLE = "_Test Approval Role"
QUOTATION = "Quotation"
OPPORTUNITY = "CRM Opportunity"
APPLY = "frappe.model.workflow.apply_workflow"
EMAIL_ACCOUNT = "_Test Approval Outgoing"
SETTINGS = {
	"approval_amount_threshold": 10000,
	"approval_discount_threshold": 5,
	"approval_filiere_field": FILIERE_FIELD,
	"approval_bu_field": BU_FIELD,
	"default_approver": DEFAULT_APPROVER,
	"default_approver_role": None,
	"apply_crm_visibility_to_erpnext": 1,
	"default_item": SERVICE_ITEM_CODE,
}


class Session:
	"""A logged-in browser: its own cookie jar, each request in its own thread and connection."""

	def __init__(self, user: str):
		self.user = user
		self.client = get_test_client()
		response = self.request("post", "/api/method/login", json={"usr": user, "pwd": PASSWORD})
		assert response.status_code == 200, response.get_data(as_text=True)

	def request(self, verb: str, path: str, **kwargs):
		return make_request(target=getattr(self.client, verb), args=(path,), kwargs=kwargs)

	def call(self, method: str, **args):
		return self.request("post", f"/api/method/{method}", json=args)

	def get(self, doctype: str, name: str):
		return self.request("get", f"/api/resource/{quote(doctype)}/{quote(name)}")

	def put(self, doctype: str, name: str, values: dict):
		return self.request("put", f"/api/resource/{quote(doctype)}/{quote(name)}", json=values)

	def apply(self, quotation: str, action: str):
		return self.call(APPLY, doc=json.dumps({"doctype": QUOTATION, "name": quotation}), action=action)


def body(response) -> str:
	return response.get_data(as_text=True)


def fresh(doctype: str, name: str, fieldname):
	frappe.db.rollback()  # a fresh read of what the requests committed
	return frappe.db.get_value(doctype, name, fieldname)


def run_queued_notifications() -> None:
	"""Frappe enqueues the assignment's notification (enqueue_create_notification, run at once only when
	the enqueuing code runs in tests, not in a request): do this site's queued jobs the way a worker would."""
	from frappe.utils.background_jobs import get_queues

	method = "frappe.desk.doctype.notification_log.notification_log.make_notification_logs"
	for queue in get_queues():
		for job in queue.jobs:
			kwargs = job.kwargs or {}
			if kwargs.get("site") == frappe.local.site and kwargs.get("method") == method:
				frappe.get_attr(method)(**kwargs["kwargs"])
				job.delete()


def remove_email_account() -> None:
	frappe.db.rollback()
	frappe.delete_doc(
		"Email Account", EMAIL_ACCOUNT, force=True, ignore_permissions=True, ignore_missing=True
	)
	frappe.db.commit()
	frappe.local.outgoing_email_account = {}


def ensure_bu_and_filiere_fields() -> None:
	"""BU and filière are fields admins add to the opportunity with Customize Form (as the demo does)."""
	for fieldname, label in ((FILIERE_FIELD, "Filière"), (BU_FIELD, "BU")):
		if not frappe.get_meta(OPPORTUNITY).has_field(fieldname):
			frappe.get_doc(
				{
					"doctype": "Custom Field",
					"dt": OPPORTUNITY,
					"fieldname": fieldname,
					"label": label,
					"fieldtype": "Data",
					"insert_after": "title",
				}
			).insert(ignore_permissions=True)


class TestApprovalCircuit(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		if not frappe.db.exists("Role", ROLE):
			frappe.get_doc({"doctype": "Role", "role_name": ROLE, "desk_access": 1}).insert(
				ignore_permissions=True
			)
		for user in (SELLER, APPROVER, DEFAULT_APPROVER, OUTSIDER):
			roles = ("Sales User", ROLE) if user in (DEFAULT_APPROVER, OUTSIDER) else ("Sales User",)
			create_test_user(user, roles=roles, first_name=user.split("@")[0].split(".")[1].title())
			update_password(user, PASSWORD)
		install_workflow()
		ensure_bu_and_filiere_fields()
		ensure_service_item(SERVICE_ITEM_CODE, "Prestation")
		cls.portfolio = create_test_portfolio(f"{TEMPLATE} Portfolio", create_test_template(TEMPLATE, STAGES))
		cls.customer = create_test_customer("_Test Approval Customer")
		settings = frappe.get_doc("CRM Portal Settings")
		cls.saved_settings = {k: settings.get(k) for k in SETTINGS}
		cls.saved_routes = [r.as_dict() for r in settings.get("approval_routes") or []]
		settings.update(SETTINGS)
		settings.set(
			"approval_routes",
			[
				{"bu": "Conseil", "approver": OUTSIDER},
				{"filiere": "Services", "approver": APPROVER},
				{"bu": "Conseil", "filiere": "Santé", "approver_role": ROLE},
			],
		)
		settings.flags.ignore_permissions = True
		settings.save()
		frappe.db.commit()
		cls.seller, cls.approver = Session(SELLER), Session(APPROVER)
		cls.default_approver, cls.outsider = Session(DEFAULT_APPROVER), Session(OUTSIDER)

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.set_user("Administrator")
		names = frappe.get_all(OPPORTUNITY, filters={"title": ("like", f"{TITLE}%")}, pluck="name")
		for doctype in ("Sales Order", QUOTATION):
			for doc in frappe.get_all(
				doctype, filters={"crm_opportunity": ("in", names or [""])}, fields=["name", "docstatus"]
			):
				if doc.docstatus == 1:
					frappe.get_doc(doctype, doc.name).cancel()
				frappe.delete_doc(doctype, doc.name, force=True, ignore_permissions=True)
		for name in names:
			frappe.db.set_value(OPPORTUNITY, name, {"quotation": None, "sales_order": None})
			frappe.delete_doc(OPPORTUNITY, name, force=True, ignore_permissions=True)
		settings = frappe.get_doc("CRM Portal Settings")
		settings.update(cls.saved_settings)
		settings.set("approval_routes", cls.saved_routes)
		settings.flags.ignore_permissions = True
		settings.save()
		frappe.db.commit()
		super().tearDownClass()

	# --- helpers -----------------------------------------------------------------------------------------

	def make(self, amount: float, filiere: str | None = "Services", bu: str | None = None) -> tuple[str, str]:
		"""A committed opportunity of SELLER in the proposal stage, and its draft quotation."""
		frappe.set_user(SELLER)
		try:
			opportunity = create_test_opportunity(
				title=f"{TITLE} {frappe.generate_hash(length=6)}",
				portfolio=self.portfolio,
				account=self.customer,
				stage=PROPOSAL,
				salesperson=SELLER,
				amount=amount,
				expected_signature_date=add_days(today(), 30),
				**{FILIERE_FIELD: filiere, BU_FIELD: bu},
			)
		finally:
			frappe.set_user("Administrator")
		frappe.db.commit()
		quotation = frappe.db.get_value(OPPORTUNITY, opportunity.name, "quotation")
		self.assertTrue(quotation, "the proposal stage makes the quotation")
		return opportunity.name, quotation

	def state(self, quotation: str) -> tuple[str, int]:
		return tuple(fresh(QUOTATION, quotation, ["workflow_state", "docstatus"]))

	def request_approval(self, quotation: str) -> None:
		response = self.seller.apply(quotation, "Demander l'approbation")
		self.assertEqual(response.status_code, 200, body(response))
		self.assertEqual(self.state(quotation), (PENDING, 0))

	def actions_of(self, session: Session, quotation: str) -> list[str]:
		response = session.call(
			"frappe.model.workflow.get_transitions", doc=json.dumps({"doctype": QUOTATION, "name": quotation})
		)
		self.assertEqual(response.status_code, 200, body(response))
		return sorted(t["action"] for t in response.json["message"])

	def open_todos(self, quotation: str) -> list[str]:
		frappe.db.rollback()
		return frappe.get_all(
			"ToDo",
			filters={"reference_type": QUOTATION, "reference_name": quotation, "status": "Open"},
			pluck="allocated_to",
		)

	def notifications(self, user: str, quotation: str) -> list[dict]:
		frappe.db.rollback()
		return frappe.get_all(
			"Notification Log",
			filters={"for_user": user, "document_type": QUOTATION, "document_name": quotation},
			fields=["type", "subject", "email_content"],
		)

	def send_email(self, session: Session, quotation: str):
		return session.call(
			"frappe.core.doctype.communication.email.make",
			doctype=QUOTATION,
			name=quotation,
			content="Veuillez trouver notre proposition.",
			subject="Proposition",
			recipients="client.approval@example.com",
			send_email=0,
		)

	# --- the circuit ---------------------------------------------------------------------------------------

	def test_workflow_is_shipped_and_active_on_quotation(self):
		workflow = frappe.get_doc("Workflow", WORKFLOW)
		self.assertEqual((workflow.document_type, workflow.is_active), (QUOTATION, 1))
		self.assertEqual([s.state for s in workflow.states], [DRAFT, PENDING, VALIDATED, REFUSED])

	def test_under_the_thresholds_validated_without_approval(self):
		opportunity, quotation = self.make(8000)
		self.assertEqual(self.state(quotation), (DRAFT, 0))
		self.assertEqual(fresh(QUOTATION, quotation, "crm_needs_approval"), 0)
		self.assertEqual(self.actions_of(self.seller, quotation), ["Valider"])
		response = self.seller.apply(quotation, "Valider")
		self.assertEqual(response.status_code, 200, body(response))
		self.assertEqual(self.state(quotation), (VALIDATED, 1))
		self.assertFalse(self.open_todos(quotation), "nobody is asked")
		self.assertIsNone(fresh(QUOTATION, quotation, "crm_approver"))
		self.assertEqual(fresh(OPPORTUNITY, opportunity, "quotation_state"), VALIDATED)

	def test_11000_is_pending_and_assigned_to_the_approver_of_the_filiere(self):
		opportunity, quotation = self.make(11000)
		self.assertEqual(fresh(QUOTATION, quotation, "crm_needs_approval"), 1)
		self.assertEqual(self.actions_of(self.seller, quotation), ["Demander l'approbation"])
		response = self.seller.apply(quotation, "Valider")
		self.assertNotEqual(response.status_code, 200, body(response))
		self.assertEqual(self.state(quotation), (DRAFT, 0))

		self.request_approval(quotation)
		values = fresh(
			QUOTATION, quotation, ["crm_approver", "crm_approver_role", "crm_approval_requested_on"]
		)
		self.assertEqual(values[:2], (APPROVER, None), "routed by the filière Services, not the default")
		self.assertTrue(values[2])
		self.assertEqual(self.open_todos(quotation), [APPROVER])
		# The worker's part, with an outgoing e-mail account (Frappe's sending commits it: deleted after).
		frappe.db.rollback()
		self.addCleanup(remove_email_account)
		if not frappe.db.exists("Email Account", EMAIL_ACCOUNT):
			frappe.get_doc(
				{
					"doctype": "Email Account",
					"email_account_name": EMAIL_ACCOUNT,
					"email_id": "crm-approval@example.com",
					"smtp_server": "localhost",
					"enable_outgoing": 1,
					"default_outgoing": 1,
				}
			).insert(ignore_permissions=True)
		frappe.local.outgoing_email_account = {}
		run_queued_notifications()
		notes = frappe.get_all(
			"Notification Log",
			filters={"for_user": APPROVER, "document_type": QUOTATION, "document_name": quotation},
			pluck="type",
		)
		self.assertIn("Assignment", notes)
		self.assertTrue(
			frappe.db.sql(
				"""select q.name from `tabEmail Queue` q join `tabEmail Queue Recipient` r on r.parent = q.name
				where r.recipient = %s and q.message like %s""",
				(APPROVER, f"%{quotation}%"),
			),
			"the assignment is e-mailed to the approver",
		)
		frappe.db.rollback()
		# The opportunity shows it: badge, timeline, stage history.
		self.assertEqual(fresh(OPPORTUNITY, opportunity, "quotation_state"), PENDING)
		comments = frappe.get_all(
			"Comment",
			filters={"reference_doctype": OPPORTUNITY, "reference_name": opportunity, "comment_type": "Info"},
			pluck="content",
		)
		self.assertTrue(any(quotation in c and APPROVER in c for c in comments), comments)
		from crm_portal.api.pipeline import get_stage_history

		steps = [
			(h.get("quotation_state_from"), h.get("quotation_state_to"))
			for h in get_stage_history(opportunity)
		]
		self.assertIn((DRAFT, PENDING), steps)
		# The approver's "À valider" list: assigned to them, in that state.
		response = self.approver.call(
			"frappe.client.get_list",
			doctype=QUOTATION,
			filters=[["workflow_state", "=", PENDING], ["_assign", "like", f"%{APPROVER}%"]],
			fields=["name"],
		)
		self.assertEqual(response.status_code, 200, body(response))
		self.assertIn(quotation, [row["name"] for row in response.json["message"]])

	def test_the_salesperson_cannot_approve_their_own(self):
		_opportunity, quotation = self.make(11000)
		self.request_approval(quotation)
		self.assertEqual(self.actions_of(self.seller, quotation), ["Réviser"])
		# door 1: the Workflow's own endpoint
		for action in ("Approuver", "Valider"):
			response = self.seller.apply(quotation, action)
			self.assertNotEqual(response.status_code, 200, body(response))
		# door 2: REST, with or without the submit, and the approver field rewritten
		for values in (
			{"workflow_state": VALIDATED},
			{"workflow_state": VALIDATED, "docstatus": 1},
			{"crm_approver": SELLER},
			{"crm_approver": SELLER, "workflow_state": VALIDATED, "docstatus": 1},
		):
			response = self.seller.put(QUOTATION, quotation, values)
			self.assertEqual(self.state(quotation), (PENDING, 0), f"{values}: {body(response)}")
			self.assertEqual(fresh(QUOTATION, quotation, "crm_approver"), APPROVER)
		# door 3: a direct submit
		doc = self.seller.get(QUOTATION, quotation).json["data"]
		response = self.seller.call("frappe.client.submit", doc=doc)
		self.assertEqual(response.status_code, 417, body(response))
		self.assertEqual(response.json.get("exc_type"), "QuotationNotValidatedError", body(response))
		self.assertEqual(self.state(quotation), (PENDING, 0))
		# Nor may someone who is not its approver (the default approver of other routes).
		response = self.default_approver.apply(quotation, "Approuver")
		self.assertNotEqual(response.status_code, 200, body(response))
		self.assertEqual(self.state(quotation), (PENDING, 0))

	def test_refused_with_a_reason_notifies_the_salesperson_who_revises(self):
		# the reason is kept as typed (the sanitizer is off for it) and escaped wherever it is shown
		reason = "Remise trop forte <b>gras</b> & <img src=x onerror=alert(1)>"
		escaped = "Remise trop forte &lt;b&gt;gras&lt;/b&gt; &amp; &lt;img src=x onerror=alert(1)&gt;"
		opportunity, quotation = self.make(11000)
		self.request_approval(quotation)
		response = self.approver.apply(quotation, "Refuser")
		self.assertNotEqual(response.status_code, 200, "a refusal needs its reason")
		self.assertEqual(self.state(quotation), (PENDING, 0))
		# the salesperson cannot write the reason (nor refuse through it)
		self.seller.put(QUOTATION, quotation, {"crm_refusal_reason": "moi-même"})
		self.assertIsNone(fresh(QUOTATION, quotation, "crm_refusal_reason"))

		response = self.approver.call(
			"crm_portal.pipeline.approval.refuse", quotation=quotation, reason=reason
		)
		self.assertEqual(response.status_code, 200, body(response))
		self.assertEqual(self.state(quotation), (REFUSED, 0))
		self.assertEqual(fresh(QUOTATION, quotation, "crm_refusal_reason"), reason)
		self.assertFalse(self.open_todos(quotation), "the assignment is closed")
		notes = self.notifications(SELLER, quotation)
		self.assertTrue(any(escaped in (n.email_content or "") for n in notes), notes)
		self.assertEqual(fresh(OPPORTUNITY, opportunity, "quotation_state"), REFUSED)
		comments = frappe.get_all(
			"Comment",
			filters={"reference_doctype": OPPORTUNITY, "reference_name": opportunity, "comment_type": "Info"},
			pluck="content",
		)
		self.assertTrue(any(escaped in c for c in comments), comments)

		# The salesperson revises: back to Brouillon, edits, asks again.
		response = self.seller.apply(quotation, "Réviser")
		self.assertEqual(response.status_code, 200, body(response))
		self.assertEqual(self.state(quotation), (DRAFT, 0))
		response = self.seller.put(QUOTATION, quotation, {"additional_discount_percentage": 2})
		self.assertEqual(response.status_code, 200, body(response))
		self.request_approval(quotation)
		self.assertIsNone(fresh(QUOTATION, quotation, "crm_refusal_reason"))

	def test_approved_quotation_is_sent_and_ordered_which_wins_the_opportunity(self):
		opportunity, quotation = self.make(11000)
		self.request_approval(quotation)
		response = self.approver.apply(quotation, "Approuver")
		self.assertEqual(response.status_code, 200, body(response))
		self.assertEqual(self.state(quotation), (VALIDATED, 1))
		self.assertFalse(self.open_todos(quotation))
		self.assertTrue(
			any(
				"approved" in n.subject or "approuv" in n.subject
				for n in self.notifications(SELLER, quotation)
			)
		)

		response = self.send_email(self.seller, quotation)
		self.assertEqual(response.status_code, 200, body(response))
		response = self.seller.call(
			"erpnext.selling.doctype.quotation.quotation.make_sales_order", source_name=quotation
		)
		self.assertEqual(response.status_code, 200, body(response))
		order = response.json["message"]
		order.update({"delivery_date": add_days(today(), 30), "transaction_date": today()})
		response = self.seller.call("frappe.client.insert", doc=order)
		self.assertEqual(response.status_code, 200, body(response))
		response = self.seller.call("frappe.client.submit", doc=response.json["message"])
		self.assertEqual(response.status_code, 200, body(response))
		self.assertEqual(fresh(OPPORTUNITY, opportunity, ["status", "stage"]), ("Won", SIGNED))

	def test_submit_send_and_order_are_refused_before_validation(self):
		_opportunity, quotation = self.make(11000)
		for pending in (False, True):
			if pending:
				self.request_approval(quotation)
			state = self.state(quotation)
			doc = self.seller.get(QUOTATION, quotation).json["data"]
			response = self.seller.call("frappe.client.submit", doc=doc)
			self.assertEqual(response.status_code, 417, body(response))
			self.assertEqual(response.json.get("exc_type"), "QuotationNotValidatedError", body(response))

			response = self.send_email(self.seller, quotation)
			self.assertEqual(response.status_code, 417, body(response))
			self.assertEqual(response.json.get("exc_type"), "QuotationNotValidatedError", body(response))

			response = self.seller.call(
				"erpnext.selling.doctype.quotation.quotation.make_sales_order", source_name=quotation
			)
			self.assertNotEqual(response.status_code, 200, body(response))

			quote_doc = frappe.get_doc(QUOTATION, quotation)
			order = {
				"doctype": "Sales Order",
				"customer": self.customer,
				"company": quote_doc.company,
				"transaction_date": today(),
				"delivery_date": add_days(today(), 30),
				"crm_opportunity": quote_doc.crm_opportunity,
				"items": [
					{
						"item_code": row.item_code,
						"qty": row.qty,
						"rate": row.rate,
						"prevdoc_docname": quotation,
						"delivery_date": add_days(today(), 30),
					}
					for row in quote_doc.items
				],
			}
			response = self.seller.call("frappe.client.insert", doc=order)
			self.assertEqual(response.status_code, 417, body(response))
			self.assertEqual(response.json.get("exc_type"), "QuotationNotValidatedError", body(response))
			self.assertEqual(self.state(quotation), state)
			self.assertFalse(
				frappe.get_all(
					"Communication", filters={"reference_doctype": QUOTATION, "reference_name": quotation}
				)
			)

	def test_six_percent_discount_on_a_2000_proposal_needs_approval(self):
		_opportunity, quotation = self.make(2000)
		self.assertEqual(fresh(QUOTATION, quotation, "crm_needs_approval"), 0)
		response = self.seller.put(QUOTATION, quotation, {"additional_discount_percentage": 6})
		self.assertEqual(response.status_code, 200, body(response))
		self.assertEqual(fresh(QUOTATION, quotation, "crm_needs_approval"), 1)
		self.assertEqual(self.actions_of(self.seller, quotation), ["Demander l'approbation"])
		response = self.seller.apply(quotation, "Valider")
		self.assertNotEqual(response.status_code, 200, body(response))
		# ...and the same save cannot smuggle the state in with the discount
		response = self.seller.put(
			QUOTATION,
			quotation,
			{"additional_discount_percentage": 8, "workflow_state": VALIDATED, "docstatus": 1},
		)
		self.assertNotEqual(response.status_code, 200, body(response))
		self.assertEqual(self.state(quotation), (DRAFT, 0))

	def test_the_approver_outside_the_team_reads_it_and_no_one_else(self):
		_opportunity, quotation = self.make(11000)

		def reads(session: Session) -> dict[str, bool]:
			listed = session.call(
				"frappe.desk.reportview.get",
				doctype=QUOTATION,
				fields=json.dumps(["name"]),
				filters=json.dumps([["name", "=", quotation]]),
			)
			return {
				"resource": session.get(QUOTATION, quotation).status_code == 200,
				"client.get": session.call("frappe.client.get", doctype=QUOTATION, name=quotation).status_code
				== 200,
				"reportview": listed.status_code == 200
				and quotation in json.dumps(listed.json.get("message")),
			}

		nobody = {"resource": False, "client.get": False, "reportview": False}
		everywhere = {"resource": True, "client.get": True, "reportview": True}
		self.assertEqual(reads(self.approver), nobody, "not asked yet: the wall holds")
		self.request_approval(quotation)
		self.assertEqual(reads(self.seller), everywhere)
		self.assertEqual(reads(self.approver), everywhere)
		self.assertEqual(reads(self.outsider), nobody)
		self.assertEqual(reads(self.default_approver), nobody)
		# Reading is not editing: the approver answers through the workflow only while it waits.
		response = self.approver.apply(quotation, "Approuver")
		self.assertEqual(response.status_code, 200, body(response))
		self.assertEqual(reads(self.approver), everywhere, "the approver still reads what they approved")
		self.assertEqual(reads(self.outsider), nobody)

	def test_quotations_without_opportunity_are_not_held(self):
		frappe.set_user(SELLER)
		try:
			quote_doc = frappe.get_doc(
				{
					"doctype": QUOTATION,
					"quotation_to": "Customer",
					"party_name": self.customer,
					"company": frappe.db.get_value("CRM Portfolio", self.portfolio, "company"),
					"transaction_date": today(),
					"items": [{"item_code": SERVICE_ITEM_CODE, "qty": 1, "rate": 50000}],
				}
			).insert()
			quote_doc.submit()
			self.assertEqual((quote_doc.workflow_state, quote_doc.docstatus), (VALIDATED, 1))
			quote_doc.cancel()
		finally:
			frappe.set_user("Administrator")
			frappe.db.rollback()

	def test_a_role_route_asks_every_user_of_the_role_and_any_may_answer(self):
		_opportunity, quotation = self.make(11000, filiere="Santé", bu="Conseil")
		self.request_approval(quotation)
		self.assertEqual(
			fresh(QUOTATION, quotation, ["crm_approver", "crm_approver_role"]),
			(None, ROLE),
			"BU and filière beat the BU's own route",
		)
		self.assertEqual(sorted(self.open_todos(quotation)), sorted([DEFAULT_APPROVER, OUTSIDER]))
		self.assertEqual(self.outsider.get(QUOTATION, quotation).status_code, 200)
		self.assertEqual(self.approver.get(QUOTATION, quotation).status_code, 403)
		response = self.outsider.apply(quotation, "Approuver")
		self.assertEqual(response.status_code, 200, body(response))
		self.assertEqual(self.state(quotation), (VALIDATED, 1))
		self.assertFalse(self.open_todos(quotation), "every assignment is closed")

	def test_migrate_keeps_an_admins_edit_of_the_workflow(self):
		row = frappe.db.get_value("Workflow Transition", {"parent": WORKFLOW, "action": "Valider"}, "name")
		frappe.db.set_value("Workflow Transition", row, "condition", "doc.grand_total < 100")
		install_workflow()  # what after_migrate runs
		self.assertEqual(
			frappe.db.get_value("Workflow Transition", row, "condition"), "doc.grand_total < 100"
		)
		frappe.db.rollback()

	def test_migrate_repairs_a_workflow_open_to_everyone(self):
		"""An early copy of the workflow opened its transitions and states to "All" (portal users too):
		migrate gives them the shipped role back and keeps the admin's other edits."""
		valider = frappe.db.get_value(
			"Workflow Transition", {"parent": WORKFLOW, "action": "Valider"}, "name"
		)
		frappe.db.set_value("Workflow Transition", valider, "condition", "doc.grand_total < 100")
		frappe.db.sql("update `tabWorkflow Transition` set allowed = 'All' where parent = %s", WORKFLOW)
		frappe.db.sql(
			"update `tabWorkflow Document State` set allow_edit = 'All' where parent = %s", WORKFLOW
		)
		install_workflow()  # what after_migrate runs
		self.assertEqual(
			frappe.get_all("Workflow Transition", {"parent": WORKFLOW, "allowed": "All"}, pluck="name"), []
		)
		self.assertEqual(
			frappe.get_all(
				"Workflow Document State", {"parent": WORKFLOW, "allow_edit": "All"}, pluck="name"
			),
			[],
		)
		self.assertEqual(
			set(frappe.get_all("Workflow Transition", {"parent": WORKFLOW}, pluck="allowed")), {"Desk User"}
		)
		self.assertEqual(
			frappe.db.get_value("Workflow Transition", valider, "condition"), "doc.grand_total < 100"
		)
		frappe.db.rollback()
		# the saved workflow is cached: forget it with the rollback
		frappe.clear_document_cache("Workflow", WORKFLOW)
		frappe.clear_cache(doctype="Quotation")

"""Frappe's generic endpoints on the app's data, through Frappe's HTTP stack (crm_portal/generic_endpoints.py,
crm_portal/erpnext_walls.py).

OTHER, a salesperson, owns an opportunity (with a contact row and an estimate line) on her prospect (with
an account link), a meeting on her calendar, a contact, the draft Quotation and the ERPNext Prospect the
proposal stage made, and a lead. SELLER, a salesperson of another team, owns the same kinds of records:
each test shows what SELLER (or a portal user) no longer gets of OTHER's, and that their own still shows.
Requests run in their own thread and database connection, as in production: the records are committed
here and deleted at the end."""

import json

import frappe
from frappe.tests.test_api import make_request
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, get_test_client, today
from frappe.utils.password import update_password

from crm_portal.api import pipeline
from crm_portal.setup.erpnext_setup import SERVICE_ITEM_CODE, ensure_service_item
from crm_portal.setup.install import ensure_settings_defaults
from crm_portal.tests.utils import (
	create_test_action,
	create_test_contact,
	create_test_customer,
	create_test_lead,
	create_test_link_type,
	create_test_opportunity,
	create_test_portfolio,
	create_test_sales_person,
	create_test_template,
	create_test_user,
)

SELLER, OTHER = "wall.seller@example.com", "wall.other@example.com"
PORTAL = "wall.portal@example.com"
MANAGER = "wall.manager@example.com"
VIEWER = "wall.viewer@example.com"  # the 360 viewer: reads every record, edits like a Sales User
PASSWORD = "Wall-Test-2026!"
TEMPLATE = "_Test Wall"
STAGES = (
	("QUALIF", 20, "Open", 40, ()),
	("PROPOSITION", 30, "Open", 70, (), True),
	("SIGNED", 90, "Won", 100, ()),
	("LOST", 99, "Lost", 0, ()),
)
PROPOSAL = f"{TEMPLATE}-PROPOSITION"
SETTING = "apply_crm_visibility_to_erpnext"
OTHER_AMOUNT = 12345


def login(user: str):
	client = get_test_client()
	response = make_request(
		target=client.post, args=("/api/method/login",), kwargs={"json": {"usr": user, "pwd": PASSWORD}}
	)
	assert response.status_code == 200, response.get_data(as_text=True)
	return client


def make_records(user: str, link_type: str, customer: str, portfolio: str) -> dict:
	"""A user's prospect, opportunity moved to the proposal stage, meeting, contact and lead."""
	key = user.split("@")[0]
	prospect = frappe.get_doc(
		{
			"doctype": "CRM Prospect",
			"call_name": f"_Test Wall Account {key}",
			"legal_form": "En cours d'immatriculation",
			"account_manager": user,
			"account_links": [
				{
					"account_link_type": link_type,
					"linked_doctype": "Customer",
					"linked_account": customer,
					"linked_link_type": link_type,
				}
			],
		}
	).insert(ignore_permissions=True)
	frappe.set_user(user)
	contact = create_test_contact(
		"_Test Wall", key, email=f"{key}.contact@example.com", links=(("CRM Prospect", prospect.name),)
	)
	opportunity = create_test_opportunity(
		title=f"_Test Wall Deal {key}",
		portfolio=portfolio,
		account_type="CRM Prospect",
		account=prospect.name,
		salesperson=user,
		contact=contact,
		estimate_mode="Detailed",
		estimate_lines=[
			{
				"sale_type": "_Test Wall Forfait",
				"description": f"Estimate of {key}",
				"amount": OTHER_AMOUNT if user == OTHER else 100,
			}
		],
		other_contacts=[{"contact": contact}],
	)
	pipeline.move_to_stage(opportunity.name, PROPOSAL)
	action = create_test_action(
		action_type="RDV physique",
		subject=f"_Test Wall Meeting {key}",
		notes=f"Secret notes of {key}",
		opportunity=opportunity.name,
		assigned_to=user,
		start=f"{add_days(today(), 2)} 10:00:00",
		end=f"{add_days(today(), 2)} 11:00:00",
	)
	frappe.set_user("Administrator")
	lead = create_test_lead(f"_Test Wall Lead {key}", lead_owner=user)
	return {
		"prospect": prospect.name,
		"contact": contact,
		"opportunity": opportunity.name,
		"quotation": frappe.db.get_value("CRM Opportunity", opportunity.name, "quotation"),
		"erpnext_prospect": frappe.db.get_value("CRM Prospect", prospect.name, "erpnext_prospect"),
		"action": action.name,
		"event": frappe.db.get_value("CRM Action", action.name, "event"),
		"lead": lead.name,
	}


def attach_private_file(opportunity: str) -> str:
	"""A private file attached to `opportunity`, uploaded by its salesperson."""
	salesperson = frappe.db.get_value("CRM Opportunity", opportunity, "salesperson")
	return (
		frappe.get_doc(
			{
				"doctype": "File",
				"file_name": f"_test_wall_{salesperson.split('@')[0]}.txt",
				"attached_to_doctype": "CRM Opportunity",
				"attached_to_name": opportunity,
				"is_private": 1,
				"content": f"Minutes of {salesperson}",
				"owner": salesperson,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


class TestGenericEndpoints(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		for user in (SELLER, OTHER):
			create_test_user(user)
		create_test_user(PORTAL, roles=("CRM Portal User",), user_type="Website User")
		create_test_user(MANAGER, roles=("Sales Manager",))
		create_test_user(VIEWER, roles=("Sales User", "CRM 360 Viewer"))
		for user in (SELLER, OTHER, PORTAL, MANAGER, VIEWER):
			update_password(user, PASSWORD)
		cls.team = create_test_sales_person(SELLER)
		portfolio = create_test_portfolio("_Test Wall Portfolio", create_test_template(TEMPLATE, STAGES))
		ensure_service_item()
		if not frappe.db.get_single_value("CRM Portal Settings", "default_item"):
			frappe.db.set_single_value("CRM Portal Settings", "default_item", SERVICE_ITEM_CODE)
		if not frappe.db.exists("CRM Sale Type", "_Test Wall Forfait"):
			frappe.get_doc(
				{
					"doctype": "CRM Sale Type",
					"sale_type_name": "_Test Wall Forfait",
					"estimate_mode": "Amount",
					"item": SERVICE_ITEM_CODE,
				}
			).insert(ignore_permissions=True)
		frappe.db.set_single_value("CRM Portal Settings", {SETTING: 1, "sync_meetings_to_calendar": 1})
		link_type = create_test_link_type("_TEST_WALL", kind="Filiation")
		customer = create_test_customer("_Test Wall Customer")
		cls.other = make_records(OTHER, link_type, customer, portfolio)
		cls.mine = make_records(SELLER, link_type, customer, portfolio)
		# A contact of both accounts, for the account & contact search.
		cls.shared_contact = create_test_contact(
			"_Test Wallshared",
			"Contact",
			links=(("CRM Prospect", cls.mine["prospect"]), ("CRM Prospect", cls.other["prospect"])),
		)
		cls.team_lead = create_test_lead("_Test Wall Lead team", lead_owner=OTHER, crm_team=cls.team).name
		cls.pool_lead = create_test_lead("_Test Wall Lead pool").name
		frappe.db.set_value("Lead", cls.pool_lead, {"lead_owner": None, "crm_team": None})
		for records in (cls.other, cls.mine):
			records["file"] = attach_private_file(records["opportunity"])
		frappe.set_user(PORTAL)
		cls.portal_contact = create_test_contact("_Test Wall", "portal", email="wall.portal.c@example.com")
		frappe.set_user("Administrator")
		frappe.db.commit()  # the requests run on their own connections
		cls.seller = login(SELLER)

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.set_user("Administrator")
		for records in (cls.other, cls.mine):
			for doctype in ("Quotation", "CRM Action", "CRM Opportunity", "CRM Prospect", "Prospect", "Lead"):
				key = {
					"Prospect": "erpnext_prospect",
					"CRM Prospect": "prospect",
					"CRM Action": "action",
				}.get(doctype, doctype.split()[-1].lower())
				name = records.get(key)
				if name and frappe.db.exists(doctype, name):
					frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
		for doctype, name in (("Lead", cls.team_lead), ("Lead", cls.pool_lead)):
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
		for name in frappe.get_all("Contact", filters={"first_name": ("like", "_Test Wall%")}, pluck="name"):
			frappe.delete_doc("Contact", name, force=True, ignore_permissions=True)
		for name in frappe.get_all("Event", filters={"subject": ("like", "_Test Wall%")}, pluck="name"):
			frappe.delete_doc("Event", name, force=True, ignore_permissions=True)
		frappe.db.delete("ToDo", {"description": ("like", "_Test Wall%")})
		for name in frappe.get_all("File", filters={"file_name": ("like", "_test_wall_%")}, pluck="name"):
			frappe.delete_doc("File", name, force=True, ignore_permissions=True)
		frappe.db.commit()
		super().tearDownClass()

	# --- helpers --------------------------------------------------------------------------------------

	def get(self, path: str, client=None, **params):
		query = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
		return make_request(target=(client or self.seller).get, args=(path,), kwargs={"query_string": query})

	def post(self, path: str, client=None, **params):
		return make_request(target=(client or self.seller).post, args=(path,), kwargs={"json": params})

	def method(self, name: str, client=None, **params):
		response = self.get(f"/api/method/{name}", client=client, **params)
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True)[:1000])
		return response.json["message"]

	def resource_list(self, doctype: str, client=None, **params):
		response = self.get(f"/api/resource/{doctype}", client=client, limit_page_length=0, **params)
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True)[:1000])
		return response.json["data"]

	# --- counts, searches, group-by -----------------------------------------------------------------------

	def test_get_count_counts_only_readable_records(self):
		for doctype, key in (
			("CRM Opportunity", "opportunity"),
			("CRM Action", "action"),
			("CRM Prospect", "prospect"),
		):
			with self.subTest(doctype=doctype):
				count = self.method(
					"frappe.client.get_count", doctype=doctype, filters={"name": self.other[key]}
				)
				self.assertEqual(count, 0)
				count = self.method(
					"frappe.client.get_count", doctype=doctype, filters={"name": self.mine[key]}
				)
				self.assertEqual(count, 1)
		# The amount cannot be recovered by counting with amount filters.
		count = self.method(
			"frappe.client.get_count",
			doctype="CRM Opportunity",
			filters=[["name", "=", self.other["opportunity"]], ["amount", "=", OTHER_AMOUNT]],
		)
		self.assertEqual(count, 0)

	def test_get_count_of_child_rows_is_refused(self):
		response = self.get(
			"/api/method/frappe.client.get_count",
			doctype="CRM Estimate Line",
			filters={"parent": self.other["opportunity"], "amount": OTHER_AMOUNT},
		)
		self.assertEqual(response.status_code, 403, response.get_data(as_text=True)[:500])

	def test_get_count_of_other_doctypes_is_frappes(self):
		count = self.method(
			"frappe.client.get_count", doctype="CRM Stage", filters={"stage_template": TEMPLATE}
		)
		self.assertEqual(count, len(STAGES))

	def test_search_ignoring_user_permissions_still_applies_the_rules(self):
		for doctype, key in (
			("CRM Opportunity", "opportunity"),
			("CRM Action", "action"),
			("CRM Prospect", "prospect"),
			("Quotation", "quotation"),
			("Lead", "lead"),
		):
			for method in ("frappe.desk.search.search_link", "frappe.desk.search.search_widget"):
				with self.subTest(doctype=doctype, method=method):
					found = self.method(
						method,
						doctype=doctype,
						txt=self.other[key],
						ignore_user_permissions=1,
						page_length=50,
					)
					self.assertNotIn(self.other[key], json.dumps(found))
					found = self.method(
						method, doctype=doctype, txt=self.mine[key], ignore_user_permissions=1, page_length=50
					)
					self.assertIn(self.mine[key], json.dumps(found))

	def link_title(self, doctype: str, docname: str):
		response = self.get("/api/method/frappe.desk.search.get_link_title", doctype=doctype, docname=docname)
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True)[:500])
		return response.json.get("message")  # Frappe leaves out a None message

	def test_link_title_only_of_readable_records(self):
		for doctype, key, title_field in (
			("CRM Opportunity", "opportunity", "title"),
			("CRM Action", "action", "subject"),
			("CRM Prospect", "prospect", "call_name"),
		):
			with self.subTest(doctype=doctype):
				self.assertIsNone(self.link_title(doctype, self.other[key]))
				title = frappe.db.get_value(doctype, self.mine[key], title_field)
				self.assertTrue(title)
				self.assertEqual(self.link_title(doctype, self.mine[key]), title)
		# Other DocTypes: Frappe's answer (a stage shows its name in links).
		self.assertEqual(self.link_title("CRM Stage", PROPOSAL), "PROPOSITION")

	def test_group_by_assigned_to_counts_only_readable_actions(self):
		filters = [["CRM Action", "name", "in", [self.other["action"], self.mine["action"]]]]
		counts = self.method(
			"frappe.desk.listview.get_group_by_count",
			doctype="CRM Action",
			current_filters=json.dumps(filters),
			field="assigned_to",
		)
		self.assertEqual({row["name"]: row["count"] for row in counts}, {SELLER: 1})
		counts = self.method(
			"frappe.desk.listview.get_group_by_count",
			doctype="CRM Opportunity",
			current_filters=json.dumps([["CRM Opportunity", "title", "like", "_Test Wall Deal%"]]),
			field="salesperson",
		)
		self.assertEqual({row["name"]: row["count"] for row in counts}, {SELLER: 1})

	# --- child tables ---------------------------------------------------------------------------------

	def test_child_rows_only_of_readable_parents(self):
		for child, parent, key in (
			("CRM Opportunity Contact", "CRM Opportunity", "opportunity"),
			("CRM Estimate Line", "CRM Opportunity", "opportunity"),
			("CRM Account Link", "CRM Prospect", "prospect"),
			("Quotation Item", "Quotation", "quotation"),
		):
			with self.subTest(child=child):
				rows = self.resource_list(child, parent=parent, fields=["parent"])
				parents = {row["parent"] for row in rows}
				self.assertNotIn(self.other[key], parents)
				self.assertIn(self.mine[key], parents)
				value = self.method(
					"frappe.client.get_value",
					doctype=child,
					fieldname="parent",
					filters={"parent": self.other[key]},
					parent=parent,
				)
				self.assertFalse(value)

	def test_portal_user_reads_only_the_rows_of_her_contacts(self):
		portal = login(PORTAL)
		for child in ("Contact Email", "Dynamic Link"):
			with self.subTest(child=child):
				rows = self.resource_list(child, client=portal, parent="Contact", fields=["parent"])
				parents = {row["parent"] for row in rows}
				self.assertNotIn(self.other["contact"], parents)
				self.assertNotIn(self.mine["contact"], parents)
		emails = self.resource_list(
			"Contact Email", client=portal, parent="Contact", fields=["parent", "email_id"]
		)
		self.assertEqual({row["parent"] for row in emails}, {self.portal_contact})

	def row_of(self, child: str, parent: str) -> str:
		return frappe.db.get_value(child, {"parent": parent}, "name")

	def test_child_row_read_by_name_follows_its_parent_record(self):
		for child, parent, key in (
			("CRM Opportunity Contact", "CRM Opportunity", "opportunity"),
			("CRM Estimate Line", "CRM Opportunity", "opportunity"),
			("CRM Account Link", "CRM Prospect", "prospect"),
			("Quotation Item", "Quotation", "quotation"),
		):
			theirs, mine = self.row_of(child, self.other[key]), self.row_of(child, self.mine[key])
			self.assertTrue(theirs and mine)
			for label, path, params in (
				("resource", f"/api/resource/{child}/{{}}", {}),
				("frappe.client.get", "/api/method/frappe.client.get", {"doctype": child, "parent": parent}),
				("getdoc", "/api/method/frappe.desk.form.load.getdoc", {"doctype": child}),
			):
				with self.subTest(child=child, path=label):
					for row, status in ((theirs, 403), (mine, 200)):
						if "{}" in path:
							response = self.get(path.format(row), **params)
						else:
							response = self.get(path, name=row, **params)
						self.assertEqual(response.status_code, status, response.get_data(as_text=True)[:500])
						self.assertEqual(row in response.get_data(as_text=True), status == 200)
		# The estimate line's text is not printed either.
		response = self.get(
			"/printview",
			doctype="CRM Estimate Line",
			name=self.row_of("CRM Estimate Line", self.other["opportunity"]),
		)
		self.assertNotIn("Estimate of wall.other", response.get_data(as_text=True))
		response = self.get(
			"/printview",
			doctype="CRM Estimate Line",
			name=self.row_of("CRM Estimate Line", self.mine["opportunity"]),
		)
		self.assertIn("Estimate of wall.seller", response.get_data(as_text=True))

	def test_portal_user_reads_by_name_only_the_rows_of_her_contacts(self):
		portal = login(PORTAL)
		for child in ("Contact Email", "Dynamic Link"):
			with self.subTest(child=child):
				row = self.row_of(child, self.other["contact"])
				self.assertTrue(row)
				response = self.get(f"/api/resource/{child}/{row}", client=portal)
				self.assertEqual(response.status_code, 403, response.get_data(as_text=True)[:500])
				response = self.get(
					"/api/method/frappe.client.get", client=portal, doctype=child, name=row, parent="Contact"
				)
				self.assertEqual(response.status_code, 403, response.get_data(as_text=True)[:500])
		row = self.row_of("Contact Email", self.portal_contact)
		response = self.get(f"/api/resource/Contact Email/{row}", client=portal)
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True)[:500])
		self.assertEqual(response.json["data"]["email_id"], "wall.portal.c@example.com")

	# --- attachments ----------------------------------------------------------------------------------

	def test_files_attached_to_unreadable_records_are_not_listed(self):
		for records, shown in ((self.other, False), (self.mine, True)):
			with self.subTest(opportunity=records["opportunity"], shown=shown):
				attached = [["File", "attached_to_name", "=", records["opportunity"]]]
				rows = self.resource_list("File", fields=["name", "file_url"], filters=attached)
				self.assertEqual(records["file"] in json.dumps(rows), shown)
				count = self.method("frappe.client.get_count", doctype="File", filters=attached)
				self.assertEqual(count, int(shown))
				count = self.method("frappe.desk.reportview.get_count", doctype="File", filters=attached)
				self.assertEqual(count, int(shown))
				response = self.get(f"/api/resource/File/{records['file']}")
				self.assertEqual(response.status_code, 200 if shown else 403)
		# Files attached to other DocTypes: Frappe's rule (the stage is readable, so is its file).
		name = (
			frappe.get_doc(
				{
					"doctype": "File",
					"file_name": "_test_wall_stage.txt",
					"attached_to_doctype": "CRM Stage",
					"attached_to_name": PROPOSAL,
					"is_private": 1,
					"content": "Stage notes",
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
		frappe.db.commit()
		rows = self.resource_list("File", filters=[["File", "attached_to_name", "=", PROPOSAL]])
		self.assertIn(name, json.dumps(rows))

	# --- assignments ----------------------------------------------------------------------------------

	def todos(self, doctype: str, name: str) -> set[str]:
		frappe.db.rollback()  # see what the requests committed
		return set(
			frappe.get_all(
				"ToDo",
				filters={"reference_type": doctype, "reference_name": name, "status": "Open"},
				pluck="allocated_to",
			)
		)

	def test_assignments_need_write_permission(self):
		viewer = login(VIEWER)
		action = self.other["action"]
		before = (self.todos("CRM Action", action), frappe.db.get_value("CRM Action", action, "assigned_to"))
		for path, params in (
			(
				"frappe.desk.form.assign_to.add",
				{"doctype": "CRM Action", "name": action, "assign_to": [SELLER], "description": "_Test Wall"},
			),
			(
				"frappe.desk.form.assign_to.add_multiple",
				{"doctype": "CRM Action", "name": json.dumps([action]), "assign_to": [SELLER]},
			),
			(
				"frappe.desk.form.assign_to.remove",
				{"doctype": "CRM Action", "name": action, "assign_to": OTHER},
			),
			(
				"frappe.desk.form.assign_to.remove_multiple",
				{"doctype": "CRM Action", "names": json.dumps([action])},
			),
		):
			with self.subTest(path=path):
				response = self.post(f"/api/method/{path}", client=viewer, **params)
				self.assertEqual(response.status_code, 403, response.get_data(as_text=True)[:500])
				self.assertEqual(
					(
						self.todos("CRM Action", action),
						frappe.db.get_value("CRM Action", action, "assigned_to"),
					),
					before,
				)
		# The seller assigns and unassigns on his own opportunity.
		mine = self.mine["opportunity"]
		try:
			response = self.post(
				"/api/method/frappe.desk.form.assign_to.add",
				doctype="CRM Opportunity",
				name=mine,
				assign_to=[SELLER],
				description="_Test Wall",
			)
			self.assertEqual(response.status_code, 200, response.get_data(as_text=True)[:500])
			self.assertIn(SELLER, self.todos("CRM Opportunity", mine))
			response = self.post(
				"/api/method/frappe.desk.form.assign_to.remove",
				doctype="CRM Opportunity",
				name=mine,
				assign_to=SELLER,
			)
			self.assertEqual(response.status_code, 200, response.get_data(as_text=True)[:500])
			self.assertNotIn(SELLER, self.todos("CRM Opportunity", mine))
			# ...but not to a salesperson of another team: Frappe would share the record with her.
			for path, name in (
				("frappe.desk.form.assign_to.add", mine),
				("frappe.desk.form.assign_to.add_multiple", json.dumps([mine])),
			):
				with self.subTest(path=path, assignee=OTHER):
					response = self.post(
						f"/api/method/{path}", doctype="CRM Opportunity", name=name, assign_to=[OTHER]
					)
					self.assertEqual(response.status_code, 403, response.get_data(as_text=True)[:500])
					self.assertNotIn(OTHER, self.todos("CRM Opportunity", mine))
					self.assertFalse(frappe.db.exists("DocShare", {"share_name": mine, "user": OTHER}))
		finally:
			frappe.db.delete("ToDo", {"reference_type": "CRM Opportunity", "reference_name": mine})
			frappe.db.set_value("CRM Opportunity", mine, "_assign", None)
			frappe.db.commit()

	# --- events ---------------------------------------------------------------------------------------

	def test_events_of_another_user_are_never_returned(self):
		self.assertTrue(self.other["event"] and self.mine["event"], "meetings are mirrored to Events")
		start, end = today(), add_days(today(), 7)
		events = self.method("frappe.desk.doctype.event.event.get_events", start=start, end=end, user=OTHER)
		names = {event["name"] for event in events}
		self.assertNotIn(self.other["event"], names)
		self.assertNotIn("Secret notes", json.dumps(events).replace("Secret notes of wall.seller", ""))
		self.assertIn(self.mine["event"], names)

	# --- the app's search -----------------------------------------------------------------------------

	def test_contact_search_lists_only_readable_accounts(self):
		found = self.method("crm_portal.api.accounts.search", query="_Test Wallshared")
		contact = next(row for row in found["contacts"] if row["name"] == self.shared_contact)
		self.assertEqual([a["name"] for a in contact["accounts"]], [self.mine["prospect"]])

	# --- likes and tags -------------------------------------------------------------------------------

	def test_likes_and_tags_refused_on_unreadable_records(self):
		opportunity = self.other["opportunity"]
		before = frappe.db.get_value("CRM Opportunity", opportunity, ["_liked_by", "_user_tags"])
		for path, params in (
			(
				"frappe.desk.like.toggle_like",
				{"doctype": "CRM Opportunity", "name": opportunity, "add": "Yes"},
			),
			(
				"frappe.desk.doctype.tag.tag.add_tag",
				{"tag": "_wall", "dt": "CRM Opportunity", "dn": opportunity},
			),
			(
				"frappe.desk.doctype.tag.tag.add_tags",
				{"tags": ["_wall"], "dt": "CRM Opportunity", "docs": [opportunity]},
			),
			(
				"frappe.desk.doctype.tag.tag.remove_tag",
				{"tag": "_wall", "dt": "CRM Opportunity", "dn": opportunity},
			),
			(
				"frappe.desk.like.toggle_like",
				{"doctype": "CRM Action", "name": self.other["action"], "add": "Yes"},
			),
		):
			with self.subTest(path=path):
				response = self.post(f"/api/method/{path}", **params)
				self.assertEqual(response.status_code, 403, response.get_data(as_text=True)[:500])
		frappe.db.rollback()
		self.assertEqual(
			frappe.db.get_value("CRM Opportunity", opportunity, ["_liked_by", "_user_tags"]), before
		)
		tagged = self.method(
			"frappe.desk.doctype.tag.tag.get_tagged_docs", doctype="CRM Opportunity", tag="%"
		)
		self.assertNotIn(opportunity, json.dumps(tagged))

	def test_likes_and_tags_on_own_records(self):
		mine = self.mine["opportunity"]
		try:
			response = self.post(
				"/api/method/frappe.desk.like.toggle_like", doctype="CRM Opportunity", name=mine, add="Yes"
			)
			self.assertEqual(response.status_code, 200, response.get_data(as_text=True)[:500])
			response = self.post(
				"/api/method/frappe.desk.doctype.tag.tag.add_tag", tag="_wall", dt="CRM Opportunity", dn=mine
			)
			self.assertEqual(response.status_code, 200, response.get_data(as_text=True)[:500])
			frappe.db.rollback()
			self.assertIn(SELLER, frappe.db.get_value("CRM Opportunity", mine, "_liked_by") or "")
			self.assertIn("_wall", frappe.db.get_value("CRM Opportunity", mine, "_user_tags") or "")
		finally:
			frappe.db.set_value("CRM Opportunity", mine, {"_liked_by": None, "_user_tags": None})
			frappe.db.commit()

	# --- ERPNext records made by the CRM --------------------------------------------------------------

	def test_quotations_prospects_and_leads_follow_the_walls(self):
		for doctype, key in (("Quotation", "quotation"), ("Prospect", "erpnext_prospect"), ("Lead", "lead")):
			with self.subTest(doctype=doctype):
				self.assertTrue(self.other[key] and self.mine[key])
				response = self.get(f"/api/resource/{doctype}/{self.other[key]}")
				self.assertEqual(response.status_code, 403, response.get_data(as_text=True)[:500])
				response = self.get(f"/api/resource/{doctype}/{self.mine[key]}")
				self.assertEqual(response.status_code, 200, response.get_data(as_text=True)[:500])
				names = {row["name"] for row in self.resource_list(doctype)}
				self.assertNotIn(self.other[key], names)
				self.assertIn(self.mine[key], names)
				count = self.method(
					"frappe.client.get_count", doctype=doctype, filters={"name": self.other[key]}
				)
				self.assertEqual(count, 0)
		# The leads of the user's team (Sales Person) are theirs too, and so are those given to no one.
		for lead in (self.team_lead, self.pool_lead):
			response = self.get(f"/api/resource/Lead/{lead}")
			self.assertEqual(response.status_code, 200, response.get_data(as_text=True)[:500])
		# Another's lead cannot be converted.
		response = self.post("/api/method/crm_portal.api.leads.convert_lead", lead=self.other["lead"])
		self.assertEqual(response.status_code, 403, response.get_data(as_text=True)[:500])

	def test_managers_read_every_quotation_prospect_and_lead(self):
		manager = login(MANAGER)
		for doctype, key in (("Quotation", "quotation"), ("Prospect", "erpnext_prospect"), ("Lead", "lead")):
			with self.subTest(doctype=doctype):
				response = self.get(f"/api/resource/{doctype}/{self.other[key]}", client=manager)
				self.assertEqual(response.status_code, 200, response.get_data(as_text=True)[:500])
				names = {row["name"] for row in self.resource_list(doctype, client=manager)}
				self.assertTrue({self.other[key], self.mine[key]} <= names)

	def test_setting_off_gives_erpnexts_default(self):
		try:
			frappe.db.set_single_value("CRM Portal Settings", SETTING, 0)
			frappe.db.commit()
			for doctype, key in (
				("Quotation", "quotation"),
				("Prospect", "erpnext_prospect"),
				("Lead", "lead"),
			):
				with self.subTest(doctype=doctype):
					response = self.get(f"/api/resource/{doctype}/{self.other[key]}")
					self.assertEqual(response.status_code, 200, response.get_data(as_text=True)[:500])
		finally:
			frappe.db.set_single_value("CRM Portal Settings", SETTING, 1)
			frappe.db.commit()

	def test_setting_is_on_by_default_on_existing_sites(self):
		frappe.db.delete("Singles", {"doctype": "CRM Portal Settings", "field": SETTING})
		frappe.db.value_cache.pop("CRM Portal Settings", None)
		ensure_settings_defaults()
		self.assertEqual(frappe.db.get_single_value("CRM Portal Settings", SETTING, cache=False), 1)
		frappe.db.rollback()

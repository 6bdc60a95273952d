"""Support of the adversarial suite (test_adversarial.py): the personas, logged in over Frappe's real HTTP
stack; the victim's records, committed (each request runs in its own thread and database connection);
and a fingerprint of everything an attack could change, with a restore, so that one attack that gets
through does not hide or disturb the next one.

The victim is a Sales User whose records (opportunity, actions, prospects, contact, the Quotation and
ERPNext Prospect made at the proposal stage, a Lead) carry the marker SECRET and the victim's e-mail.
The attackers: a Sales User of another Sales Person subtree, a portal (website) user, the 360 viewer
(reads all, writes only their own) and Guest. MATE reports to the victim: the victim's positive
controls hand records to MATE, a change the victim is allowed to make."""

import io
import json
from dataclasses import dataclass, field
from urllib.parse import urlencode

import frappe
from frappe.tests.test_api import make_request
from frappe.utils import add_days, add_to_date, get_datetime, get_test_client, now_datetime
from frappe.utils.password import update_password

from crm_portal.tests.utils import (
	create_test_contact,
	create_test_customer,
	create_test_lead,
	create_test_link_type,
	create_test_portfolio,
	create_test_prospect,
	create_test_sales_person,
	create_test_template,
	create_test_user,
)

VICTIM = "adv.victim@example.com"
MATE = "adv.mate@example.com"
ATTACKER = "adv.attacker@example.com"
PORTAL = "adv.portal@example.com"
VIEWER = "adv.viewer@example.com"
GUEST = "Guest"
PERSONAS = (VICTIM, MATE, ATTACKER, PORTAL, VIEWER)
PASSWORD = "Adversary-Test-2026!"
SECRET = "ZQXADVSECRET"
AMOUNT = 987654.32
PREFIX = "_Test Adv"
TEMPLATE = f"{PREFIX} Template"
PORTFOLIO = f"{PREFIX} Portfolio"
PROPOSAL = f"{TEMPLATE}-PROPOSITION"
SALE_TYPE = f"{PREFIX} Forfait"
LINK_TYPE = "ADV_FILIATION"
STAGES = (
	("IDENT", 10, "Open", 10, ()),
	("PROPOSITION", 30, "Open", 70, (), True),
	("SIGNED", 90, "Won", 100, ()),
	("LOST", 99, "Lost", 0, ()),
)
ACCOUNT_NAMES = {VICTIM: f"{PREFIX} Victim Account", ATTACKER: f"{PREFIX} Attacker Account"}

# Tables whose rows point at the victim's records or the victim (the value of one of these columns is one
# of the victim's names or the victim's e-mail): an attack must add no such row, nor make a row point there.
SIDE_REFS = {
	"ToDo": ("reference_name", "allocated_to"),
	"DocShare": ("share_name", "user"),
	"File": ("attached_to_name",),
	"Comment": ("reference_name",),
	"Tag Link": ("document_name",),
	"Version": ("docname",),
	"Deleted Document": ("deleted_name",),
	"Notification Log": ("document_name", "for_user"),
	"Document Follow": ("ref_docname",),
	"CRM Opportunity": ("account", "contact", "reused_from", "salesperson", "quotation", "sales_order"),
	"CRM Action": ("opportunity", "account", "contact", "assigned_to", "event", "recurrence_of"),
	"CRM Opportunity Contact": ("contact",),
	"CRM Account Link": ("linked_account",),
	"Dynamic Link": ("link_name",),
	"Event": ("reference_docname",),
	"Quotation": ("crm_opportunity", "party_name"),
}


@dataclass
class Target:
	"""A record of the victim and what identifies it in an answer."""

	doctype: str
	name: str
	anchor: str | None = None  # the attacker's record of the same DocType, created after the victim's
	person: str | None = None  # the field naming the user the record belongs to
	plain: str | None = None  # a Data field any writer may change
	markers: list[str] = field(default_factory=lambda: [SECRET, VICTIM])

	def __str__(self):
		return f"{self.doctype} {self.name}"


@dataclass
class ChildTarget:
	doctype: str
	parenttype: str
	parent: str
	row: str
	plain: str
	markers: list[str]


@dataclass
class World:
	targets: dict = field(default_factory=dict)  # key -> Target (victim records)
	children: dict = field(default_factory=dict)  # child DocType -> ChildTarget
	portal_children: dict = field(default_factory=dict)  # Contact's child tables, for the portal user
	victim: dict = field(default_factory=dict)  # key -> name of every victim record
	own: dict = field(default_factory=dict)  # key -> (doctype, name) of the attackers' own records
	settings: dict = field(default_factory=dict)

	def victim_values(self) -> set[str]:
		return {*self.victim.values(), VICTIM}


# --- HTTP ---------------------------------------------------------------------------------------------


@dataclass
class Reply:
	verb: str
	path: str
	params: dict | None
	status: int
	text: str

	def json(self):
		try:
			return json.loads(self.text)
		except ValueError:
			return None

	@property
	def message(self):
		data = self.json()
		if not isinstance(data, dict):
			return None
		return data.get("message", data.get("data"))

	def describe(self) -> str:
		params = json.dumps(self.params, default=str)[:600] if self.params else ""
		return f"{self.verb} {self.path} {params} -> {self.status}: {self.text[:700]}"


class Persona:
	def __init__(self, user: str):
		self.user = user
		self.client = get_test_client()
		if user != GUEST:
			reply = self.request("POST", "/api/method/login", {"usr": user, "pwd": PASSWORD})
			assert reply.status == 200, reply.describe()

	def __str__(self):
		return self.user.split("@")[0]

	def request(self, verb: str, path: str, params: dict | None = None, files: dict | None = None) -> Reply:
		"""GET: params in the query string (non-strings as JSON); POST/PUT: a JSON body, or a multipart
		form when files are given; DELETE: no body."""
		params = params or {}
		if verb == "GET":
			query = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
			target, kwargs = self.client.get, {"query_string": urlencode(query)}
		elif verb == "DELETE":
			target, kwargs = self.client.delete, {}
		elif files:
			data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
			data.update({k: (io.BytesIO(content), filename) for k, (filename, content) in files.items()})
			target = self.client.post if verb == "POST" else self.client.put
			kwargs = {"data": data, "content_type": "multipart/form-data"}
		else:
			target = self.client.post if verb == "POST" else self.client.put
			kwargs = {"json": params}
		response = make_request(target=target, args=(path,), kwargs=kwargs)
		return Reply(verb, path, params, response.status_code, response.get_data(as_text=True))

	def method(self, dotted: str, params: dict, verb: str = "POST") -> Reply:
		return self.request(verb, f"/api/method/{dotted}", params)


def login_all() -> dict[str, Persona]:
	return {user: Persona(user) for user in (*PERSONAS, GUEST)}


def leaks(reply: Reply, markers) -> list[str]:
	text = reply.text.lower()
	return [m for m in markers if m and m.lower() in text]


# --- the world ----------------------------------------------------------------------------------------


def create_users() -> None:
	for user in (VICTIM, MATE, ATTACKER):
		create_test_user(user, first_name=user.split("@")[0].replace(".", " ").title())
	create_test_user(VIEWER, roles=("Sales User", "CRM 360 Viewer"), first_name="Adv Viewer")
	create_test_user(PORTAL, roles=("CRM Portal User",), user_type="Website User", first_name="Adv Portal")
	for user in PERSONAS:
		update_password(user, PASSWORD)
		# Following a record by mail is open to them (a user's own setting).
		frappe.db.set_value("User", user, "document_follow_notify", 1)
	victim_sp = create_test_sales_person(VICTIM)
	create_test_sales_person(MATE, parent=victim_sp, is_group=0)
	create_test_sales_person(ATTACKER, is_group=0)


def create_catalog() -> None:
	from crm_portal.setup.erpnext_setup import SERVICE_ITEM_CODE, ensure_service_item

	create_test_portfolio(PORTFOLIO, create_test_template(TEMPLATE, STAGES))
	ensure_service_item(SERVICE_ITEM_CODE)
	if not frappe.db.exists("CRM Sale Type", SALE_TYPE):
		frappe.get_doc(
			{
				"doctype": "CRM Sale Type",
				"sale_type_name": SALE_TYPE,
				"estimate_mode": "Amount",
				"item": SERVICE_ITEM_CODE,
			}
		).insert(ignore_permissions=True)
	frappe.db.set_single_value("CRM Portal Settings", "default_item", SERVICE_ITEM_CODE)
	create_test_link_type(LINK_TYPE, kind="Filiation")


def comment(doctype: str, name: str, text: str) -> None:
	frappe.get_doc(
		{
			"doctype": "Comment",
			"comment_type": "Comment",
			"reference_doctype": doctype,
			"reference_name": name,
			"content": text,
		}
	).insert(ignore_permissions=True)


def records_of(user: str, secret: str, with_quote: bool = True) -> dict:
	"""A salesperson's world, created as that user: a sister account, an account linked to it, a contact,
	a detailed opportunity moved to the proposal stage (Quotation + ERPNext Prospect), a task and a
	meeting (mirrored to an Event) on it, a Lead, and comments."""
	from crm_portal.api import pipeline
	from crm_portal.tests.utils import create_test_action, create_test_opportunity

	who = "Victim" if user == VICTIM else "Attacker"
	frappe.set_user(user)
	try:
		sister = create_test_prospect(
			f"{PREFIX} {who} Sister", legal_name=f"{secret} sister", account_manager=user
		)
		account = create_test_prospect(
			ACCOUNT_NAMES[user],
			legal_name=f"{secret} legal",
			notes=f"<p>{secret} account notes</p>",
			account_manager=user,
			account_links=[
				{
					"account_link_type": LINK_TYPE,
					"linked_link_type": LINK_TYPE,
					"linked_doctype": "CRM Prospect",
					"linked_account": sister,
				}
			],
		)
		contact = create_test_contact(
			f"{PREFIX} {who}",
			"Contact",  # not the secret: the contact's name is made of its names
			email=f"adv.{who.lower()}.{secret.lower()}@example.com",
			phone="+33 6 12 34 56 78" if user == VICTIM else "+33 6 99 99 99 99",
			links=(("CRM Prospect", account),),
		)
		opportunity = create_test_opportunity(
			title=f"{secret} deal",
			portfolio=PORTFOLIO,
			account_type="CRM Prospect",
			account=account,
			amount=AMOUNT,
			salesperson=user,
			description=f"<p>{secret} description</p>",
			contact=contact,
			other_contacts=[{"contact": contact, "role": f"{secret} role"}],
			estimate_mode="Detailed",
			estimate_lines=[{"sale_type": SALE_TYPE, "description": f"{secret} line", "amount": AMOUNT}],
		).name
		if with_quote:
			pipeline.move_to_stage(opportunity, PROPOSAL)
		start = add_to_date(now_datetime(), days=2)
		action = create_test_action(
			subject=f"{secret} call",
			opportunity=opportunity,
			assigned_to=user,
			notes=f"<p>{secret} action notes</p>",
		).name
		meeting = create_test_action(
			action_type="RDV physique",
			subject=f"{secret} meeting",
			opportunity=opportunity,
			assigned_to=user,
			start=start,
			end=add_to_date(start, hours=1),
			notes=f"<p>{secret} meeting report</p>",
		).name
		lead = create_test_lead(
			f"{PREFIX} {who} Lead", company_name=f"{secret} Lead Co", lead_owner=user
		).name
	finally:
		frappe.set_user("Administrator")
	opp = frappe.db.get_value("CRM Opportunity", opportunity, ["quotation"], as_dict=True)
	erpnext_prospect = frappe.db.get_value("CRM Prospect", account, "erpnext_prospect")
	frappe.set_user(user)
	try:
		for doctype, name in (
			("CRM Opportunity", opportunity),
			("CRM Action", action),
			("CRM Prospect", account),
			("Quotation", opp.quotation),
			("Prospect", erpnext_prospect),
			("Lead", lead),
		):
			if name:
				comment(doctype, name, f"{secret} comment")
		attachment = (
			frappe.get_doc(
				{
					"doctype": "File",
					"file_name": f"{secret.lower()}-minutes.txt",
					"attached_to_doctype": "CRM Opportunity",
					"attached_to_name": opportunity,
					"is_private": 1,
					"content": f"{secret} attached minutes",
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
	finally:
		frappe.set_user("Administrator")
	return {
		"sister": sister,
		"account": account,
		"contact": contact,
		"opportunity": opportunity,
		"quotation": opp.quotation,
		"erpnext_prospect": erpnext_prospect,
		"action": action,
		"meeting": meeting,
		"event": frappe.db.get_value("CRM Action", meeting, "event"),
		"lead": lead,
		"attachment": attachment,
	}


def sales_order_of(user: str, opportunity: str, secret: str) -> str:
	"""A draft Sales Order made by `user` for the opportunity (the order ERPNext makes from its quotation)."""
	from crm_portal.setup.erpnext_setup import SERVICE_ITEM_CODE

	customer = create_test_customer(f"{PREFIX} Customer")
	company = frappe.db.get_value("CRM Opportunity", opportunity, "company")
	frappe.set_user(user)
	try:
		order = frappe.get_doc(
			{
				"doctype": "Sales Order",
				"customer": customer,
				"company": company,
				"crm_opportunity": opportunity,
				"po_no": f"{secret} order",
				"transaction_date": frappe.utils.today(),
				"delivery_date": add_days(frappe.utils.today(), 30),
				"items": [{"item_code": SERVICE_ITEM_CODE, "qty": 1, "rate": AMOUNT, "description": secret}],
			}
		)
		order.insert(ignore_permissions=True)
	finally:
		frappe.set_user("Administrator")
	return order.name


def portal_records() -> dict:
	"""The portal user's own prospect and opportunity."""
	from crm_portal.tests.utils import create_test_opportunity

	frappe.set_user(PORTAL)
	try:
		account = create_test_prospect(f"{PREFIX} Portal Account")
		opportunity = create_test_opportunity(
			title=f"{PREFIX} portal deal", portfolio=PORTFOLIO, account_type="CRM Prospect", account=account
		).name
	finally:
		frappe.set_user("Administrator")
	return {"account": account, "opportunity": opportunity}


def build_world() -> World:
	cleanup()
	world = World()
	world.settings = {
		key: frappe.db.get_single_value("CRM Portal Settings", key)
		for key in ("sync_meetings_to_calendar", "create_presales_project")
	}
	frappe.db.set_single_value("CRM Portal Settings", "sync_meetings_to_calendar", 1)
	# The quotation comes with its pre-sales Project (crm_portal/pipeline/quotation.py).
	frappe.db.set_single_value("CRM Portal Settings", "create_presales_project", 1)
	create_users()
	create_catalog()
	frappe.db.commit()
	victim = records_of(VICTIM, SECRET)
	victim["sales_order"] = sales_order_of(VICTIM, victim["opportunity"], SECRET)
	victim["project"] = frappe.db.get_value("CRM Opportunity", victim["opportunity"], "project")
	world.victim = {k: v for k, v in victim.items() if v}
	attacker = records_of(ATTACKER, "ATTACKERSOWN")
	attacker["sales_order"] = sales_order_of(ATTACKER, attacker["opportunity"], "ATTACKERSOWN")
	attacker["project"] = frappe.db.get_value("CRM Opportunity", attacker["opportunity"], "project")
	portal = portal_records()
	world.own = {
		"attacker opportunity": ("CRM Opportunity", attacker["opportunity"]),
		"attacker action": ("CRM Action", attacker["action"]),
		"attacker account": ("CRM Prospect", attacker["account"]),
		"portal opportunity": ("CRM Opportunity", portal["opportunity"]),
		"portal account": ("CRM Prospect", portal["account"]),
	}
	world.targets = {
		"CRM Opportunity": Target(
			"CRM Opportunity", victim["opportunity"], attacker["opportunity"], "salesperson", "title"
		),
		"CRM Action": Target("CRM Action", victim["action"], attacker["action"], "assigned_to", "subject"),
		"CRM Prospect": Target(
			"CRM Prospect",
			victim["account"],
			attacker["account"],
			"account_manager",
			"legal_name",
			markers=[SECRET, VICTIM, ACCOUNT_NAMES[VICTIM]],
		),
		"Quotation": Target("Quotation", victim["quotation"], attacker["quotation"], None, "title"),
		"Prospect": Target(
			"Prospect",
			victim["erpnext_prospect"],
			attacker["erpnext_prospect"],
			"prospect_owner",
			"website",
			markers=[VICTIM],
		),
		"Lead": Target("Lead", victim["lead"], attacker["lead"], "lead_owner", "company_name"),
		"Sales Order": Target("Sales Order", victim["sales_order"], attacker["sales_order"], None, "po_no"),
		"Project": Target("Project", victim["project"], attacker["project"], None, "project_name"),
		"Contact": Target(
			"Contact",
			victim["contact"],
			attacker["contact"],
			None,
			"designation",
			# (not the account's name PRO-…: the contact's own name ends with it)
			markers=[SECRET, VICTIM, ACCOUNT_NAMES[VICTIM]],
		),
	}

	def row(child: str, parent: str) -> str:
		return frappe.db.get_value(child, {"parent": parent}, "name")

	opp, account, contact = victim["opportunity"], victim["account"], victim["contact"]
	world.children = {
		"CRM Opportunity Contact": ChildTarget(
			"CRM Opportunity Contact",
			"CRM Opportunity",
			opp,
			row("CRM Opportunity Contact", opp),
			"role",
			[SECRET, VICTIM],
		),
		"CRM Estimate Line": ChildTarget(
			"CRM Estimate Line",
			"CRM Opportunity",
			opp,
			row("CRM Estimate Line", opp),
			"description",
			[SECRET, VICTIM],
		),
		"CRM Account Link": ChildTarget(
			"CRM Account Link",
			"CRM Prospect",
			account,
			row("CRM Account Link", account),
			"linked_account_name",
			[victim["sister"], f"{PREFIX} Victim Sister", VICTIM],
		),
	}
	world.portal_children = {
		child: ChildTarget(child, "Contact", contact, row(child, contact), fieldname, [marker, VICTIM])
		for child, fieldname, marker in (
			("Contact Email", "email_id", SECRET),
			("Contact Phone", "phone", "+33 6 12 34 56 78"),
			("Dynamic Link", "link_title", account),
		)
	}
	frappe.db.commit()
	return world


def cleanup(world: World | None = None) -> None:
	"""Delete what the suite's personas own or made (leftovers of an interrupted run included)."""
	frappe.db.rollback()
	frappe.set_user("Administrator")
	users = PERSONAS
	for doctype in (
		"Kanban Board",
		"Sales Order",
		"Project",
		"Quotation",
		"CRM Action",
		"CRM Opportunity",
		"Event",
		"CRM Prospect",
		"Prospect",
		"Lead",
		"Contact",
		"Address",
		"File",
		"ToDo",
	):
		names = frappe.get_all(doctype, filters={"owner": ("in", users)}, pluck="name")
		if doctype == "Kanban Board":
			names += frappe.get_all(doctype, filters={"name": ("like", f"{PREFIX}%")}, pluck="name")
		for name in names:
			if doctype == "Quotation" and frappe.db.get_value(doctype, name, "docstatus") == 1:
				frappe.get_doc(doctype, name).cancel()
			try:
				frappe.delete_doc(doctype, name, force=True, ignore_permissions=True, delete_permanently=True)
			except frappe.DoesNotExistError:
				pass
	for doctype, column in (
		("CRM Prospect", "call_name"),
		("CRM Opportunity", "title"),
		("Prospect", "company_name"),
		("Lead", "lead_name"),
	):
		for name in frappe.get_all(doctype, filters={column: ("like", f"{PREFIX}%")}, pluck="name"):
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True, delete_permanently=True)
	frappe.db.delete("DocShare", {"user": ("in", users)})
	frappe.db.delete("Notification Log", {"for_user": ("in", users)})
	frappe.db.delete("Document Follow", {"user": ("in", users)})
	frappe.db.delete("Comment", {"owner": ("in", users)})
	frappe.db.delete("Tag Link", {"tag": "adv-tag"})
	if world and world.settings:
		for key, value in world.settings.items():
			frappe.db.set_single_value("CRM Portal Settings", key, value)
	frappe.db.commit()


# --- fingerprint and restore --------------------------------------------------------------------------


# Child tables compared row by row (those of the app and the contact's; ERPNext's records by their row)
FINGERPRINTED_CHILDREN = ("CRM Opportunity", "CRM Prospect", "Contact")


def child_tables(doctype: str) -> list[str]:
	return [df.options for df in frappe.get_meta(doctype).get_table_fields()]


def read_record(doctype: str, name: str) -> tuple:
	row = frappe.db.sql(f"select * from `tab{doctype}` where name=%s", name, as_dict=True)
	children = {}
	for child in child_tables(doctype) if doctype in FINGERPRINTED_CHILDREN else ():
		children[child] = frappe.db.sql(
			f"select * from `tab{child}` where parent=%s and parenttype=%s order by idx, name",
			(name, doctype),
			as_dict=True,
		)
	return (row[0] if row else None, children)


def side_rows(values: set[str]) -> set[tuple]:
	found = set()
	for table, columns in SIDE_REFS.items():
		meta_columns = frappe.db.get_table_columns(table)
		columns = [c for c in columns if c in meta_columns]
		if not columns:
			continue
		placeholders = ", ".join(["%s"] * len(values))
		where = " or ".join(f"`{c}` in ({placeholders})" for c in columns)
		select = ", ".join(f"`{c}`" for c in columns)
		for row in frappe.db.sql(
			f"select name, {select} from `tab{table}` where {where}", tuple(values) * len(columns)
		):
			found.add((table, *row))
	return found


@dataclass
class Fingerprint:
	records: dict  # (doctype, name) -> (row, children)
	side: set

	def diff(self, other: "Fingerprint", keys=None) -> list[str]:
		"""What changed from self to other, in words (the victim's records, or `keys` only)."""
		changes = []
		for key, (row, children) in self.records.items():
			if keys is not None and key not in keys:
				continue
			new_row, new_children = other.records[key]
			if new_row is None and row is not None:
				changes.append(f"{key[0]} {key[1]} deleted")
				continue
			fields = sorted(k for k in row if row.get(k) != new_row.get(k))
			if fields:
				shown = {k: new_row.get(k) for k in fields if k != "modified"}
				changes.append(f"{key[0]} {key[1]}: {shown or 'modified'}")
			for child, rows in children.items():
				if rows != new_children.get(child):
					changes.append(f"{key[0]} {key[1]}: rows of {child} changed")
		if keys is None:
			for row in sorted(other.side - self.side, key=str):
				changes.append(f"new reference {row}")
			for row in sorted(self.side - other.side, key=str):
				changes.append(f"reference gone {row}")
		return changes


def fingerprint(world: World) -> Fingerprint:
	frappe.db.rollback()  # a fresh snapshot: the requests committed on their own connections
	keys = [(t.doctype, t.name) for t in world.targets.values()]
	keys += [
		("CRM Action", world.victim["meeting"]),
		("CRM Prospect", world.victim["sister"]),
		("Contact", world.victim["contact"]),
	]
	if world.victim.get("event"):
		keys.append(("Event", world.victim["event"]))
	keys += list(world.own.values())
	return Fingerprint({key: read_record(*key) for key in keys}, side_rows(world.victim_values()))


def write_row(doctype: str, row: dict) -> None:
	columns = list(row)
	frappe.db.sql(
		f"insert into `tab{doctype}` ({', '.join(f'`{c}`' for c in columns)}) "
		f"values ({', '.join(['%s'] * len(columns))})",
		tuple(row[c] for c in columns),
	)


def restore(saved: Fingerprint, world: World) -> None:
	"""Put every fingerprinted record back as it was and delete the references that appeared."""
	now = fingerprint(world)
	for key, (row, children) in saved.records.items():
		current_row, current_children = now.records[key]
		doctype, name = key
		if current_row != row:
			frappe.db.sql(f"delete from `tab{doctype}` where name=%s", name)
			if row:
				write_row(doctype, row)
		for child, rows in children.items():
			if current_children.get(child) != rows:
				frappe.db.sql(f"delete from `tab{child}` where parent=%s and parenttype=%s", (name, doctype))
				for child_row in rows:
					write_row(child, child_row)
		frappe.clear_document_cache(doctype, name)
	own_names = {name for _dt, name in saved.records}
	for table, name, *_values in now.side - saved.side:
		if name in own_names:
			continue
		for child in child_tables(table):
			frappe.db.sql(f"delete from `tab{child}` where parent=%s and parenttype=%s", (name, table))
		frappe.db.sql(f"delete from `tab{table}` where name=%s", name)
	frappe.db.commit()


def as_payload(doctype: str, name: str, **changes) -> str:
	"""The record as a client holding its current version would send it back (frappe.client.save,
	savedocs), with `changes`."""
	frappe.db.rollback()
	doc = frappe.get_doc(doctype, name).as_dict()
	doc.update(changes)
	return frappe.as_json(doc)


def stored(doctype: str, name: str, fieldname: str):
	frappe.db.rollback()
	return frappe.db.get_value(doctype, name, fieldname)


def later(days: int = 30) -> str:
	return str(get_datetime(add_days(now_datetime(), days)).date())

"""Frappe's generic endpoints made safe for the app's data (DESIGN.md rule 10, walls on every path).

Frappe v15 serves every DocType through generic whitelisted methods, and a few of them skip the rules a
list applies (`permission_query_conditions`, `has_permission`). Without patching Frappe, this module:

- overrides those methods (hooks.py `override_whitelisted_methods`): for a *walled* DocType (see
  `is_walled`) the override reads through Frappe's own permission-aware list query or checks the
  record, for any other DocType it calls Frappe's method unchanged:
  - `frappe.client.get_count`: Frappe counts with no permission check at all (with amount filters, a
    count recovers an amount it hides);
  - `frappe.desk.search.search_link` / `search_widget`: `ignore_user_permissions=1` makes Frappe skip
    every permission, the app's rules included;
  - `frappe.desk.listview.get_group_by_count`: the "Assigned To" counts read the records unfiltered;
  - `frappe.desk.like.toggle_like`, `frappe.desk.doctype.tag.tag.add_tag` / `add_tags` / `remove_tag` /
    `get_tagged_docs`: no permission check (a like needs read, a tag write, as for the record itself);
  - `frappe.desk.doctype.event.event.get_events`: `user=` returns another user's private events (the
    app mirrors meetings, with their notes, to Events): always the session user's;
  - `frappe.desk.search.get_link_title`: any record's title, unchecked: only a readable record's;
  - `frappe.desk.form.assign_to.add` / `add_multiple` / `remove` / `remove_multiple`: Frappe asks read
    permission only, so a reader (the 360 viewer) could hand another's action to someone: write needed;
  - `frappe.desk.notifications.get_open_count`: a refused record is a 403, not Frappe's server error;
- gives Document Follow a `has_permission` hook (`document_follow_permission`): Frappe lets any desk user
  follow any record for anyone, and the follower then gets its changes and comments by mail;
- gives the child DocTypes a `permission_query_conditions` hook (`child_query_conditions`), so rows
  read through `/api/resource/<child>?parent=<parent>` (or `frappe.client.get_list` / `get_value`)
  are only those of parents the user may read (a row read by its own name: crm_portal/child_rows.py);
- gives File a `permission_query_conditions` hook (`file_query_conditions`): Frappe lets a System User
  list the private files attached to any record of a DocType they read; those attached to a walled
  record are listed only to whoever may read that record (or uploaded them)."""

import json
from datetime import date

import frappe
from frappe import _
from frappe import client as frappe_client
from frappe.core.doctype.file.file import File
from frappe.desk import like as frappe_like
from frappe.desk import listview as frappe_listview
from frappe.desk import notifications as frappe_notifications
from frappe.desk import search as frappe_search
from frappe.desk.doctype.event import event as frappe_event
from frappe.desk.doctype.tag import tag as frappe_tag
from frappe.desk.form import assign_to as frappe_assign_to
from frappe.model.db_query import DatabaseQuery
from frappe.utils import get_safe_filters
from frappe.utils.caching import request_cache

from crm_portal import erpnext_walls
from crm_portal.arguments.checks import FieldOf, Json, Link, checked_arguments
from crm_portal.names import safe_link_results
from crm_portal.permissions import may_choose_person, read_condition

TABLE_FIELDTYPES = ("Table", "Table MultiSelect")


def is_walled(doctype) -> bool:
	"""A DocType whose reads the app restricts: one the app gives a permission_query_conditions hook
	(hooks.py), an ERPNext one only while CRM Portal Settings apply the CRM's visibility to it."""
	if not isinstance(doctype, str):
		return False
	methods = frappe.get_hooks("permission_query_conditions").get(doctype) or []
	if not any(method.startswith("crm_portal.") for method in methods):
		return False
	return doctype not in erpnext_walls.GATED_DOCTYPES or erpnext_walls.enabled()


def known_doctype(doctype: str) -> str:
	"""`doctype`, or a 404 (Frappe's methods answer an unknown DocType with a server error)."""
	frappe.get_meta(doctype)
	return doctype


def check_doc_permission(doctype: str, name, ptype: str) -> None:
	"""Refuse (403) unless the record exists and the user has `ptype` on it."""
	if not isinstance(name, str | int) or not frappe.has_permission(doctype, ptype, doc=name):
		raise frappe.PermissionError


# --- counts ---------------------------------------------------------------------------------------


@frappe.whitelist()
@checked_arguments(doctype=Link("DocType"))
def get_count(
	doctype: str, filters: str | dict | list | None = None, debug: bool = False, cache: bool = False
) -> int:
	"""`frappe.client.get_count`, through the permission rules for walled DocTypes (no shared cache:
	each user counts what they may read)."""
	if not is_walled(known_doctype(doctype)):
		return frappe_client.get_count(doctype, filters, debug, cache)
	filters = get_safe_filters(filters)
	if isinstance(filters, str):
		filters = {"name": filters}
	# As frappe.desk.reportview.get_count: Frappe's list query (rules applied) counted as a subquery.
	query = DatabaseQuery(doctype).execute(
		fields=[f"distinct `tab{doctype}`.`name`"], filters=filters, order_by=None, run=False
	)
	return frappe.db.sql(f"select count(*) from ({query}) p")[0][0]


@frappe.whitelist()
@checked_arguments(
	doctype=Link("DocType"), current_filters=Json(names=False), field=FieldOf(also=("assigned_to",))
)
def get_group_by_count(doctype: str, current_filters: str, field: str) -> list[dict]:
	"""`frappe.desk.listview.get_group_by_count` (list sidebar): Frappe's other group-bys go through
	frappe.get_list; its "Assigned To" counts do not, so for walled DocTypes they count the ToDos of the
	records the user's list shows."""
	if field != "assigned_to" or not is_walled(known_doctype(doctype)):
		return frappe_listview.get_group_by_count(doctype, current_filters, field)
	records = DatabaseQuery(doctype).execute(
		fields=[f"`tab{doctype}`.`name`"],
		filters=frappe.parse_json(current_filters),
		order_by=None,
		run=False,
	)
	return frappe.db.sql(
		f"""select `tabToDo`.`allocated_to` as name, count(*) as count
		from `tabToDo` join `tabUser` on `tabUser`.`name` = `tabToDo`.`allocated_to`
		where `tabToDo`.`status` != 'Cancelled' and `tabUser`.`user_type` = 'System User'
			and `tabToDo`.`reference_type` = {frappe.db.escape(doctype)}
			and `tabToDo`.`reference_name` in ({records})
		group by `tabToDo`.`allocated_to`
		order by count desc
		limit 50""",
		as_dict=True,
	)


# --- searches -------------------------------------------------------------------------------------


@frappe.whitelist()
@checked_arguments(filters=Json(names=False))
def search_link(
	doctype: str,
	txt: str,
	query: str | None = None,
	filters: str | dict | list | None = None,
	page_length: int = 10,
	searchfield: str | None = None,
	reference_doctype: str | None = None,
	ignore_user_permissions: bool = False,
) -> list[dict]:
	"""`frappe.desk.search.search_link`: for walled DocTypes the rules apply whatever
	`ignore_user_permissions` says (Frappe would then skip every permission). Names kept as typed
	reach the dropdown escaped (crm_portal/names.py)."""
	results = frappe_search.search_link(
		doctype,
		txt,
		query=query,
		filters=filters,
		page_length=page_length,
		searchfield=searchfield,
		reference_doctype=reference_doctype,
		ignore_user_permissions=ignore_user_permissions and not is_walled(doctype),
	)
	return safe_link_results(doctype, results)


@frappe.whitelist()
@checked_arguments(filters=Json(names=False), filter_fields=Json(names=False, text_only=True))
def search_widget(
	doctype: str,
	txt: str,
	query: str | None = None,
	searchfield: str | None = None,
	start: int = 0,
	page_length: int = 10,
	filters: str | None | dict | list = None,
	filter_fields=None,
	as_dict: bool = False,
	reference_doctype: str | None = None,
	ignore_user_permissions: bool = False,
):
	"""`frappe.desk.search.search_widget`, as `search_link`."""
	return frappe_search.search_widget(
		doctype,
		txt,
		query=query,
		searchfield=searchfield,
		start=start,
		page_length=page_length,
		filters=filters,
		filter_fields=filter_fields,
		as_dict=as_dict,
		reference_doctype=reference_doctype,
		ignore_user_permissions=ignore_user_permissions and not is_walled(doctype),
	)


@frappe.whitelist()
@checked_arguments(doctype=Link("DocType"))
def get_link_title(doctype: str, docname: str) -> str | None:
	"""`frappe.desk.search.get_link_title` (the title a link field shows): Frappe reads it with no
	permission check; for a walled DocType, only the title of a record the user's list shows, else nothing,
	as for a record that does not exist (the desk then shows the name it already has)."""
	meta = frappe.get_meta(known_doctype(doctype))
	if not (meta.show_title_field_in_link and meta.title_field and is_walled(doctype)):
		return frappe_search.get_link_title(doctype, docname)
	titles = frappe.get_list(doctype, filters={"name": docname}, pluck=meta.title_field, limit=1)
	return titles[0] if titles else None


# --- likes and tags -------------------------------------------------------------------------------


@frappe.whitelist()
@checked_arguments()
def toggle_like(doctype: str, name: str, add: str | bool = False):
	"""`frappe.desk.like.toggle_like`: on a walled DocType, only a record the user may read."""
	if is_walled(known_doctype(doctype)):
		check_doc_permission(doctype, name, "read")
	return frappe_like.toggle_like(doctype, name, add)


@frappe.whitelist()
@checked_arguments()
def add_tag(tag: str, dt: str, dn: str, color: str | None = None):
	"""`frappe.desk.doctype.tag.tag.add_tag`: on a walled DocType, only a record the user may edit."""
	if is_walled(known_doctype(dt)):
		check_doc_permission(dt, dn, "write")
	return frappe_tag.add_tag(tag, dt, dn, color)


@frappe.whitelist()
@checked_arguments(tags=Json(names=False), docs=Json(names=False))
def add_tags(tags: str | list, dt: str, docs: str | list, color: str | None = None):
	"""`frappe.desk.doctype.tag.tag.add_tags`: on a walled DocType, all the records or none."""
	if is_walled(known_doctype(dt)):
		names = frappe.parse_json(docs)
		if not isinstance(names, list):
			raise frappe.PermissionError
		for name in names:
			check_doc_permission(dt, name, "write")
	return frappe_tag.add_tags(tags, dt, docs, color)


@frappe.whitelist()
@checked_arguments()
def remove_tag(tag: str, dt: str, dn: str):
	"""`frappe.desk.doctype.tag.tag.remove_tag`: on a walled DocType, only a record the user may edit."""
	if is_walled(known_doctype(dt)):
		check_doc_permission(dt, dn, "write")
	return frappe_tag.remove_tag(tag, dt, dn)


@frappe.whitelist()
@checked_arguments()
def get_tagged_docs(doctype: str, tag: str):
	"""`frappe.desk.doctype.tag.tag.get_tagged_docs`: the tagged records the user's list shows."""
	if not is_walled(known_doctype(doctype)):
		return frappe_tag.get_tagged_docs(doctype, tag)
	return frappe.get_list(
		doctype, filters=[[doctype, "_user_tags", "like", tag]], fields=["name"], as_list=True
	)


# --- dashboard counts ----------------------------------------------------------------------------


@frappe.whitelist()
@checked_arguments(doctype=Link("DocType"), items=Json(names=False))
@frappe.read_only()
def get_open_count(doctype: str, name: str, items: str | list | None = None):
	"""`frappe.desk.notifications.get_open_count` (the form's connections): Frappe answers a refused record
	with a server error (it takes the PermissionError for a statement timeout); a 403 here."""
	if is_walled(known_doctype(doctype)):
		check_doc_permission(doctype, name, "read")
	return frappe_notifications.get_open_count(doctype, name, items)


# --- following -----------------------------------------------------------------------------------


def document_follow_permission(doc, ptype: str = "read", user: str | None = None, debug=False) -> bool | None:
	"""has_permission of Document Follow. Following a record mails its follower a digest of its changes
	(old and new values) and comments, and Frappe's `follow_document` asks no permission on the record
	(any desk user may follow any record, for any user, also through `POST /api/resource/Document
	Follow`): a walled record is followed only by someone who may read it. None: Frappe decides."""
	doctype, name, follower = doc.get("ref_doctype"), doc.get("ref_docname"), doc.get("user")
	if not (doctype and name and is_walled(doctype)) or not frappe.db.exists("DocType", doctype):
		return None
	user = user or frappe.session.user
	if follower != user and "System Manager" not in frappe.get_roles(user):
		return False
	if not follower or not frappe.db.exists(doctype, name):
		return None
	return None if frappe.has_permission(doctype, "read", doc=name, user=follower) else False


# --- assignments ----------------------------------------------------------------------------------


def check_assignable(doctype: str, names: list, assignees: list | None = None) -> None:
	"""Assigning a walled record changes who it belongs to (Frappe also sets the record's `assigned_to`
	field, an action's assignee, and shares the record with an assignee who could not read it): Frappe
	asks read permission only; the app asks write on every record, and assignees the user may choose as
	the record's person (their team; anyone for managers) - 403 otherwise."""
	if not is_walled(known_doctype(doctype)):
		return
	for name in names:
		check_doc_permission(doctype, name, "write")
	user = frappe.session.user
	if any(not may_choose_person(user, assignee) for assignee in assignees or []):
		frappe.throw(
			_("You can only assign this to yourself or to a member of your team"), frappe.PermissionError
		)


def listed(value) -> list:
	"""A JSON list (or one name) as a list of its text items (Frappe iterates what it is given)."""
	if isinstance(value, str):
		try:
			value = json.loads(value)
		except ValueError:
			pass  # one name (the argument checks have bounded any JSON)
	return [item for item in (value if isinstance(value, list) else [value]) if isinstance(item, str)]


def assignment_args(doctype, name, assign_to, description, priority, date) -> frappe._dict:
	"""What Frappe's `add` reads (`assigned_by` is always the user: Frappe would take it from the client)."""
	values = {"description": description, "priority": priority, "date": date}
	return frappe._dict(
		doctype=doctype,
		name=name,
		assign_to=listed(assign_to),
		**{key: value for key, value in values.items() if value not in (None, "")},
	)


ASSIGNMENT_RULES = {
	"assign_to": Json(),  # a JSON list of users, or one user
	"description": "ToDo.description",
	"priority": "ToDo.priority",
	"date": "ToDo.date",
}


@frappe.whitelist()
@checked_arguments(**ASSIGNMENT_RULES)
def add_assignment(
	doctype: str,
	name: str,
	assign_to: str | list,
	description: str | None = None,
	priority: str | None = None,
	date: str | None = None,
):
	"""`frappe.desk.form.assign_to.add`, on a walled DocType only for a record the user may edit."""
	check_assignable(doctype, [name], listed(assign_to))
	return frappe_assign_to.add(assignment_args(doctype, name, assign_to, description, priority, date))


@frappe.whitelist()
@checked_arguments(name=Json(), **ASSIGNMENT_RULES)
def add_multiple_assignments(
	doctype: str,
	name: str | list,
	assign_to: str | list,
	description: str | None = None,
	priority: str | None = None,
	date: str | None = None,
):
	"""`frappe.desk.form.assign_to.add_multiple` (list view: `name` is a JSON list), as `add_assignment`,
	all records or none."""
	names = listed(name)
	check_assignable(doctype, names, listed(assign_to))
	args = assignment_args(doctype, json.dumps(names), assign_to, description, priority, date)
	return frappe_assign_to.add_multiple(args)


@frappe.whitelist()
@checked_arguments()
def remove_assignment(doctype: str, name: str, assign_to: str):
	"""`frappe.desk.form.assign_to.remove`, as `add_assignment`."""
	check_assignable(doctype, [name])
	return frappe_assign_to.remove(doctype, name, assign_to)


@frappe.whitelist()
@checked_arguments(names=Json())
def remove_multiple_assignments(doctype: str, names: str):
	"""`frappe.desk.form.assign_to.remove_multiple` (list view), as `add_multiple_assignments`."""
	docnames = listed(names)
	check_assignable(doctype, docnames)
	return frappe_assign_to.remove_multiple(doctype, json.dumps(docnames))


# --- events ---------------------------------------------------------------------------------------


@frappe.whitelist()
@checked_arguments(filters=Json(names=False))
def get_events(
	start: date,
	end: date,
	user: str | None = None,
	for_reminder: bool = False,
	filters: str | dict | list | None = None,
) -> list[frappe._dict]:
	"""`frappe.desk.doctype.event.event.get_events` (the calendar): the session user's events only,
	whatever `user` says (Frappe's scheduler calls the original for each user's reminders)."""
	return frappe_event.get_events(
		start, end, user=frappe.session.user, for_reminder=for_reminder, filters=filters
	)


# --- child tables ---------------------------------------------------------------------------------


@request_cache
def parent_doctypes(child: str) -> tuple[str, ...]:
	"""The DocTypes that have `child` as a table (standard and custom fields)."""
	parents = set(
		frappe.get_all(
			"DocField",
			filters={"parenttype": "DocType", "fieldtype": ("in", TABLE_FIELDTYPES), "options": child},
			pluck="parent",
		)
	)
	parents |= set(
		frappe.get_all(
			"Custom Field", filters={"fieldtype": ("in", TABLE_FIELDTYPES), "options": child}, pluck="dt"
		)
	)
	return tuple(
		sorted(p for p in parents if not (frappe.get_meta(p).istable or frappe.get_meta(p).is_virtual))
	)


def child_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""permission_query_conditions of a child DocType: its rows whose parent the user may read, by the
	parent's own rule (one subquery per parent DocType, none when every parent is readable)."""
	user = user or frappe.session.user
	if user == "Administrator" or not doctype:
		return ""
	table = f"`tab{doctype}`"
	branches, restricted = [], False
	for parent in parent_doctypes(doctype):
		condition = read_condition(parent, user)
		if condition is None:
			restricted = True
			continue
		same_parent = f"{table}.`parenttype` = {frappe.db.escape(parent, percent=False)}"
		if condition == "":
			branches.append(same_parent)
			continue
		restricted = True
		branches.append(
			f"({same_parent} and {table}.`parent` in (select `tab{parent}`.`name` from `tab{parent}`"
			f" where {condition}))"
		)
	if not restricted:
		return ""
	return "(" + " or ".join(branches) + ")" if branches else "(1 = 0)"


# --- files ----------------------------------------------------------------------------------------


@request_cache
def attachment_walled_doctypes() -> tuple[str, ...]:
	"""The walled DocTypes records of which carry attachments (not child tables, not File itself)."""
	hooks = frappe.get_hooks("permission_query_conditions")
	return tuple(
		sorted(
			doctype
			for doctype in hooks
			if doctype != "File" and is_walled(doctype) and not frappe.get_meta(doctype).istable
		)
	)


def file_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""permission_query_conditions of File, ANDed with Frappe's own (which lets any System User list the
	private files attached to any record of a DocType they read): a file attached to a record of a walled
	DocType only where the user may read that record (one subquery per DocType) or uploaded the file.
	Frappe's File `has_permission` already asks the record for a private file read by name; public files
	stay public, as their URL is."""
	user = user or frappe.session.user
	if user == "Administrator":
		return ""
	table = "`tabFile`"
	walled, readable = [], []
	for attached_to in attachment_walled_doctypes():
		condition = read_condition(attached_to, user)
		if condition == "":
			continue  # every record readable
		walled.append(frappe.db.escape(attached_to, percent=False))
		if condition is None:
			continue  # none readable
		readable.append(
			f"({table}.`attached_to_doctype` = {walled[-1]} and {table}.`attached_to_name` in"
			f" (select `tab{attached_to}`.`name` from `tab{attached_to}` where {condition}))"
		)
	if not walled:
		return ""
	# Frappe's own condition ends in "… or <branch>" unparenthesised, and Frappe joins the conditions with
	# "and": this one only narrows Frappe's last branch, so a public file escapes it (AttachmentFile).
	branches = [
		f"ifnull({table}.`attached_to_doctype`, '') not in ({', '.join(walled)})",
		f"{table}.`owner` = {frappe.db.escape(user, percent=False)}",
		*readable,
	]
	return "(" + " or ".join(branches) + ")"


class AttachmentFile(File):
	"""File (hooks.py `override_doctype_class`): a file uploaded to a record of a walled DocType is private,
	whatever the client asks (`upload_file` with `is_private=0`, `POST /api/resource/File`). Frappe lists
	every public file to every desk user, with its name and the record it is attached to, and its
	condition on File (`tabFile.is_private = 0 or …`) cannot be narrowed by another app's; a private one
	follows its record (File has_permission, `file_query_conditions`). A file given by URL keeps the
	privacy of its URL."""

	def set_is_private(self):
		super().set_is_private()
		doctype = self.attached_to_doctype
		if self.file_url or self.is_folder or not (doctype and self.attached_to_name):
			return
		if is_walled(doctype) and frappe.db.exists("DocType", doctype):
			self.is_private = 1

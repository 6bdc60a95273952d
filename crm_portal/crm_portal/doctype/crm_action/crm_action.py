# Copyright (c) 2026, crm_portal developers
# For license information, please see license.txt

"""A CRM Action (task, meeting, note) on an opportunity and/or an account.

Right after any change the opportunity's next planned action date is recomputed, the assignee's ToDo
follows the action (Frappe's assignment notification tells a new assignee), and a meeting is mirrored
to a Frappe Event owned by the assignee (CRM Portal Settings) so it reaches their calendar."""

from datetime import timedelta

import frappe
from frappe import _
from frappe.desk.form.assign_to import notify_assignment
from frappe.model.document import Document
from frappe.query_builder.functions import Min
from frappe.utils import cint, get_datetime, getdate, now_datetime

from crm_portal import actions
from crm_portal.accounts.doctypes import get_account_doctypes, get_account_title
from crm_portal.names import escape_formatted
from crm_portal.utils import bold_text
from crm_portal.write_rules import mark_app_write

EVENT_STATUS = {actions.OPEN: "Open", actions.DONE: "Completed", actions.CANCELLED: "Cancelled"}
TODO_STATUS = {actions.DONE: "Closed", actions.CANCELLED: "Cancelled"}
RECURRENCE_FIELDS = ("repeat_frequency", "repeat_interval", "repeat_count", "repeat_until")


class CRMAction(Document):
	def get_formatted(self, fieldname, *args, **kwargs):
		"""Names print as text (crm_portal/names.py): Frappe's print formats show Data values as HTML."""
		return escape_formatted(self, fieldname, super().get_formatted(fieldname, *args, **kwargs))

	def validate(self):
		self.set_defaults()
		self.validate_action_type()
		self.validate_assignee()
		self.set_links_from_opportunity()
		self.validate_account()
		self.set_end()
		self.validate_dates()
		self.set_completion()
		self.validate_recurrence()
		self.reset_reminder()

	def after_insert(self):
		self.create_occurrences()

	def on_update(self):
		self.sync_assignment()
		self.sync_event()
		self.refresh_opportunities()

	def on_trash(self):
		# Not just cancelled: Frappe reuses the name of a deleted last action, which would inherit them.
		frappe.db.delete("ToDo", {"reference_type": self.doctype, "reference_name": self.name})
		# later occurrences of a recurring meeting stay, on their own
		frappe.db.set_value(
			"CRM Action", {"recurrence_of": self.name}, "recurrence_of", None, update_modified=False
		)
		if self.event:
			event = self.event
			self.db_set("event", None, update_modified=False)
			delete_event(event)

	def after_delete(self):
		refresh_next_action_date(self.opportunity)

	# --- defaults and checks ----------------------------------------------------------------------

	def set_defaults(self):
		if not self.assigned_to and self.is_new():
			self.assigned_to = frappe.session.user
		if not self.start:
			self.start = now_datetime()
		if not self.status:
			self.status = actions.OPEN

	@property
	def type_info(self) -> dict:
		if getattr(self, "_type_info_for", None) != self.action_type:
			self._type_info = frappe.db.get_value(
				"CRM Action Type",
				self.action_type,
				["name", "nature", "is_call", "default_duration", "disabled"],
				as_dict=True,
			)
			self._type_info_for = self.action_type
		return self._type_info

	def validate_action_type(self):
		if not self.action_type:
			frappe.throw(_("Choose the type of the action"), title=_("Missing action type"))
		info = self.type_info
		if not info:
			frappe.throw(
				_("Unknown action type {0}").format(bold_text(self.action_type)),
				title=_("Invalid action type"),
			)
		if info.disabled and (self.is_new() or self.has_value_changed("action_type")):
			frappe.throw(_("The action type {0} is disabled").format(bold_text(self.action_type)))
		self.nature = info.nature
		self.is_call = info.is_call
		if not info.is_call:
			self.call_direction = None
		if not self.subject:
			self.subject = self.action_type

	def validate_assignee(self):
		if not self.assigned_to:
			frappe.throw(_("An action must be assigned to someone"), title=_("Missing assignee"))
		enabled = frappe.db.get_value("User", self.assigned_to, "enabled")
		if enabled is None:
			frappe.throw(_("Unknown user {0}").format(bold_text(self.assigned_to)))
		if not enabled and (self.is_new() or self.has_value_changed("assigned_to")):
			frappe.throw(_("User {0} is disabled").format(bold_text(self.assigned_to)))

	def set_links_from_opportunity(self):
		if not self.opportunity:
			self.opportunity_title = None
			return
		opp = frappe.db.get_value(
			"CRM Opportunity", self.opportunity, ["title", "account_type", "account"], as_dict=True
		)
		if not opp:
			frappe.throw(_("Opportunity {0} does not exist").format(bold_text(self.opportunity)))
		self.opportunity_title = opp.title
		if self.account and (self.account_type, self.account) != (opp.account_type, opp.account):
			frappe.throw(
				_("The action's account must be the account of opportunity {0}").format(
					bold_text(opp.title or self.opportunity)
				),
				title=_("Invalid account"),
			)
		self.account_type, self.account = opp.account_type, opp.account

	def validate_account(self):
		if not self.account:
			self.account_type = self.account_type if self.account_type in get_account_doctypes() else None
			self.account_name = None
			return
		allowed = get_account_doctypes()
		if self.account_type not in allowed:
			frappe.throw(
				_("The account must be one of: {0}").format(", ".join(_(dt) for dt in allowed)),
				title=_("Invalid account"),
			)
		self.account_name = get_account_title(self.account_type, self.account)

	def set_end(self):
		start = get_datetime(self.start)
		before = self.get_doc_before_save()
		if (
			before
			and before.end
			and self.end
			and self.has_value_changed("start")
			and not self.has_value_changed("end")
		):
			# moved: the end follows, the duration stays
			self.end = actions.shift_end(get_datetime(before.start), get_datetime(before.end), start)
		if self.end:
			self.duration = int((get_datetime(self.end) - start).total_seconds())
			return
		duration = cint(self.duration)
		if not duration and self.nature == "Meeting":
			duration = cint(self.type_info.default_duration)
		if duration > 0:
			self.end = start + timedelta(seconds=duration)
			self.duration = duration

	def validate_dates(self):
		if self.end and get_datetime(self.end) < get_datetime(self.start):
			frappe.throw(_("The end of the action cannot be before its start"), title=_("Invalid dates"))

	def set_completion(self):
		if self.status == actions.DONE:
			self.completed_on = self.completed_on or now_datetime()
		else:
			self.completed_on = None

	def validate_recurrence(self):
		if not self.repeat_frequency or not self.is_new():
			return
		if self.nature != "Meeting":
			frappe.throw(_("Only meetings can repeat"), title=_("Invalid recurrence"))
		if self.recurrence_of:
			frappe.throw(_("An occurrence of a recurring meeting cannot repeat itself"))
		self.occurrence_starts()

	def occurrence_starts(self) -> list:
		messages = {
			"frequency": _("Repeat every day, week or month"),
			"interval": _("The recurrence interval must be at least 1"),
			"end": _("Give a number of occurrences or an end date for the recurrence"),
			"count": _("The number of occurrences cannot be negative"),
			"until": _("The recurrence cannot end before the first meeting"),
			"too_many": _("A recurrence cannot create more than {0} meetings").format(
				actions.MAX_OCCURRENCES
			),
		}
		try:
			return actions.expand_recurrence(
				get_datetime(self.start),
				self.repeat_frequency,
				cint(self.repeat_interval),
				cint(self.repeat_count) or None,
				getdate(self.repeat_until) if self.repeat_until else None,
			)
		except actions.RecurrenceError as e:
			frappe.throw(messages[e.code], title=_("Invalid recurrence"))

	def reset_reminder(self):
		if not self.is_new() and self.has_value_changed("start"):
			self.reminder_sent = 0

	# --- after save -------------------------------------------------------------------------------

	def create_occurrences(self):
		"""The later meetings of a recurrence, each its own action (done, moved, cancelled alone)."""
		if not self.repeat_frequency:
			return
		starts = self.occurrence_starts()
		duration = get_datetime(self.end) - get_datetime(self.start) if self.end else None
		for start in starts[1:]:
			occurrence = frappe.copy_doc(self)
			occurrence.update(
				{
					"start": start,
					"end": start + duration if duration is not None else None,
					"status": actions.OPEN,
					"recurrence_of": self.name,
					**dict.fromkeys(RECURRENCE_FIELDS),
				}
			)
			mark_app_write(occurrence)  # its recurrence_of is the app's, not a client's
			occurrence.insert(ignore_permissions=self.flags.ignore_permissions)

	def refresh_opportunities(self):
		refresh_next_action_date(self.opportunity)
		before = self.get_doc_before_save()
		if before and before.opportunity and before.opportunity != self.opportunity:
			refresh_next_action_date(before.opportunity)

	def open_todos(self) -> list[dict]:
		return frappe.get_all(
			"ToDo",
			filters={"reference_type": self.doctype, "reference_name": self.name, "status": "Open"},
			fields=["name", "allocated_to"],
		)

	def close_todos(self, status: str, keep: str | None = None):
		for todo in self.open_todos():
			if todo.allocated_to != keep:
				doc = frappe.get_doc("ToDo", todo.name)
				doc.status = status
				doc.save(ignore_permissions=True)

	def sync_assignment(self):
		"""One open ToDo, for the assignee, while the action is open; a new assignee is notified."""
		if self.status != actions.OPEN:
			self.close_todos(TODO_STATUS[self.status])
			return
		self.close_todos("Cancelled", keep=self.assigned_to)
		if any(t.allocated_to == self.assigned_to for t in self.open_todos()):
			return
		frappe.get_doc(
			{
				"doctype": "ToDo",
				"allocated_to": self.assigned_to,
				"reference_type": self.doctype,
				"reference_name": self.name,
				"description": self.subject,
				"date": getdate(self.start),
				"assigned_by": frappe.session.user,
				"status": "Open",
			}
		).insert(ignore_permissions=True)
		notify_assignment(
			frappe.session.user,
			self.assigned_to,
			self.doctype,
			self.name,
			action="ASSIGN",
			description=self.subject,
		)

	def sync_event(self):
		if self.nature != "Meeting":
			if self.event:
				event = self.event
				self.db_set("event", None, update_modified=False)
				delete_event(event)
			return
		if not cint(frappe.db.get_single_value("CRM Portal Settings", "sync_meetings_to_calendar")):
			return
		values = {
			"subject": self.subject,
			"starts_on": self.start,
			"ends_on": self.end,
			"event_category": "Call" if self.is_call else "Meeting",
			"event_type": "Private",
			"status": EVENT_STATUS[self.status],
			"description": self.notes,
			"send_reminder": 0,
			"reference_doctype": self.doctype,
			"reference_docname": self.name,
		}
		calendar = frappe.db.get_value("Google Calendar", {"user": self.assigned_to, "enable": 1}, "name")
		if calendar:
			values.update({"sync_with_google_calendar": 1, "google_calendar": calendar})
		event = (
			frappe.get_doc("Event", self.event)
			if self.event and frappe.db.exists("Event", self.event)
			else None
		)
		if event is None:
			event = frappe.get_doc({"doctype": "Event", **values})
		else:
			event.update(values)
		event.set("links", [])
		for link_doctype, link_name in (
			("CRM Opportunity", self.opportunity),
			(self.account_type, self.account),
			("Contact", self.contact),
		):
			if link_doctype and link_name:
				event.append("links", {"link_doctype": link_doctype, "link_name": link_name})
		event.flags.ignore_permissions = True
		event.save()
		if event.owner != self.assigned_to:
			event.db_set("owner", self.assigned_to, update_modified=False)
		if self.event != event.name:
			self.db_set("event", event.name, update_modified=False)


def delete_event(event: str) -> None:
	if frappe.db.exists("Event", event):
		frappe.delete_doc("Event", event, ignore_permissions=True, force=True)


def refresh_next_action_date(opportunity: str | None) -> None:
	"""The opportunity's next planned action: earliest start among its open actions. Written to that
	one column without touching `modified`: it is not a user's edit of the opportunity."""
	if not opportunity or not frappe.db.exists("CRM Opportunity", opportunity):
		return
	action = frappe.qb.DocType("CRM Action")
	(next_date,) = (
		frappe.qb.from_(action)
		.select(Min(action.start))
		.where((action.opportunity == opportunity) & (action.status == actions.OPEN))
		.run()[0]
	)
	frappe.db.set_value("CRM Opportunity", opportunity, "next_action_date", next_date, update_modified=False)


FEED_INDEX = ["assigned_to", "status", "start", "name", "owner"]


def on_doctype_update():
	"""The actions feed filters on assignee and status and sorts on start, name (buckets are ranges of
	start); `owner` last, after `name` (so the page's `start, name` order still comes from the index), so
	the rule `(assigned_to in (team) or owner = me)` of a salesperson's counts is checked in the index
	(no row read). A feed of everyone's actions (scope "all") has no assignee to start from: status then
	start."""
	columns = [
		row.Column_name
		for row in frappe.db.sql(
			"show index from `tabCRM Action` where Key_name = 'feed_index'", as_dict=True
		)
	]
	if columns and columns != FEED_INDEX:  # the index before `owner` was added
		frappe.db.sql_ddl("alter table `tabCRM Action` drop index `feed_index`")
	frappe.db.add_index("CRM Action", FEED_INDEX, "feed_index")
	frappe.db.add_index("CRM Action", ["status", "start"], "status_start_index")

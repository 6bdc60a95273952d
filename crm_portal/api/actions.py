"""The actions menu: a feed of actions for a scope (me, all, a user, my team) with counts per bucket
(late, today, this week, next week, later, all) in the site's time zone, and what a salesperson does
with an action: done, done and create the next one, cancel, postpone, reassign, delete, quick create.
Also the reminder jobs (hooks.py scheduler_events).

Reads go through `frappe.get_list` (permission rules apply); writes go through the CRM Action
document, whose controller keeps the opportunity's next action date, the ToDo and the Event in step."""

from collections import defaultdict
from datetime import datetime, timedelta

import frappe
from frappe import _
from frappe.desk.doctype.notification_log.notification_log import enqueue_create_notification
from frappe.email.doctype.email_account.email_account import EmailAccount
from frappe.query_builder import DocType
from frappe.utils import cint, format_datetime, get_datetime, get_fullname, get_url_to_form, now_datetime

from crm_portal import actions
from crm_portal.accounts.doctypes import check_links_readable
from crm_portal.arguments.checks import DATETIME, checked_arguments
from crm_portal.pipeline.board_queries import outer_order, team_lookups_once, union
from crm_portal.teams import sales_person_of, scope_users
from crm_portal.utils import atomic, bold_text, check_not_stale, parse_json_arg

DOCTYPE = "CRM Action"
FEED_FIELDS = [
	"name",
	"subject",
	"action_type",
	"nature",
	"call_direction",
	"status",
	"start",
	"end",
	"assigned_to",
	"opportunity",
	"opportunity_title",
	"account_type",
	"account",
	"account_name",
	"contact",
	"completed_on",
	"event",
	"modified",
]
SORTS = {
	"date": "start asc, name asc",
	"account": "account_name asc, start asc",
	"assignee": "assigned_to asc, start asc",
}
MAX_PAGE = 200
EARLIEST = datetime(1900, 1, 1)
DIGEST_LIMIT = 20


# --- feed -----------------------------------------------------------------------------------------


TEAM_N = "team_n"  # "Mon équipe N": the user and the salespeople under the same manager


def same_level_users(user: str) -> list[str]:
	"""The user and the users of the enabled Sales Persons sharing the user's parent Sales Person."""
	me = sales_person_of(user)
	if not me:
		return [user]
	parent = frappe.db.get_value("Sales Person", me.name, "parent_sales_person")
	sp, emp = DocType("Sales Person"), DocType("Employee")
	peers = (
		frappe.qb.from_(sp)
		.join(emp)
		.on(sp.employee == emp.name)
		.select(emp.user_id)
		.where((sp.enabled == 1) & emp.user_id.isnotnull() & (sp.parent_sales_person == parent))
		.run(pluck=True)
	)
	return [user, *sorted(u for u in set(peers) if u != user)]


def feed_users(scope: str | None) -> list[str] | None:
	if scope == TEAM_N:
		return same_level_users(frappe.session.user)
	return scope_users(scope)


def feed_filters(
	scope: str | None, search: str | None, action_types, include_done: bool
) -> tuple[list, list]:
	conditions = [["status", "in", [actions.OPEN, actions.DONE] if include_done else [actions.OPEN]]]
	users = feed_users(scope)
	if users is not None:
		conditions.append(["assigned_to", "in", users])
	if action_types:
		if isinstance(action_types, str) and not action_types.lstrip().startswith("["):
			action_types = [action_types]  # one type, unquoted
		action_types = parse_json_arg(action_types, list, _("Action types"))
		conditions.append(["action_type", "in", action_types])
	or_filters = []
	if search:
		like = f"%{str(search).strip()[:140]}%"
		or_filters = [
			["subject", "like", like],
			["account_name", "like", like],
			["opportunity_title", "like", like],
			["name", "like", like],
		]
	return conditions, or_filters


def bucket_conditions(bucket: str, now: datetime) -> list:
	if bucket == actions.ALL:
		return []
	if bucket not in actions.BUCKETS:
		frappe.throw(_("Unknown period {0}").format(bold_text(bucket)))
	low, high = actions.bucket_bounds(now)[bucket]
	conditions = []
	if bucket == "late":
		conditions.append(["status", "=", actions.OPEN])
	if low is not None:
		conditions.append(["start", ">=", low])
	if high is not None:
		conditions.append(["start", "<", high])
	return conditions


def feed_branches(conditions: list) -> tuple[list, list[list]]:
	"""The feed's conditions without its `assigned_to in (…)` and `status in (…)`, and the disjoint
	branches `assigned_to = person and status = s` whose union they select. Each branch is one range of
	`feed_index` (assigned_to, status, start) read in `start` order: a team's feed reads its first rows
	per person, where `assigned_to in (…) order by start limit n` made MariaDB walk the `start` index
	over every action of the firm (done ones included) until the page was full."""
	rest, people, statuses = [], [None], [None]
	for condition in conditions:
		field, operator, value = condition
		if field == "assigned_to" and operator == "in":
			people = list(dict.fromkeys(value)) or [None]
		elif field == "status" and operator == "in":
			statuses = list(dict.fromkeys(value))
		elif field == "status" and operator == "=":
			statuses = [s for s in statuses if s in (None, value)] if statuses != [None] else [value]
		else:
			rest.append(condition)
	if not statuses:
		return rest, []  # "late" among done actions only: nothing to read
	branches = [
		[*([["assigned_to", "=", p]] if p is not None else []), *([["status", "=", s]] if s else [])]
		for p in people
		for s in statuses
	]
	return rest, branches


FEED_FROM = f"from `tab{DOCTYPE}`"


def with_feed_index(statement: str, branch: list) -> str:
	"""A person's branch read through `feed_index`: left to itself, MariaDB walks `status_start_index`
	(every open action of the firm in `start` order) to find one person's first actions."""
	if not any(f[0] == "assigned_to" for f in branch) or statement.count(FEED_FROM) != 1:
		return statement
	return statement.replace(FEED_FROM, f"{FEED_FROM} force index (`feed_index`)")


def feed_page(conditions: list, or_filters: list, order_by: str, start: int, length: int) -> list[dict]:
	"""One page of the feed: the first start + length rows of each branch (each a `get_list` statement,
	so every permission condition applies), ordered and cut again after their UNION ALL."""
	rest, branches = feed_branches(conditions)
	if len(branches) <= 1:
		return frappe.get_list(
			DOCTYPE,
			filters=conditions,
			or_filters=or_filters,
			fields=FEED_FIELDS,
			order_by=order_by,
			limit_start=start,
			limit_page_length=length,
		)
	parts = [
		with_feed_index(
			frappe.get_list(
				DOCTYPE,
				filters=[*rest, *branch],
				or_filters=or_filters,
				fields=FEED_FIELDS,
				order_by=order_by,
				limit_start=0,
				limit_page_length=start + length,
				run=0,
			),
			branch,
		)
		for branch in branches
	]
	return frappe.db.sql(
		f"select * from ({union(parts)}) as `feed` order by {outer_order(order_by)}"
		f" limit {int(length)} offset {int(start)}",
		as_dict=True,
	)


def count_buckets(conditions: list, or_filters: list, now: datetime) -> dict:
	"""Counts per bucket in two grouped queries: before now by status, from now on by day."""
	past = frappe.get_list(
		DOCTYPE,
		# "between" keeps the index on start usable (Frappe wraps a "<" on a nullable column in ifnull)
		filters=[*conditions, ["start", "between", [EARLIEST, now]]],
		or_filters=or_filters,
		fields=["status", "count(name) as count"],
		group_by="status",
		order_by=None,
	)
	# Days matter only up to the end of next week (today / this week / next week); beyond, one count
	# ("later"): grouping every future day of a team or a firm by date made a temporary table of it.
	week_after = actions.bucket_bounds(now)["later"][0]
	soon = frappe.get_list(
		DOCTYPE,
		# "between" keeps the upper bound in the index range (see above); "> now" leaves `now` to the past
		filters=[
			*conditions,
			["start", ">", now],
			["start", "between", [now, week_after - timedelta(microseconds=1)]],
		],
		or_filters=or_filters,
		fields=["date(`start`) as day", "count(name) as count"],  # `start` unquoted reads as SQL
		group_by="date(`start`)",
		order_by=None,
	)
	later = frappe.get_list(
		DOCTYPE,
		filters=[*conditions, ["start", ">=", week_after]],
		or_filters=or_filters,
		fields=["count(name) as count"],
		order_by=None,
	)
	future = [(r.day, cint(r.count)) for r in soon]
	future += [(week_after, cint(r.count)) for r in later if cint(r.count)]
	return actions.bucket_counts([(r.status, cint(r.count)) for r in past], future, now)


def decorate(rows: list[dict], now: datetime) -> list[dict]:
	types = {
		t.name: t for t in frappe.get_all("CRM Action Type", fields=["name", "color", "icon", "is_call"])
	}
	for row in rows:
		info = types.get(row.action_type) or {}
		row["color"] = info.get("color")
		row["icon"] = info.get("icon")
		row["assigned_to_name"] = get_fullname(row.assigned_to)
		row["bucket"] = actions.bucket_of(row.start, row.status, now)
		row["modified"] = str(row.modified)
	return rows


@frappe.whitelist()
@checked_arguments()
@frappe.read_only()
def get_actions(
	scope: str | None = "me",
	bucket: str = "all",
	search: str | None = None,
	sort: str = "date",
	action_types: list | str | None = None,
	include_done: bool = False,
	start: int = 0,
	page_length: int = 50,
) -> dict:
	"""One page of the feed for a bucket, and the counts of every bucket (same scope, search, types)."""
	frappe.has_permission(DOCTYPE, "read", throw=True)
	if sort not in SORTS:
		frappe.throw(_("Unknown sort {0}").format(bold_text(sort)))
	now = now_datetime()
	page_length = min(max(cint(page_length), 1), MAX_PAGE)
	conditions, or_filters = feed_filters(scope, search, action_types, bool(cint(include_done)))
	with team_lookups_once():
		rows = feed_page(
			[*conditions, *bucket_conditions(bucket, now)],
			or_filters,
			SORTS[sort],
			max(cint(start), 0),
			page_length + 1,
		)
		counts = count_buckets(conditions, or_filters, now)
	return {
		"actions": decorate(rows[:page_length], now),
		"has_more": len(rows) > page_length,
		"counts": counts,
		"bucket": bucket,
		"now": str(now),
	}


@frappe.whitelist()
@checked_arguments()
@frappe.read_only()
def get_opportunity_actions(opportunity: str) -> dict:
	"""The card pictogram's pop-up: an opportunity's open actions, first the earliest, and its state."""
	frappe.has_permission("CRM Opportunity", "read", doc=opportunity, throw=True)
	now = now_datetime()
	rows = frappe.get_list(
		DOCTYPE,
		filters={"opportunity": opportunity, "status": actions.OPEN},
		fields=FEED_FIELDS,
		order_by="start asc",
	)
	next_date = frappe.db.get_value("CRM Opportunity", opportunity, "next_action_date")
	return {"actions": decorate(rows, now), "next_action_state": actions.next_action_state(next_date, now)}


# --- changes ----------------------------------------------------------------------------------------


def get_action(name: str, modified: str | None = None, ptype: str = "write"):
	doc = frappe.get_doc(DOCTYPE, name)
	doc.check_permission(ptype)
	check_not_stale(doc, modified)
	return doc


def require_open(doc, message: str) -> None:
	if doc.status != actions.OPEN:
		frappe.throw(message, title=_("Action already closed"))


def summary(doc) -> dict:
	return {
		"name": doc.name,
		"subject": doc.subject,
		"status": doc.status,
		"start": str(doc.start),
		"end": str(doc.end) if doc.end else None,
		"assigned_to": doc.assigned_to,
		"opportunity": doc.opportunity,
		"event": doc.event,
		"modified": str(doc.modified),
	}


def new_action(values: dict):
	"""Insert an action from client values: checked here so a mistake reads clearly."""
	action_type = values.get("action_type")
	if not action_type:
		frappe.throw(_("Choose the type of the action"), title=_("Missing action type"))
	if not frappe.db.exists("CRM Action Type", action_type):
		frappe.throw(
			_("Unknown action type {0}").format(bold_text(action_type)), title=_("Invalid action type")
		)
	doc = frappe.get_doc({"doctype": DOCTYPE, **{k: v for k, v in values.items() if v not in (None, "")}})
	return doc.insert()


@frappe.whitelist(methods=["POST"])
@checked_arguments(DOCTYPE)
def create_action(
	action_type: str,
	subject: str | None = None,
	start: str | None = None,
	end: str | None = None,
	notes: str | None = None,
	opportunity: str | None = None,
	account_type: str | None = None,
	account: str | None = None,
	contact: str | None = None,
	assigned_to: str | None = None,
	call_direction: str | None = None,
) -> dict:
	"""Quick creation from the actions menu, a card's pictogram or a form (start: now by default)."""
	frappe.has_permission(DOCTYPE, "create", throw=True)
	if opportunity:
		frappe.has_permission("CRM Opportunity", "read", doc=opportunity, throw=True)
	check_links_readable(account_type, account, contact)
	doc = new_action(
		{
			"action_type": action_type,
			"subject": subject,
			"start": start,
			"end": end,
			"notes": notes,
			"opportunity": opportunity,
			"account_type": account_type,
			"account": account,
			"contact": contact,
			"assigned_to": assigned_to,
			"call_direction": call_direction,
		}
	)
	return summary(doc)


@frappe.whitelist(methods=["POST"])
@checked_arguments(DOCTYPE)
def mark_done(name: str, notes: str | None = None, modified: str | None = None) -> dict:
	doc = get_action(name, modified)
	require_open(doc, _("Only an open action can be marked done"))
	doc.status = actions.DONE
	if notes:
		doc.notes = notes
	doc.save()
	return summary(doc)


@frappe.whitelist(methods=["POST"])
@checked_arguments()
def reopen(name: str, modified: str | None = None) -> dict:
	doc = get_action(name, modified)
	if doc.status == actions.OPEN:
		frappe.throw(_("This action is already open"))
	doc.status = actions.OPEN
	doc.save()
	return summary(doc)


@frappe.whitelist(methods=["POST"])
@checked_arguments(DOCTYPE)
def done_and_create_next(
	name: str,
	action_type: str,
	start: str | None = None,
	subject: str | None = None,
	notes: str | None = None,
	assigned_to: str | None = None,
	modified: str | None = None,
) -> dict:
	"""Mark an action done and plan the next one on the same opportunity, account and contact."""
	doc = get_action(name, modified)
	require_open(doc, _("Only an open action can be marked done"))
	frappe.has_permission(DOCTYPE, "create", throw=True)
	with atomic():
		doc.status = actions.DONE
		doc.save()
		next_doc = new_action(
			{
				"action_type": action_type,
				"subject": subject,
				"start": start,
				"notes": notes,
				"opportunity": doc.opportunity,
				"account_type": doc.account_type,
				"account": doc.account,
				"contact": doc.contact,
				"assigned_to": assigned_to or doc.assigned_to,
			}
		)
	return {"done": summary(doc), "next": summary(next_doc)}


@frappe.whitelist(methods=["POST"])
@checked_arguments()
def cancel(name: str, modified: str | None = None) -> dict:
	doc = get_action(name, modified)
	require_open(doc, _("Only an open action can be cancelled"))
	doc.status = actions.CANCELLED
	doc.save()
	return summary(doc)


@frappe.whitelist(methods=["POST"])
@checked_arguments(date=DATETIME)
def postpone(name: str, to: str, date: str | None = None, modified: str | None = None) -> dict:
	"""Move an open action to tomorrow, next week (Monday) or a date, keeping its time and duration."""
	doc = get_action(name, modified)
	require_open(doc, _("Only an open action can be postponed"))
	if to not in actions.POSTPONE_CHOICES:
		frappe.throw(_("Postpone to tomorrow, next week or a date"))
	if to == "date" and not date:
		frappe.throw(_("Choose the date to postpone the action to"))
	on = get_datetime(date) if date else None
	if on is not None and len(str(date).strip()) <= 10:
		on = on.date()
	start = get_datetime(doc.start)
	new_start = actions.postpone_target(start, to, now_datetime(), on)
	doc.end = actions.shift_end(start, get_datetime(doc.end) if doc.end else None, new_start)
	doc.start = new_start
	doc.save()
	return summary(doc)


@frappe.whitelist(methods=["POST"])
@checked_arguments()
def reassign(name: str, user: str, modified: str | None = None) -> dict:
	"""Give the action to another user; they are notified through Frappe's assignment notification."""
	doc = get_action(name, modified)
	require_open(doc, _("Only an open action can be reassigned"))
	if not user:
		frappe.throw(_("An action must be assigned to someone"), title=_("Missing assignee"))
	if not frappe.db.exists("User", user):
		frappe.throw(_("Unknown user {0}").format(bold_text(user)))
	doc.assigned_to = user
	doc.save()
	return summary(doc)


@frappe.whitelist(methods=["POST"])
@checked_arguments()
def delete_action(name: str) -> dict:
	doc = get_action(name, ptype="delete")
	frappe.delete_doc(DOCTYPE, doc.name)
	return {"name": name, "deleted": True}


# --- reminders (scheduler) ----------------------------------------------------------------------------


def setting(fieldname: str, default):
	value = frappe.db.get_single_value("CRM Portal Settings", fieldname)
	return default if value is None else value


def send_meeting_reminders() -> int:
	"""Every few minutes: notify each assignee of their meetings starting within the settings' delay."""
	minutes = cint(setting("meeting_reminder_minutes", 15))
	if minutes <= 0:
		return 0
	now = now_datetime()
	meetings = frappe.get_all(
		DOCTYPE,
		filters=[
			["nature", "=", "Meeting"],
			["status", "=", actions.OPEN],
			["reminder_sent", "=", 0],
			["start", ">=", now],
			["start", "<=", now + timedelta(minutes=minutes)],
		],
		fields=["name", "subject", "start", "assigned_to", "account_name"],
		order_by="start asc",
	)
	for meeting in meetings:
		lang = frappe.db.get_value("User", meeting.assigned_to, "language")
		subject = _("Meeting {0} at {1}", lang=lang).format(
			bold_text(meeting.subject), format_datetime(meeting.start, "HH:mm")
		)
		if meeting.account_name:
			subject += f" ({frappe.utils.escape_html(meeting.account_name)})"
		enqueue_create_notification(
			meeting.assigned_to,
			{"type": "Alert", "document_type": DOCTYPE, "document_name": meeting.name, "subject": subject},
		)
		frappe.db.set_value(DOCTYPE, meeting.name, "reminder_sent", 1, update_modified=False)
	return len(meetings)


def send_late_actions_digest() -> int:
	"""Daily: tell each assignee how many of their open actions are late (notification and e-mail)."""
	if not cint(setting("send_late_actions_digest", 1)):
		return 0
	now = now_datetime()
	late = frappe.get_all(
		DOCTYPE,
		filters=[["status", "=", actions.OPEN], ["start", "<", now]],
		fields=["name", "subject", "start", "assigned_to", "account_name", "opportunity_title"],
		order_by="assigned_to asc, start asc",
	)
	can_email = bool(EmailAccount.find_outgoing())  # no outgoing account: the notification alone
	per_user = defaultdict(list)
	for action in late:
		per_user[action.assigned_to].append(action)
	sent = 0
	for user, rows in per_user.items():
		if not frappe.db.get_value("User", user, "enabled"):
			continue
		lang = frappe.db.get_value("User", user, "language")
		subject = _("You have {0} late actions", lang=lang).format(len(rows))
		lines = "".join(
			"<li><a href='{0}'>{1}</a> - {2}{3}</li>".format(
				get_url_to_form(DOCTYPE, r.name),
				frappe.utils.escape_html(r.subject or r.name),
				format_datetime(r.start, "dd/MM/yyyy HH:mm"),
				f" - {frappe.utils.escape_html(r.account_name)}" if r.account_name else "",
			)
			for r in rows[:DIGEST_LIMIT]
		)
		content = f"<ul>{lines}</ul>"
		enqueue_create_notification(
			user, {"type": "Alert", "document_type": DOCTYPE, "subject": subject, "email_content": content}
		)
		if can_email:
			frappe.sendmail(recipients=[user], subject=subject, message=content, delayed=True)
		sent += 1
	return sent

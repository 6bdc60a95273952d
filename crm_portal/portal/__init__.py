"""Context builders of the website portal (crm_portal/www/crm/): what a portal user (role CRM Portal User,
no desk access) reads about their own opportunities, actions and prospects.

Every read goes through `frappe.get_list` / `frappe.get_doc(...).check_permission` or the desk APIs, so
the app's permission rules (crm_portal/permissions.py: a portal user reaches only their own records)
apply; every write goes, from the page's script, through the existing whitelisted APIs. The pages add
"own" filters (salesperson / assignee = the user) on top, so a desk user opening the portal sees their
own work too, not their team's."""

from urllib.parse import quote

import frappe
from frappe import _
from frappe.utils import cint, flt, format_date, format_datetime, now_datetime

from crm_portal.crm_portal.report import figures
from crm_portal.pipeline import rules
from crm_portal.utils import currency_symbol

ROUTE = "/crm"
OPPORTUNITY_FIELDS = [
	"name",
	"title",
	"account_type",
	"account",
	"account_name",
	"portfolio",
	"stage",
	"status",
	"currency",
	"amount",
	"days",
	"probability",
	"weighted_amount",
	"expected_signature_date",
	"signed_on",
	"lost_on",
	"next_action_date",
	"salesperson",
	"modified",
]
ACTION_FIELDS = [
	"name",
	"subject",
	"action_type",
	"status",
	"start",
	"opportunity",
	"opportunity_title",
	"account_name",
	"completed_on",
	"modified",
]
STATUSES = ("Open", "Won", "Lost")
MAX_ROWS = 200


# --- page scaffolding ---------------------------------------------------------------------------


def require_login() -> str:
	"""Guests are sent to the login page and come back here afterwards."""
	if frappe.session.user == "Guest":
		path = frappe.request.full_path if getattr(frappe, "request", None) else ROUTE
		frappe.local.flags.redirect_location = "/login?redirect-to=" + quote(path or ROUTE)
		raise frappe.Redirect
	return frappe.session.user


def prepare(context, title: str, parents: list[dict] | None = None) -> str:
	"""The common context of every portal page: login, no cache, sidebar, title, breadcrumbs, menu."""
	user = require_login()
	context.no_cache = 1
	context.show_sidebar = True
	context.title = title
	context.parents = [{"route": ROUTE, "title": _("CRM")}, *(parents or [])]
	context.crm_menu = [
		{"route": ROUTE, "title": _("Overview")},
		{"route": f"{ROUTE}/board", "title": _("Board")},
		{"route": f"{ROUTE}/opportunities", "title": _("My opportunities")},
		{"route": f"{ROUTE}/actions", "title": _("My actions")},
		{"route": f"{ROUTE}/new-opportunity", "title": _("New opportunity")},
		{"route": f"{ROUTE}/new-prospect", "title": _("New prospect")},
	]
	context.crm_user = user
	context.money = money
	context.money_short = money_short
	context.workdays = workdays
	context.percent = figures.format_percent
	context.column_header = column_header
	context.day = day
	context.moment = moment
	return user


# Figures are written by the formatter the desk pages use too (report/figures.py, formatting.mjs).
def money(value, currency: str | None = None) -> str:
	"""An amount in full: "43 000 €"."""
	return figures.format_amount(value, currency_symbol(currency))


def money_short(value, currency: str | None = None) -> str:
	"""An amount as on the board: "43 k€"."""
	return figures.format_amount_short(value, currency_symbol(currency))


def workdays(value) -> str:
	return figures.format_days(value)


def column_header(column: dict) -> str:
	"""A board column's figures as on the desk board: "15 k€ - 12 j (1)"."""
	return figures.column_header(
		column.get("amount"), column.get("days"), column.get("count"), currency_symbol()
	)


def day(value) -> str:
	return format_date(value) if value else ""


def moment(value) -> str:
	return format_datetime(value, "dd/MM/yyyy HH:mm") if value else ""


def arg(name: str, default: str | None = None, max_length: int = 140) -> str | None:
	"""A query-string argument as short plain text (anything else is ignored)."""
	value = frappe.form_dict.get(name)
	if value is None or isinstance(value, dict | list):
		return default
	value = str(value).strip()[:max_length]
	return value or default


# --- reads --------------------------------------------------------------------------------------


def portfolios() -> list[dict]:
	return frappe.get_list(
		"CRM Portfolio",
		filters={"is_active": 1},
		fields=["name", "portfolio_name", "stage_template"],
		order_by="portfolio_name asc",
	)


def chosen_portfolio(available: list[dict]) -> str | None:
	"""The `portfolio` argument when the user reads it, else the settings' default, else the first."""
	names = [p.name for p in available]
	wanted = arg("portfolio")
	if wanted:
		if wanted not in names:
			raise frappe.PageDoesNotExistError
		return wanted
	default = frappe.db.get_single_value("CRM Portal Settings", "default_portfolio")
	return default if default in names else (names[0] if names else None)


def stages_of(template: str | None) -> list[dict]:
	if not template:
		return []
	return frappe.get_list(
		"CRM Stage",
		filters={"stage_template": template},
		fields=["name", "stage_name", "stage_type", "position", "probability"],
		order_by="position asc, name asc",
	)


def my_opportunities(status: str = "Open", search: str | None = None) -> list[dict]:
	user = frappe.session.user
	if status not in STATUSES:
		status = "Open"
	or_filters = []
	if search:
		like = f"%{search}%"
		or_filters = [["title", "like", like], ["account_name", "like", like], ["name", "like", like]]
	rows = frappe.get_list(
		"CRM Opportunity",
		filters={"salesperson": user, "status": status},
		or_filters=or_filters,
		fields=OPPORTUNITY_FIELDS,
		order_by="modified desc",
		page_length=MAX_ROWS,
	)
	stage_names = stage_labels()
	for row in rows:
		row["stage_name"] = stage_names.get(row.stage, row.stage)
	return rows


def stage_labels() -> dict[str, str]:
	return {s.name: s.stage_name for s in frappe.get_all("CRM Stage", fields=["name", "stage_name"])}


def pipeline_summary() -> dict:
	"""Count, amount and weighted amount of the user's open opportunities."""
	rows = frappe.get_list(
		"CRM Opportunity",
		filters={"salesperson": frappe.session.user, "status": rules.OPEN},
		fields=["count(name) as count", "sum(amount) as amount", "sum(weighted_amount) as weighted"],
		order_by=None,
	)
	row = rows[0] if rows else {}
	return {
		"count": cint(row.get("count")),
		"amount": flt(row.get("amount")),
		"weighted": flt(row.get("weighted")),
	}


def get_opportunity(name: str | None):
	"""The opportunity of the page: 404 when it does not exist, 403 when the user may not read it."""
	if not name or not frappe.db.exists("CRM Opportunity", name):
		raise frappe.PageDoesNotExistError
	doc = frappe.get_doc("CRM Opportunity", name)
	doc.check_permission("read")
	return doc


# The quotation badge of the desk board's cards (public/js/logic/board.mjs quotationBadge): "D" (devis) and a
# mark of the quotation's approval state, mirrored on the opportunity as `quotation_state`
# (crm_portal/pipeline/approval.py).
QUOTATION_BADGES = {
	"Brouillon": ("draft", "D", "Quotation {0}: draft"),
	"À valider": ("pending", "D ?", "Quotation {0}: to be approved"),
	"Validée": ("approved", "D ✓", "Quotation {0}: approved"),
	"Refusée": ("refused", "D ✗", "Quotation {0}: refused"),
}


def quotation_badge(doc) -> dict | None:
	"""The opportunity's quotation as its badge shows it (key: the colour, text, title: "Quotation X:
	approved"), or None when it has none. A quotation outside the approval circuit shows a plain "D"."""
	if not doc.get("quotation"):
		return None
	key, text, title = QUOTATION_BADGES.get(doc.get("quotation_state") or "", ("none", "D", "Quotation {0}"))
	return frappe._dict(key=key, text=text, title=_(title).format(doc.quotation), name=doc.quotation)


def opportunity_actions(opportunity: str) -> list[dict]:
	return frappe.get_list(
		"CRM Action",
		filters={"opportunity": opportunity, "status": ("in", ["Open", "Done"])},
		fields=ACTION_FIELDS,
		order_by="status desc, start asc",
		page_length=MAX_ROWS,
	)


def action_types() -> list[dict]:
	return frappe.get_list(
		"CRM Action Type", filters={"disabled": 0}, fields=["name", "nature"], order_by="name asc"
	)


def my_prospects() -> list[dict]:
	"""The prospects the user manages or created (opportunities are created on those)."""
	user = frappe.session.user
	return frappe.get_list(
		"CRM Prospect",
		filters={"status": ("!=", "Closed")},
		or_filters={"account_manager": user, "owner": user},
		fields=["name", "call_name", "status"],
		order_by="call_name asc",
		page_length=MAX_ROWS,
	)


def lost_reasons() -> list[str]:
	# Opportunity Lost Reason is ERPNext master data a website user has no DocPerm on: its names only.
	return frappe.get_all("Opportunity Lost Reason", pluck="lost_reason", order_by="lost_reason asc")


def now_local() -> str:
	"""Now, as a datetime-local input's value."""
	return now_datetime().strftime("%Y-%m-%dT%H:%M")


def quick_account_creation() -> bool:
	return bool(cint(frappe.db.get_single_value("CRM Portal Settings", "allow_quick_account_creation")))

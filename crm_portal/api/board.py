"""The opportunities Kanban and the signature calendar: what the desk page and the portal read.

Reads go through `frappe.get_list`, so every permission rule (roles, user permissions, the app's
permission query) applies; figures are aggregated in SQL, one grouped query per figure set. For a user
the rule restricts, each statement is a UNION ALL of the rule's branches, each served by an index
(crm_portal/pipeline/board_queries.py)."""

import frappe
from frappe import _
from frappe.utils import cint, escape_html, flt, getdate, now_datetime, nowdate

from crm_portal.accounts import fields as account_fields
from crm_portal.actions import next_action_state
from crm_portal.arguments.checks import DATE, MONTH, YEAR, Json, checked_arguments
from crm_portal.exceptions import StageRequirementsError
from crm_portal.forecast import queries as forecast_queries
from crm_portal.pipeline import board_queries, rules
from crm_portal.pipeline.periods import PERIODS, add_months, last_day, month_key, month_range, period_bounds
from crm_portal.teams import scope_users
from crm_portal.utils import bold_text, check_not_stale, parse_json_arg

CARD_FIELDS = [
	"name",
	"title",
	"account_type",
	"account",
	"account_name",
	"portfolio",
	"stage",
	"status",
	"salesperson",
	"currency",
	"amount",
	"days",
	"probability",
	"weighted_amount",
	"weighted_days",
	"expected_signature_date",
	"quotation",
	# its approval state, the card's badge (crm_portal/pipeline/approval.py)
	"quotation_state",
	"next_action_date",
	# the at-risk flags (crm_portal/forecast/risk.py)
	"stage_since",
	"last_action_on",
	"creation",
	"contact",
	"_user_tags",
	"modified",
]
SORTS = {
	"modified": "modified desc",
	"expected_signature_date": "expected_signature_date asc",
	"amount": "amount desc",
	"title": "title asc",
	"account_name": "account_name asc",
	"creation": "creation desc",
}
MAX_PAGE = 200
# The members of the board's "Filtrer" dialog that reach SQL as dates and amounts (crm_portal/arguments).
BOARD_FILTERS = Json(
	keys={
		"signature_from": DATE,
		"signature_to": DATE,
		"amount_min": "CRM Opportunity.amount",
		"amount_max": "CRM Opportunity.amount",
	}
)


# --- scope, filters -----------------------------------------------------------------------------


def resolve_board(portfolio: str | None, template: str | None, all_portfolios: bool = False) -> dict:
	"""A portfolio, or a grouping: every active portfolio of one template (cards move, no creation);
	with `all_portfolios` (the signature calendar's "all portfolios"), every active portfolio the user reads."""
	if all_portfolios and not portfolio and not template:
		portfolios = frappe.get_list("CRM Portfolio", filters={"is_active": 1}, pluck="name")
		return {"portfolio": None, "template": None, "portfolios": portfolios, "grouping": True}
	if bool(portfolio) == bool(template):
		frappe.throw(_("Choose a portfolio or a grouping of portfolios"))
	if portfolio:
		frappe.has_permission("CRM Portfolio", "read", doc=portfolio, throw=True)
		template = frappe.get_cached_value("CRM Portfolio", portfolio, "stage_template")
		if not template:
			frappe.throw(_("Portfolio {0} does not exist").format(bold_text(portfolio)))
		portfolios = [portfolio]
	else:
		frappe.has_permission("CRM Stage Template", "read", doc=template, throw=True)
		portfolios = frappe.get_list(
			"CRM Portfolio", filters={"stage_template": template, "is_active": 1}, pluck="name"
		)
	return {"portfolio": portfolio, "template": template, "portfolios": portfolios, "grouping": not portfolio}


def build_filters(
	board: dict, scope: str | None, search: str | None, filters: dict | None
) -> tuple[list, list]:
	"""(filters, or_filters) for frappe.get_list from the board's selectors and the "Filtrer" dialog."""
	conditions = [["portfolio", "in", board["portfolios"] or [""]]]
	users = scope_users(scope)
	if users is not None:
		conditions.append(["salesperson", "in", users])
	or_filters = []
	if search:
		search = str(search).strip()[:140]
		like = f"%{search}%"
		or_filters = [
			["title", "like", like],
			["account_name", "like", like],
			["account", "like", like],
			["name", "like", like],
			["contact_email", "like", like],
			["contact_mobile", "like", like],
		]
	filters = parse_json_arg(filters, dict, _("Filters"))
	for tag in filters.get("tags") or []:
		conditions.append(["_user_tags", "like", f"%{tag}%"])
	if filters.get("signature_from"):
		conditions.append(["expected_signature_date", ">=", getdate(filters["signature_from"])])
	if filters.get("signature_to"):
		conditions.append(["expected_signature_date", "<=", getdate(filters["signature_to"])])
	if filters.get("amount_min") not in (None, ""):
		conditions.append(["amount", ">=", flt(filters["amount_min"])])
	if filters.get("amount_max") not in (None, ""):
		conditions.append(["amount", "<=", flt(filters["amount_max"])])
	if filters.get("has_quotation") is not None and filters.get("has_quotation") != "":
		conditions.append(["quotation", "is", "set" if cint(filters["has_quotation"]) else "not set"])
	state = filters.get("next_action")
	if state:
		now = now_datetime()
		if state == "none":
			conditions.append(["next_action_date", "is", "not set"])
		elif state in ("late", "upcoming"):
			conditions.append(["next_action_date", "is", "set"])
			conditions.append(["next_action_date", "<" if state == "late" else ">=", now])
		else:
			frappe.throw(_("Unknown next action state {0}").format(bold_text(state)))
	return conditions, or_filters


# --- cards ----------------------------------------------------------------------------------------


def extra_card_fields() -> list[str]:
	"""The fields an admin adds to cards in CRM Portal Settings (custom fields included)."""
	extra = (frappe.get_cached_doc("CRM Portal Settings").card_fields or "").split()
	meta = frappe.get_meta("CRM Opportunity")
	return [f for f in extra if f not in CARD_FIELDS and meta.has_field(f)]


def card_fields() -> list[str]:
	return CARD_FIELDS + extra_card_fields()


def decorate(cards: list[dict]) -> list[dict]:
	now = now_datetime()
	risk = forecast_queries.risk_context()  # thresholds read once per call, cached per template
	# the salesperson by name (the desk's boot knows few users' names): one read for the page
	people = list({c["salesperson"] for c in cards if c.get("salesperson")})
	names = dict(
		frappe.db.sql("select name, full_name from `tabUser` where name in %(people)s", {"people": people})
		if people
		else []
	)
	for card in cards:
		card["salesperson_name"] = names.get(card.get("salesperson")) or card.get("salesperson")
		card["next_action_state"] = next_action_state(card.get("next_action_date"), now)
		card["risk"] = forecast_queries.deal_risks(card, risk)
		card["tags"] = [t for t in (card.pop("_user_tags", None) or "").split(",") if t]
		card["modified"] = str(card["modified"])
	return cards


def figures(
	conditions: list, or_filters: list, group_by: str, branches: list[list] | None = None
) -> dict[str, dict]:
	"""count / amount / days (real and weighted) per `group_by` value, in one statement."""
	return board_queries.figures(conditions, or_filters, group_by, branches or [[]])


def branches_of(conditions: list) -> list[list]:
	"""The rule's branches for the board's conditions (its scope selector narrows them)."""
	scope = next((c[2] for c in conditions if c[0] == "salesperson" and c[1] == "in"), None)
	return board_queries.rule_branches(scope)


def shown(row: dict | None, weighted: bool) -> dict:
	row = row or {}
	return {
		"count": cint(row.get("count")),
		"amount": flt(row.get("weighted_amount" if weighted else "amount")),
		"days": flt(row.get("weighted_days" if weighted else "days"), 3),
	}


@frappe.whitelist()
@checked_arguments(filters=BOARD_FILTERS)
@frappe.read_only()
def get_board(
	portfolio: str | None = None,
	template: str | None = None,
	scope: str | None = "me",
	weighted: bool = False,
	search: str | None = None,
	filters: dict | str | None = None,
	sort: str = "modified",
	page_length: int = 20,
) -> dict:
	"""Columns (open stages) with their figures and first cards, the summary and the signed proposals."""
	frappe.has_permission("CRM Opportunity", "read", throw=True)
	with board_queries.team_lookups_once():
		return _get_board(portfolio, template, scope, weighted, search, filters, sort, page_length)


def _get_board(portfolio, template, scope, weighted, search, filters, sort, page_length) -> dict:
	board = resolve_board(portfolio, template)
	weighted = bool(cint(weighted))
	page_length = min(max(cint(page_length), 1), MAX_PAGE)
	if sort not in SORTS:
		frappe.throw(_("Unknown sort {0}").format(bold_text(sort)))
	conditions, or_filters = build_filters(board, scope, search, filters)
	branches = branches_of(conditions)
	open_conditions = [*conditions, ["status", "=", rules.OPEN]]
	stages = frappe.get_all(
		"CRM Stage",
		filters={"stage_template": board["template"]},
		fields=["name", "stage_name", "stage_type", "position", "color", "probability", "creates_quotation"],
		order_by="position asc, name asc",
	)
	# from the summary rows kept with every change when they answer exactly (crm_portal/pipeline/board_figures.py)
	per_stage = board_queries.open_figures_by_stage(open_conditions, or_filters, branches)
	# a portfolio may weight its board with the learned stage-to-win rates (crm_portal/forecast)
	learned = weighted and forecast_queries.apply_learned_weights(per_stage, board["portfolios"])
	open_stages = [s for s in stages if s.stage_type == rules.OPEN]
	cards = get_cards_of_stages(
		open_conditions,
		or_filters,
		board["portfolios"],
		[s.name for s in open_stages],
		sort,
		page_length,
		branches,
		{stage: cint(row.get("count")) for stage, row in per_stage.items()},
	)
	columns = []
	for stage in open_stages:
		column = {**stage, "stage": stage.name, **shown(per_stage.get(stage.name), weighted)}
		column["cards"] = [c for c in cards if c["stage"] == stage.name]
		column["has_more"] = column["count"] > len(column["cards"])
		columns.append(column)
	summary = shown(
		{
			key: sum(flt(r.get(key)) for r in per_stage.values())
			for key in ("count", "amount", "days", "weighted_amount", "weighted_days")
		},
		weighted,
	)
	return {
		"portfolio": board["portfolio"],
		"template": board["template"],
		"grouping": board["grouping"],
		"can_create": not board["grouping"] and bool(frappe.has_permission("CRM Opportunity", "create")),
		"weighted": weighted,
		"learned_weights": bool(learned),
		"columns": columns,
		"closed_stages": [s for s in stages if s.stage_type != rules.OPEN],
		"summary": summary,
		"signed": get_signed_proposals(),
		"settings": board_settings(),
	}


def board_settings() -> dict:
	"""The CRM Portal Settings switches the board's quick-create dialog follows (sales users cannot read
	the settings DocType itself)."""
	settings = frappe.get_cached_doc("CRM Portal Settings")
	meta = frappe.get_meta("CRM Opportunity")
	return {
		"allow_quick_account_creation": cint(settings.allow_quick_account_creation),
		"allow_default_stage_override": cint(settings.allow_default_stage_override),
		"default_currency": settings.default_currency,
		# the quick-create's new prospect: its legal forms, and the one of a company not registered yet
		"legal_forms": list(account_fields.LEGAL_FORMS),
		"registration_pending": account_fields.REGISTRATION_PENDING,
		# what the cards show beyond the standard fields, so the page needs no list of its own
		"extra_card_fields": [
			{"fieldname": f, "label": _(meta.get_label(f)), "fieldtype": meta.get_field(f).fieldtype}
			for f in extra_card_fields()
		],
	}


def get_cards_of_stages(
	conditions: list,
	or_filters: list,
	portfolios: list[str],
	stages: list[str],
	sort: str,
	page_length: int,
	branches: list[list] | None = None,
	stage_counts: dict[str, int] | None = None,
) -> list:
	"""The first page of every column in one round trip: a UNION ALL of one page per stage, each the
	union of one part per (portfolio, branch of the rule), each part built by frappe.get_list (run=0
	returns its SQL with values escaped and permission conditions included) so each is an index range
	read with its own LIMIT; the union is ordered again and cut to the page length in SQL."""
	if not stages or not portfolios:
		return []
	others = [c for c in conditions if c[0] != "portfolio"]
	fields = card_fields()
	return decorate(
		board_queries.pages(
			board_queries.stage_pages_sql(
				others,
				or_filters,
				fields,
				f"{SORTS[sort]}, name desc",
				page_length,
				branches or [[]],
				stages,
				portfolios,
				stage_counts,
			)
		)
	)


def get_cards(
	conditions: list, or_filters: list, stage: str, sort: str, start: int, page_length: int
) -> list:
	return decorate(
		board_queries.page(
			[*conditions, ["stage", "=", stage]],
			or_filters,
			card_fields(),
			f"{SORTS[sort]}, name desc",
			start,
			page_length,
			branches_of(conditions),
		)
	)


@frappe.whitelist()
@checked_arguments("CRM Opportunity", filters=BOARD_FILTERS)
@frappe.read_only()
def get_column_cards(
	stage: str,
	portfolio: str | None = None,
	template: str | None = None,
	scope: str | None = "me",
	search: str | None = None,
	filters: dict | str | None = None,
	sort: str = "modified",
	start: int = 0,
	page_length: int = 20,
) -> list[dict]:
	"""The next page of one column ("load more")."""
	frappe.has_permission("CRM Opportunity", "read", throw=True)
	with board_queries.team_lookups_once():
		board = resolve_board(portfolio, template)
		if sort not in SORTS:
			frappe.throw(_("Unknown sort {0}").format(bold_text(sort)))
		conditions, or_filters = build_filters(board, scope, search, filters)
		return get_cards(
			[*conditions, ["status", "=", rules.OPEN]],
			or_filters,
			stage,
			sort,
			max(cint(start), 0),
			min(max(cint(page_length), 1), MAX_PAGE),
		)


@frappe.whitelist()
@checked_arguments()
@frappe.read_only()
def get_signed_proposals(user: str | None = None) -> dict:
	"""'Mes propositions commerciales signées': won opportunities of the user by signature period."""
	user = user or frappe.session.user
	if user != frappe.session.user:
		frappe.has_permission("CRM Opportunity", "read", throw=True)
	today = getdate(nowdate())
	year_start, year_end = period_bounds(today, "year")
	by_day = figures(
		[
			["status", "=", rules.WON],
			["salesperson", "=", user],
			["signed_on", "between", [year_start, year_end]],
		],
		[],
		"signed_on",
	)
	result = {}
	for period in PERIODS:
		start, end = period_bounds(today, period)
		inside = [row for day, row in by_day.items() if start <= getdate(day) <= end]
		result[period] = {
			"from": str(start),
			"to": str(end),
			"count": sum(cint(r["count"]) for r in inside),
			"amount": flt(sum(flt(r["amount"]) for r in inside)),
			"days": flt(sum(flt(r["days"]) for r in inside), 3),
		}
	return result


# --- archives -------------------------------------------------------------------------------------


@frappe.whitelist()
@checked_arguments()
@frappe.read_only()
def get_archives(
	status: str,
	portfolio: str | None = None,
	template: str | None = None,
	scope: str | None = "me",
	search: str | None = None,
	start: int = 0,
	page_length: int = 20,
) -> list[dict]:
	"""Won or lost opportunities of the board (newest closing first), for the archives and reuse."""
	frappe.has_permission("CRM Opportunity", "read", throw=True)
	if status not in (rules.WON, rules.LOST):
		frappe.throw(_("Archives list won or lost opportunities"))
	with board_queries.team_lookups_once():
		board = resolve_board(portfolio, template)
		conditions, or_filters = build_filters(board, scope, search, None)
		return decorate(
			board_queries.page(
				[*conditions, ["status", "=", status]],
				or_filters,
				[*CARD_FIELDS, "signed_on", "lost_on", "lost_reason"],
				("signed_on desc" if status == rules.WON else "lost_on desc") + ", modified desc, name desc",
				max(cint(start), 0),
				min(max(cint(page_length), 1), MAX_PAGE),
				branches_of(conditions),
			)
		)


# --- signature calendar ---------------------------------------------------------------------------


@frappe.whitelist()
@checked_arguments(year=YEAR, month=MONTH, filters=BOARD_FILTERS)
@frappe.read_only()
def get_calendar(
	year: int,
	month: int,
	months: int = 4,
	portfolio: str | None = None,
	template: str | None = None,
	scope: str | None = "me",
	weighted: bool = False,
	search: str | None = None,
	filters: dict | str | None = None,
	page_length: int = 50,
	all_portfolios: bool = False,
) -> dict:
	"""Open opportunities by expected signature month: a "no date" column, then `months` months.
	`all_portfolios`: every portfolio the user reads ("Tous portefeuilles confondus", no creation)."""
	frappe.has_permission("CRM Opportunity", "read", throw=True)
	with board_queries.team_lookups_once():
		return _get_calendar(
			year,
			month,
			months,
			portfolio,
			template,
			scope,
			weighted,
			search,
			filters,
			page_length,
			all_portfolios,
		)


def _get_calendar(
	year, month, months, portfolio, template, scope, weighted, search, filters, page_length, all_portfolios
) -> dict:
	year, month, months = cint(year), cint(month), min(max(cint(months), 1), 12)
	if not 1 <= month <= 12 or not 1900 <= year <= 9999:
		frappe.throw(_("Invalid month {0}-{1}").format(bold_text(year), bold_text(month)))
	board = resolve_board(portfolio, template, bool(cint(all_portfolios)))
	weighted = bool(cint(weighted))
	page_length = min(max(cint(page_length), 1), MAX_PAGE)
	conditions, or_filters = build_filters(board, scope, search, filters)
	conditions.append(["status", "=", rules.OPEN])
	branches = branches_of(conditions)
	span = month_range(year, month, months)
	first, last = (span[0][0], span[0][1]), span[-1]
	window = [
		["expected_signature_date", ">=", f"{first[0]:04d}-{first[1]:02d}-01"],
		["expected_signature_date", "<=", str(last_day(*last))],
	]
	# Grouped by date (get_list allows no expression in GROUP BY), then summed per month here.
	per_month: dict[str, dict] = {}
	for day, row in figures([*conditions, *window], or_filters, "expected_signature_date", branches).items():
		total = per_month.setdefault(month_key(getdate(day)), {})
		for key in ("count", "amount", "days", "weighted_amount", "weighted_days"):
			total[key] = flt(total.get(key)) + flt(row.get(key))
	no_date = figures(
		[*conditions, ["expected_signature_date", "is", "not set"]], or_filters, "status", branches
	)
	columns = [
		{
			"key": None,
			"label": _("No date"),
			**shown(no_date.get(rules.OPEN), weighted),
			"cards": decorate(
				board_queries.page(
					[*conditions, ["expected_signature_date", "is", "not set"]],
					or_filters,
					card_fields(),
					"modified desc, name desc",
					0,
					page_length,
					branches,
				)
			),
		}
	]
	cards = decorate(calendar_cards(conditions, or_filters, span, page_length, branches))
	for y, m in span:
		key = f"{y:04d}-{m:02d}"
		columns.append(
			{
				"key": key,
				"year": y,
				"month": m,
				**shown(per_month.get(key), weighted),
				"cards": [c for c in cards if month_key(getdate(c["expected_signature_date"])) == key][
					:page_length
				],
			}
		)
	previous, following = add_months(year, month, -1), add_months(year, month, months)
	return {
		"columns": columns,
		"previous": {"year": previous[0], "month": previous[1]},
		"next": {"year": following[0], "month": following[1]},
		"can_create": not board["grouping"],
		"weighted": weighted,
		"settings": board_settings(),
	}


CALENDAR_ORDER = "expected_signature_date asc, name asc"


# Sentinel month bounds of the calendar's statement templates (a date no opportunity is expected on).
MONTH_TOKENS = ("1901-01-01", "1901-01-02")


def calendar_cards(conditions: list, or_filters: list, span: list, page_length: int, branches: list) -> list:
	"""The first `page_length` cards of each month, in one statement: per month (and per branch of the
	rule) a range of the month's dates with its own LIMIT, then their UNION ALL. (One page of
	page_length x months cards over the whole window gave every card to the first busy months and none
	to the later ones.) Each branch's statement is built once, with sentinel bounds then replaced by each
	month's: a build costs Frappe a look-up of the user's shares (as the board's column pages)."""

	def month_statements(bounds: list[str]) -> list[str]:
		return board_queries.statements(
			[*conditions, ["expected_signature_date", "between", bounds]],
			or_filters,
			branches,
			fields=card_fields(),
			order_by=CALENDAR_ORDER,
			start=0,
			page_length=page_length,
		)

	templates = month_statements(list(MONTH_TOKENS))
	if all(t.count(token) == 1 for t in templates for token in MONTH_TOKENS):
		parts = [
			template.replace(MONTH_TOKENS[0], f"{y:04d}-{m:02d}-01").replace(
				MONTH_TOKENS[1], str(last_day(y, m))
			)
			for y, m in span
			for template in templates
		]
	else:  # a sentinel also in a filter's text: one build per month
		parts = [
			statement
			for y, m in span
			for statement in month_statements([f"{y:04d}-{m:02d}-01", str(last_day(y, m))])
		]
	return frappe.db.sql(
		f"select * from ({board_queries.union(parts)}) as `page`"
		f" order by {board_queries.outer_order(CALENDAR_ORDER)}",
		as_dict=True,
	)


@frappe.whitelist(methods=["POST"])
@checked_arguments(year=YEAR, month=MONTH)
def move_to_month(
	opportunity: str, year: int | None = None, month: int | None = None, modified: str | None = None
) -> dict:
	"""Drop a card on a month: expected signature date = last day of that month (no month: no date)."""
	from crm_portal.api.pipeline import opportunity_summary

	doc = frappe.get_doc("CRM Opportunity", opportunity)
	doc.check_permission("write")
	check_not_stale(doc, modified)
	if year is None and month is None:
		if doc.expected_signature_date and doc.requires(rules.TARGET_OPPORTUNITY, "expected_signature_date"):
			frappe.throw(
				_(
					"The stage {0} requires an expected signature date: drop the opportunity on a month, not on No date"
				).format(bold_text(frappe.db.get_value("CRM Stage", doc.stage, "stage_name"))),
				StageRequirementsError,
				title=_("Required fields"),
			)
		doc.expected_signature_date = None
	else:
		year, month = cint(year), cint(month)
		if not 1 <= month <= 12 or not 1900 <= year <= 9999:
			frappe.throw(_("Invalid month {0}-{1}").format(bold_text(year), bold_text(month)))
		doc.expected_signature_date = last_day(year, month)
	doc.save()
	return opportunity_summary(doc)


# --- live updates ---------------------------------------------------------------------------------

BOARD_EVENT = "crm_board_update"


def publish_board_update(doc, method: str | None = None) -> None:
	"""doc_events hook of CRM Opportunity (on_update, on_trash): tell open boards, after the commit,
	which card changed, in the DocType's room (only users who may read opportunities subscribe to it)."""
	from frappe.realtime import get_doctype_room

	frappe.publish_realtime(
		BOARD_EVENT,
		{
			"name": doc.name,
			"portfolio": doc.portfolio,
			"stage": doc.stage,
			"status": doc.status,
			"deleted": int(method == "on_trash"),
			"user": frappe.session.user,
		},
		room=get_doctype_room(doc.doctype),
		after_commit=True,
	)

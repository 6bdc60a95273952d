"""Opportunity pipeline endpoints: quick-create, move to a stage, win, lose, reuse.

Every write goes through the CRM Opportunity controller, so the stage rules apply whatever the path."""

import frappe
from frappe import _
from frappe.model import table_fields
from frappe.utils import escape_html, get_fullname, getdate, today

from crm_portal.accounts.doctypes import check_links_readable, get_account_doctypes
from crm_portal.arguments.checks import checked_arguments
from crm_portal.exceptions import ClosedOpportunityError
from crm_portal.pipeline import rules
from crm_portal.pipeline.stages import get_stage_of_type
from crm_portal.utils import atomic, bold_text, check_not_stale, parse_json_arg

# Fields a client may set through `values`: what the form lets a user edit, nothing the pipeline derives.
PROTECTED_FIELDS = {
	"name",
	"owner",
	"creation",
	"modified",
	"modified_by",
	"docstatus",
	"idx",
	"doctype",
	"parent",
	"parenttype",
	"parentfield",
}


def opportunity_summary(doc) -> dict:
	return {
		"name": doc.name,
		"title": doc.title,
		"account_type": doc.account_type,
		"account": doc.account,
		"account_name": doc.account_name,
		"portfolio": doc.portfolio,
		"stage": doc.stage,
		"status": doc.status,
		"amount": doc.amount,
		"days": doc.days,
		"probability": doc.probability,
		"weighted_amount": doc.weighted_amount,
		"weighted_days": doc.weighted_days,
		"salesperson": doc.salesperson,
		"expected_signature_date": doc.expected_signature_date,
		"quotation": doc.quotation,
		"modified": str(doc.modified),
	}


def editable_values(doc, values: dict | str | None) -> dict:
	"""Keep the keys a user could edit on the form; refuse the others with a clear message."""
	values = parse_json_arg(values, dict, _("Field values"))
	meta = frappe.get_meta(doc.doctype)
	clean = {}
	for fieldname, value in values.items():
		df = meta.get_field(fieldname)
		if (
			not df
			or df.read_only
			or df.fieldtype in ("Table", "Table MultiSelect")
			or fieldname in PROTECTED_FIELDS
		):
			frappe.throw(
				_("{0} cannot be set on {1}").format(bold_text(fieldname), _(doc.doctype)),
				frappe.ValidationError,
			)
		if not doc.has_permlevel_access_to(fieldname, df, "write"):
			raise frappe.PermissionError(_("You cannot edit {0}").format(_(df.label)))
		clean[fieldname] = value
	return clean


def apply_values(doc, values: dict | str | None) -> None:
	"""`values` = {"opportunity": {...}, "account": {...}}: account values are saved on the account now
	(inside the caller's transaction), opportunity values are set on `doc` for its own save."""
	values = parse_json_arg(values, dict, _("Field values"))
	unknown = set(values) - {"opportunity", "account"}
	if unknown:
		frappe.throw(_("Unknown value targets: {0}").format(", ".join(bold_text(k) for k in sorted(unknown))))
	account_values = values.get("account")
	if account_values:
		account = frappe.get_doc(doc.account_type, doc.account)
		account.check_permission("write")
		account.update(editable_values(account, account_values))
		account.save()
	doc.update(editable_values(doc, values.get("opportunity")))


def get_opportunity_for_write(opportunity: str, modified: str | None = None):
	doc = frappe.get_doc("CRM Opportunity", opportunity)
	doc.check_permission("write")
	check_not_stale(doc, modified)
	return doc


@frappe.whitelist(methods=["POST"])
@checked_arguments("CRM Opportunity")
def quick_create(
	portfolio: str,
	account: str | None = None,
	title: str | None = None,
	account_type: str = "Customer",
	amount: float | None = None,
	days: float | None = None,
	expected_signature_date: str | None = None,
	stage: str | None = None,
	contact: str | None = None,
	values: dict | str | None = None,
	account_values: dict | str | None = None,
) -> dict:
	"""Create an opportunity in a portfolio's default (or first) stage; a stage may be chosen only when
	the settings allow it. `account_values` (instead of `account`) create a Draft CRM Prospect in the
	same transaction, when the settings allow quick account creation: the portal's form and the board's
	dialog send no `account` then."""
	frappe.has_permission("CRM Opportunity", "create", throw=True)
	if not (title or "").strip():
		frappe.throw(_("Give the opportunity a name"), title=_("Opportunity name"))
	frappe.has_permission("CRM Portfolio", "read", doc=portfolio, throw=True)
	if stage and not frappe.db.get_single_value("CRM Portal Settings", "allow_default_stage_override"):
		frappe.throw(_("Choosing the stage of a new opportunity is not allowed (CRM Portal Settings)"))
	check_links_readable(account_type, account, contact)
	doc = frappe.new_doc("CRM Opportunity")
	doc.update(
		{
			"portfolio": portfolio,
			"account_type": account_type,
			"account": account,
			"title": title,
			"amount": amount,
			"days": days,
			"expected_signature_date": expected_signature_date,
			"stage": stage,
			"contact": contact,
		}
	)
	if account_values and account:
		frappe.throw(_("Give either an existing account or the values of a new one, not both"))
	with atomic():
		if account_values:
			from crm_portal.api.accounts import quick_create_account

			doc.account_type = "CRM Prospect"
			doc.account = quick_create_account(account_values)
		apply_values(doc, values)
		doc.insert()
	return opportunity_summary(doc)


def save_in_stage(doc, stage: str, values: dict | str | None = None, **fields) -> dict:
	"""Apply the values and the stage in one all-or-nothing save; the controller enforces the rules."""
	with atomic():
		apply_values(doc, values)
		doc.update(fields)
		doc.stage = stage
		doc.save()
	return opportunity_summary(doc)


@frappe.whitelist(methods=["POST"])
@checked_arguments("CRM Opportunity")
def move_to_stage(
	opportunity: str, stage: str, values: dict | str | None = None, modified: str | None = None
) -> dict:
	"""Move to any stage of the template (the board's drag and drop). `values` fill the fields the stage
	requires (signed_on for a Won stage, lost_reason and lost_on for a Lost one), saved with the move
	or not at all."""
	doc = get_opportunity_for_write(opportunity, modified)
	return save_in_stage(doc, stage, values)


def stage_of_type(doc, stage_type: str) -> str:
	stage = get_stage_of_type(doc.stage_template, stage_type)
	if not stage:
		frappe.throw(
			_("The stage template {0} has no {1} stage").format(bold_text(doc.stage_template), _(stage_type))
		)
	return stage


@frappe.whitelist(methods=["POST"])
@checked_arguments("CRM Opportunity")
def mark_won(
	opportunity: str,
	signed_on: str | None = None,
	values: dict | str | None = None,
	modified: str | None = None,
) -> dict:
	doc = get_opportunity_for_write(opportunity, modified)
	fields = {"signed_on": getdate(signed_on)} if signed_on else {}
	return save_in_stage(doc, stage_of_type(doc, rules.WON), values, **fields)


@frappe.whitelist(methods=["POST"])
@checked_arguments("CRM Opportunity", comment="closing_comment")
def mark_lost(
	opportunity: str,
	lost_reason: str,
	lost_on: str | None = None,
	comment: str | None = None,
	modified: str | None = None,
) -> dict:
	doc = get_opportunity_for_write(opportunity, modified)
	if not lost_reason or not frappe.db.exists("Opportunity Lost Reason", lost_reason):
		frappe.throw(_("Choose a lost reason from the list"), title=_("Lost reason"))
	fields = {"lost_reason": lost_reason, "lost_on": getdate(lost_on or today())}
	if comment is not None:
		fields["closing_comment"] = comment
	return save_in_stage(doc, stage_of_type(doc, rules.LOST), **fields)


@frappe.whitelist(methods=["POST"])
@checked_arguments("CRM Opportunity")
def reuse(opportunity: str, portfolio: str | None = None) -> dict:
	"""A new opportunity for the same account and name from a won or lost one, in the first stage."""
	source = frappe.get_doc("CRM Opportunity", opportunity)
	source.check_permission("read")
	frappe.has_permission("CRM Opportunity", "create", throw=True)
	if source.status == rules.OPEN:
		frappe.throw(_("Only a won or lost opportunity can be reused"))
	portfolio = portfolio or source.portfolio
	frappe.has_permission("CRM Portfolio", "read", doc=portfolio, throw=True)
	doc = frappe.new_doc("CRM Opportunity")
	doc.update(
		{
			"portfolio": portfolio,
			"account_type": source.account_type,
			"account": source.account,
			"title": source.title,
			"contact": source.contact,
			"currency": source.currency,
			"description": source.description,
			"reused_from": source.name,
		}
	)
	doc.insert()
	return opportunity_summary(doc)


@frappe.whitelist()
@checked_arguments()
@frappe.read_only()
def get_stage_history(opportunity: str) -> list[dict]:
	"""Who moved the opportunity from which stage to which, and when, oldest first (from the Versions
	Frappe records because the DocType tracks changes)."""
	frappe.get_doc("CRM Opportunity", opportunity).check_permission("read")
	stage_names = dict(frappe.get_all("CRM Stage", fields=["name", "stage_name"], as_list=True))
	history = [
		{
			"user": user,
			"on": on,
			"from_stage": old,
			"from_stage_name": stage_names.get(old, old),
			"to_stage": new,
			"to_stage_name": stage_names.get(new, new),
		}
		for user, on, old, new in stage_moves(opportunity)
	]
	# The approval steps of its quotation (crm_portal/pipeline/approval.py), after the moves of their time.
	for user, on, old, new in stage_moves(opportunity, "quotation_state"):
		history.append(
			{
				"user": user,
				"on": on,
				"from_stage": None,
				"from_stage_name": None,
				"to_stage": None,
				"to_stage_name": None,
				"quotation_state_from": old,
				"quotation_state_to": new,
			}
		)
	history.sort(key=lambda step: step["on"])
	return history


def stage_moves(opportunity: str, field: str = "stage") -> list[tuple[str, str, str | None, str | None]]:
	"""(user, when, from stage, to stage) of each stage change (or of `field`), oldest first."""
	versions = frappe.get_all(
		"Version",
		filters={"ref_doctype": "CRM Opportunity", "docname": opportunity},
		fields=["owner", "creation", "data"],
		order_by="creation asc",
	)
	moves = []
	for version in versions:
		for fieldname, old, new in frappe.parse_json(version.data).get("changed") or []:
			if fieldname == field:
				moves.append((version.owner, str(version.creation), old, new))
	return moves


# --- reopening ------------------------------------------------------------------------------------

REOPEN_ROLES = ("Sales Manager", "System Manager")


def reopening_stage(doc) -> str:
	"""The open stage the opportunity left when it was closed (its stage history), else the template's
	first open stage (closed at creation, history gone, or that stage since deleted)."""
	stage = rules.stage_before_closing(
		doc.template_stages, [(old, new) for *_, old, new in stage_moves(doc.name)]
	)
	if stage:
		return stage
	first = rules.first_stage([s for s in doc.template_stages if s.stage_type == rules.OPEN])
	if not first:
		frappe.throw(_("The stage template {0} has no open stage").format(bold_text(doc.stage_template)))
	return first.name


@frappe.whitelist(methods=["POST"])
@checked_arguments()
def reopen(opportunity: str, values: dict | str | None = None, modified: str | None = None) -> dict:
	"""Rouvrir (Sales Manager): a won or lost opportunity goes back to the open stage it left when it was
	closed, its closing fields (signed on, lost reason and date, closing comment) cleared, and a comment
	"Reopened by …" in its history. `values` fill what that stage requires, as for a move. A deal won
	through a submitted Sales Order stays locked: cancelling the order reopens it."""
	if not set(REOPEN_ROLES) & set(frappe.get_roles()):
		raise frappe.PermissionError(_("Only a Sales Manager can reopen a closed opportunity"))
	doc = get_opportunity_for_write(opportunity, modified)
	if doc.status == rules.OPEN:
		frappe.throw(_("Opportunity {0} is not closed").format(bold_text(doc.name)))
	if doc.won_through_sales_order(doc):
		frappe.throw(
			_("Opportunity {0} was won through Sales Order {1}: cancel the order to reopen it").format(
				bold_text(doc.name), bold_text(doc.sales_order)
			),
			ClosedOpportunityError,
			title=_("Signed deal"),
		)
	stage = reopening_stage(doc)
	with atomic():
		apply_values(doc, values)
		doc.flags.reopening = True
		doc.stage = stage
		doc.closing_comment = None
		doc.save()
		stage_name = frappe.db.get_value("CRM Stage", stage, "stage_name") or stage
		doc.add_comment(
			"Info",
			_("Reopened by {0}, back to stage {1}").format(
				escape_html(get_fullname(frappe.session.user)), escape_html(stage_name)
			),
		)
	return opportunity_summary(doc)


# --- what a stage requires (the desk form) --------------------------------------------------------


@frappe.whitelist()
@checked_arguments("CRM Opportunity")
def get_stage_requirements(
	stage: str, opportunity: str | None = None, values: dict | str | None = None
) -> dict:
	"""What being in `stage` asks of an opportunity: `fields`, every field that stage and the stages it
	chains require (the form marks them mandatory), and `missing`, those still empty with the form's
	unsaved `values` — stage by stage, the same list as the 417's `stage_requirements`, so the form
	opens the board's pop-ups. Nothing is saved."""
	if opportunity:
		doc = frappe.get_doc("CRM Opportunity", opportunity)
		doc.check_permission("read")
	else:
		frappe.has_permission("CRM Opportunity", "create", throw=True)
		doc = frappe.new_doc("CRM Opportunity")
	meta = frappe.get_meta("CRM Opportunity")
	for fieldname, value in parse_json_arg(values, dict, _("Field values")).items():
		df = meta.get_field(fieldname)
		if not df or df.fieldtype in table_fields or fieldname in PROTECTED_FIELDS:
			continue
		if value is not None and not isinstance(value, str | int | float):
			frappe.throw(_("Invalid value for {0}").format(_(df.label)))
		doc.set(fieldname, value)
	if not doc.portfolio or not isinstance(doc.portfolio, str):
		frappe.throw(_("Choose a portfolio first"))
	frappe.has_permission("CRM Portfolio", "read", doc=doc.portfolio, throw=True)
	doc.stage_template = frappe.db.get_value("CRM Portfolio", doc.portfolio, "stage_template")
	if not doc.stage_info(stage):
		frappe.throw(
			_("Stage {0} does not belong to the stages of portfolio {1}").format(
				bold_text(stage), bold_text(doc.portfolio)
			),
			title=_("Invalid stage"),
		)
	readable_account = bool(
		doc.account_type in get_account_doctypes()
		and isinstance(doc.account, str)
		and doc.account
		and frappe.has_permission(doc.account_type, "read", doc=doc.account)
	)
	everything = [(s, list(s.requirements)) for s in doc.stage_chain(stage) if s.requirements]
	return {
		"fields": doc.requirements_payload(rules.missing_by_stage([s for s, _reqs in everything], {})),
		"missing": doc.requirements_payload(doc.missing_requirements(stage, with_account=readable_account)),
	}

"""Opportunity pipeline endpoints: quick-create, move to a stage, win, lose, reuse.

Every write goes through the CRM Opportunity controller, so the stage rules apply whatever the path."""

import frappe
from frappe import _
from frappe.utils import getdate, today

from crm_portal.accounts.doctypes import check_links_readable
from crm_portal.pipeline import rules
from crm_portal.pipeline.stages import get_stage_of_type
from crm_portal.utils import atomic, check_not_stale, parse_json_arg

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
				_("{0} cannot be set on {1}").format(frappe.bold(fieldname), _(doc.doctype)),
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
		frappe.throw(_("Unknown value targets: {0}").format(", ".join(sorted(unknown))))
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
def quick_create(
	portfolio: str,
	account: str | None,
	title: str,
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
	same transaction, when the settings allow quick account creation."""
	frappe.has_permission("CRM Opportunity", "create", throw=True)
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
			_("The stage template {0} has no {1} stage").format(
				frappe.bold(doc.stage_template), _(stage_type)
			)
		)
	return stage


@frappe.whitelist(methods=["POST"])
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
@frappe.read_only()
def get_stage_history(opportunity: str) -> list[dict]:
	"""Who moved the opportunity from which stage to which, and when, oldest first (from the Versions
	Frappe records because the DocType tracks changes)."""
	frappe.get_doc("CRM Opportunity", opportunity).check_permission("read")
	versions = frappe.get_all(
		"Version",
		filters={"ref_doctype": "CRM Opportunity", "docname": opportunity},
		fields=["owner", "creation", "data"],
		order_by="creation asc",
	)
	stage_names = dict(frappe.get_all("CRM Stage", fields=["name", "stage_name"], as_list=True))
	history = []
	for version in versions:
		for fieldname, old, new in frappe.parse_json(version.data).get("changed") or []:
			if fieldname == "stage":
				history.append(
					{
						"user": version.owner,
						"on": str(version.creation),
						"from_stage": old,
						"from_stage_name": stage_names.get(old, old),
						"to_stage": new,
						"to_stage_name": stage_names.get(new, new),
					}
				)
	return history

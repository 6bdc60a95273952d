"""The opportunity's ERPNext Quotation and Sales Order (DESIGN.md rules 5-7).

- Entering a stage flagged *creates quotation* makes one draft Quotation, in the transaction of the move.
- The Quotation follows its own life in ERPNext; its events move the opportunity: Sales Order submitted ->
  Won, Quotation lost or cancelled -> Lost, amended Quotation -> relinked (and reopened if it was lost by
  the cancellation), draft deleted -> unlinked.
Hooks on Quotation / Sales Order are registered in hooks.py (doc_events)."""

import frappe
from frappe import _
from frappe.model.mapper import get_mapped_doc
from frappe.utils import flt, getdate, today

from crm_portal.accounts.fields import prospect_to_customer_values
from crm_portal.pipeline import rules
from crm_portal.pipeline.quotation_lines import (
	MissingItemError,
	PricedLine,
	approval_figures,
	needs_approval,
	quotation_lines,
)
from crm_portal.pipeline.stages import get_stage_of_type
from crm_portal.utils import bold_text

OPPORTUNITY = "CRM Opportunity"
LINK_FIELD = "crm_opportunity"  # Custom Field on Quotation and Sales Order (fixtures)
CANCELLED_REASON = "Proposition annulée"
PRESALES_PROJECT_TYPE = "Avant-vente"


def stage_creates_quotation(stage: str | None) -> bool:
	return bool(stage and frappe.get_cached_value("CRM Stage", stage, "creates_quotation"))


def live_quotation_of(opportunity: str) -> str | None:
	"""A Quotation already made for the opportunity and not cancelled."""
	return frappe.db.get_value(
		"Quotation", {LINK_FIELD: opportunity, "docstatus": ("<", 2)}, "name", order_by="creation desc"
	)


def ensure_quotation(opportunity) -> str:
	"""The opportunity's draft Quotation, made now unless one exists. Called by the opportunity's
	on_update, so it commits or rolls back with the stage move."""
	# No second one on concurrent moves: save() locked the opportunity's row (check_if_latest), so another
	# move of it waits for this transaction, then fails on the changed timestamp or sees this quotation.
	name = opportunity.quotation or live_quotation_of(opportunity.name)
	if not name:
		quotation = make_quotation(opportunity.name)
		try:
			quotation.insert()
		except frappe.ValidationError as e:
			frappe.throw(
				_("The quotation of this opportunity could not be created: {0}").format(e),
				title=_("Quotation"),
			)
		name = quotation.name
	if opportunity.quotation != name:
		opportunity.db_set("quotation", name, update_modified=False)
	ensure_presales_project(opportunity)
	return name


def ensure_presales_project(opportunity) -> str | None:
	"""The seeds' "mission en statut Avant Vente" (a setting): an ERPNext Project of type Avant-vente made
	with the quotation and carried onto the Sales Order."""
	if opportunity.project or not frappe.db.get_single_value(
		"CRM Portal Settings", "create_presales_project"
	):
		return opportunity.project
	if not frappe.db.exists("Project Type", PRESALES_PROJECT_TYPE):
		frappe.get_doc({"doctype": "Project Type", "project_type": PRESALES_PROJECT_TYPE}).insert(
			ignore_permissions=True
		)
	project = frappe.get_doc(
		{
			"doctype": "Project",
			"project_name": f"{opportunity.title} ({opportunity.name})",
			"company": opportunity.company,
			"project_type": PRESALES_PROJECT_TYPE,
			"status": "Open",
			"customer": opportunity.account if opportunity.account_type == "Customer" else None,
			"estimated_costing": opportunity.amount,
		}
	)
	project.insert(ignore_permissions=True)  # the app's bookkeeping: salespeople do not create Projects
	opportunity.db_set("project", project.name, update_modified=False)
	return project.name


def carry_presales_project(sales_order, method=None) -> None:
	"""Sales Order validate: the order of a quoted opportunity belongs to its pre-sales project."""
	if sales_order.get(LINK_FIELD) and not sales_order.project:
		sales_order.project = frappe.db.get_value(OPPORTUNITY, sales_order.get(LINK_FIELD), "project")


def quotation_party(opportunity) -> tuple[str, str]:
	"""(quotation_to, party_name): the account's Customer, or the ERPNext Prospect mirroring a CRM Prospect."""
	if opportunity.account_type == "Customer":
		return "Customer", opportunity.account
	prospect = frappe.get_doc(opportunity.account_type, opportunity.account)
	if prospect.get("customer"):
		return "Customer", prospect.customer
	return "Prospect", sync_erpnext_prospect(prospect, company=opportunity.company)


def on_crm_prospect_update(prospect, method=None) -> None:
	"""Once mirrored, an ERPNext Prospect follows its CRM Prospect's classification."""
	if prospect.get("erpnext_prospect"):
		sync_erpnext_prospect(prospect)


def sync_erpnext_prospect(prospect, company: str | None = None) -> str | None:
	"""Keep an ERPNext Prospect in step with a CRM Prospect (ERPNext quotes Prospects and converts them to
	Customers), creating it the first time the prospect is quoted."""
	if prospect.get("customer"):
		return None
	values = {
		"company_name": prospect.get_title(),
		"customer_group": prospect.get("customer_group"),
		"territory": prospect.get("territory"),
		"industry": prospect.get("industry"),
		"prospect_owner": prospect.get("account_manager"),
	}
	values = {k: v for k, v in values.items() if v}
	name = prospect.get("erpnext_prospect")
	if name and frappe.db.exists("Prospect", name):
		# ERPNext names a Prospect after its company name; keep the record, update the rest.
		frappe.db.set_value("Prospect", name, {k: v for k, v in values.items() if k != "company_name"})
		return name
	name = frappe.db.get_value("Prospect", {"company_name": values["company_name"]}, "name")
	if not name:
		erpnext_prospect = frappe.get_doc(
			{"doctype": "Prospect", "company": company or frappe.defaults.get_defaults().company, **values}
		)
		# The mirror is the app's own bookkeeping: the salesperson moving the deal may not create Prospects.
		erpnext_prospect.insert(ignore_permissions=True)
		name = erpnext_prospect.name
	prospect.db_set("erpnext_prospect", name, update_modified=False)
	return name


def contact_of_party(contact: str | None, party_type: str, party: str) -> str | None:
	if contact and frappe.db.exists(
		"Dynamic Link",
		{"parenttype": "Contact", "parent": contact, "link_doctype": party_type, "link_name": party},
	):
		return contact
	return None


def estimate_rows(opportunity) -> list:
	"""(EstimateLine, Item, sale type, description) for each line of a detailed estimate."""
	sale_types = {
		row.name: row
		for row in frappe.get_all(
			"CRM Sale Type",
			filters={"name": ("in", list({r.sale_type for r in opportunity.estimate_lines}) or [""])},
			fields=["name", "item", "estimate_mode"],
		)
	}
	rows = []
	for line in opportunity.estimate_lines:
		sale_type = sale_types.get(line.sale_type) or frappe._dict(item=None, estimate_mode=None)
		estimate = rules.EstimateLine(
			sale_type.estimate_mode,
			flt(line.quantity),
			flt(line.unit_price),
			flt(line.days),
			flt(line.amount),
		)
		rows.append((estimate, sale_type.item, line.sale_type, line.description))
	return rows


def make_quotation(source_name: str, target_doc=None):
	"""Map an opportunity onto a new draft Quotation (not saved)."""

	def set_missing_values(source, target):
		settings = frappe.get_cached_doc("CRM Portal Settings")
		quotation_to, party = quotation_party(source)
		try:
			lines = quotation_lines(
				source.estimate_mode,
				source.amount,
				settings.default_item,
				estimate_rows(source),
				source.title,
			)
		except MissingItemError as e:
			if e.sale_type:
				frappe.throw(
					_("Sale type {0} has no Item: set its Item before moving to the proposal stage").format(
						bold_text(e.sale_type)
					),
					title=_("Quotation"),
				)
			frappe.throw(
				_(
					"No default Item to quote a general estimate: set one in CRM Portal Settings before moving to the proposal stage"
				),
				title=_("Quotation"),
			)
		target.update(
			{
				"quotation_to": quotation_to,
				"party_name": party,
				"company": source.company,
				"currency": source.currency,
				"title": source.title,
				"transaction_date": today(),
				"order_type": "Sales",
				"contact_person": contact_of_party(source.contact, quotation_to, party),
				LINK_FIELD: source.name,
			}
		)
		target.set("items", [])
		for line in lines:
			target.append(
				"items",
				{
					"item_code": line.item_code,
					"qty": line.qty,
					"rate": line.rate,
					"description": line.description,
				},
			)
		target.run_method("set_missing_values")
		# ERPNext fetches prices: the estimate's figures are what was sold, and its unit price is the
		# proposal's list price. An Item Price (ERPNext inserts one from the first order at its rate) would
		# otherwise read as a discount and send a proposal to approval for a figure nobody gave.
		for row, line in zip(target.items, lines, strict=True):
			row.price_list_rate = line.rate
			row.discount_percentage = 0
			row.rate = line.rate
		target.run_method("calculate_taxes_and_totals")

	return get_mapped_doc(
		OPPORTUNITY,
		source_name,
		{
			OPPORTUNITY: {
				"doctype": "Quotation",
				"field_no_map": ["naming_series", "title", "status", "currency"],
			}
		},
		target_doc,
		set_missing_values,
		ignore_child_tables=True,
	)


# --- what the Quotation's and Sales Order's lives do to the opportunity -------------------------------


def opportunity_of(doc) -> "frappe.model.document.Document | None":
	name = doc.get(LINK_FIELD)
	return frappe.get_doc(OPPORTUNITY, name) if name and frappe.db.exists(OPPORTUNITY, name) else None


def save_from_sales_document(opportunity) -> None:
	"""ERPNext documents record facts (an order was signed, a proposal lost): the opportunity follows even
	when the user who made them cannot edit it, and a stage's questions do not block an order."""
	opportunity.flags.ignore_permissions = True
	opportunity.flags.closed_by_sales_document = True
	opportunity.save()


def set_approval_flag(quotation, method=None) -> None:
	"""Quotation validate (after ERPNext's totals): mark quotations over the settings' thresholds, amount
	before discount and taxes in the company currency; the approval workflow reads the flag
	(crm_portal/pipeline/approval.py)."""
	if not quotation.get(LINK_FIELD):
		return
	settings = frappe.get_cached_doc("CRM Portal Settings")
	amount, discounts = approval_figures(
		[
			PricedLine(
				flt(row.qty),
				flt(row.base_price_list_rate),
				flt(row.base_rate),
				flt(row.discount_percentage),
			)
			for row in quotation.items
		],
		flt(quotation.base_net_total),
		flt(quotation.additional_discount_percentage),
	)
	quotation.crm_needs_approval = int(
		needs_approval(
			amount,
			discounts,
			flt(settings.approval_amount_threshold),
			flt(settings.approval_discount_threshold),
		)
	)


def on_quotation_insert(quotation, method=None) -> None:
	"""An amended Quotation replaces the cancelled one on its opportunity, which reopens if it was lost
	by that cancellation."""
	opportunity = opportunity_of(quotation)
	if not opportunity or not quotation.amended_from:
		return
	opportunity.quotation = quotation.name
	if opportunity.status == rules.LOST and opportunity.lost_reason == CANCELLED_REASON:
		opportunity.stage = quotation_stage(opportunity.stage_template) or opportunity.stage
	save_from_sales_document(opportunity)


def on_quotation_update_after_submit(quotation, method=None) -> None:
	"""ERPNext's "Set as Lost" on a submitted Quotation: the opportunity is lost for the same reason."""
	if quotation.status != "Lost":
		return
	opportunity = opportunity_of(quotation)
	if not opportunity or opportunity.status == rules.LOST:
		return
	reasons = [row.lost_reason for row in quotation.get("lost_reasons") or [] if row.lost_reason]
	mark_lost(opportunity, reasons[0] if reasons else CANCELLED_REASON, quotation.get("order_lost_reason"))


def on_quotation_cancel(quotation, method=None) -> None:
	opportunity = opportunity_of(quotation)
	if opportunity and opportunity.status == rules.OPEN and opportunity.quotation == quotation.name:
		mark_lost(opportunity, CANCELLED_REASON)


def on_quotation_trash(quotation, method=None) -> None:
	"""A deleted draft leaves the opportunity free to get a new one."""
	name = quotation.get(LINK_FIELD)
	if name and frappe.db.get_value(OPPORTUNITY, name, "quotation") == quotation.name:
		frappe.db.set_value(OPPORTUNITY, name, "quotation", None, update_modified=False)


def on_sales_order_submit(sales_order, method=None) -> None:
	"""The order is the signature: the opportunity is Won on the order date and its prospect becomes the
	Customer ERPNext made from it."""
	opportunity = opportunity_of(sales_order)
	if not opportunity:
		return
	won = get_stage_of_type(opportunity.stage_template, rules.WON)
	if not won:
		frappe.throw(
			_("The stage template {0} has no Won stage").format(bold_text(opportunity.stage_template))
		)
	opportunity.sales_order = sales_order.name
	opportunity.signed_on = getdate(sales_order.transaction_date)
	opportunity.stage = won
	save_from_sales_document(opportunity)
	if opportunity.account_type == "CRM Prospect":
		become_customer(frappe.get_doc("CRM Prospect", opportunity.account), sales_order.customer)
	if opportunity.project:
		frappe.db.set_value(
			"Project",
			opportunity.project,
			{"customer": sales_order.customer, "sales_order": sales_order.name},
		)


def become_customer(prospect, customer: str) -> None:
	"""The prospect now points to the Customer ERPNext made from its mirror, and the Customer takes the
	prospect's CRM fields it lacks (SIREN, SIRET, APE code…) and a link back to it."""
	if prospect.customer:
		return
	prospect.db_set({"customer": customer, "status": "Customer"})
	target = frappe.get_doc("Customer", customer)
	for fieldname, value in prospect_to_customer_values(prospect.as_dict()).items():
		if value and target.meta.has_field(fieldname) and not target.get(fieldname):
			target.set(fieldname, value)
	target.crm_prospect = prospect.name
	target.flags.ignore_permissions = True  # made by ERPNext from the order, not by the user
	target.save()


def on_sales_order_cancel(sales_order, method=None) -> None:
	"""A cancelled order reopens the deal at the proposal stage."""
	opportunity = opportunity_of(sales_order)
	if not opportunity or opportunity.sales_order != sales_order.name:
		return
	opportunity.sales_order = None
	opportunity.stage = quotation_stage(opportunity.stage_template) or opportunity.stage
	save_from_sales_document(opportunity)


def quotation_stage(template: str) -> str | None:
	return frappe.db.get_value(
		"CRM Stage", {"stage_template": template, "creates_quotation": 1}, "name", order_by="position asc"
	)


def mark_lost(opportunity, reason: str, comment: str | None = None) -> None:
	stage = get_stage_of_type(opportunity.stage_template, rules.LOST)
	if not stage:
		return  # a template without a Lost column keeps the deal where it is
	opportunity.stage = stage
	opportunity.lost_reason = ensure_lost_reason(reason)
	opportunity.lost_on = getdate(today())
	if comment:
		opportunity.closing_comment = comment
	save_from_sales_document(opportunity)


def ensure_lost_reason(reason: str) -> str:
	"""The opportunity's reasons are ERPNext's Opportunity Lost Reasons; a Quotation's reason is carried
	over under the same name."""
	if not frappe.db.exists("Opportunity Lost Reason", reason):
		frappe.get_doc({"doctype": "Opportunity Lost Reason", "lost_reason": reason}).insert(
			ignore_permissions=True
		)
	return reason

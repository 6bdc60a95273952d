"""Opportunity figures from the Axelor CRM (seed 004): best / worst case, recurring revenue, and the
account's description shown on the opportunity. Called from CRM Opportunity.validate; the rules are in
`crm_portal.pipeline.amounts`."""

import frappe
from frappe import _
from frappe.utils import cint, flt, fmt_money, formatdate, getdate

from crm_portal.accounts import fields as account_fields
from crm_portal.pipeline import amounts


def validate_opportunity_extras(doc) -> None:
	settings = frappe.get_cached_doc("CRM Portal Settings")
	validate_cases(doc)
	set_recurring(doc, settings)
	set_account_description(doc, settings)


def money(doc, value) -> str:
	return fmt_money(value, currency=doc.currency)


def validate_cases(doc) -> None:
	for fieldname in ("best_case_amount", "worst_case_amount", "recurring_amount", "recurring_months"):
		if flt(doc.get(fieldname)) < 0:
			frappe.throw(_(amounts.NEGATIVE).format(_(doc.meta.get_label(fieldname))))
	errors = amounts.case_errors(
		flt(doc.amount), flt(doc.best_case_amount) or None, flt(doc.worst_case_amount) or None
	)
	if errors:
		frappe.throw(
			"<br>".join(_(msg).format(*(money(doc, a) for a in args)) for msg, args in errors),
			title=_("Best and worst case"),
		)


def set_recurring(doc, settings) -> None:
	rec = amounts.Recurring(
		amount=flt(doc.recurring_amount),
		start=getdate(doc.recurring_start) if doc.recurring_start else None,
		end=getdate(doc.recurring_end) if doc.recurring_end else None,
		months=cint(doc.recurring_months) if doc.recurring_months not in (None, "") else None,
	)
	errors = amounts.recurring_errors(rec)
	if errors:
		frappe.throw(
			"<br>".join(_(msg).format(*(formatdate(a) for a in args)) for msg, args in errors),
			title=_("Recurring revenue"),
		)
	months_first = (
		not doc.is_new()
		and doc.has_value_changed("recurring_months")
		and not doc.has_value_changed("recurring_end")
	)
	default_months = cint(settings.default_recurring_months) if settings.manage_recurring else None
	done = amounts.complete_recurring(rec, default_months, months_first)
	doc.recurring_end = done.end
	doc.recurring_months = done.months or 0
	doc.recurring_total = done.total


def set_account_description(doc, settings) -> None:
	"""The account's notes, when the settings show them (read-only copy refreshed on each save)."""
	if not settings.show_account_description or doc.account_type not in account_fields.ACCOUNT_FIELDS:
		doc.account_description = None
		return
	fieldname = account_fields.fieldname(doc.account_type, "notes")
	if not frappe.get_meta(doc.account_type).has_field(fieldname):
		doc.account_description = None
		return
	doc.account_description = frappe.db.get_value(doc.account_type, doc.account, fieldname)

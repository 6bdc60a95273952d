"""Exceptions the API and the UI recognise by name (exc_type in the JSON error)."""

import frappe


class StageRequirementsError(frappe.ValidationError):
	"""Fields required to enter a stage are missing. `requirements` lists them stage by stage, and the
	same list is sent to the client as `stage_requirements` so the board can open its pop-ups."""

	http_status_code = 417

	def __init__(self, message: str, requirements: list[dict] | None = None):
		super().__init__(message)
		self.requirements = requirements or []


class ConflictError(frappe.ValidationError):
	"""The document changed since the client loaded it."""

	http_status_code = 409


class ClosedOpportunityError(frappe.ValidationError):
	"""A won or lost opportunity cannot be moved back or changed that way: it leaves its state only
	through Reopen (or is reused), and one won through a submitted Sales Order is locked until the
	order is cancelled."""

	http_status_code = 417


class QuotationNotValidatedError(frappe.ValidationError):
	"""A quotation of an opportunity is submitted, sent, ordered or followed by its mission letter before
	the approval workflow made it *Validée* (crm_portal/pipeline/approval.py `ensure_validated`)."""

	http_status_code = 417


class ApprovalError(frappe.ValidationError):
	"""A change of the quotation's approval state that the workflow does not allow to this user: no such
	transition, an approver approving their own quotation, a refusal without its reason."""

	http_status_code = 403

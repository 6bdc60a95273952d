"""The approval circuit of an opportunity's Quotation, on Frappe's Workflow engine (issue #19).

The app ships the Workflow "Approbation des propositions" on Quotation (crm_portal/setup/
quotation_approval_workflow.json, installed once by `install_workflow`; admins own it afterwards) with
the states Brouillon -> (Valider) -> Validée, or Brouillon -> (Demander l'approbation) -> À valider ->
(Approuver) -> Validée / (Refuser) -> Refusée -> (Réviser) -> Brouillon. *Validée* is the submitted
state: Frappe's desk offers no Submit button on a DocType with a workflow, so validating is submitting,
and what was approved is what is sent (a change afterwards: cancel and amend, the amendment starts over).
Who may take which transition is said by the Workflow's transition conditions: Valider only when the
quotation needs no approval (crm_needs_approval, computed by `set_approval_flag` from the thresholds of
CRM Portal Settings), Approuver / Refuser only by the quotation's approver, a user of its approver role
or a System Manager, never by its owner.

This module holds what the engine does not:
- every change of `workflow_state`, whatever the path (apply_workflow, REST PUT, form save, submit), must
  be a transition of the workflow open to this user, whose condition holds on the stored record (Frappe
  checks it) *and* on the record as saved, landing in the state's docstatus; a direct submit is the
  Valider (or Approuver) transition it stands for;
- the request routes the approver (settings' routes, crm_portal/pipeline/approval_routes.py), assigns
  them (Frappe assignment: ToDo, notification, e-mail), the answer notifies the salesperson and closes the
  assignment; every step is written on the opportunity (its `quotation_state`, a timeline comment and a
  Version read by its stage history);
- `ensure_validated`: the one guard before a quotation of an opportunity is submitted, sent, turned into
  a Sales Order or followed by its mission letter."""

import json
import os

import frappe
from frappe import _
from frappe.model.workflow import (
	get_workflow,
	get_workflow_name,
	has_approval_access,
	is_transition_condition_satisfied,
)
from frappe.utils import cint, now_datetime

from crm_portal.arguments.checks import checked_arguments
from crm_portal.exceptions import ApprovalError, QuotationNotValidatedError
from crm_portal.pipeline.approval_routes import Route, pick_route
from crm_portal.utils import bold_text

WORKFLOW = "Approbation des propositions"
WORKFLOW_FILE = os.path.join(os.path.dirname(__file__), "..", "setup", "quotation_approval_workflow.json")
STATE_FIELD = "workflow_state"
DRAFT, PENDING, VALIDATED, REFUSED = "Brouillon", "À valider", "Validée", "Refusée"
STATES = (DRAFT, PENDING, VALIDATED, REFUSED)
VALIDATE, REQUEST, APPROVE, REFUSE, REVISE = (
	"Valider",
	"Demander l'approbation",
	"Approuver",
	"Refuser",
	"Réviser",
)
LINK_FIELD = "crm_opportunity"
OPPORTUNITY = "CRM Opportunity"
# Set by the app only: who must approve, since when (kept as stored whatever a client sends).
SYSTEM_FIELDS = ("crm_approver", "crm_approver_role", "crm_approval_requested_on")
REASON_FIELD = "crm_refusal_reason"


# --- install -------------------------------------------------------------------------------------------


# Frappe gives the role "All" to every user, portal users (Website User) included: a transition or a state
# open to "All" would let a client of the portal validate, approve or edit a quotation. Early copies of the
# shipped workflow said "All"; the shipped file now says "Desk User".
OPEN_TO_EVERYONE = "All"


def install_workflow() -> None:
	"""after_install / after_migrate: create the shipped Workflow when it does not exist. Otherwise leave it
	as it is, so an admin's edits (a condition, an extra transition, is_active off) survive migrations,
	with one repair: a transition or a state open to the role "All" (an early copy) gets the shipped role
	back. Its states and actions are fixtures (Workflow State, Workflow Action Master)."""
	if not frappe.db.exists("DocType", "Quotation"):
		return
	with open(WORKFLOW_FILE, encoding="utf-8") as f:
		values = json.load(f)
	if frappe.db.exists("Workflow", WORKFLOW):
		repair_workflow(values)
		return
	for state in STATES:
		if not frappe.db.exists("Workflow State", state):
			frappe.get_doc({"doctype": "Workflow State", "workflow_state_name": state}).insert(
				ignore_permissions=True
			)
	for action in (VALIDATE, REQUEST, APPROVE, REFUSE, REVISE):
		if not frappe.db.exists("Workflow Action Master", action):
			frappe.get_doc({"doctype": "Workflow Action Master", "workflow_action_name": action}).insert(
				ignore_permissions=True
			)
	frappe.get_doc(values).insert(ignore_permissions=True)


def repair_workflow(shipped: dict) -> None:
	"""Give the shipped role back to the stored workflow's transitions and states open to "All" (those of
	the shipped file by their state and action; an admin's extra ones the shipped file's first role)."""
	workflow = frappe.get_doc("Workflow", WORKFLOW)
	default = shipped["transitions"][0]["allowed"]
	roles = {(t["state"], t["action"]): t["allowed"] for t in shipped["transitions"]}
	edit_roles = {s["state"]: s["allow_edit"] for s in shipped["states"]}
	changed = False
	for row in workflow.transitions:
		if row.allowed == OPEN_TO_EVERYONE:
			row.allowed = roles.get((row.state, row.action), default)
			changed = True
	for row in workflow.states:
		if row.allow_edit == OPEN_TO_EVERYONE:
			row.allow_edit = edit_roles.get(row.state, default)
			changed = True
	if changed:
		workflow.save(ignore_permissions=True)


def workflow_active() -> bool:
	"""The app's workflow is the active one on Quotation (an admin may switch it off)."""
	return get_workflow_name("Quotation") == WORKFLOW


# --- the guard -----------------------------------------------------------------------------------------


def is_validated(quotation) -> bool:
	state = quotation.get(STATE_FIELD)
	# A quotation submitted before the circuit existed has no state: it was final already.
	return state == VALIDATED or (not state and cint(quotation.get("docstatus")) == 1)


def ensure_validated(quotation, action: str) -> None:
	"""Raise QuotationNotValidatedError unless the quotation (a Quotation or its name) may be `action`-ed:
	"submit", "send", "order" or "mission_letter". Quotations made outside an opportunity, and every
	quotation while the workflow is switched off, are not held."""
	if isinstance(quotation, str):
		quotation = frappe.get_doc("Quotation", quotation)
	if not quotation.get(LINK_FIELD) or not workflow_active() or is_validated(quotation):
		return
	state = quotation.get(STATE_FIELD) or DRAFT
	what = {
		"submit": _("It can be submitted once it is validated."),
		"send": _("It can be sent to the client once it is validated."),
		"order": _("A Sales Order can be made from it once it is validated."),
		"mission_letter": _("The mission letter can be sent once it is validated."),
	}.get(action, _("This can be done once it is validated."))
	hint = {
		DRAFT: _("Validate it, or request its approval when it passes the thresholds."),
		PENDING: _("Its approver has not answered yet."),
		REFUSED: _("It was refused: revise it, then request the approval again."),
	}.get(state, "")
	frappe.throw(
		" ".join(
			filter(
				None, (_("The quotation {0} is {1}.").format(bold_text(quotation.name), _(state)), what, hint)
			)
		),
		QuotationNotValidatedError,
		title=_("Quotation not validated"),
	)


def on_sales_order_validate(sales_order, method=None) -> None:
	"""Sales Order validate: every quotation it is made from (ERPNext's make_sales_order or rows typed by
	hand) is validated."""
	if sales_order.docstatus == 2:
		return
	for name in {row.prevdoc_docname for row in sales_order.items if row.get("prevdoc_docname")}:
		ensure_validated(name, "order")


# --- the transitions -----------------------------------------------------------------------------------


def transitions_from(workflow, state: str, doc) -> list:
	"""The workflow's transitions out of `state` open to the session user's roles whose condition holds
	on `doc` (Frappe's own condition evaluator)."""
	roles = set(frappe.get_roles())
	return [
		t
		for t in workflow.transitions
		if t.state == state and t.allowed in roles and is_transition_condition_satisfied(t, doc)
	]


def legal_transitions(workflow, old_state: str, new_state: str, before, doc) -> list:
	"""Transitions old -> new open to the user, their condition true on the stored record and on the new."""
	stored = {t.name for t in transitions_from(workflow, old_state, before)} if before else None
	user = frappe.session.user
	return [
		t
		for t in transitions_from(workflow, old_state, doc)
		if t.next_state == new_state
		and (stored is None or t.name in stored)
		and has_approval_access(user, doc, t)
	]


def state_docstatus(workflow, state: str) -> int:
	return next((cint(s.doc_status) for s in workflow.states if s.state == state), 0)


def before_validate_quotation(quotation, method=None) -> None:
	"""Quotation before_validate: the approval's system fields keep their stored value; the refusal reason
	is written only by whoever may refuse the quotation now. A new quotation (a copy, an amendment) starts
	at the workflow's first state, whatever it was copied from."""
	if quotation.is_new() and workflow_active():
		quotation.set(STATE_FIELD, None)
	if frappe.session.user == "Administrator" or quotation.flags.ignore_permissions:
		return
	before = quotation.get_doc_before_save()
	for fieldname in SYSTEM_FIELDS:
		quotation.set(fieldname, before.get(fieldname) if before else None)
	if before is None:
		quotation.set(REASON_FIELD, None)
	elif quotation.get(REASON_FIELD) != before.get(REASON_FIELD) and not may_refuse(before):
		quotation.set(REASON_FIELD, before.get(REASON_FIELD))


def may_refuse(stored) -> bool:
	if not workflow_active() or stored.get(STATE_FIELD) != PENDING:
		return False
	workflow = get_workflow("Quotation")
	user = frappe.session.user
	return any(
		t.next_state == REFUSED and has_approval_access(user, stored, t)
		for t in transitions_from(workflow, PENDING, stored)
	)


def validate_quotation(quotation, method=None) -> None:
	"""Quotation validate (after set_approval_flag): the state change is a transition of the workflow, a
	submit is the validation it stands for, a request routes its approver, a refusal has its reason."""
	if not workflow_active():
		return
	workflow = get_workflow("Quotation")
	before = quotation.get_doc_before_save()
	old = (before.get(STATE_FIELD) if before else None) or workflow.states[0].state
	if quotation.docstatus == 1 and quotation.get(STATE_FIELD) != VALIDATED:
		submit_as_transition(workflow, quotation, before, old)
	new = quotation.get(STATE_FIELD) or old
	if new != old and before is not None:
		transitions = legal_transitions(workflow, old, new, before, quotation)
		if not transitions:
			if any(t.next_state == new for t in transitions_from(workflow, old, quotation)):
				frappe.throw(_("You cannot approve or refuse your own quotation"), ApprovalError)
			frappe.throw(
				_(
					"The quotation cannot go from {0} to {1}: use the actions the approval workflow offers you"
				).format(bold_text(_(old)), bold_text(_(new))),
				ApprovalError,
				title=_("Not permitted"),
			)
		if state_docstatus(workflow, new) != quotation.docstatus:
			frappe.throw(
				_("A quotation is {0} when it is submitted: use the action {1}").format(
					bold_text(_(new)), bold_text(_(transitions[0].action))
				),
				ApprovalError,
			)
	if new == PENDING and old != PENDING:
		route_approval(quotation)
	if new == REFUSED and old != REFUSED and not (quotation.get(REASON_FIELD) or "").strip():
		frappe.throw(
			_("Give the reason of the refusal (field {0}) before refusing the quotation").format(
				bold_text(_("Refusal Reason"))
			),
			ApprovalError,
		)
	if quotation.docstatus == 1 and not quotation.flags.crm_validated_on_insert:
		ensure_validated(quotation, "submit")


def submit_as_transition(workflow, quotation, before, old: str) -> None:
	"""A quotation submitted directly (frappe.client.submit, a PUT with docstatus 1, code) takes the
	workflow's transition to Validée when one is open to the user (Valider under the thresholds, Approuver
	for its approver); otherwise it stays where it was and ensure_validated refuses the submit."""
	open_ = [t for t in transitions_from(workflow, old, quotation) if t.next_state == VALIDATED]
	if before is not None:
		open_ = legal_transitions(workflow, old, VALIDATED, before, quotation)
	if not open_:
		return
	if before is None:
		# A new record submitted at once: Frappe moves it to the submitted state itself
		# (set_workflow_state_on_action); setting it here would be refused as a jump from the first state.
		quotation.flags.crm_validated_on_insert = True
		return
	quotation.set(STATE_FIELD, VALIDATED)


# --- routing -------------------------------------------------------------------------------------------


def route_of(opportunity) -> Route | None:
	settings = frappe.get_cached_doc("CRM Portal Settings")
	bu_field = (settings.get("approval_bu_field") or "").strip()
	filiere_field = (settings.get("approval_filiere_field") or "").strip()
	bu = opportunity.get(bu_field) if bu_field and opportunity else None
	filiere = opportunity.get(filiere_field) if filiere_field and opportunity else None
	routes = [
		Route(r.bu, r.filiere, r.approver, r.approver_role) for r in settings.get("approval_routes") or []
	]
	default = Route(None, None, settings.get("default_approver"), settings.get("default_approver_role"))
	return pick_route(routes, bu, filiere, default)


def route_approval(quotation) -> None:
	"""Entering À valider: the approver routed by the opportunity's BU / filière, and since when."""
	opportunity = (
		frappe.get_doc(OPPORTUNITY, quotation.get(LINK_FIELD)) if quotation.get(LINK_FIELD) else None
	)
	route = route_of(opportunity)
	if not route:
		frappe.throw(
			_(
				"No approver is configured for this quotation: set the approval routes or a default approver in CRM Portal Settings"
			),
			ApprovalError,
			title=_("Approval Routing"),
		)
	quotation.crm_approver = route.approver
	quotation.crm_approver_role = None if route.approver else route.approver_role
	quotation.crm_approval_requested_on = now_datetime()
	quotation.set(REASON_FIELD, None)


def approvers_of(quotation) -> list[str]:
	"""The users asked to approve: the approver, or every enabled user of the approver role."""
	if quotation.get("crm_approver"):
		return [quotation.crm_approver]
	role = quotation.get("crm_approver_role")
	if not role:
		return []
	return frappe.get_all(
		"User",
		filters={"enabled": 1, "user_type": "System User", "name": ("in", users_with_role(role) or [""])},
		pluck="name",
	)


def users_with_role(role: str) -> list[str]:
	return frappe.get_all(
		"Has Role", filters={"parenttype": "User", "role": role}, pluck="parent", distinct=True
	)


def is_approver(quotation, user: str) -> bool:
	"""The user is asked to approve this quotation (its approver, or of its approver role)."""
	if quotation.get("crm_approver") and quotation.get("crm_approver") == user:
		return True
	role = quotation.get("crm_approver_role")
	return bool(role) and role in frappe.get_roles(user)


# --- what each step does -------------------------------------------------------------------------------


def on_quotation_update(quotation, method=None) -> None:
	"""Quotation on_update (save and submit): each change of state is told to those concerned and
	written on the opportunity."""
	if not workflow_active():
		return
	before = quotation.get_doc_before_save()
	old = before.get(STATE_FIELD) if before else None
	new = quotation.get(STATE_FIELD)
	if old == new:
		return
	if new == PENDING:
		assign_approvers(quotation)
	elif old == PENDING:
		frappe.desk.form.assign_to.close_all_assignments("Quotation", quotation.name, ignore_permissions=True)
		if new in (VALIDATED, REFUSED):
			notify_salesperson(quotation, new)
	record_on_opportunity(quotation, old, new)


def salesperson_of(quotation) -> str:
	name = quotation.get(LINK_FIELD)
	salesperson = frappe.db.get_value(OPPORTUNITY, name, "salesperson") if name else None
	return salesperson or quotation.owner


def assign_approvers(quotation) -> None:
	from frappe.desk.form.assign_to import add

	users = [u for u in approvers_of(quotation) if u != frappe.session.user]
	if not users:
		return
	add(
		{
			"assign_to": users,
			"doctype": "Quotation",
			"name": quotation.name,
			"description": _("Approve or refuse the quotation {0} ({1})").format(
				quotation.name, quotation.get("customer_name") or quotation.get("party_name") or ""
			),
			"assigned_by": frappe.session.user,
		},
		ignore_permissions=True,
	)


def notify_salesperson(quotation, state: str) -> None:
	from frappe.desk.doctype.notification_log.notification_log import make_notification_logs

	if state == VALIDATED:
		subject = _("Your quotation {0} is approved: you can send it").format(quotation.name)
		content = ""
	else:
		subject = _("Your quotation {0} is refused").format(quotation.name)
		content = _("Reason: {0}").format(frappe.utils.escape_html(quotation.get(REASON_FIELD) or ""))
	make_notification_logs(
		{
			"type": "Alert",
			"document_type": "Quotation",
			"document_name": quotation.name,
			"subject": subject,
			"email_content": content,
			"from_user": frappe.session.user,
		},
		[salesperson_of(quotation)],
	)


def step_text(quotation, new: str) -> str:
	name = bold_text(quotation.name)
	if new == PENDING:
		who = quotation.get("crm_approver") or quotation.get("crm_approver_role") or ""
		return _("Approval of quotation {0} requested from {1}").format(name, bold_text(who))
	if new == VALIDATED:
		return _("Quotation {0} validated").format(name)
	if new == REFUSED:
		return _("Quotation {0} refused: {1}").format(
			name, frappe.utils.escape_html(quotation.get(REASON_FIELD) or "")
		)
	return _("Quotation {0} back to {1}").format(name, bold_text(_(new)))


def record_on_opportunity(quotation, old: str | None, new: str | None) -> None:
	"""The opportunity shows its quotation's state (board badge), and each step in its timeline (a
	comment) and stage history (a Version of `quotation_state`)."""
	name = quotation.get(LINK_FIELD)
	if not name or not frappe.db.exists(OPPORTUNITY, name):
		return
	current = frappe.db.get_value(OPPORTUNITY, name, ["quotation", "quotation_state"], as_dict=True)
	if current.quotation and current.quotation != quotation.name:
		return  # an older quotation of the deal: the badge follows the current one
	frappe.db.set_value(OPPORTUNITY, name, "quotation_state", new, update_modified=False)
	if old is None:
		return  # the quotation was just made: its first state is no step
	frappe.get_doc(
		{
			"doctype": "Version",
			"ref_doctype": OPPORTUNITY,
			"docname": name,
			"data": frappe.as_json({"changed": [["quotation_state", current.quotation_state or old, new]]}),
		}
	).insert(ignore_permissions=True)
	frappe.get_doc(
		{
			"doctype": "Comment",
			"comment_type": "Info",
			"reference_doctype": OPPORTUNITY,
			"reference_name": name,
			"content": step_text(quotation, new),
		}
	).insert(ignore_permissions=True)
	from crm_portal.api.board import publish_board_update

	publish_board_update(frappe.get_doc(OPPORTUNITY, name))


# --- refusing with a reason in one call ----------------------------------------------------------------


@frappe.whitelist(methods=["POST"])
@checked_arguments(reason="Quotation.crm_refusal_reason")
def refuse(quotation: str, reason: str) -> dict:
	"""Refuse a quotation with its reason (the desk's Refuser asks for the reason first): writes the
	reason, then applies the workflow's Refuser action, both as the session user."""
	from frappe.model.workflow import apply_workflow

	doc = frappe.get_doc("Quotation", quotation)
	doc.check_permission("write")
	if not (reason or "").strip():
		frappe.throw(_("Give the reason of the refusal"), ApprovalError)
	if not may_refuse(doc):
		frappe.throw(_("You cannot refuse this quotation"), frappe.PermissionError)
	doc.set(REASON_FIELD, reason.strip())
	doc.save()
	return apply_workflow({"doctype": "Quotation", "name": doc.name}, REFUSE).as_dict()

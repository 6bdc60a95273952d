# Copyright (c) 2026, crm_portal developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt

from crm_portal.accounts.doctypes import get_account_doctypes, get_account_title
from crm_portal.exceptions import StageRequirementsError
from crm_portal.pipeline import rules
from crm_portal.pipeline.extras import validate_opportunity_extras
from crm_portal.pipeline.quotation import ensure_quotation, stage_creates_quotation
from crm_portal.pipeline.stages import get_template_stages


class CRMOpportunity(Document):
	def validate(self):
		self.set_defaults()
		self.validate_account()
		self.validate_portfolio()
		self.set_stage()
		self.set_probability()
		self.set_estimate_totals()
		self.validate_figures()
		validate_opportunity_extras(self)  # best/worst case, recurring, account description
		self.set_status()
		self.validate_closing()
		self.set_weighted_figures()
		self.validate_stage_requirements()
		self.flags.entering_quotation_stage = self.stage_changed() and stage_creates_quotation(self.stage)

	def on_update(self):
		# Rule 5: after the row is written, so the Quotation is made from what was saved, in the same
		# transaction (a failure undoes the move).
		if self.flags.entering_quotation_stage:
			ensure_quotation(self)

	def on_trash(self):
		self.validate_not_linked_to_sales_documents()
		self.keep_actions_on_the_account()

	# --- defaults -------------------------------------------------------------------------------

	def set_defaults(self):
		settings = frappe.get_cached_doc("CRM Portal Settings")
		if not self.salesperson:
			self.salesperson = frappe.session.user
		if not self.portfolio and settings.default_portfolio:
			self.portfolio = settings.default_portfolio
		if not self.currency:
			self.currency = (
				settings.default_currency
				or (self.company and frappe.get_cached_value("Company", self.company, "default_currency"))
				or "EUR"
			)

	# --- account and portfolio ------------------------------------------------------------------

	def validate_account(self):
		allowed = get_account_doctypes()
		if self.account_type not in allowed:
			frappe.throw(
				_("The account must be one of: {0}").format(", ".join(_(dt) for dt in allowed)),
				title=_("Invalid account"),
			)
		self.account_name = get_account_title(self.account_type, self.account)

	def validate_portfolio(self):
		portfolio = frappe.db.get_value(
			"CRM Portfolio", self.portfolio, ["company", "stage_template", "is_active"], as_dict=True
		)
		if not portfolio:
			frappe.throw(_("Portfolio {0} does not exist").format(frappe.bold(self.portfolio)))
		if not portfolio.is_active and (self.is_new() or self.has_value_changed("portfolio")):
			frappe.throw(_("Portfolio {0} is not active").format(frappe.bold(self.portfolio)))
		self.company = portfolio.company
		self.stage_template = portfolio.stage_template

	# --- stage, status, probability -------------------------------------------------------------

	@property
	def template_stages(self) -> list[rules.Stage]:
		if getattr(self, "_template_stages_for", None) != self.stage_template:
			self._template_stages = get_template_stages(self.stage_template)
			self._template_stages_for = self.stage_template
		return self._template_stages

	def stage_info(self, stage: str | None = None) -> rules.Stage | None:
		stage = stage or self.stage
		return next((s for s in self.template_stages if s.name == stage), None)

	def set_stage(self):
		if not self.template_stages:
			frappe.throw(
				_("Stage template {0} has no stages: add stages before creating opportunities").format(
					frappe.bold(self.stage_template)
				)
			)
		if not self.stage:
			default = frappe.db.get_value("CRM Portfolio", self.portfolio, "default_stage")
			self.stage = default if self.stage_info(default) else rules.first_stage(self.template_stages).name
		if not self.stage_info():
			frappe.throw(
				_("Stage {0} does not belong to the stages of portfolio {1}").format(
					frappe.bold(self.stage), frappe.bold(self.portfolio)
				),
				title=_("Invalid stage"),
			)

	def stage_changed(self) -> bool:
		return self.is_new() or self.has_value_changed("stage")

	def set_probability(self):
		"""The stage's probability, unless the user gave one with this save."""
		given = self.probability is not None if self.is_new() else self.has_value_changed("probability")
		if self.stage_changed() and not given:
			self.probability = frappe.db.get_value("CRM Stage", self.stage, "probability") or 0

	def set_status(self):
		self.status = self.stage_info().stage_type

	# --- figures --------------------------------------------------------------------------------

	def set_estimate_totals(self):
		if self.estimate_mode != "Detailed":
			return
		modes = {}
		lines = []
		for row in self.estimate_lines:
			if row.sale_type not in modes:
				modes[row.sale_type] = frappe.get_cached_value(
					"CRM Sale Type", row.sale_type, "estimate_mode"
				)
			line = rules.EstimateLine(
				modes[row.sale_type], flt(row.quantity), flt(row.unit_price), flt(row.days), flt(row.amount)
			)
			row.amount = rules.line_amount(line)
			lines.append(line)
		self.amount, self.days = rules.estimate_totals(lines)

	def validate_figures(self):
		for fieldname in ("amount", "days"):
			if flt(self.get(fieldname)) < 0:
				frappe.throw(_("{0} cannot be negative").format(_(self.meta.get_label(fieldname))))
		for row in self.estimate_lines:
			for fieldname in ("quantity", "unit_price", "days", "amount"):
				if flt(row.get(fieldname)) < 0:
					frappe.throw(
						_("Estimate line {0}: {1} cannot be negative").format(
							row.idx, _(row.meta.get_label(fieldname))
						)
					)
		if not 0 <= flt(self.probability) <= 100:
			frappe.throw(_("Probability must be between 0 and 100 %"))

	def set_weighted_figures(self):
		self.weighted_amount = rules.weighted(flt(self.amount), flt(self.probability))
		self.weighted_days = rules.weighted(flt(self.days), flt(self.probability))

	# --- won / lost -----------------------------------------------------------------------------

	def validate_closing(self):
		if self.status == rules.WON and not self.signed_on:
			frappe.throw(_("To mark the opportunity as won, enter the signature date (Signed On)"))
		if self.status == rules.LOST:
			missing = [_(self.meta.get_label(f)) for f in ("lost_reason", "lost_on") if not self.get(f)]
			if missing:
				frappe.throw(_("To mark the opportunity as lost, enter: {0}").format(", ".join(missing)))
		if self.status != rules.WON:
			self.signed_on = None
		if self.status != rules.LOST:
			self.lost_reason = self.lost_on = None

	# --- stage-required fields ------------------------------------------------------------------

	def validate_stage_requirements(self):
		"""Rule 2: to be in a stage, its required fields and those of every earlier stage are set.
		Checked when the opportunity enters a stage (creation or move), so a pop-up can ask for them."""
		if not self.stage_changed() or self.flags.closed_by_sales_document:
			return
		stages = rules.stages_to_satisfy(self.template_stages, self.stage)
		requirements = [req for stage in stages for req in stage.requirements]
		if not requirements:
			return
		metas = {
			rules.TARGET_OPPORTUNITY: self.meta,
			rules.TARGET_ACCOUNT: frappe.get_meta(self.account_type),
		}
		account_fields = [
			r.fieldname
			for r in requirements
			if r.target == rules.TARGET_ACCOUNT and metas[rules.TARGET_ACCOUNT].has_field(r.fieldname)
		]
		account_values = (
			frappe.db.get_value(self.account_type, self.account, account_fields, as_dict=True) or {}
			if account_fields
			else {}
		)
		values = {
			rules.TARGET_OPPORTUNITY: {r.fieldname: self.get(r.fieldname) for r in requirements},
			rules.TARGET_ACCOUNT: account_values,
		}
		fieldtypes = {
			target: {
				r.fieldname: (meta.get_field(r.fieldname) or frappe._dict()).fieldtype for r in requirements
			}
			for target, meta in metas.items()
		}
		missing = rules.missing_by_stage(stages, values, fieldtypes)
		if missing:
			self.raise_missing_requirements(missing, metas)

	def raise_missing_requirements(self, missing, metas):
		payload = []
		lines = []
		for stage, reqs in missing:
			stage_name = frappe.db.get_value("CRM Stage", stage.name, "stage_name")
			fields = []
			for req in reqs:
				df = metas[req.target].get_field(req.fieldname) or frappe._dict(
					fieldname=req.fieldname, label=req.fieldname, fieldtype="Data"
				)
				fields.append(
					{
						"target": req.target,
						"doctype": metas[req.target].name,
						"fieldname": req.fieldname,
						"label": _(df.label or req.fieldname),
						"fieldtype": df.fieldtype,
						"options": df.options,
					}
				)
			payload.append(
				{
					"stage": stage.name,
					"stage_name": stage_name,
					"stage_type": stage.stage_type,
					"fields": fields,
				}
			)
			lines.append("{0}: {1}".format(frappe.bold(stage_name), ", ".join(f["label"] for f in fields)))
		message = (
			_("We need to know a little more before this opportunity can move on:")
			+ "<br>"
			+ "<br>".join(lines)
		)
		response = getattr(frappe.local, "response", None)
		if response is not None:
			response["stage_requirements"] = payload
		frappe.throw(message, exc=StageRequirementsError(message, payload), title=_("Required fields"))

	# --- deletion -------------------------------------------------------------------------------

	def keep_actions_on_the_account(self):
		"""The calls and meetings of a deleted deal stay in the account's history, no longer tied to it."""
		action = frappe.qb.DocType("CRM Action")
		frappe.qb.update(action).set(action.opportunity, None).where(action.opportunity == self.name).run()

	def validate_not_linked_to_sales_documents(self):
		if self.quotation or self.sales_order:
			frappe.throw(
				_(
					"Opportunity {0} has a quotation or a sales order and cannot be deleted: mark it as lost instead"
				).format(frappe.bold(self.name)),
				frappe.LinkExistsError,
			)


def on_doctype_update():
	"""Composite indexes for the board (columns, cards), the calendar and the signed proposals. The
	column figures read only `figures_index` (it covers them), which also keeps the optimizer from
	intersecting single-column indexes. Portfolio and status have no index of their own."""
	frappe.db.add_index("CRM Opportunity", ["portfolio", "status", "stage", "modified"], "board_index")
	frappe.db.add_index(
		"CRM Opportunity",
		["portfolio", "status", "stage", "amount", "days", "weighted_amount", "weighted_days"],
		"figures_index",
	)
	frappe.db.add_index(
		"CRM Opportunity", ["portfolio", "status", "expected_signature_date"], "calendar_index"
	)
	frappe.db.add_index("CRM Opportunity", ["salesperson", "status", "signed_on"], "signed_index")

# Copyright (c) 2026, crm_portal developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import escape_html, flt

from crm_portal.accounts.doctypes import get_account_doctypes, get_account_title
from crm_portal.exceptions import ClosedOpportunityError, StageRequirementsError
from crm_portal.names import escape_formatted
from crm_portal.pipeline import rules
from crm_portal.pipeline.extras import validate_opportunity_extras
from crm_portal.pipeline.quotation import ensure_quotation, stage_creates_quotation
from crm_portal.pipeline.stages import get_template_stages
from crm_portal.utils import bold_text

# What a deal won through a submitted Sales Order keeps until the order is cancelled: where it is and
# what it is worth (the estimate lines are compared too).
SALES_ORDER_LOCKED_FIELDS = (
	"portfolio",
	"stage",
	"status",
	"signed_on",
	"sales_order",
	"currency",
	"amount",
	"best_case_amount",
	"worst_case_amount",
	"days",
	"probability",
	"estimate_mode",
	"recurring_amount",
	"recurring_months",
	"recurring_start",
	"recurring_end",
)
ESTIMATE_LINE_FIELDS = ("sale_type", "description", "quantity", "unit_price", "days", "amount", "recurrence")


class CRMOpportunity(Document):
	def get_formatted(self, fieldname, *args, **kwargs):
		"""Names print as text (crm_portal/names.py): Frappe's print formats show Data values as HTML."""
		return escape_formatted(self, fieldname, super().get_formatted(fieldname, *args, **kwargs))

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
		self.validate_closed_deal()
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
			frappe.throw(_("Portfolio {0} does not exist").format(bold_text(self.portfolio)))
		if not portfolio.is_active and (self.is_new() or self.has_value_changed("portfolio")):
			frappe.throw(_("Portfolio {0} is not active").format(bold_text(self.portfolio)))
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
					bold_text(self.stage_template)
				)
			)
		if not self.stage:
			default = frappe.db.get_value("CRM Portfolio", self.portfolio, "default_stage")
			self.stage = default if self.stage_info(default) else rules.first_stage(self.template_stages).name
		if not self.stage_info():
			frappe.throw(
				_("Stage {0} does not belong to the stages of portfolio {1}").format(
					bold_text(self.stage), bold_text(self.portfolio)
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

	def validate_closed_deal(self):
		"""Closed is closed (rule 3). A deal won through a submitted Sales Order keeps its stage, status
		and amounts until the order is cancelled (the cancellation reopens it, as a sales document).
		Any other won or lost deal leaves its state only through Reopen (a Sales Manager) — or is reused
		as a new opportunity. Quotation and order events (`closed_by_sales_document`) are facts and pass."""
		if self.is_new() or self.flags.closed_by_sales_document:
			return
		before = self.get_doc_before_save()
		if not before:
			return
		if self.won_through_sales_order(before):
			changed = rules.changed_fields(
				self.locked_snapshot(before),
				self.locked_snapshot(self),
				(*SALES_ORDER_LOCKED_FIELDS, "estimate_lines"),
			)
			if changed:
				frappe.throw(
					_(
						"Opportunity {0} was won through Sales Order {1}: cancel the order first to move it, reopen it or change its amounts ({2})"
					).format(
						bold_text(self.name),
						bold_text(before.sales_order),
						", ".join(_(self.meta.get_label(f)) for f in changed),
					),
					ClosedOpportunityError,
					title=_("Signed deal"),
				)
		if rules.leaves_closed_state(before.status, self.status) and not self.flags.reopening:
			frappe.throw(
				_(
					"Opportunity {0} is closed ({1}): use Reuse to start a new opportunity from it, or ask a Sales Manager to reopen it (Reopen)"
				).format(bold_text(self.name), _(before.status)),
				ClosedOpportunityError,
				title=_("Closed opportunity"),
			)

	@staticmethod
	def won_through_sales_order(doc) -> bool:
		return bool(
			doc.status == rules.WON
			and doc.sales_order
			and frappe.db.get_value("Sales Order", doc.sales_order, "docstatus") == 1
		)

	@staticmethod
	def locked_snapshot(doc) -> dict:
		values = {f: doc.get(f) for f in SALES_ORDER_LOCKED_FIELDS}
		for fieldname in ("signed_on", "recurring_start", "recurring_end"):
			values[fieldname] = str(values[fieldname]) if values[fieldname] else None
		values["estimate_lines"] = tuple(
			tuple(
				flt(row.get(f)) if f in ("quantity", "unit_price", "days", "amount") else row.get(f)
				for f in ESTIMATE_LINE_FIELDS
			)
			for row in doc.get("estimate_lines") or []
		)
		return values

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

		Entering a stage (creation, move, reopening): all of them, so a pop-up can ask for them. Staying
		in it: no save may empty one, whatever the path (form, REST, set_value, bulk update, import,
		calendar, portal). A field that was already empty before the save (a requirement an admin added
		after the opportunity reached the stage) does not block unrelated edits: the desk form marks it
		mandatory and asks for it. The account's fields are checked on entering and when the opportunity
		changes account; emptying one on the account itself is refused by `validate_account_requirements`.
		Quotation and order events (`closed_by_sales_document`) are facts: a stage's questions do not
		block them."""
		if self.flags.closed_by_sales_document:
			return
		entering = self.stage_changed()
		before = None if entering else self.get_doc_before_save()
		if not entering and before is None:
			entering = True
		account_changed = entering or (before.account_type, before.account) != (
			self.account_type,
			self.account,
		)
		missing = self.missing_requirements(with_account=account_changed)
		if not missing:
			return
		if not entering:
			previous = {
				rules.TARGET_OPPORTUNITY: {
					req.fieldname: before.get(req.fieldname) for _stage, reqs in missing for req in reqs
				},
				rules.TARGET_ACCOUNT: None if account_changed else {},
			}
			missing = rules.missing_to_refuse(missing, previous, self.requirement_fieldtypes(missing))
			if not missing:
				return
		self.raise_missing_requirements(missing, entering=entering)

	def stage_chain(self, stage: str | None = None) -> list[rules.Stage]:
		"""The stages whose requirements apply to being in `stage` (default: the current one)."""
		stage = stage or self.stage
		if not self.stage_info(stage):
			return []
		return rules.stages_to_satisfy(self.template_stages, stage)

	def requires(self, target: str, fieldname: str) -> bool:
		"""Whether being in the current stage requires this field."""
		wanted = rules.Requirement(target, fieldname)
		return any(wanted in stage.requirements for stage in self.stage_chain())

	def requirement_metas(self) -> dict:
		metas = {rules.TARGET_OPPORTUNITY: self.meta}
		if self.account_type in get_account_doctypes():
			metas[rules.TARGET_ACCOUNT] = frappe.get_meta(self.account_type)
		return metas

	def requirement_fieldtypes(self, missing) -> dict:
		metas = self.requirement_metas()
		fieldtypes: dict[str, dict] = {}
		for _stage, reqs in missing:
			for req in reqs:
				meta = metas.get(req.target)
				df = meta.get_field(req.fieldname) if meta else None
				fieldtypes.setdefault(req.target, {})[req.fieldname] = df.fieldtype if df else None
		return fieldtypes

	def missing_requirements(
		self, stage: str | None = None, with_account: bool = True
	) -> list[tuple[rules.Stage, list[rules.Requirement]]]:
		"""The required fields still empty for being in `stage`, stage by stage. Without `with_account`
		the account's fields count as filled (nothing is read from the account)."""
		stages = self.stage_chain(stage)
		requirements = [req for stage in stages for req in stage.requirements]
		if not requirements:
			return []
		metas = self.requirement_metas()
		account_meta = metas.get(rules.TARGET_ACCOUNT)
		if not with_account:
			stages = [
				rules.Stage(
					s.name,
					s.position,
					s.stage_type,
					tuple(r for r in s.requirements if r.target != rules.TARGET_ACCOUNT),
				)
				for s in stages
			]
		account_fields = [
			r.fieldname
			for r in requirements
			if with_account
			and r.target == rules.TARGET_ACCOUNT
			and account_meta
			and account_meta.has_field(r.fieldname)
		]
		account_values = (
			frappe.db.get_value(self.account_type, self.account, account_fields, as_dict=True) or {}
			if account_fields and self.account and isinstance(self.account, str)
			else {}
		)
		values = {
			rules.TARGET_OPPORTUNITY: {
				r.fieldname: self.get(r.fieldname)
				for r in requirements
				if r.target == rules.TARGET_OPPORTUNITY
			},
			rules.TARGET_ACCOUNT: account_values,
		}
		fieldtypes = self.requirement_fieldtypes([(None, requirements)])
		return rules.missing_by_stage(stages, values, fieldtypes)

	def requirements_payload(self, missing) -> list[dict]:
		"""Stage by stage, the fields as the client's pop-ups need them (target, fieldname, label, type)."""
		metas = self.requirement_metas()
		stage_names = dict(
			frappe.get_all(
				"CRM Stage",
				filters={"name": ("in", [stage.name for stage, _reqs in missing] or [""])},
				fields=["name", "stage_name"],
				as_list=True,
			)
		)
		payload = []
		for stage, reqs in missing:
			fields = []
			for req in reqs:
				meta = metas.get(req.target) or frappe.get_meta(self.doctype)
				df = meta.get_field(req.fieldname) or frappe._dict(
					fieldname=req.fieldname, label=req.fieldname, fieldtype="Data"
				)
				fields.append(
					{
						"target": req.target,
						"doctype": meta.name,
						"fieldname": req.fieldname,
						"label": _(df.label or req.fieldname),
						"fieldtype": df.fieldtype,
						"options": df.options,
					}
				)
			payload.append(
				{
					"stage": stage.name,
					"stage_name": stage_names.get(stage.name, stage.name),
					"stage_type": stage.stage_type,
					"fields": fields,
				}
			)
		return payload

	def raise_missing_requirements(self, missing, entering: bool = True):
		payload = self.requirements_payload(missing)
		lines = [
			"{0}: {1}".format(
				bold_text(stage["stage_name"]),
				", ".join(escape_html(f["label"]) for f in stage["fields"]),
			)
			for stage in payload
		]
		intro = (
			_("We need to know a little more before this opportunity can move on:")
			if entering
			else _("An opportunity in this stage needs these fields, they cannot be emptied:")
		)
		message = intro + "<br>" + "<br>".join(lines)
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
				).format(bold_text(self.name)),
				frappe.LinkExistsError,
			)


def validate_account_requirements(account, method=None) -> None:
	"""doc_events validate of the account DocTypes (CRM Prospect, Customer): a field a stage requires
	of the account cannot be emptied while one of the account's open opportunities is in that stage or
	beyond — being in a stage requires its fields, wherever they live. A field already empty (required
	after the fact) blocks nothing; closed opportunities do not hold their account's fields."""
	before = None if account.is_new() else account.get_doc_before_save()
	if before is None:
		return
	required = set(
		frappe.get_all(
			"CRM Stage Required Field",
			filters={"parenttype": "CRM Stage", "target": rules.TARGET_ACCOUNT},
			pluck="fieldname",
		)
	)
	emptied = set()
	for fieldname in required:
		df = account.meta.get_field(fieldname)
		if (
			df
			and rules.is_filled(before.get(fieldname), df.fieldtype)
			and not rules.is_filled(account.get(fieldname), df.fieldtype)
		):
			emptied.add(fieldname)
	if not emptied:
		return
	opportunities = frappe.get_all(
		"CRM Opportunity",
		filters={"account_type": account.doctype, "account": account.name, "status": rules.OPEN},
		fields=["name", "stage", "stage_template"],
		order_by="name asc",
	)
	stages_of: dict[str, list[rules.Stage]] = {}
	for opportunity in opportunities:
		if opportunity.stage_template not in stages_of:
			stages_of[opportunity.stage_template] = get_template_stages(opportunity.stage_template)
		stages = stages_of[opportunity.stage_template]
		if not any(s.name == opportunity.stage for s in stages):
			continue
		needed = [
			req.fieldname
			for stage in rules.stages_to_satisfy(stages, opportunity.stage)
			for req in stage.requirements
			if req.target == rules.TARGET_ACCOUNT and req.fieldname in emptied
		]
		if needed:
			frappe.throw(
				_(
					"{0} cannot be emptied: opportunity {1} is in stage {2}, which requires it. Fill it in, or move the opportunity back first."
				).format(
					", ".join(escape_html(_(account.meta.get_label(f))) for f in dict.fromkeys(needed)),
					bold_text(opportunity.name),
					bold_text(frappe.db.get_value("CRM Stage", opportunity.stage, "stage_name")),
				),
				StageRequirementsError,
				title=_("Required fields"),
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
	# The salesperson and owner branches of the permission rule (crm_portal/pipeline/board_queries.py).
	from crm_portal.pipeline.board_queries import add_indexes

	add_indexes()
	# The forecast panel's, its report's and the deals at risk's (crm_portal/forecast/queries.py).
	from crm_portal.forecast import queries as forecast_queries

	forecast_queries.add_indexes()

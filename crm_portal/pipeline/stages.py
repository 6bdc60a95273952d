"""Loading stage templates from the database into the plain structures of `rules`."""

import frappe

from crm_portal.pipeline.rules import Requirement, Stage


def get_template_stages(template: str) -> list[Stage]:
	"""All stages of a template with their required fields, in board order (two queries)."""
	rows = frappe.get_all(
		"CRM Stage",
		filters={"stage_template": template},
		fields=["name", "position", "stage_type"],
		order_by="position asc, name asc",
	)
	if not rows:
		return []
	requirements: dict[str, list[Requirement]] = {}
	for req in frappe.get_all(
		"CRM Stage Required Field",
		filters={"parenttype": "CRM Stage", "parent": ("in", [r.name for r in rows])},
		fields=["parent", "target", "fieldname"],
		order_by="idx asc",
	):
		requirements.setdefault(req.parent, []).append(Requirement(req.target, req.fieldname))
	return [Stage(r.name, r.position or 0, r.stage_type, tuple(requirements.get(r.name, ()))) for r in rows]


def get_stage_of_type(template: str, stage_type: str) -> str | None:
	"""The first stage of a type (Won, Lost) in a template."""
	return frappe.db.get_value(
		"CRM Stage", {"stage_template": template, "stage_type": stage_type}, "name", order_by="position asc"
	)

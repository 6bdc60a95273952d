"""The action types of the seeds, shipped as records an admin can edit, disable or add to."""

import frappe

# (name, nature, phone call, colour, icon)
ACTION_TYPES = (
	("A contacter", "Task", 1, "#2490EF", "call"),
	("Démo", "Meeting", 0, "#7C3AED", "video"),
	("Lettre de mission", "Task", 0, "#0891B2", "file"),
	("Participation event", "Meeting", 0, "#DB2777", "users"),
	("Prise RDV", "Task", 1, "#059669", "calendar"),
	("Proposition", "Task", 0, "#D97706", "file"),
	("RDV physique", "Meeting", 0, "#16A34A", "map-pin"),
	("RDV tel", "Meeting", 1, "#0EA5E9", "call"),
	("Relance", "Task", 0, "#DC2626", "bell"),
	("Note", "Note", 0, "#6B7280", "edit"),
)


def ensure_action_types() -> None:
	"""Create the missing types only, so an admin's edits survive migrate."""
	existing = set(frappe.get_all("CRM Action Type", pluck="name"))
	for name, nature, is_call, color, icon in ACTION_TYPES:
		if name in existing:
			continue
		frappe.get_doc(
			{
				"doctype": "CRM Action Type",
				"type_name": name,
				"nature": nature,
				"is_call": is_call,
				"color": color,
				"icon": icon,
			}
		).insert(ignore_permissions=True)

# Copyright (c) 2026, crm_portal developers
# For license information, please see license.txt

from frappe.model.document import Document


class CRMBoardFigures(Document):
	"""The board's figures of open opportunities per (portfolio, stage, salesperson, owner, company),
	written only by crm_portal/pipeline/board_figures.py in the same transaction as each change of an
	opportunity; read through `frappe.get_list` with the opportunities' own permission rule."""


def on_doctype_update():
	from crm_portal.pipeline.board_figures import add_indexes

	add_indexes()

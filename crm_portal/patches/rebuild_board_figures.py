"""The board's summary rows (CRM Board Figures) counted from the opportunities on installed sites."""

from crm_portal.pipeline import board_figures


def execute():
	board_figures.rebuild()

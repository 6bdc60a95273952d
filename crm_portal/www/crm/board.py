"""/crm/board: a portal user's open opportunities of one portfolio, by stage (the desk board's data)."""

from frappe import _

from crm_portal import portal
from crm_portal.api import board

no_cache = 1


def get_context(context):
	portal.prepare(context, _("Board"))
	context.portfolios = portal.portfolios()
	context.portfolio = portal.chosen_portfolio(context.portfolios)
	context.board = None
	if context.portfolio:
		context.board = board.get_board(portfolio=context.portfolio, scope="me", page_length=50)
		context.stages = [s for s in portal.stages_of(context.board["template"]) if s.stage_type == "Open"]

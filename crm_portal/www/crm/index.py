"""/crm: a portal user's overview (their open pipeline and their next actions)."""

from frappe import _

from crm_portal import portal
from crm_portal.api import actions

no_cache = 1


def get_context(context):
	portal.prepare(context, _("My CRM"))
	context.parents = []
	context.summary = portal.pipeline_summary()
	feed = actions.get_actions(scope="me", bucket="all", page_length=10)
	context.next_actions = feed["actions"]
	context.action_counts = feed["counts"]
	context.opportunities = portal.my_opportunities("Open")[:10]

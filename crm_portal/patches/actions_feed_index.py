"""The index of the actions feed for everyone's actions (status_start_index) on installed sites."""

from crm_portal.crm_portal.doctype.crm_action.crm_action import on_doctype_update


def execute():
	on_doctype_update()

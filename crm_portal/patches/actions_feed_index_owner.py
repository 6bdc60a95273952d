"""The actions feed's `feed_index` as (assigned_to, status, start, name, owner) (crm_action.on_doctype_update):
a person's page still comes in `start, name` order from the index, and the bucket counts of a team
lead's or a salesperson's feed read the index alone, their rule (`or owner = me`) included."""

from crm_portal.crm_portal.doctype.crm_action.crm_action import on_doctype_update


def execute():
	on_doctype_update()

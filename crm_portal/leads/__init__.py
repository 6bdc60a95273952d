"""Leads (ERPNext Lead extended by Custom Fields): configurable statuses and the conversion into an
account, a contact and an opportunity.

`statuses` and `conversion` import no frappe so pytest can test them; `hooks` holds the document events
and `crm_portal.api.leads` the conversion endpoint."""

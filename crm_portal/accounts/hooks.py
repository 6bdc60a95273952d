"""Document event hooks on ERPNext DocTypes for the accounts rules."""

from crm_portal.accounts.validation import validate_account


def validate_customer(doc, method=None) -> None:
	"""Customer `validate`: the same SIREN/SIRET and account-link rules as a CRM Prospect."""
	validate_account(doc)

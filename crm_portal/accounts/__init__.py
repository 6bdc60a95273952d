"""Accounts: an opportunity's account is a CRM Prospect or an ERPNext Customer.

This package's plain modules (`identifiers`, `sirene`) import no frappe so pytest can test them; the
frappe-using helpers live in `crm_portal.accounts.doctypes`."""

ACCOUNT_DOCTYPES = ("CRM Prospect", "Customer")

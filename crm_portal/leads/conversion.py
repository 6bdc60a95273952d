"""Converting a qualified lead (no frappe import): what the dialog may ask for, checked before any
write, and the values taken over from the lead.

A lead becomes a new or an existing account (CRM Prospect or ERPNext Customer), a new or an existing
contact of that account (an existing contact only with an existing account, as in the seed), and
optionally an opportunity in a portfolio."""

from dataclasses import dataclass, field

NEW = "new"
EXISTING = "existing"
MODES = (NEW, EXISTING)
ACCOUNT_TYPES = ("CRM Prospect", "Customer")

# Messages (translated by the caller).
UNKNOWN_ACCOUNT_MODE = "Choose whether the lead becomes a new account or joins an existing one"
UNKNOWN_CONTACT_MODE = "Choose whether the lead becomes a new contact or an existing one"
UNKNOWN_ACCOUNT_TYPE = "The account must be a CRM Prospect or a Customer"
ACCOUNT_MISSING = "Select the existing account"
ACCOUNT_NAME_MISSING = "Enter the name of the new account"
CONTACT_NEEDS_EXISTING_ACCOUNT = "An existing contact can only be chosen with an existing account"
CONTACT_MISSING = "Select the existing contact"
CONTACT_NAME_MISSING = "Enter the first name of the new contact"
PORTFOLIO_MISSING = "Select the portfolio of the opportunity"
OPPORTUNITY_TITLE_MISSING = "Enter the name of the opportunity"
NEGATIVE_AMOUNT = "The amount of the opportunity cannot be negative"

# Lead field → CRM Prospect field (new account); the Customer takes the same values through its
# crm_ Custom Fields and customer_name.
ACCOUNT_FROM_LEAD = {
	"company_name": "call_name",
	"industry": "industry",
	"source": "source",
	"territory": "territory",
	"lead_owner": "account_manager",
	"phone": "phone",
}
CONTACT_FROM_LEAD = {
	"salutation": "salutation",
	"first_name": "first_name",
	"last_name": "last_name",
	"job_title": "designation",
	"email_id": "email_id",
	"phone": "phone",
	"mobile_no": "mobile_no",
}


@dataclass
class ConversionRequest:
	account_mode: str = NEW
	account_type: str = "CRM Prospect"
	account: str | None = None
	account_values: dict = field(default_factory=dict)
	contact_mode: str = NEW
	contact: str | None = None
	contact_values: dict = field(default_factory=dict)
	create_opportunity: bool = False
	opportunity_values: dict = field(default_factory=dict)


def request_errors(req: ConversionRequest) -> list[str]:
	"""Every problem of the request at once, so the dialog shows them together."""
	errors = []
	if req.account_mode not in MODES:
		errors.append(UNKNOWN_ACCOUNT_MODE)
	if req.contact_mode not in MODES:
		errors.append(UNKNOWN_CONTACT_MODE)
	if req.account_type not in ACCOUNT_TYPES:
		errors.append(UNKNOWN_ACCOUNT_TYPE)
	if req.account_mode == EXISTING and not req.account:
		errors.append(ACCOUNT_MISSING)
	if req.account_mode == NEW and not (req.account_values.get("call_name") or "").strip():
		errors.append(ACCOUNT_NAME_MISSING)
	if req.contact_mode == EXISTING:
		if req.account_mode != EXISTING:
			errors.append(CONTACT_NEEDS_EXISTING_ACCOUNT)
		elif not req.contact:
			errors.append(CONTACT_MISSING)
	if req.contact_mode == NEW and not (req.contact_values.get("first_name") or "").strip():
		errors.append(CONTACT_NAME_MISSING)
	if req.create_opportunity:
		values = req.opportunity_values
		if not values.get("portfolio"):
			errors.append(PORTFOLIO_MISSING)
		if not (values.get("title") or "").strip():
			errors.append(OPPORTUNITY_TITLE_MISSING)
		try:
			if float(values.get("amount") or 0) < 0:
				errors.append(NEGATIVE_AMOUNT)
		except (TypeError, ValueError):
			errors.append(NEGATIVE_AMOUNT)
	return errors


def take_over(lead: dict, mapping: dict, given: dict | None) -> dict:
	"""The lead's values under their new names, overridden by what the user typed (empty values typed
	in the dialog do not erase the lead's)."""
	values = {target: lead.get(source) for source, target in mapping.items() if lead.get(source)}
	values.update({k: v for k, v in (given or {}).items() if v not in (None, "")})
	return values


def account_values(lead: dict, given: dict | None = None) -> dict:
	values = take_over(lead, ACCOUNT_FROM_LEAD, given)
	if not values.get("call_name") and lead.get("lead_name"):
		values["call_name"] = lead["lead_name"]  # a lead without a company: a private person
	return values


def contact_values(lead: dict, given: dict | None = None) -> dict:
	values = take_over(lead, CONTACT_FROM_LEAD, given)
	if not values.get("first_name") and lead.get("lead_name"):
		values["first_name"] = lead["lead_name"]
	return values


def opportunity_values(lead: dict, given: dict | None = None) -> dict:
	values = dict(given or {})
	if not (values.get("title") or "").strip():
		values["title"] = lead.get("company_name") or lead.get("lead_name") or ""
	return values

"""Where the CRM fields of an account live: on CRM Prospect under their own names, on ERPNext Customer
as `crm_` Custom Fields (fixtures), so one set of rules serves both (no frappe import)."""

PROSPECT = "CRM Prospect"
CUSTOMER = "Customer"

# Prospect status.
DRAFT = "Draft"
VALIDATED = "Validated"
CUSTOMER_STATUS = "Customer"
CLOSED = "Closed"

REGISTRATION_PENDING = "En cours d'immatriculation"
LEGAL_FORMS = (
	"SAS",
	"SASU",
	"SARL",
	"EURL",
	"SA",
	"SNC",
	"SCI",
	"SELARL",
	"SELAS",
	"SCP",
	"Entreprise individuelle",
	"Association",
	"Établissement public",
	REGISTRATION_PENDING,
)

# INSEE "catégorie juridique" codes (nature_juridique in the SIRENE API) for the usual legal forms.
LEGAL_FORM_CODES = {
	"1000": "Entreprise individuelle",
	"5202": "SNC",
	"5385": "SELARL",
	"5485": "SELARL",
	"5498": "EURL",
	"5499": "SARL",
	"5599": "SA",
	"5785": "SELAS",
	"5710": "SAS",
	"5720": "SASU",
	"6540": "SCI",
	"6585": "SCP",
	"9220": "Association",
}


def legal_form_of(code: str | None) -> str | None:
	if not code:
		return None
	if code in LEGAL_FORM_CODES:
		return LEGAL_FORM_CODES[code]
	if code.startswith("55"):
		return "SA"
	if code.startswith("92"):
		return "Association"
	if code.startswith("73") or code.startswith("74"):
		return "Établissement public"
	return None


# Logical field -> fieldname, per account DocType.
ACCOUNT_FIELDS = {
	PROSPECT: {
		"call_name": "call_name",
		"legal_name": "legal_name",
		"siren": "siren",
		"siret": "siret",
		"ape_code": "ape_code",
		"legal_form": "legal_form",
		"account_manager": "account_manager",
		"customer_group": "customer_group",
		"territory": "territory",
		"industry": "industry",
		"source": "source",
		"priority_target": "priority_target",
		"invoice_email": "invoice_email",
		"phone": "phone",
		"notes": "notes",
		"links": "account_links",
	},
	CUSTOMER: {
		"call_name": "customer_name",
		"legal_name": "crm_legal_name",
		"siren": "crm_siren",
		"siret": "crm_siret",
		"ape_code": "crm_ape_code",
		"legal_form": "crm_legal_form",
		"account_manager": "account_manager",
		"customer_group": "customer_group",
		"territory": "territory",
		"industry": "industry",
		"source": "crm_source",
		"priority_target": "crm_priority_target",
		"invoice_email": "crm_invoice_email",
		"phone": "mobile_no",
		"notes": "crm_notes",
		"links": "crm_account_links",
	},
}


def fieldname(doctype: str, field: str) -> str:
	return ACCOUNT_FIELDS[doctype][field]


def prospect_to_customer_values(prospect: dict) -> dict:
	"""A Customer's CRM fields from a CRM Prospect's values (for the prospect → customer conversion)."""
	values = {}
	for field, prospect_field in ACCOUNT_FIELDS[PROSPECT].items():
		if field == "links":
			continue
		values[ACCOUNT_FIELDS[CUSTOMER][field]] = prospect.get(prospect_field)
	return values

"""Site fixtures for the integration suite and factories shared by its tests."""

import frappe

from crm_portal.setup.action_types import ensure_action_types
from crm_portal.setup.erpnext_setup import FRENCH_FIRM, ensure_fiscal_years, ensure_setup_complete

TEST_COMPANY_ABBR = "CDS"


def before_tests() -> None:
	"""Called by `bench run-tests` once: what ERPNext documents need (company, fiscal years, an Item)."""
	frappe.clear_cache()
	ensure_setup_complete()
	ensure_test_company()
	ensure_action_types()
	frappe.db.commit()  # fixtures must survive the per-test-class rollbacks


def ensure_test_company() -> None:
	"""The French test company, even where ERPNext's own `before_tests` (run first when tests are picked
	by `--module`) already completed the setup with its US company."""
	if frappe.db.exists("Company", {"abbr": TEST_COMPANY_ABBR}):
		return
	company = create_test_company(FRENCH_FIRM["company_name"], TEST_COMPANY_ABBR)
	frappe.db.set_single_value("Global Defaults", "default_company", company)
	frappe.db.set_default("company", company)
	ensure_fiscal_years(company)


def get_test_company() -> str:
	return frappe.db.get_value("Company", {"abbr": TEST_COMPANY_ABBR}, "name") or frappe.db.get_value(
		"Company", {}, "name"
	)


def create_test_user(email: str, roles: tuple[str, ...] = ("Sales User",), **fields) -> str:
	"""A desk user with the given roles (created once, roles kept in step)."""
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": fields.pop("first_name", email.split("@")[0].title()),
				"send_welcome_email": 0,
				**fields,
			}
		).insert(ignore_permissions=True)
	else:
		user = frappe.get_doc("User", email)
	missing = set(roles) - {r.role for r in user.roles}
	if missing:
		user.add_roles(*missing)
	return email


def create_test_customer(name: str = "_Test CRM Customer", **fields) -> str:
	if not frappe.db.exists("Customer", name):
		frappe.get_doc(
			{"doctype": "Customer", "customer_name": name, "customer_type": "Company", **fields}
		).insert(ignore_permissions=True)
	return name


def create_test_lost_reason(reason: str = "_Test Prix trop élevé") -> str:
	if not frappe.db.exists("Opportunity Lost Reason", reason):
		frappe.get_doc({"doctype": "Opportunity Lost Reason", "lost_reason": reason}).insert(
			ignore_permissions=True
		)
	return reason


def create_test_prospect(call_name: str = "_Test CRM Prospect", **fields) -> str:
	"""A Draft CRM Prospect found by call name; "en cours d'immatriculation" (no SIREN) unless a SIREN
	or SIRET is given. Returns its name (PRO-#####)."""
	existing = frappe.db.get_value("CRM Prospect", {"call_name": call_name}, "name")
	if existing:
		return existing
	if not fields.get("siren") and not fields.get("siret"):
		fields.setdefault("legal_form", "En cours d'immatriculation")
	doc = frappe.get_doc({"doctype": "CRM Prospect", "call_name": call_name, **fields})
	doc.insert(ignore_permissions=True)
	return doc.name


def create_test_link_type(code: str, kind: str = "Management", direction: str = "Transverse") -> str:
	if not frappe.db.exists("CRM Link Type", code):
		frappe.get_doc(
			{
				"doctype": "CRM Link Type",
				"code": code,
				"link_type_name": code.replace("_", " ").title(),
				"kind": kind,
				"direction": direction,
			}
		).insert(ignore_permissions=True)
	return code


def create_test_contact(
	first_name: str,
	last_name: str | None = None,
	email: str | None = None,
	phone: str | None = None,
	links: tuple[tuple[str, str], ...] = (),
) -> str:
	"""A Contact (found by first and last name) linked to the given (DocType, name) accounts."""
	existing = frappe.db.get_value(
		"Contact", {"first_name": first_name, "last_name": last_name or ""}, "name"
	)
	if existing:
		return existing
	doc = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": first_name,
			"last_name": last_name,
			"email_ids": [{"email_id": email, "is_primary": 1}] if email else [],
			"phone_nos": [{"phone": phone, "is_primary_phone": 1}] if phone else [],
			"links": [{"link_doctype": dt, "link_name": name} for dt, name in links],
		}
	)
	doc.insert(ignore_permissions=True)
	return doc.name


# (stage name, position, type, probability, required fields [(target, fieldname)][, creates quotation])
STANDARD_STAGES = (
	("IDENTIFICATION", 10, "Open", 10, ()),
	("QUALIFICATION / POSITIONNEMENT", 20, "Open", 40, ()),
	("PROPOSITION", 30, "Open", 70, ()),
	("Gagnée", 90, "Won", 100, ()),
	("Perdue", 99, "Lost", 0, ()),
)


def create_test_template(name: str = "_Test Template", stages=STANDARD_STAGES) -> str:
	"""A stage template with its stages; returns the template name. Stage names are
	'<template>-<stage name>'."""
	if not frappe.db.exists("CRM Stage Template", name):
		frappe.get_doc({"doctype": "CRM Stage Template", "template_name": name}).insert(
			ignore_permissions=True
		)
	for stage_name, position, stage_type, probability, required, *creates_quotation in stages:
		if frappe.db.exists("CRM Stage", f"{name}-{stage_name}"):
			continue
		frappe.get_doc(
			{
				"doctype": "CRM Stage",
				"stage_template": name,
				"stage_name": stage_name,
				"position": position,
				"stage_type": stage_type,
				"probability": probability,
				"required_fields": [{"target": t, "fieldname": f} for t, f in required],
				"creates_quotation": int(bool(creates_quotation and creates_quotation[0])),
			}
		).insert(ignore_permissions=True)
	return name


def create_test_portfolio(name: str = "_Test Portfolio", template: str | None = None, **fields) -> str:
	template = template or create_test_template()
	if not frappe.db.exists("CRM Portfolio", name):
		frappe.get_doc(
			{
				"doctype": "CRM Portfolio",
				"portfolio_name": name,
				"company": get_test_company(),
				"stage_template": template,
				**fields,
			}
		).insert(ignore_permissions=True)
	return name


def create_test_opportunity(**overrides):
	"""An opportunity in the test portfolio for the test customer (inserted, permissions applied)."""
	values = {
		"doctype": "CRM Opportunity",
		"title": "_Test Projet",
		"portfolio": overrides.pop("portfolio", None) or create_test_portfolio(),
		"account_type": "Customer",
		"account": overrides.pop("account", None) or create_test_customer(),
		"amount": 10000,
		"days": 10,
	}
	values.update(overrides)
	return frappe.get_doc(values).insert()


def create_test_sales_person(user: str, parent: str | None = None, is_group: int = 1) -> str:
	"""A Sales Person for `user` (through an Employee) under `parent` in ERPNext's Sales Person tree."""
	from frappe.utils.nestedset import get_root_of

	name = f"_Test SP {user}"
	if frappe.db.exists("Sales Person", name):
		return name
	employee = frappe.db.get_value("Employee", {"user_id": user}, "name")
	if not employee:
		employee = (
			frappe.get_doc(
				{
					"doctype": "Employee",
					"first_name": user.split("@")[0],
					"gender": frappe.db.get_value("Gender", {}, "name") or "Male",
					"date_of_birth": "1980-01-01",
					"date_of_joining": "2020-01-01",
					"company": get_test_company(),
					"status": "Active",
					"user_id": user,
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
	frappe.get_doc(
		{
			"doctype": "Sales Person",
			"sales_person_name": name,
			"parent_sales_person": parent or get_root_of("Sales Person"),
			"is_group": is_group,
			"employee": employee,
			"enabled": 1,
		}
	).insert(ignore_permissions=True)
	return name


def create_test_action(**overrides):
	"""An open action ("Relance" task, starting in an hour unless told), inserted with permissions."""
	from frappe.utils import add_to_date, now_datetime

	ensure_action_types()
	values = {
		"doctype": "CRM Action",
		"action_type": "Relance",
		"start": add_to_date(now_datetime(), hours=1),
	}
	values.update(overrides)
	return frappe.get_doc(values).insert()


def run_concurrently(user: str, *calls) -> list[str]:
	"""Run each call at the same moment in its own thread and database connection, as `user`, as two
	requests would; each commits on success and rolls back on error. Returns, per call, "ok" or the
	exception's class name. What the calls need must be committed first."""
	import threading

	site, sites_path = frappe.local.site, frappe.local.sites_path
	barrier = threading.Barrier(len(calls))
	outcomes: list[str] = [""] * len(calls)

	def run(index, call):
		frappe.init(site=site, sites_path=sites_path)
		frappe.connect()
		try:
			frappe.set_user(user)
			barrier.wait(timeout=30)
			call()
			frappe.db.commit()
			outcomes[index] = "ok"
		except Exception as e:
			frappe.db.rollback()
			outcomes[index] = type(e).__name__
		finally:
			frappe.destroy()

	threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join(timeout=120)
	return outcomes


def create_test_lead(lead_name: str, **fields):
	"""A Lead (ERPNext) found by name, else inserted; a company lead when `company_name` is given."""
	existing = frappe.db.get_value("Lead", {"lead_name": lead_name}, "name")
	if existing:
		return frappe.get_doc("Lead", existing)
	first, _sep, last = lead_name.partition(" ")
	values = {"doctype": "Lead", "first_name": fields.pop("first_name", first), "last_name": last, **fields}
	return frappe.get_doc(values).insert(ignore_permissions=True)


def create_test_company(name: str = "_Test CRM Company B", abbr: str = "TCB") -> str:
	"""A second French company (ERPNext's standard chart of accounts), for company-level permissions."""
	if not frappe.db.exists("Company", name):
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": name,
				"abbr": abbr,
				"default_currency": "EUR",
				"country": "France",
				"create_chart_of_accounts_based_on": "Standard Template",
				"chart_of_accounts": "Standard",
			}
		).insert(ignore_permissions=True)
	return name

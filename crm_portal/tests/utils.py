"""Site fixtures for the integration suite and factories shared by its tests."""

import frappe

from crm_portal.setup.erpnext_setup import ensure_setup_complete

TEST_COMPANY_ABBR = "CDS"


def before_tests() -> None:
	"""Called by `bench run-tests` once: what ERPNext documents need (company, fiscal years, an Item)."""
	frappe.clear_cache()
	ensure_setup_complete()
	frappe.db.commit()  # fixtures must survive the per-test-class rollbacks


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


# (stage name, position, type, probability, required fields [(target, fieldname)])
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
	for stage_name, position, stage_type, probability, required in stages:
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

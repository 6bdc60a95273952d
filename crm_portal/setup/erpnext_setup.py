"""ERPNext set-up a site needs before opportunities can become Quotations: used by the test fixtures
(`before_tests`) and by the demo data, so both sites are configured the same way."""

import frappe
from frappe.utils import now_datetime
from frappe.utils.nestedset import get_root_of

FRENCH_FIRM = {
	"company_name": "Conseil Dupont SAS",
	"company_abbr": "CDS",
	"currency": "EUR",
	"country": "France",
	"timezone": "Europe/Paris",
	"language": "fr",
}

SERVICE_ITEM_CODE = "PRESTATION-CONSEIL"
SERVICE_ITEM_GROUP = "Services"


def ensure_setup_complete(firm: dict | None = None) -> str:
	"""Run ERPNext's setup wizard once (company, fiscal year, chart of accounts); returns the company."""
	firm = {**FRENCH_FIRM, **(firm or {})}
	from frappe.desk.page.setup_wizard.setup_wizard import setup_complete

	if not frappe.db.a_row_exists("Company"):
		year = now_datetime().year
		setup_complete(
			{
				"currency": firm["currency"],
				"full_name": "CRM Portal Admin",
				"company_name": firm["company_name"],
				"timezone": firm["timezone"],
				"company_abbr": firm["company_abbr"],
				"industry": "Services",
				"country": firm["country"],
				"fy_start_date": f"{year}-01-01",
				"fy_end_date": f"{year}-12-31",
				"language": firm["language"],
				"company_tagline": "Conseil",
				"email": "admin@example.com",
				"password": "admin",
				"chart_of_accounts": "Standard",
			}
		)
	company = frappe.db.get_single_value("Global Defaults", "default_company") or frappe.db.get_value(
		"Company", {}, "name"
	)
	ensure_fiscal_years(company)
	ensure_selling_defaults()
	ensure_service_item()
	return company


def ensure_fiscal_years(company: str) -> None:
	"""Fiscal years for last, this and next year, so dated documents around today always validate."""
	year = now_datetime().year
	for y in (year - 1, year, year + 1):
		start, end = f"{y}-01-01", f"{y}-12-31"
		if frappe.db.exists("Fiscal Year", {"year_start_date": start}):
			continue
		fy = frappe.get_doc(
			{"doctype": "Fiscal Year", "year": str(y), "year_start_date": start, "year_end_date": end}
		)
		fy.append("companies", {"company": company})
		fy.insert(ignore_permissions=True)


def ensure_selling_defaults() -> None:
	defaults = {
		"customer_group": get_root_of("Customer Group"),
		"territory": get_root_of("Territory"),
	}
	frappe.db.set_single_value("Selling Settings", defaults)
	for key, value in defaults.items():
		frappe.db.set_default(key, value)


def ensure_service_item(item_code: str = SERVICE_ITEM_CODE, item_name: str = "Prestation de conseil") -> str:
	"""A non-stock service Item billed in days, used for general estimates on quotations."""
	if not frappe.db.exists("Item Group", SERVICE_ITEM_GROUP):
		frappe.get_doc(
			{
				"doctype": "Item Group",
				"item_group_name": SERVICE_ITEM_GROUP,
				"parent_item_group": get_root_of("Item Group"),
			}
		).insert(ignore_permissions=True)
	if not frappe.db.exists("UOM", "Jour"):
		frappe.get_doc({"doctype": "UOM", "uom_name": "Jour"}).insert(ignore_permissions=True)
	if not frappe.db.exists("Item", item_code):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": item_code,
				"item_name": item_name,
				"item_group": SERVICE_ITEM_GROUP,
				"stock_uom": "Jour",
				"is_stock_item": 0,
				"is_sales_item": 1,
				"include_item_in_manufacturing": 0,
			}
		).insert(ignore_permissions=True)
	return item_code

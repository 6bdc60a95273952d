"""Known data shared by the report and workspace tests: a sales team in ERPNext's Sales Person tree
(LEAD over MEMBER), a salesperson of another team (OUTSIDER), a Sales Manager (BOSS), a template, a
portfolio and two customers. Idempotent, for `setUpClass` (the test class rolls it back)."""

import frappe

from crm_portal.tests.utils import (
	create_test_customer,
	create_test_lost_reason,
	create_test_portfolio,
	create_test_sales_person,
	create_test_template,
	create_test_user,
)

LEAD = "rep.lead@example.com"
MEMBER = "rep.member@example.com"
OUTSIDER = "rep.outsider@example.com"
BOSS = "rep.boss@example.com"
TEMPLATE = "_Test Rep"
STAGES = {
	"ident": f"{TEMPLATE}-IDENTIFICATION",
	"qualif": f"{TEMPLATE}-QUALIFICATION / POSITIONNEMENT",
	"prop": f"{TEMPLATE}-PROPOSITION",
	"won": f"{TEMPLATE}-Gagnée",
	"lost": f"{TEMPLATE}-Perdue",
}


def make_team() -> frappe._dict:
	for user in (LEAD, MEMBER, OUTSIDER):
		create_test_user(user)
	create_test_user(BOSS, roles=("Sales Manager",))
	lead_sp = create_test_sales_person(LEAD)
	create_test_sales_person(MEMBER, parent=lead_sp, is_group=0)
	outsider_sp = create_test_sales_person(OUTSIDER, is_group=0)
	template = create_test_template(TEMPLATE)
	return frappe._dict(
		lead_sp=lead_sp,
		outsider_sp=outsider_sp,
		template=template,
		portfolio=create_test_portfolio("_Test Rep Portfolio", template),
		customer_a=create_test_customer("_Test Rep Customer A"),
		customer_b=create_test_customer("_Test Rep Customer B"),
		lost_reason=create_test_lost_reason(),
	)


def create_test_sale_type(name: str, mode: str = "Amount") -> str:
	if not frappe.db.exists("CRM Sale Type", name):
		frappe.get_doc({"doctype": "CRM Sale Type", "sale_type_name": name, "estimate_mode": mode}).insert(
			ignore_permissions=True
		)
	return name


def make_opportunity(team, salesperson: str, stage: str, amount: float, account: str | None = None, **fields):
	"""An opportunity of the test portfolio at a stage key of STAGES (won needs signed_on, lost needs
	lost_on), inserted as Administrator."""
	values = {
		"doctype": "CRM Opportunity",
		"title": fields.pop("title", f"_Test Rep {salesperson} {stage} {amount}"),
		"portfolio": team.portfolio,
		"account_type": "Customer",
		"account": account or team.customer_a,
		"salesperson": salesperson,
		"stage": STAGES[stage],
		"amount": amount,
	}
	if stage == "lost":
		values["lost_reason"] = team.lost_reason
	values.update(fields)
	return frappe.get_doc(values).insert(ignore_permissions=True)

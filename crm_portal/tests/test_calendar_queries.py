"""The signature calendar gives each month its own first cards, for every persona, exactly as
`frappe.get_list` on that month would (before: one page of page_length x months cards over the whole
window, so a busy first month took every card and the later months showed none).

Integration tests: `TEST_SITE=<site> make integration MODULE=crm_portal.tests.test_calendar_queries`."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_months, get_first_day, getdate, today

from crm_portal.api import board
from crm_portal.tests.test_board_queries import (
	LEAD,
	LONER,
	MANAGER,
	MEMBERS,
	SELLER,
	STAGES,
	VIEWER,
	setup_people,
)
from crm_portal.tests.utils import (
	create_test_customer,
	create_test_opportunity,
	create_test_portfolio,
	create_test_template,
	get_test_company,
)

TEMPLATE = "_Test BQCAL"
PAGE = 3
# Opportunities per month of the window: the first month holds more than a page for everybody.
PER_MONTH = (14, 5, 0, 7)


class TestCalendarMonths(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		setup_people()
		create_test_template(TEMPLATE, STAGES)
		cls.portfolio = create_test_portfolio("_Test BQCAL Portfolio", TEMPLATE, company=get_test_company())
		customer = create_test_customer("_Test BQCAL Customer")
		people = [SELLER, LEAD, *MEMBERS, LONER, "Administrator"]
		owners = ["Administrator", SELLER, LEAD]
		cls.first = get_first_day(add_months(today(), 1))
		i = 0
		for month, count in enumerate(PER_MONTH):
			for day in range(count):
				opp = create_test_opportunity(
					title=f"_Test BQCAL {i}", portfolio=cls.portfolio, account=customer
				)
				frappe.db.set_value(
					"CRM Opportunity",
					opp.name,
					{
						"salesperson": people[i % len(people)],
						"owner": owners[(i // 2) % len(owners)],
						"expected_signature_date": add_months(cls.first, month).replace(day=1 + day % 27),
						"amount": 100 + i,
					},
					update_modified=False,
				)
				i += 1

	def test_every_month_has_its_first_cards_for_every_persona(self):
		months = len(PER_MONTH)
		for user in ("Administrator", SELLER, LEAD, MANAGER, VIEWER):
			with self.set_user(user):
				calendar = board.get_calendar(
					self.first.year,
					self.first.month,
					months,
					portfolio=self.portfolio,
					scope="all",
					page_length=PAGE,
				)
				dated = frappe.get_list(
					"CRM Opportunity",
					filters=[
						["portfolio", "=", self.portfolio],
						["status", "=", "Open"],
						["expected_signature_date", "is", "set"],
					],
					fields=["name", "expected_signature_date"],
					order_by="expected_signature_date asc, name asc",
					limit=0,
				)
			columns = calendar["columns"][1:]
			self.assertEqual(len(columns), months)
			for column in columns:
				inside = [
					r.name
					for r in dated
					if getdate(r.expected_signature_date).strftime("%Y-%m") == column["key"]
				]
				self.assertEqual(
					[c["name"] for c in column["cards"]], inside[:PAGE], f"{user} {column['key']}"
				)
				self.assertEqual(column.get("count") or 0, len(inside), f"{user} {column['key']}")
			if user in ("Administrator", MANAGER):
				self.assertEqual(
					[len(c["cards"]) for c in columns], [min(n, PAGE) for n in PER_MONTH], "every month shown"
				)

"""Read endpoints run on a MariaDB replica when the site has one (`read_from_replica`), the standard
Frappe way to scale reads. The "replica" here is a second connection to the same server: it cannot see
this test's uncommitted data, which proves where the read went."""

import frappe
from frappe.tests.utils import FrappeTestCase

from crm_portal.api import board
from crm_portal.tests.utils import create_test_customer, create_test_opportunity, create_test_portfolio


class TestReadReplica(FrappeTestCase):
	def setUp(self):
		self.portfolio = create_test_portfolio()
		create_test_customer()
		frappe.db.commit()  # what the replica may see
		self.opp = create_test_opportunity(title="_Test Replica uncommitted", salesperson="Administrator")

	def titles(self) -> set[str]:
		data = board.get_board(portfolio=self.portfolio, scope="all", page_length=200)
		return {card["title"] for column in data["columns"] for card in column["cards"]}

	def test_board_reads_from_the_replica_when_configured(self):
		self.assertIn(self.opp.title, self.titles())  # on the primary, in this transaction
		primary, conf = frappe.local.db, frappe.local.conf
		conf.read_from_replica, conf.replica_host = 1, conf.get("db_host") or "127.0.0.1"
		try:
			self.assertNotIn(self.opp.title, self.titles())  # another connection: not committed there
			self.assertIs(frappe.local.db, primary, "the primary connection is back after the read")
		finally:
			conf.pop("read_from_replica", None)
			conf.pop("replica_host", None)
			for attr in ("replica_db", "primary_db"):
				if hasattr(frappe.local, attr):
					delattr(frappe.local, attr)
		self.assertIn(self.opp.title, self.titles())

"""Hostile input against every whitelisted method of the app, through Frappe's real HTTP stack.

A salesperson logs in, then hypothesis throws random and nasty arguments (unicode, huge values, wrong
types, SQL and HTML fragments, other people's documents) at each `/api/method/crm_portal...` endpoint.
Each answer must be a success or a 4xx - never a 5xx - and a refused call must leave the database as
it was. Each request runs in its own thread and database connection, as in production, so what the
suite sets up is committed and cleaned up at the end (records of its own users only).

Size: EXAMPLES_PER_METHOD examples per method (derandomized, so every run tries the same cases)."""

import importlib
import inspect
import json
import pkgutil

import frappe
from frappe.tests.test_api import make_request
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_test_client
from frappe.utils.password import update_password
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import crm_portal
from crm_portal.tests.utils import (
	create_test_customer,
	create_test_opportunity,
	create_test_portfolio,
	create_test_user,
)

EXAMPLES_PER_METHOD = 40
USER, OTHER = "hostile.seller@example.com", "hostile.other@example.com"
PASSWORD = "Hostile-Test-2026!"
# Tables whose rows a refused call must not have touched.
WATCHED = (
	"CRM Opportunity",
	"CRM Prospect",
	"CRM Action",
	"CRM Portfolio",
	"CRM Stage",
	"Quotation",
	"Sales Order",
	"Customer",
	"Contact",
	"Address",
	"Prospect",
	"Event",
	"ToDo",
)

NASTY_STRINGS = [
	"",
	" ",
	"' OR '1'='1",
	"1; DROP TABLE `tabCRM Opportunity`; --",
	"%' UNION SELECT name, password FROM __Auth -- ",
	"%",
	"*",
	"_",
	"\\",
	"<script>alert('x')</script>",
	'<img src=x onerror="alert(1)">',
	"{{ frappe.db.sql('select 1') }}",
	"x" * 5000,
	"é" * 200,
	"\u0000\u202e\ufeff",
	"2026-13-45",
	"9" * 40,
	"null",
	"[]",
	"{}",
]


def app_endpoints() -> dict[str, object]:
	"""`dotted.path -> function` for every whitelisted function of the app (its modules are imported
	first, since a function is whitelisted when its module loads)."""
	for module in pkgutil.walk_packages(crm_portal.__path__, "crm_portal."):
		if ".test_" in module.name or module.name.endswith(".tests") or ".demo" in module.name:
			continue
		try:
			importlib.import_module(module.name)
		except Exception:
			continue  # a module that needs an app not installed here is not an endpoint of this site
	return {
		f"{fn.__module__}.{fn.__name__}": fn
		for fn in frappe.whitelisted
		if fn.__module__.startswith("crm_portal.") and ".test_" not in fn.__module__
	}


def values(pool: list[str]):
	"""Any JSON value, biased towards the nasty and the almost-valid."""
	scalars = st.one_of(
		st.sampled_from(NASTY_STRINGS + pool),
		st.text(max_size=60),
		st.integers(min_value=-(10**20), max_value=10**20),
		st.floats(allow_nan=False, allow_infinity=False),
		st.booleans(),
		st.none(),
	)
	return st.recursive(
		scalars,
		lambda children: st.one_of(
			st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)
		),
		max_leaves=8,
	)


def arguments(fn, pool: list[str]):
	params = [p for p in inspect.signature(fn).parameters.values() if p.kind is p.POSITIONAL_OR_KEYWORD]
	required = {p.name: values(pool) for p in params if p.default is p.empty}
	optional = {p.name: values(pool) for p in params if p.default is not p.empty}
	return st.fixed_dictionaries(required, optional=optional)


def fingerprint() -> list:
	"""Row count and last modification of each watched table, read in a fresh transaction."""
	frappe.db.rollback()
	query = " union all ".join(
		f"select %s, count(*), max(modified) from `tab{doctype}`" for doctype in WATCHED
	)
	return frappe.db.sql(query, WATCHED)


class TestHostileInput(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		create_test_user(USER, first_name="Hostile")
		create_test_user(OTHER, first_name="Other")
		update_password(USER, PASSWORD)
		customer = create_test_customer("_Test Hostile Customer")
		portfolio = create_test_portfolio()
		mine = create_test_opportunity(title="_Test Hostile mine", salesperson=USER, account=customer)
		theirs = create_test_opportunity(title="_Test Hostile theirs", salesperson=OTHER, account=customer)
		frappe.db.commit()  # the requests run on their own connections
		stages = frappe.get_all("CRM Stage", pluck="name", limit=10)
		cls.pool = [mine.name, theirs.name, portfolio, customer, USER, OTHER, "Administrator", *stages]
		cls.client = get_test_client()
		login = make_request(
			target=cls.client.post,
			args=("/api/method/login",),
			kwargs={"json": {"usr": USER, "pwd": PASSWORD}},
		)
		assert login.status_code == 200, login.get_data(as_text=True)

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.set_user("Administrator")
		for doctype in ("Quotation", "CRM Action", "CRM Opportunity", "CRM Prospect", "Contact", "Event"):
			if not frappe.db.exists("DocType", doctype):
				continue
			for name in frappe.get_all(doctype, filters={"owner": ("in", (USER, OTHER))}, pluck="name"):
				frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
		for name in frappe.get_all(
			"CRM Opportunity", filters={"title": ("like", "_Test Hostile%")}, pluck="name"
		):
			frappe.delete_doc("CRM Opportunity", name, force=True, ignore_permissions=True)
		frappe.db.commit()
		super().tearDownClass()

	def call(self, path: str, fn, kwargs: dict):
		methods = frappe.allowed_http_methods_for_whitelisted_func.get(fn) or ["POST"]
		if "POST" in methods:
			target, payload = self.client.post, {"json": kwargs}
		else:
			target = self.client.get
			payload = {"query_string": {k: json.dumps(v) for k, v in kwargs.items()}}
		return make_request(target=target, args=(f"/api/method/{path}",), kwargs=payload)

	def test_every_endpoint_answers_bad_input_with_4xx_and_no_change(self):
		endpoints = app_endpoints()
		self.assertGreater(len(endpoints), 5, "the app's endpoints were not found")
		for path, fn in sorted(endpoints.items()):
			with self.subTest(endpoint=path):
				self.probe(path, fn)

	def probe(self, path: str, fn):
		@settings(
			max_examples=EXAMPLES_PER_METHOD,
			deadline=None,
			derandomize=True,
			database=None,
			suppress_health_check=list(HealthCheck),
		)
		@given(kwargs=arguments(fn, self.pool))
		def check(kwargs):
			before = fingerprint()
			response = self.call(path, fn, kwargs)
			status = response.status_code
			body = response.get_data(as_text=True)[:2000]
			self.assertLess(status, 500, f"{path}({kwargs!r}) -> {status}: {body}")
			if status >= 400:
				self.assertEqual(before, fingerprint(), f"{path}({kwargs!r}) was refused but wrote")

		check()

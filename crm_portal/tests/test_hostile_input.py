"""Hostile input against every whitelisted method of the app, through Frappe's real HTTP stack.

A salesperson logs in and calls each `/api/method/crm_portal...` endpoint. Each answer must be a success
or a 4xx - never a 5xx - and a refused call must leave the database as it was. Each request runs in its
own thread and database connection, as in production, so what the suite sets up is committed and
cleaned up at the end (records of its own users and its "_Test Hostile" records only).

- `TestHostileInput`: hypothesis throws random and nasty arguments (unicode, huge values, wrong types,
  SQL and HTML fragments, other people's documents): EXAMPLES_PER_METHOD derandomized examples per
  method, so every run tries the same cases.
- `TestHostileArguments`: deterministic classes, for every endpoint and every argument in turn, the
  others being valid (`valid_arguments`): each required argument missing (a 417 whose French message
  names it), JSON nested 10 000 deep, 1e30 / NaN / inf / -0, impossible and far dates, 1 MB of text,
  lists and objects where text is expected (a 417 in French naming the argument). After a call that
  succeeded, the documents it may have changed are made again, so every case starts from the same state
  (a refused call changes nothing: that is checked)."""

import importlib
import inspect
import json
import math
import pkgutil
import typing

import frappe
from frappe.tests.test_api import make_request
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_test_client
from frappe.utils.password import update_password
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import crm_portal
from crm_portal.tests.utils import (
	create_test_action,
	create_test_customer,
	create_test_lead,
	create_test_lost_reason,
	create_test_opportunity,
	create_test_portfolio,
	create_test_prospect,
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


def deep_list(depth: int) -> list:
	"""[[[...]]] `depth` levels deep, built without recursion."""
	value: list = []
	for _level in range(depth - 1):
		value = [value]
	return value


# The deterministic classes of hostile values, each tried on every argument of every endpoint.
NESTED = {
	# as the desk sends objects (JSON text in a form field); a JSON body this deep stops in Frappe's own
	# request parsing (json.loads in frappe.app.make_form_dict), before any app code
	"JSON text nested 10 000 deep": "[" * 10_000 + "]" * 10_000,
	"JSON body nested 200 deep": deep_list(200),
}
NUMBERS = {"1e30": 1e30, "NaN": math.nan, "inf": math.inf, "-0": -0.0}
DATES = {d: d for d in ("2024-02-30", "2024-13-45", "99999-01-01", "0001-01-01")}
HUGE = {"1 MB of text": "x" * 1_000_000}
CONTAINERS = {"a list": ["x"], "an object": {"x": "y"}}


def is_get(fn) -> bool:
	return "POST" not in (frappe.allowed_http_methods_for_whitelisted_func.get(fn) or ["POST"])


def parameters(fn) -> list[inspect.Parameter]:
	return [p for p in inspect.signature(fn).parameters.values() if p.kind is p.POSITIONAL_OR_KEYWORD]


def accepts_containers(fn, name: str) -> bool:
	hint = typing.get_type_hints(inspect.unwrap(fn)).get(name)
	options = typing.get_args(hint) or (hint,)
	return any((typing.get_origin(o) or o) in (dict, list) for o in options)


class HostileCase(FrappeTestCase):
	"""A logged-in salesperson with an opportunity of their own and one of somebody else's."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		create_test_user(USER, first_name="Hostile")
		create_test_user(OTHER, first_name="Other")
		frappe.db.set_value("User", USER, "language", "fr")
		update_password(USER, PASSWORD)
		cls.customer = customer = create_test_customer("_Test Hostile Customer")
		cls.portfolio = portfolio = create_test_portfolio()
		cls.template = frappe.db.get_value("CRM Portfolio", portfolio, "stage_template")
		cls.lost_reason = create_test_lost_reason()
		mine = create_test_opportunity(title="_Test Hostile mine", salesperson=USER, account=customer)
		theirs = create_test_opportunity(title="_Test Hostile theirs", salesperson=OTHER, account=customer)
		cls.lead = create_test_lead("_Test Hostile Lead", company_name="_Test Hostile Lead Co").name
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
		hostile = [
			("CRM Action", {"subject": ("like", "_Test Hostile%")}),
			("CRM Opportunity", {"title": ("like", "_Test Hostile%")}),
			("CRM Prospect", {"call_name": ("like", "_Test Hostile%")}),
		]
		for doctype in ("Quotation", "CRM Action", "CRM Opportunity", "CRM Prospect", "Contact", "Event"):
			if not frappe.db.exists("DocType", doctype):
				continue
			for name in frappe.get_all(doctype, filters={"owner": ("in", (USER, OTHER))}, pluck="name"):
				frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
			for target, filters in hostile:
				if target == doctype:
					for name in frappe.get_all(doctype, filters=filters, pluck="name"):
						frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
		frappe.db.commit()
		super().tearDownClass()

	def call(self, path: str, fn, kwargs: dict):
		if is_get(fn):
			# a query string carries text: text as is, anything else JSON-encoded (as frappe.call does)
			target = self.client.get
			payload = {
				"query_string": {
					k: v if isinstance(v, str) else json.dumps(v) for k, v in kwargs.items() if v is not None
				}
			}
		else:
			target, payload = self.client.post, {"json": kwargs}
		return make_request(target=target, args=(f"/api/method/{path}",), kwargs=payload)


class TestHostileInput(HostileCase):
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


class TestHostileArguments(HostileCase):
	"""Every endpoint, every argument in turn, every class of hostile value; the other arguments valid."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.serial = 0
		cls.make_targets()

	@classmethod
	def make_targets(cls, only: set | None = None):
		"""Fresh documents of the salesperson for the endpoints to work on (an earlier call that
		succeeded may have closed, moved or deleted them): all of them, or the `only` ones."""
		frappe.set_user("Administrator")
		cls.serial += 1
		targets = dict(getattr(cls, "targets", {}))
		if only is None or "opportunity" in only:
			targets["opportunity"] = create_test_opportunity(
				title=f"_Test Hostile target {cls.serial}", salesperson=USER, account=cls.customer
			).name
		if only is None or "action" in only:
			targets["action"] = create_test_action(
				subject=f"_Test Hostile action {cls.serial}",
				opportunity=targets["opportunity"],
				assigned_to=USER,
			).name
		if only is None or "prospect" in only:
			targets["prospect"] = create_test_prospect(
				f"_Test Hostile prospect {cls.serial}", account_manager=USER
			)
		frappe.db.commit()
		cls.targets = targets

	def valid_arguments(self, path: str) -> dict:
		"""Arguments with which the endpoint can do its work (every required one, and the optional ones
		that lead it further in)."""
		t = self.targets
		stages = f"{self.template}-"
		by_name = {
			"opportunity": t["opportunity"],
			"name": t["action"],
			"prospect": t["prospect"],
			"portfolio": self.portfolio,
			"account_type": "Customer",
			"account": self.customer,
			"title": "_Test Hostile created",
			"stage": stages + "QUALIFICATION / POSITIONNEMENT",
			"lost_reason": self.lost_reason,
			"action_type": "Relance",
			"to": "date",
			"user": USER,
			"query": "_Test",
			"lead": self.lead,
			"status": "Won",
			"year": 2026,
			"month": 11,
			"doctype": "Customer",
		}
		extra = {
			"api.accounts.create_prospect": {"values": {"call_name": "_Test Hostile created prospect"}},
			"api.accounts.get_account_links": {"account": self.customer},
			"api.actions.create_action": {"start": "2026-12-01 10:00:00", "subject": "_Test Hostile new"},
			"api.actions.done_and_create_next": {"subject": "_Test Hostile next"},
			"api.actions.postpone": {"date": "2026-12-15"},
			"api.board.move_to_month": {"month": 12},
			"api.pipeline.mark_lost": {"lost_on": "2026-11-30", "comment": "Trop cher"},
			"api.pipeline.mark_won": {"signed_on": "2026-11-30"},
			"api.pipeline.move_to_stage": {"values": {"opportunity": {"amount": 5000}}},
			"api.pipeline.quick_create": {"amount": 1000, "days": 2, "expected_signature_date": "2026-12-31"},
			"api.printing.attach_account_sheet": {"name": self.customer},
			"api.timeline.get_timeline": {"name": self.customer},
			"generic_endpoints.get_count": {"doctype": "CRM Opportunity"},
			"generic_endpoints.get_group_by_count": {
				"doctype": "CRM Opportunity",
				"current_filters": "[]",
				"field": "assigned_to",
			},
			"generic_endpoints.search_link": {"doctype": "Customer", "txt": "_Test"},
			"generic_endpoints.search_widget": {"doctype": "Customer", "txt": "_Test"},
			"generic_endpoints.toggle_like": {"doctype": "CRM Opportunity", "name": t["opportunity"]},
			"generic_endpoints.add_tag": {
				"tag": "_Test Hostile",
				"dt": "CRM Opportunity",
				"dn": t["opportunity"],
			},
			"generic_endpoints.add_tags": {
				"tags": json.dumps(["_Test Hostile"]),
				"dt": "CRM Opportunity",
				"docs": json.dumps([t["opportunity"]]),
			},
			"generic_endpoints.remove_tag": {
				"tag": "_Test Hostile",
				"dt": "CRM Opportunity",
				"dn": t["opportunity"],
			},
			"generic_endpoints.get_tagged_docs": {"doctype": "CRM Opportunity", "tag": "_Test Hostile"},
			"generic_endpoints.get_events": {"start": "2026-11-01", "end": "2026-11-30"},
		}
		fn = self.endpoints[path]
		arguments = {p.name: by_name.get(p.name, "x") for p in parameters(fn) if p.default is p.empty}
		arguments.update(extra.get(path.removeprefix("crm_portal."), {}))
		return arguments

	def check_refused_or_done(self, path: str, kwargs: dict, case: str):
		"""A success or a 4xx that wrote nothing; after a success, the targets are made again."""
		fn = self.endpoints[path]
		before = fingerprint()
		response = self.call(path, fn, kwargs)
		status = response.status_code
		body = response.get_data(as_text=True)[:1000]
		self.assertLess(status, 500, f"{path} with {case} -> {status}: {body}")
		if status >= 400:
			self.assertEqual(before, fingerprint(), f"{path} with {case} was refused but wrote")
		elif not is_get(fn):
			used = {key for key, name in self.targets.items() if name in json.dumps(kwargs)}
			if used:
				self.make_targets(used)
		return response

	def each_argument(self, values: dict, check, skip=None):
		"""`check(path, name, kwargs, case)` for every endpoint x every argument x every value, the other
		arguments valid; one subtest each."""
		for path in sorted(self.endpoints):
			fn = self.endpoints[path]
			for param in parameters(fn):
				if skip and skip(fn, param.name):
					continue
				for label, value in values.items():
					with self.subTest(endpoint=path, argument=param.name, value=label):
						kwargs = {**self.valid_arguments(path), param.name: value}
						check(path, param.name, kwargs, f"{param.name}={label}")

	def no_5xx(self, path: str, _name: str, kwargs: dict, case: str):
		self.check_refused_or_done(path, kwargs, case)

	@property
	def endpoints(self) -> dict:
		if not hasattr(type(self), "_endpoints"):
			type(self)._endpoints = app_endpoints()
		return type(self)._endpoints

	def test_every_endpoint_wears_the_argument_checks(self):
		unchecked = [
			path for path, fn in self.endpoints.items() if not getattr(fn, "checked_arguments", False)
		]
		self.assertEqual(unchecked, [], "add @checked_arguments under @frappe.whitelist()")

	def test_each_required_argument_missing(self):
		for path in sorted(self.endpoints):
			fn = self.endpoints[path]
			for param in parameters(fn):
				if param.default is not param.empty:
					continue
				with self.subTest(endpoint=path, missing=param.name):
					kwargs = self.valid_arguments(path)
					kwargs.pop(param.name)
					response = self.check_refused_or_done(path, kwargs, f"{param.name} missing")
					text = messages(response)
					self.assertEqual(response.status_code, 417, text[:500])
					self.assertIn("Valeur manquante", text)
					self.assertIn(param.name, text)

	def test_deeply_nested_json(self):
		self.each_argument(NESTED, self.no_5xx)

	def test_numbers_out_of_range_or_not_finite(self):
		self.each_argument(NUMBERS, self.no_5xx)

	def test_impossible_and_far_dates(self):
		self.each_argument(DATES, self.no_5xx)

	def test_one_megabyte_strings(self):
		self.each_argument(HUGE, self.no_5xx)

	def test_quick_create_with_a_null_account(self):
		path = "crm_portal.api.pipeline.quick_create"
		kwargs = {**self.valid_arguments(path), "account": None}
		response = self.check_refused_or_done(path, kwargs, "account=None")
		self.assertEqual(response.status_code, 417, messages(response)[:500])

	def test_lists_and_objects_where_text_is_expected(self):
		def refused_in_french(path: str, name: str, kwargs: dict, case: str):
			response = self.check_refused_or_done(path, kwargs, case)
			text = messages(response)
			self.assertEqual(response.status_code, 417, text[:500])
			self.assertIn("doit être", text)
			self.assertIn(name, text)

		self.each_argument(CONTAINERS, refused_in_french, skip=accepts_containers)


class TestHostileDocumentValues(HostileCase):
	"""Values written through Frappe's own REST API (PUT/POST /api/resource) to the app's documents: a
	number beyond its column or not finite, an impossible or far date, text beyond its column are refused
	with a 417 naming the field, before the controllers or MariaDB see them; -0 is stored as 0."""

	def setUp(self):
		frappe.set_user("Administrator")
		self.opportunity = create_test_opportunity(
			title="_Test Hostile rest", salesperson=USER, account=self.customer
		).name
		frappe.db.commit()

	def rest(self, method: str, path: str, data: dict):
		target = self.client.put if method == "PUT" else self.client.post
		return make_request(target=target, args=(f"/api/resource/{path}",), kwargs={"json": data})

	def assert_refused(self, method: str, path: str, data: dict, fieldname: str):
		before = fingerprint()
		response = self.rest(method, path, data)
		body = response.get_data(as_text=True)
		self.assertEqual(response.status_code, 417, f"{method} {path} {list(data)} -> {body[:500]}")
		self.assertIn(fieldname, messages(response))
		self.assertEqual(before, fingerprint(), f"{method} {path} was refused but wrote")

	def test_opportunity_values(self):
		path = f"CRM Opportunity/{self.opportunity}"
		cases = [
			("amount", 1e30),
			("amount", math.nan),
			("amount", math.inf),
			("days", -1e30),
			("probability", 1e30),
			("expected_signature_date", "2024-02-30"),
			("expected_signature_date", "2024-13-45"),
			("expected_signature_date", "99999-01-01"),
			("expected_signature_date", "0001-01-01"),
			("closing_comment", "x" * 1_000_000),
			("title", "x" * 1_000_000),
		]
		for fieldname, value in cases:
			with self.subTest(field=fieldname, value=str(value)[:20]):
				self.assert_refused("PUT", path, {fieldname: value}, fieldname)

	def test_estimate_line_values(self):
		path = f"CRM Opportunity/{self.opportunity}"
		for fieldname, value in (("unit_price", 1e30), ("quantity", math.nan), ("days", math.inf)):
			with self.subTest(field=fieldname):
				row = {"description": "_Test Hostile line", "quantity": 1, fieldname: value}
				self.assert_refused("PUT", path, {"estimate_lines": [row]}, fieldname)

	def test_action_dates(self):
		for value in ("2024-02-30 10:00:00", "2024-13-45", "99999-01-01 10:00:00", "1000-01-01 10:00:00"):
			with self.subTest(start=value):
				data = {"action_type": "Relance", "subject": "_Test Hostile rest", "start": value}
				self.assert_refused("POST", "CRM Action", data, "start")

	def test_minus_zero_is_stored_as_zero(self):
		response = self.rest("PUT", f"CRM Opportunity/{self.opportunity}", {"amount": -0.0})
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True)[:500])
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("CRM Opportunity", self.opportunity, "amount"), 0)


def messages(response) -> str:
	"""The text of a Frappe error answer: its exception and its messages (JSON-decoded, so accents and
	names read as typed)."""
	try:
		data = json.loads(response.get_data(as_text=True))
	except ValueError:
		return response.get_data(as_text=True)
	parts = [str(data.get("exception") or "")]
	for message in json.loads(data.get("_server_messages") or "[]"):
		try:
			parts.append(str(json.loads(message).get("message")))
		except (ValueError, AttributeError):
			parts.append(str(message))
	return "\n".join(parts)

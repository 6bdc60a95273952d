"""The one validation layer of the app's input (the rules are in `crm_portal.arguments.limits`).

1. `@checked_arguments(...)`, worn by every whitelisted function of the app right under
   `@frappe.whitelist()`, checks the arguments before the function runs: a missing argument, a wrong
   type (with Frappe's own conversion, `frappe.utils.typing_validations`, argument by argument), JSON
   depth and size, finite numbers within the target column's range, real dates within 1900-2200, text
   within the column's length. Each argument gets a rule from, in order: the decorator's keywords, the
   field of the same name of the decorator's DocType, its type hint (text: 140 characters; whole
   numbers: an INT column; objects and lists: the JSON limits). A refusal is a `frappe.ValidationError`
   (HTTP 417) whose French message names the field, never a 5xx.
   Frappe checks whitelisted arguments' types itself (`frappe.whitelist` wraps the function), with an
   untranslated English message; the decorator does that same check, in French, and leaves
   Frappe's wrapper nothing to do (the wrapper's `__annotations__` are emptied; `inspect.signature`,
   which Frappe uses to match the request's arguments, still reads the function's own).
2. `parse_json`: the safe JSON parser behind `crm_portal.utils.parse_json_arg`.
3. `validate_document_values`: a `before_validate` document hook (hooks.py `doc_events`) checking every
   changed value of the app's documents and their rows against their DocFields (number finite and within
   the column, date real and within 1900-2200, text within the column), before the controllers' own
   `validate` reads them and before MariaDB would refuse them, on every path (form, REST, import, API)."""

import functools
import inspect
import re
import types
import typing
from dataclasses import dataclass, field
from datetime import date, datetime

import frappe
from frappe import _
from frappe.model import table_fields
from frappe.utils import cint, escape_html, flt

from crm_portal.arguments import limits
from crm_portal.arguments.limits import Problem

# --- rules of one argument ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Number:
	"""A finite number within [low, high] (both included)."""

	low: float
	high: float
	integer: bool = False


@dataclass(frozen=True)
class Text:
	"""Text of at most `max_chars` characters."""

	max_chars: int = limits.NAME_LENGTH


@dataclass(frozen=True)
class Date:
	"""An ISO date (YYYY-MM-DD), or date and time when `with_time`, within 1900-2200."""

	with_time: bool = False


@dataclass(frozen=True)
class Field:
	"""Whatever the DocField `doctype.fieldname` can store (its column and its type)."""

	doctype: str
	fieldname: str


@dataclass(frozen=True)
class Json:
	"""An object or a list (or its JSON text) within the JSON limits; `keys` give the members of an
	object their own rule. With `names` (the default), text that is no JSON object or list is taken as
	a name (a single filter value, a single type...); without, any text must be JSON. The value is passed
	on unchanged."""

	keys: dict = field(default_factory=dict)
	names: bool = True
	text_only: bool = False  # JSON text only (a Frappe function that decodes it itself)

	def __hash__(self):
		return hash((tuple(self.keys), self.names, self.text_only))


@dataclass(frozen=True)
class Link:
	"""The name of an existing `doctype` record (text of a name's length)."""

	doctype: str


@dataclass(frozen=True)
class FieldOf:
	"""A fieldname of the DocType named by the argument `doctype_argument`, a standard field, or one of
	`also`."""

	doctype_argument: str = "doctype"
	also: tuple = ()


YEAR = Number(limits.MIN_YEAR, limits.MAX_YEAR, integer=True)
MONTH = Number(1, 12, integer=True)
DATE = Date()
DATETIME = Date(with_time=True)
INT = Number(-limits.INT_MAX, limits.INT_MAX, integer=True)
FLOAT = Number(-1e15, 1e15)


# --- messages -----------------------------------------------------------------------------------------


def throw(label: str, message: str) -> None:
	frappe.throw(message.format(label), frappe.ValidationError, title=_("Invalid input"))


def refuse(label: str, problem: Problem) -> None:
	"""The translated message of a broken rule, naming the field."""
	params = problem.params
	code = problem.code
	if code == "not_finite":
		message = _("{0} must be a finite number")
	elif code == "not_a_number":
		message = _("{0} must be a number")
	elif code == "not_integer":
		message = _("{0} must be a whole number")
	elif code == "out_of_range":
		message = _("{0} must be between {1} and {2}").format(
			"{0}", number_text(params["low"]), number_text(params["high"])
		)
	elif code == "invalid_date":
		message = _("{0} is not a real date (expected format: {1})").format(
			"{0}", _("YYYY-MM-DD HH:MM") if params.get("with_time") else _("YYYY-MM-DD")
		)
	elif code == "year_out_of_range":
		message = _("{0} must be a date between the years {1} and {2}").format(
			"{0}", params["low"], params["high"]
		)
	elif code == "text_too_long":
		message = _("{0} is too long: {1} characters at most").format("{0}", params["limit"])
	elif code == "text_too_large":
		message = _("{0} is too long: {1} bytes at most").format("{0}", params["limit"])
	elif code == "too_long":
		message = _("{0} is too long: {1} characters at most").format("{0}", params["limit"])
	elif code == "too_deep":
		message = _("{0} is nested too deeply: {1} levels at most").format("{0}", params["limit"])
	elif code == "too_many_items":
		message = _("{0} holds too many values: {1} at most").format("{0}", params["limit"])
	elif code == "invalid_json":
		message = _("{0} is not valid JSON")
	elif code == "wrong_type":
		message = _("{0} must be {1}").format("{0}", params["expected"])
	else:  # pragma: no cover - every code of `limits` is listed above
		message = _("{0} is not valid")
	throw(label, message)


def number_text(value: float) -> str:
	"""1000000000000 -> "1 000 000 000 000" (a bound of a message)."""
	if abs(value) >= 1e16:
		return f"{value:.0e}".replace("+", "")
	if float(value).is_integer():
		return f"{int(value):,}".replace(",", "\u202f")
	return str(value)


def field_label(df, name: str) -> str:
	label = _(df.label) if df and df.label else name
	return bold(label if label == name else f"{label} ({name})")


def bold(text: str) -> str:
	"""A label inside a message shown as HTML: escaped, then in bold."""
	return frappe.bold(escape_html(text))


# --- values -------------------------------------------------------------------------------------------


def check_number(value, rule: Number, label: str):
	if not isinstance(value, int | float | str):
		refuse(label, Problem("wrong_type", expected=_("a number")))
	try:
		if isinstance(value, str):
			value = limits.parse_number(value)
		return limits.check_number(value, rule.high, integer=rule.integer, low=rule.low)
	except Problem as problem:
		refuse(label, problem)


def check_date(value, with_time: bool, label: str, fallback: bool = False):
	"""A date (or date and time) given as text or as a date: real, within the years of `limits`. With
	`fallback` (document values), text Frappe's own parser reads (dateutil) is accepted as well."""
	if isinstance(value, date):
		moment = value
	elif not isinstance(value, str):
		refuse(label, Problem("wrong_type", expected=_("a date")))
	else:
		try:
			moment = limits.parse_iso(value, with_time)
		except ValueError:
			moment = fallback_date(value, with_time) if fallback else None
		if moment is None:
			refuse(label, Problem("invalid_date", with_time=with_time))
	try:
		limits.check_year(moment)
	except Problem as problem:
		refuse(label, problem)
	return value


def fallback_date(value: str, with_time: bool):
	from frappe.utils import get_datetime, getdate

	try:
		return get_datetime(value) if with_time else getdate(value)
	except Exception:  # dateutil raises ValueError, OverflowError, frappe.ValidationError...
		return None


def check_text(value, label: str, max_chars: int | None = None, max_bytes: int | None = None):
	if not isinstance(value, str):
		refuse(label, Problem("wrong_type", expected=_("text")))
	try:
		return limits.check_text(value, max_chars=max_chars, max_bytes=max_bytes)
	except Problem as problem:
		refuse(label, Problem("text_too_large" if max_chars is None else "text_too_long", **problem.params))


def parse_json(value, label: str):
	"""JSON text -> object or list within the limits (a decoded structure is checked the same way).
	Refused with a translated message, never a RecursionError."""
	try:
		if isinstance(value, str):
			return limits.load_json(value)
		limits.check_structure(value)
		return value
	except Problem as problem:
		refuse(label, problem)


NUMERIC_TYPES = {"decimal", "int", "bigint"}
COLUMN = re.compile(r"^(\w+)(?:\((\d+)(?:,\s*(\d+))?\))?")


@functools.lru_cache(maxsize=512)
def column_rule(fieldtype: str, precision: str | None, length: int | None):
	"""('number', bound, integer) | ('date', with_time) | ('text', max_chars, max_bytes) | None for the
	column Frappe makes for this DocField (frappe.database.schema.get_definition)."""
	from frappe.database.schema import get_definition

	if fieldtype in ("Date", "Datetime"):
		return ("date", fieldtype == "Datetime")
	if fieldtype == "Check":
		return None
	definition = get_definition(fieldtype, precision=precision or None, length=length or None)
	match = COLUMN.match(definition or "")
	if not match:
		return None
	kind, width, scale = match.group(1), match.group(2), match.group(3)
	if kind == "decimal":
		return ("number", limits.decimal_bound(int(width), int(scale or 0)), False)
	if kind == "int":
		return ("number", limits.INT_MAX + 1, True)
	if kind == "bigint":
		return ("number", limits.BIGINT_MAX + 1, True)
	if kind == "varchar":  # Frappe checks the DocField's length (the column is at least 64)
		return ("text", cint(length) or int(width), None)
	if kind == "text":
		return ("text", None, limits.TEXT_BYTES)
	return None


def check_field_value(df, value, label: str, fallback_dates: bool = False):
	"""`value` fits the DocField `df`: returns it (a number as a number, -0 as 0), or throws."""
	if value is None or value == "":
		return value
	rule = column_rule(df.fieldtype, df.precision, df.length)
	if rule is None:
		return value
	if rule[0] == "number":
		if isinstance(value, dict | list):
			refuse(label, Problem("wrong_type", expected=_("a number")))
		if isinstance(value, str):
			try:
				value = limits.parse_number(value)
			except Problem:
				value = flt(value)  # Frappe's own reading of text in a number field ("1,5" -> 15...)
		try:
			return limits.check_number(value, rule[1], integer=False)
		except Problem as problem:
			refuse(label, problem)
	if rule[0] == "date":
		return check_date(value, rule[1], label, fallback=fallback_dates)
	if isinstance(value, dict | list):
		refuse(label, Problem("wrong_type", expected=_("text")))
	if not isinstance(value, str):
		return value  # a number in a text field: Frappe stores its text
	return check_text(value, label, max_chars=rule[1], max_bytes=rule[2])


# --- arguments ----------------------------------------------------------------------------------------


def type_names(hint) -> str:
	"""French description of a type hint: "un texte ou un objet"."""
	names = {
		str: _("text"),
		int: _("a whole number"),
		float: _("a number"),
		bool: _("yes or no (1 or 0)"),
		dict: _("an object"),
		list: _("a list"),
		date: _("a date"),
		datetime: _("a date"),
	}
	options = [a for a in typing.get_args(hint) if a is not type(None)] if is_union(hint) else [hint]
	return _(" or ").join(names.get(typing.get_origin(a) or a, str(a)) for a in options)


def is_union(hint) -> bool:
	return typing.get_origin(hint) in (typing.Union, types.UnionType)


def hint_types(hint) -> set:
	options = typing.get_args(hint) if is_union(hint) else (hint,)
	return {typing.get_origin(a) or a for a in options}


def convert_type(function, name: str, value, hint):
	"""Frappe's own conversion of a whitelisted argument to its type hint (pydantic, lax)."""
	from frappe.utils.typing_validations import transform_parameter_types

	try:
		_args, kwargs = transform_parameter_types(function, (), {name: value})
	except TypeError:  # FrappeTypeError, or pydantic refusing the value
		throw(bold(name), _("{0} must be {1}").format("{0}", type_names(hint)))
	return kwargs[name]


def default_rule(name: str, hint, doctype: str | None):
	"""The rule of an argument the decorator's keywords do not name."""
	if doctype and frappe.get_meta(doctype).has_field(name):
		return Field(doctype, name)
	kinds = hint_types(hint)
	if kinds & {dict, list}:
		return Json()
	if kinds & {date, datetime}:
		return Date(with_time=datetime in kinds)
	if str in kinds:
		return Text()
	if float in kinds:
		return FLOAT
	if int in kinds and bool not in kinds:
		return INT
	return None


def resolve(rule, doctype: str | None):
	if isinstance(rule, str):  # "fieldname" of the decorator's DocType or "DocType.fieldname"
		target, _dot, fieldname = rule.rpartition(".")
		return Field(target or doctype, fieldname)
	return rule


def check_argument(name: str, value, rule, hint, arguments: dict | None = None):
	"""`value` (already of its hinted type) within its rule; returns the value to pass on. `arguments`:
	the call's other arguments (for a rule that depends on one)."""
	label = bold(name)
	if value is None or rule is None:
		return value
	if isinstance(rule, Link):
		check_text(value, label, max_chars=limits.NAME_LENGTH)
		if not frappe.db.exists(rule.doctype, value):
			throw(label, _("{0}: no {1} of this name").format("{0}", _(rule.doctype)))
		return value
	if isinstance(rule, FieldOf):
		check_text(value, label, max_chars=limits.NAME_LENGTH)
		doctype = (arguments or {}).get(rule.doctype_argument)
		from frappe.model import default_fields

		known = isinstance(doctype, str) and frappe.db.exists("DocType", doctype)
		if value in rule.also:
			return value
		if not known or not (frappe.get_meta(doctype).has_field(value) or value in default_fields):
			throw(label, _("{0}: no field of this name"))
		return value
	if isinstance(rule, Field):
		df = frappe.get_meta(rule.doctype).get_field(rule.fieldname)
		if df is None:  # pragma: no cover - a mistake in a decorator, seen on the first call
			raise KeyError(f"{rule.doctype}.{rule.fieldname}")
		return check_field_value(df, value, field_label(df, name))
	if isinstance(rule, Number):
		if isinstance(value, bool):
			return value
		return check_number(value, rule, label)
	if isinstance(rule, Date):
		return value if value == "" else check_date(value, rule.with_time, label)
	if isinstance(rule, Text):
		return check_text(value, label, max_chars=rule.max_chars) if isinstance(value, str) else value
	if isinstance(rule, Json):
		return check_json(value, rule, label, hint)
	return value


def check_json(value, rule: Json, label: str, hint):
	"""An object or a list, or its JSON text, within the JSON limits (and its members within `rule.keys`).
	The value is passed on as given: the function decodes it (`crm_portal.utils.parse_json_arg`), and
	Frappe functions it is handed on to get what they expect."""
	if isinstance(value, str):
		stripped = value.strip()
		if rule.names and (not stripped or stripped[0] not in "[{"):
			return check_text(value, label, max_chars=limits.NAME_LENGTH)
		decoded = parse_json(stripped, label)
	elif isinstance(value, dict | list) and not rule.text_only:
		decoded = parse_json(value, label)
	else:
		expected = _("JSON text") if rule.text_only else _("an object or a list")
		refuse(label, Problem("wrong_type", expected=expected))
	if isinstance(decoded, dict) and rule.keys:
		for key, key_rule in rule.keys.items():
			if decoded.get(key) not in (None, ""):
				check_argument(key, decoded[key], resolve(key_rule, None), typing.Any)
	return value


def applies() -> bool:
	"""As Frappe's own check of whitelisted arguments: in a request, and in tests."""
	return bool(getattr(frappe.local, "request", None) or frappe.flags.in_test)


def checked_arguments(doctype: str | None = None, /, **rules):
	"""Decorator for the app's whitelisted functions (right under `@frappe.whitelist()`):

	    @frappe.whitelist(methods=["POST"])
	    @checked_arguments("CRM Opportunity", comment="closing_comment", year=YEAR)
	    def mark_lost(opportunity: str, lost_reason: str, comment: str | None = None): ...

	`doctype` (positional): arguments named like one of its fields obey that field (a Currency's column,
	a Date...);
	keywords: an argument's rule (`Number`, `Text`, `Date`, `Json`, `Field`, `Link`, `FieldOf`, or
	"fieldname" / "DocType.fieldname")."""

	def decorate(function):
		signature = inspect.signature(function)
		original = inspect.unwrap(function)
		hints = typing.get_type_hints(original)
		params = [
			p for p in signature.parameters.values() if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
		]
		required = [p.name for p in params if p.default is p.empty]
		unknown = set(rules) - {p.name for p in params}
		if unknown:
			raise TypeError(f"{function.__qualname__}: no argument {', '.join(sorted(unknown))}")

		@functools.wraps(function)
		def wrapper(*args, **kwargs):
			if not applies():
				return function(*args, **kwargs)
			bound = signature.bind_partial(*args, **kwargs).arguments
			missing = [name for name in required if name not in bound]
			if missing:
				throw(
					", ".join(bold(name) for name in missing),
					_("Missing value: {0}") if len(missing) == 1 else _("Missing values: {0}"),
				)
			for name, value in bound.items():
				hint = hints.get(name)
				if hint is not None:
					value = convert_type(original, name, value, hint)
				rule = resolve(rules[name], doctype) if name in rules else default_rule(name, hint, doctype)
				bound[name] = check_argument(name, value, rule, hint, bound)
			return function(**bound)

		# Frappe's wrapper (frappe.whitelist) finds no annotation left to check: this wrapper checks them.
		wrapper.__annotations__ = {}
		wrapper.checked_arguments = True
		return wrapper

	return decorate


# --- documents ----------------------------------------------------------------------------------------


def validate_document_values(doc, method: str | None = None) -> None:
	"""doc_events `before_validate` of the app's DocTypes: every value set or changed, of the document
	and of its rows, fits its DocField (see `check_field_value`). Values already stored and unchanged
	are left alone."""
	if frappe.flags.in_install or frappe.flags.in_migrate or frappe.flags.in_patch:
		return
	before = doc.get_doc_before_save() if not doc.is_new() else None
	for row in (doc, *doc.get_all_children()):
		previous = before if row is doc else None
		for df in row.meta.fields:
			value = row.get(df.fieldname)
			if value is None or value == "" or df.fieldtype in table_fields:
				continue
			if previous is not None and unchanged(previous.get(df.fieldname), value):
				continue
			checked = check_field_value(df, value, field_label(df, df.fieldname), True)
			if isinstance(checked, float) and checked == 0 and isinstance(value, float):
				row.set(df.fieldname, 0.0)  # -0 is stored and shown as 0


def unchanged(stored, value) -> bool:
	return stored == value or (stored is not None and str(stored) == str(value))

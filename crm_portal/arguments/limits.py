"""Input limits in plain Python (no frappe import): JSON depth and size, finite numbers within a
column's range, real calendar dates within a sane range, text within a column's length.

Every check raises `Problem(code, **params)`; the Frappe layer (`crm_portal.arguments.checks`) turns the
code into a translated message that names the field. Nothing here recurses, so no input, however deep,
can exhaust the interpreter's stack."""

import json
import math
from datetime import date, datetime

# JSON arguments (`values`, `filters`, ...): what the app's own screens send is a few levels deep and a
# few kilobytes long; these bounds leave a wide margin and keep every parser far from its recursion limit.
MAX_JSON_DEPTH = 16
MAX_JSON_LENGTH = 1_000_000  # characters of one JSON-encoded argument
MAX_JSON_ITEMS = 10_000  # values (scalars, lists, objects) in one structure
# Dates: nothing a sales pipeline plans or records lies outside these years (a typo such as 20266 does).
MIN_YEAR, MAX_YEAR = 1900, 2200
# MariaDB column sizes (bytes for TEXT, signed ranges for integers).
TEXT_BYTES = 65_535
INT_MAX = 2**31 - 1
BIGINT_MAX = 2**63 - 1
# A plain text argument that names a document or a choice fits a VARCHAR(140), as in Frappe.
NAME_LENGTH = 140


class Problem(ValueError):
	"""Why a value is refused: `code` names the broken rule, `params` fill its message."""

	def __init__(self, code: str, **params):
		super().__init__(code, params)
		self.code = code
		self.params = params


# --- JSON -----------------------------------------------------------------------------------------


def json_depth(text: str, limit: int = MAX_JSON_DEPTH) -> int:
	"""Nesting depth of JSON text (brackets outside strings), scanning without recursion; stops as soon
	as the depth exceeds `limit` (and then returns limit + 1)."""
	depth = deepest = 0
	in_string = escaped = False
	for char in text:
		if in_string:
			if escaped:
				escaped = False
			elif char == "\\":
				escaped = True
			elif char == '"':
				in_string = False
		elif char == '"':
			in_string = True
		elif char in "[{":
			depth += 1
			if depth > deepest:
				deepest = depth
				if deepest > limit:
					return deepest
		elif char in "]}":
			depth -= 1
	return deepest


def _refuse_constant(name: str):
	raise Problem("not_finite", value=name)


def load_json(text: str, max_depth: int = MAX_JSON_DEPTH, max_length: int = MAX_JSON_LENGTH):
	"""Parse JSON text within the limits: too long, too deep, NaN/Infinity or malformed raise a Problem."""
	if len(text) > max_length:
		raise Problem("too_long", limit=max_length)
	if json_depth(text, max_depth) > max_depth:
		raise Problem("too_deep", limit=max_depth)
	try:
		value = json.loads(text, parse_constant=_refuse_constant)
	except Problem:
		raise
	except (ValueError, RecursionError):  # malformed, or an integer of more digits than Python converts
		raise Problem("invalid_json")
	check_structure(value, max_depth)
	return value


def check_structure(value, max_depth: int = MAX_JSON_DEPTH, max_items: int = MAX_JSON_ITEMS) -> None:
	"""An already decoded structure (a JSON request body gives one): depth, number of values and
	finite numbers, walked with an explicit stack."""
	stack = [(value, 1)]
	items = 0
	while stack:
		current, depth = stack.pop()
		items += 1
		if items > max_items:
			raise Problem("too_many_items", limit=max_items)
		if isinstance(current, dict | list | tuple):
			if depth > max_depth:
				raise Problem("too_deep", limit=max_depth)
			children = current.values() if isinstance(current, dict) else current
			stack.extend((child, depth + 1) for child in children)
		elif isinstance(current, float) and not math.isfinite(current):
			raise Problem("not_finite", value=str(current))
		elif isinstance(current, str) and len(current) > MAX_JSON_LENGTH:
			raise Problem("too_long", limit=MAX_JSON_LENGTH)


# --- numbers --------------------------------------------------------------------------------------


def decimal_bound(width: int, scale: int) -> float:
	"""Values a DECIMAL(width, scale) column holds are strictly below this in absolute value."""
	return 10.0 ** (width - scale)


def check_number(value, bound: float, integer: bool = False, low: float | None = None):
	"""A finite number strictly within ±bound (or within [low, bound] when `low` is given, both
	included); -0 becomes 0. Returns the number."""
	if isinstance(value, bool):
		value = int(value)
	if isinstance(value, float):
		if not math.isfinite(value):
			raise Problem("not_finite", value=str(value))
		if integer and not value.is_integer():
			raise Problem("not_integer")
		if value == 0:
			value = 0.0  # -0.0 reads "-0" once formatted
	if low is None:
		if abs(value) >= bound:
			raise Problem("out_of_range", low=-bound, high=bound)
	elif not low <= value <= bound:
		raise Problem("out_of_range", low=low, high=bound)
	return value


def parse_number(text: str):
	"""A number given as text (a query string or a form gives text): int or float, else a Problem."""
	text = text.strip()
	if len(text) > 64:
		raise Problem("not_a_number")
	try:
		return int(text)
	except ValueError:
		pass
	try:
		return float(text)
	except ValueError:
		raise Problem("not_a_number")


# --- dates ----------------------------------------------------------------------------------------


def parse_iso(text: str, with_time: bool) -> date | datetime:
	"""An ISO date (YYYY-MM-DD) or date and time (YYYY-MM-DD HH:MM[:SS[.ffffff]], T, Z and offsets
	accepted). A date without time is midnight when `with_time`; a date and time keeps its date when not.
	Raises ValueError for anything else, an impossible day (2024-02-30) included."""
	text = text.strip()
	if len(text) > 40:
		raise ValueError(text[:40])
	if len(text) <= 10:
		day = date.fromisoformat(text)
		return datetime(day.year, day.month, day.day) if with_time else day
	moment = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
	if moment.tzinfo is not None:
		moment = moment.replace(tzinfo=None)  # the wall clock the client gave, as Frappe stores it
	return moment if with_time else moment.date()


def check_year(value: date | datetime) -> date | datetime:
	if not MIN_YEAR <= value.year <= MAX_YEAR:
		raise Problem("year_out_of_range", low=MIN_YEAR, high=MAX_YEAR)
	return value


# --- text -----------------------------------------------------------------------------------------


def check_text(value: str, max_chars: int | None = None, max_bytes: int | None = None) -> str:
	"""Text within a column: at most `max_chars` characters (VARCHAR) or `max_bytes` bytes in UTF-8
	(TEXT)."""
	if max_chars is not None and len(value) > max_chars:
		raise Problem("text_too_long", limit=max_chars)
	if max_bytes is not None and len(value) > max_bytes // 4 and len(value.encode("utf-8")) > max_bytes:
		raise Problem("text_too_long", limit=max_bytes)
	return value

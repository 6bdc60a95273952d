"""The input limits (crm_portal/arguments/limits.py): JSON depth and size, finite numbers within a
column, real dates within 1900-2200, text within a column."""

import json
import math
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_portal.arguments import limits
from crm_portal.arguments.limits import Problem


def code_of(call, *args, **kwargs) -> str | None:
	try:
		call(*args, **kwargs)
	except Problem as problem:
		return problem.code
	return None


# --- JSON ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
	"text,depth",
	[
		("1", 0),
		('"[[["', 0),
		("[]", 1),
		('{"a": [1, {"b": []}]}', 4),
		('["\\"[", [[]]]', 3),
		('["\\\\", [[]]]', 3),
	],
)
def test_json_depth_counts_brackets_outside_strings(text, depth):
	assert limits.json_depth(text) == depth


def test_json_ten_thousand_deep_is_refused_without_recursion():
	text = "[" * 10_000 + "]" * 10_000
	assert limits.json_depth(text) == limits.MAX_JSON_DEPTH + 1  # stops early
	assert code_of(limits.load_json, text) == "too_deep"
	text = '{"a":' * 10_000 + "1" + "}" * 10_000
	assert code_of(limits.load_json, text) == "too_deep"


def test_json_within_limits_is_decoded():
	assert limits.load_json('{"opportunity": {"amount": 5000, "tags": ["a", "b"]}}') == {
		"opportunity": {"amount": 5000, "tags": ["a", "b"]}
	}
	text = "[" * limits.MAX_JSON_DEPTH + "]" * limits.MAX_JSON_DEPTH
	assert limits.json_depth(text) == limits.MAX_JSON_DEPTH
	assert limits.load_json(text)


@pytest.mark.parametrize(
	"text,code",
	[
		("{", "invalid_json"),
		("{'a': 1}", "invalid_json"),
		('{"a": NaN}', "not_finite"),
		("[Infinity]", "not_finite"),
		("-Infinity", "not_finite"),
		("[1e999]", "not_finite"),  # a float literal too large for a double reads as inf
		("9" * 5000, "invalid_json"),  # more digits than Python converts to an int
	],
)
def test_json_refusals(text, code):
	assert code_of(limits.load_json, text) == code


def test_json_too_long():
	assert code_of(limits.load_json, json.dumps("x" * limits.MAX_JSON_LENGTH)) == "too_long"


def test_decoded_structures_are_walked_without_recursion():
	deep: list = []
	for _ in range(5000):
		deep = [deep]
	assert code_of(limits.check_structure, deep) == "too_deep"
	assert code_of(limits.check_structure, {"a": [1.5, math.nan]}) == "not_finite"
	assert code_of(limits.check_structure, {"a": -math.inf}) == "not_finite"
	assert code_of(limits.check_structure, list(range(limits.MAX_JSON_ITEMS + 1))) == "too_many_items"
	assert code_of(limits.check_structure, {"a": [1, {"b": "c"}], "d": None}) is None


@given(st.recursive(st.none() | st.integers() | st.text(max_size=5), st.lists, max_leaves=30))
def test_json_depth_agrees_with_the_decoded_structure(value):
	text = json.dumps(value)

	def depth(v) -> int:
		return 1 + max((depth(c) for c in v), default=0) if isinstance(v, list) else 0

	assert limits.json_depth(text, limit=10_000) == depth(value)


# --- numbers ------------------------------------------------------------------------------------------


def test_numbers_must_be_finite_and_within_the_column():
	bound = limits.decimal_bound(21, 9)  # Frappe's Currency / Float: DECIMAL(21,9)
	assert bound == 1e12
	assert limits.check_number(999_999_999_999.99, bound) == 999_999_999_999.99
	assert code_of(limits.check_number, 1e12, bound) == "out_of_range"
	assert code_of(limits.check_number, -1e30, bound) == "out_of_range"
	assert code_of(limits.check_number, 10**30, bound) == "out_of_range"
	for value in (math.nan, math.inf, -math.inf):
		assert code_of(limits.check_number, value, bound) == "not_finite"


def test_minus_zero_becomes_zero():
	value = limits.check_number(-0.0, 1e12)
	assert value == 0 and math.copysign(1, value) == 1


def test_numbers_within_bounds_both_included():
	assert limits.check_number(12, 12, integer=True, low=1) == 12
	assert limits.check_number(1, 12, integer=True, low=1) == 1
	assert code_of(limits.check_number, 13, 12, integer=True, low=1) == "out_of_range"
	assert code_of(limits.check_number, 0, 12, integer=True, low=1) == "out_of_range"
	assert code_of(limits.check_number, 1.5, 12, integer=True, low=1) == "not_integer"
	assert limits.check_number(True, 12, low=0) == 1


@pytest.mark.parametrize("text,value", [("12", 12), (" -3 ", -3), ("1.5", 1.5), ("1e30", 1e30), ("-0", 0)])
def test_parse_number(text, value):
	assert limits.parse_number(text) == value


@pytest.mark.parametrize("text", ["abc", "", "1,5", "9" * 65])
def test_parse_number_refusals(text):
	assert code_of(limits.parse_number, text) == "not_a_number"


def test_nan_text_is_caught_by_the_range_check():
	assert code_of(limits.check_number, limits.parse_number("nan"), 1e12) == "not_finite"


# --- dates --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
	"text,with_time,expected",
	[
		("2024-02-29", False, date(2024, 2, 29)),
		("2024-02-29", True, datetime(2024, 2, 29)),
		("2026-11-29 10:30", True, datetime(2026, 11, 29, 10, 30)),
		("2026-11-29 10:30:15.123456", True, datetime(2026, 11, 29, 10, 30, 15, 123456)),
		("2026-11-29T10:30:00.000Z", True, datetime(2026, 11, 29, 10, 30)),
		("2026-11-29T10:30:00+01:00", True, datetime(2026, 11, 29, 10, 30)),
		("2026-11-29 10:30:00", False, date(2026, 11, 29)),
	],
)
def test_iso_dates(text, with_time, expected):
	assert limits.parse_iso(text, with_time) == expected


@pytest.mark.parametrize(
	"text",
	["2024-02-30", "2023-02-29", "2024-13-45", "2024-00-10", "99999-01-01", "tomorrow", "", "2024-1-5x"],
)
def test_impossible_dates_are_refused(text):
	with pytest.raises(ValueError):
		limits.parse_iso(text, with_time=False)
	with pytest.raises(ValueError):
		limits.parse_iso(text, with_time=True)


def test_years_outside_the_sane_range():
	assert limits.check_year(date(1900, 1, 1))
	assert limits.check_year(datetime(2200, 12, 31, 23, 59))
	assert code_of(limits.check_year, date(1899, 12, 31)) == "year_out_of_range"
	assert code_of(limits.check_year, date(2201, 1, 1)) == "year_out_of_range"
	assert code_of(limits.check_year, date(1, 1, 1)) == "year_out_of_range"
	assert code_of(limits.check_year, date(9999, 12, 31)) == "year_out_of_range"


# --- text ---------------------------------------------------------------------------------------------


def test_text_within_the_column():
	assert limits.check_text("x" * 140, max_chars=140)
	assert code_of(limits.check_text, "x" * 141, max_chars=140) == "text_too_long"
	assert limits.check_text("x" * limits.TEXT_BYTES, max_bytes=limits.TEXT_BYTES)
	assert code_of(limits.check_text, "x" * 1_000_000, max_bytes=limits.TEXT_BYTES) == "text_too_long"
	# a TEXT column counts bytes: 20 000 euro signs are 60 000 bytes, 30 000 are 90 000
	assert limits.check_text("€" * 20_000, max_bytes=limits.TEXT_BYTES)
	assert code_of(limits.check_text, "€" * 30_000, max_bytes=limits.TEXT_BYTES) == "text_too_long"

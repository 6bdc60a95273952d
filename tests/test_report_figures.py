"""Report maths (crm_portal/crm_portal/report/figures.py): previous periods, variations, recurring split."""

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_portal.crm_portal.report.figures import (
	NBSP,
	activity_counts,
	average,
	column_header,
	format_amount,
	format_amount_short,
	format_days,
	format_percent,
	previous_period,
	split_recurring,
	variation,
)


@pytest.mark.parametrize(
	"start, end, expected",
	[
		(date(2026, 11, 1), date(2026, 11, 30), (date(2026, 10, 1), date(2026, 10, 31))),
		(date(2026, 3, 1), date(2026, 3, 31), (date(2026, 2, 1), date(2026, 2, 28))),
		(date(2026, 1, 1), date(2026, 3, 31), (date(2025, 10, 1), date(2025, 12, 31))),
		(date(2026, 1, 1), date(2026, 12, 31), (date(2025, 1, 1), date(2025, 12, 31))),
		(date(2024, 3, 1), date(2024, 3, 31), (date(2024, 2, 1), date(2024, 2, 29))),
		(date(2026, 11, 10), date(2026, 11, 19), (date(2026, 10, 31), date(2026, 11, 9))),
		(date(2026, 11, 15), date(2026, 11, 15), (date(2026, 11, 14), date(2026, 11, 14))),
		(date(2026, 3, 15), date(2026, 3, 31), (date(2026, 2, 26), date(2026, 3, 14))),
	],
)
def test_previous_period(start, end, expected):
	assert previous_period(start, end) == expected
	first, last = expected
	if start.day != 1:
		assert (last - first) == (end - start)


def test_previous_period_refuses_a_reversed_period():
	with pytest.raises(ValueError):
		previous_period(date(2026, 2, 1), date(2026, 1, 31))


def test_variation():
	assert variation(150, 100) == 50.0
	assert variation(50, 100) == -50.0
	assert variation(100, 0) is None
	assert variation(0, 80) == -100.0
	assert variation(10, -10) == 200.0


def test_average():
	assert average(10000, 3) == 3333.33
	assert average(0, 0) == 0.0


def test_split_recurring():
	lines = [("One-off", 1000), ("Monthly", 200), ("Yearly", 1200), (None, 50), ("Quarterly", 0)]
	assert split_recurring(lines) == (1400, 1050)
	assert split_recurring([]) == (0, 0)


def test_activity_counts():
	assert activity_counts(open_count=5, late_count=2, done_count=4) == {
		"done": 4,
		"planned": 3,
		"late": 2,
		"total": 9,
	}
	with pytest.raises(ValueError):
		activity_counts(1, 2, 0)


# --- the formatter shared with the pages' JavaScript (tests/formatting_cases.json) -------------------

CASES = json.loads((Path(__file__).parent / "formatting_cases.json").read_text(encoding="utf-8"))
FORMATTERS = {
	"amount_short": format_amount_short,
	"amount": format_amount,
	"days": format_days,
	"percent": format_percent,
	"column_header": lambda values: column_header(**values),
}


@pytest.mark.parametrize(
	"kind, value, expected",
	[
		(kind, value, expected)
		for kind, examples in CASES.items()
		if kind in FORMATTERS
		for value, expected in examples
	],
)
def test_same_examples_as_the_javascript_formatter(kind, value, expected):
	assert FORMATTERS[kind](value) == expected


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_short_amounts_never_show_more_than_one_decimal(amount):
	text = format_amount_short(amount)
	number = text.split(NBSP)[0]
	assert "." not in number
	assert len(number.partition(",")[2]) <= 1

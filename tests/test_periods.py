from datetime import date

import pytest

from crm_portal.pipeline.periods import add_months, last_day, month_key, month_range, period_bounds


@pytest.mark.parametrize(
	"day,period,expected",
	[
		(date(2026, 2, 14), "month", (date(2026, 2, 1), date(2026, 2, 28))),
		(date(2028, 2, 14), "month", (date(2028, 2, 1), date(2028, 2, 29))),
		(date(2026, 3, 31), "quarter", (date(2026, 1, 1), date(2026, 3, 31))),
		(date(2026, 4, 1), "quarter", (date(2026, 4, 1), date(2026, 6, 30))),
		(date(2026, 12, 31), "quarter", (date(2026, 10, 1), date(2026, 12, 31))),
		(date(2026, 6, 30), "semester", (date(2026, 1, 1), date(2026, 6, 30))),
		(date(2026, 7, 1), "semester", (date(2026, 7, 1), date(2026, 12, 31))),
		(date(2026, 1, 1), "year", (date(2026, 1, 1), date(2026, 12, 31))),
	],
)
def test_period_bounds(day, period, expected):
	assert period_bounds(day, period) == expected


def test_last_day_and_month_maths():
	assert last_day(2026, 11) == date(2026, 11, 30)
	assert add_months(2026, 11, 2) == (2027, 1)
	assert add_months(2026, 1, -1) == (2025, 12)
	assert month_range(2026, 11, 3) == [(2026, 11), (2026, 12), (2027, 1)]
	assert month_key(date(2026, 3, 9)) == "2026-03"
	assert month_key(None) is None

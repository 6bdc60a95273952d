"""`make bench`'s pure part (crm_portal.benchmarks.report): percentiles, the issue's targets, the
pass/miss marks and the markdown table."""

import pytest

from crm_portal.benchmarks import report


def test_percentile_interpolates_between_ranks():
	values = [10, 20, 30, 40, 50]
	assert report.percentile(values, 50) == 30
	assert report.percentile(values, 0) == 10
	assert report.percentile(values, 100) == 50
	assert report.percentile(values, 95) == pytest.approx(48)  # rank 3.8: 40 + 0.8 * 10
	assert report.percentile([40, 10, 30, 20], 50) == 25  # unsorted input, even count


def test_percentile_refuses_nothing_and_out_of_range():
	with pytest.raises(ValueError):
		report.percentile([], 50)
	with pytest.raises(ValueError):
		report.percentile([1], 101)


def test_summarize_rounds_and_counts():
	summary = report.summarize([1.04, 2.0, 3.0, 101.0])
	assert summary == {"p50_ms": 2.5, "p95_ms": pytest.approx(86.3), "p99_ms": pytest.approx(98.1), "n": 4}


@pytest.mark.parametrize(
	"endpoint, size, target",
	[
		("board", 100_000, 25),
		("board", 1_000_000, 40),
		("grouping", 100_000, 50),
		("grouping", 1_000_000, 80),
		("board_search", 1_000_000, 60),
		("calendar", 100_000, 40),
		("actions_feed", 1_000_000, 30),
		("account_search", 100_000, 30),
		("board", 10_000, 25),
		("archives", 100_000, None),
	],
)
def test_targets_of_the_issue(endpoint, size, target):
	assert report.target_for(endpoint, size) == target


def test_check_passes_within_target_and_spread():
	assert report.check(24.9, 49.0, 25) == (report.PASS, "")
	assert report.check(10, 99, None) == (report.NONE, "")


def test_check_says_by_how_much_a_target_is_missed():
	mark, reason = report.check(50.0, 60.0, 25)
	assert mark == report.MISS
	assert "2.0x" in reason and "p50 50 > 25" in reason


def test_check_misses_a_p95_beyond_twice_the_p50():
	mark, reason = report.check(20.0, 41.0, 25)
	assert mark == report.MISS and "p95 41 > 2x p50" in reason


def test_speedup_against_the_per_stage_way():
	assert report.check_speedup(10, 25) == (report.PASS, 2.5)
	assert report.check_speedup(10, 19.9) == (report.MISS, 1.99)


def personas():
	def row(p50, p95, queries=4):
		return {"p50_ms": p50, "p95_ms": p95, "queries": queries}

	return {
		"administrator": {
			"label": "Administrator",
			"endpoints": {
				"board": row(10, 12),
				"board_generic": row(12, 13),
				"archives": row(5, 6),
				"forecast_panel": row(7, 8, 2),
			},
		},
		"sales_user": {
			"label": "Sales User (team of one)",
			"endpoints": {"board": row(30, 35), "board_generic": row(90, 95, 13)},
		},
		"team_lead": {
			"label": "Team lead (10 below)",
			"endpoints": {"board": row(20, 60), "board_generic": row(30, 32, 13)},
		},
	}


def test_evaluate_marks_every_endpoint_and_the_speedup_of_salespeople_only():
	rows = personas()
	counts = report.evaluate(100_000, rows)
	assert rows["administrator"]["endpoints"]["board"]["mark"] == report.PASS
	assert rows["administrator"]["endpoints"]["archives"]["mark"] == report.NONE
	assert rows["sales_user"]["endpoints"]["board"]["mark"] == report.MISS  # 30 > 25
	assert rows["team_lead"]["endpoints"]["board"]["mark"] == report.MISS  # p95 60 > 2 x 20
	assert rows["administrator"]["speedup"] == {"ratio": 1.2, "mark": report.NONE}
	assert rows["sales_user"]["speedup"] == {"ratio": 3.0, "mark": report.PASS}
	assert rows["team_lead"]["speedup"] == {"ratio": 1.5, "mark": report.MISS}
	# board x3 (1 pass, 2 misses) + the two salespeople's speed-ups (1 pass, 1 miss)
	assert counts == {report.PASS: 2, report.MISS: 3}


def test_markdown_has_one_column_per_persona_with_marks_and_targets():
	rows = personas()
	report.evaluate(1_000_000, rows)
	text = report.markdown(
		{
			"machine": {"cpus": 2, "python": "3.11.2", "mariadb": "10.11"},
			"sizes": {"1000000": {"personas": rows, "repeats": 7, "load_before": 1.5, "load_after": 2.0}},
		}
	)
	lines = text.splitlines()
	assert lines[0] == "### 1 000 000 opportunities"
	assert "2 cores" in text and "load average 1.5 before, 2.0 after" in text
	header = next(line for line in lines if line.startswith("| endpoint"))
	assert (
		header
		== "| endpoint | target p50 | Administrator | Sales User (team of one) | Team lead (10 below) |"
	)
	board = next(line for line in lines if line.startswith("| board, one portfolio"))
	assert board == "| board, one portfolio | ≤ 40 ms | 10 / 12 (4) ✅ | 30 / 35 (4) ✅ | 20 / 60 (4) ❌ |"
	archives = next(line for line in lines if line.startswith("| archives"))
	assert archives.endswith("| 5 / 6 (4) | n/a | n/a |")
	assert not any(line.startswith("| grouping") for line in lines)  # not measured: no row
	assert "| forecast panel | - | 7 / 8 (2) | n/a | n/a |" in lines  # an endpoint added by another module
	speedup = next(line for line in lines if line.startswith("| board vs per-stage"))
	assert speedup.endswith("| 1.2x | 3x ✅ | 1.5x ❌ |")


def test_explain_of_a_miss_lists_each_table_read_with_its_index():
	rows = personas()
	report.evaluate(100_000, rows)
	rows["sales_user"]["endpoints"]["board"]["explain"] = [
		{
			"query": "select name from `tabCRM Opportunity` where portfolio = 'P'",
			"plan": [
				{
					"table": "tabCRM Opportunity",
					"type": "ALL",
					"key": None,
					"rows": 99000,
					"Extra": "Using where",
				}
			],
		},
		{"query": "select 1", "error": "boom"},
	]
	text = report.explain_markdown({"sizes": {"100000": {"personas": rows}}})
	lines = text.splitlines()
	assert (
		lines[0]
		== "- 100,000 opportunities, board, one portfolio, Sales User (team of one) (p50 30 > 25 ms (1.2x)):"
	)
	assert lines[1].endswith("→ tabCRM Opportunity ALL key=none rows=99000 (Using where)")
	assert lines[2] == "  - EXPLAIN failed: boom"
	assert len(lines) == 3  # endpoints without an EXPLAIN are not listed

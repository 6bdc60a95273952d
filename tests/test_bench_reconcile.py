"""`make loadtest`'s pure part (crm_portal.benchmarks.reconcile): latency per request type against the
targets, and the check that no write was lost or applied twice."""

from crm_portal.benchmarks import reconcile


def test_request_stats_per_type_with_errors_rate_and_targets():
	requests = [{"name": "board", "ms": ms, "ok": True} for ms in range(1, 101)]
	requests += [{"name": "move", "ms": 400, "ok": True}, {"name": "move", "ms": 100, "ok": False}]
	requests.append({"name": "login", "ms": 50, "ok": True})
	stats = reconcile.request_stats(requests, 10)
	board = stats["board"]
	assert (board["count"], board["errors"], board["rps"]) == (100, 0, 10)
	assert (board["p50_ms"], board["p95_ms"], board["p99_ms"]) == (50.5, 95.0, 99.0)
	assert (board["target_p95_ms"], board["mark"]) == (150, "pass")
	move = stats["move"]
	assert (move["count"], move["errors"], move["target_p95_ms"], move["mark"]) == (2, 1, 300, "miss")
	assert (stats["login"]["target_p95_ms"], stats["login"]["mark"]) == (None, "-")


def test_actions_all_found_once():
	recorded = [{"token": "a", "ok": True}, {"token": "b", "ok": True}, {"token": "c", "ok": False}]
	result = reconcile.reconcile_actions(recorded, {"a": 1, "b": 1})
	assert result == {
		"acknowledged": 2,
		"on_site": 2,
		"lost": [],
		"twice": [],
		"unacknowledged": [],
		"unknown": [],
	}


def test_actions_lost_twice_unacknowledged_and_unknown():
	recorded = [
		{"token": "lost", "ok": True},
		{"token": "double", "ok": True},
		{"token": "failed-but-saved", "ok": False},
	]
	result = reconcile.reconcile_actions(recorded, {"double": 2, "failed-but-saved": 1, "stranger": 1})
	assert result["lost"] == ["lost"]
	assert result["twice"] == ["double"]
	assert result["unacknowledged"] == ["failed-but-saved"]
	assert result["unknown"] == ["stranger"]
	assert result["on_site"] == 4


def test_a_retried_action_acknowledged_once_is_not_lost():
	recorded = [{"token": "t", "ok": False}, {"token": "t", "ok": True}]
	result = reconcile.reconcile_actions(recorded, {"t": 1})
	assert not result["lost"] and not result["unacknowledged"] and not result["twice"]


def move(opportunity, to, ok=True):
	return {"opportunity": opportunity, "to": to, "ok": ok}


def test_moves_matching_history_and_final_stage():
	recorded = [move("O1", "S2"), move("O2", "S3"), move("O1", "S4"), move("O3", "S1", ok=False)]
	history = {"O1": ["S2", "S4"], "O2": ["S3"]}
	result = reconcile.reconcile_moves(recorded, history, {"O1": "S4", "O2": "S3", "O3": "S2"})
	assert result["acknowledged"] == 3 and result["in_history"] == 3 and result["opportunities"] == 2
	assert not any(result[k] for k in ("lost", "twice", "mismatched", "wrong_final"))


def test_moves_lost_twice_out_of_order_and_wrong_final():
	recorded = [
		move("lost", "S2"),
		move("lost", "S3"),
		move("twice", "S2"),
		move("order", "S2"),
		move("order", "S3"),
		move("final", "S4"),
	]
	history = {"lost": ["S2"], "twice": ["S2", "S2"], "order": ["S3", "S2"], "final": ["S4"], "ghost": ["S1"]}
	final = {"lost": "S2", "twice": "S2", "order": "S3", "final": "S1"}
	result = reconcile.reconcile_moves(recorded, history, final)
	assert list(result["lost"]) == ["lost"]
	assert list(result["twice"]) == ["ghost", "twice"]  # a move nobody acknowledged counts as one too many
	assert list(result["mismatched"]) == ["order"]
	assert result["wrong_final"] == {
		"final": {"last_sent": "S4", "now": "S1"},
		"lost": {"last_sent": "S3", "now": "S2"},
	}


def result_with(actions=None, moves=None, errors=0):
	return {
		"run": {"users": 20, "seconds": 60, "workers": 4, "opportunities": 100000},
		"requests": {
			"board": {
				"count": 10,
				"errors": errors,
				"rps": 0.17,
				"p50_ms": 1,
				"p95_ms": 2,
				"p99_ms": 3,
				"target_p95_ms": 150,
				"mark": "pass",
			}
		},  # fmt: skip
		"actions": reconcile.reconcile_actions(*(actions or ([], {}))),
		"moves": reconcile.reconcile_moves(*(moves or ([], {}, {}))),
	}


def test_problems_fail_the_run_on_errors_or_lost_writes():
	assert reconcile.problems(result_with()) == []
	assert reconcile.problems(result_with(errors=2)) == ["2 request errors"]
	lost_action = ([{"token": "x", "ok": True}], {})
	assert reconcile.problems(result_with(actions=lost_action)) == ["actions lost: 1"]
	doubled_move = ([move("O", "S2")], {"O": ["S2", "S2"]}, {"O": "S2"})
	assert reconcile.problems(result_with(moves=doubled_move)) == ["moves twice: 1"]
	in_log_only = result_with()
	in_log_only["moves_log"] = reconcile.reconcile_moves([move("O", "S2")], {}, {"O": "S2"})
	assert reconcile.problems(in_log_only) == ["moves (stage-change log) lost: 1"]


def test_markdown_and_exit_status(tmp_path):
	result = result_with()
	result["problems"] = reconcile.problems(result)
	text = reconcile.markdown(result)
	assert "| board | 10 | 0.17 | 0 | 1 | 2 | 3 | ≤ 150 ms ✅ |" in text
	assert text.endswith("Result: 0 errors, 0 lost writes.")
	source = tmp_path / "loadtest.json"
	source.write_text(__import__("json").dumps(result))
	assert reconcile.main(["x", str(source), str(tmp_path / "loadtest.md")]) == 0
	result["problems"] = ["1 request errors"]
	source.write_text(__import__("json").dumps(result))
	assert reconcile.main(["x", str(source), str(tmp_path / "loadtest.md")]) == 1

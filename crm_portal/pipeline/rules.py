"""Pipeline rules that need no database: which stage requirements apply to a move, what is missing,
weighting, estimate totals. DocType controllers feed them plain data (no frappe import here)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

OPEN, WON, LOST = "Open", "Won", "Lost"
TARGET_OPPORTUNITY, TARGET_ACCOUNT = "Opportunity", "Account"
NUMERIC_FIELDTYPES = {"Currency", "Float", "Int", "Percent", "Check", "Rating", "Duration"}

ESTIMATE_QUANTITY = "Quantity x Unit Price"
ESTIMATE_DAYS = "Days"
ESTIMATE_AMOUNT = "Amount"


@dataclass(frozen=True)
class Requirement:
	target: str  # Opportunity or Account
	fieldname: str


@dataclass(frozen=True)
class Stage:
	name: str
	position: int
	stage_type: str = OPEN
	requirements: tuple[Requirement, ...] = field(default_factory=tuple)


def ordered(stages: Iterable[Stage]) -> list[Stage]:
	return sorted(stages, key=lambda s: (s.position, s.name))


def first_stage(stages: Iterable[Stage]) -> Stage | None:
	"""The stage of a new opportunity when the portfolio names none: the first open one by position."""
	in_order = ordered(stages)
	return next((s for s in in_order if s.stage_type == OPEN), in_order[0] if in_order else None)


def stages_to_satisfy(stages: Iterable[Stage], target: str) -> list[Stage]:
	"""Stages whose requirements apply to being in `target`, in board order.

	Open or Won target: its own requirements and those of every earlier open stage (skipping stages
	chains their requirements). Lost target: only its own — an opportunity can be lost from anywhere.
	"""
	by_name = {s.name: s for s in stages}
	goal = by_name[target]
	if goal.stage_type == LOST:
		return [goal]
	earlier = [s for s in ordered(by_name.values()) if s.stage_type == OPEN and s.position < goal.position]
	if goal.stage_type == WON:
		# A Won column may sit anywhere; winning passes through every open stage.
		earlier = [s for s in ordered(by_name.values()) if s.stage_type == OPEN]
	return [*earlier, goal]


def is_filled(value, fieldtype: str | None = None) -> bool:
	"""Like Frappe's mandatory check, except that a zero number does not count as an answer."""
	if value is None:
		return False
	if isinstance(value, str):
		return bool(value.strip())
	if isinstance(value, list | tuple | set | dict):
		return bool(value)
	if fieldtype in NUMERIC_FIELDTYPES or isinstance(value, int | float):
		return value != 0
	return True


def missing_by_stage(
	stages: Iterable[Stage],
	values: Mapping[str, Mapping[str, object]],
	fieldtypes: Mapping[str, Mapping[str, str]] | None = None,
) -> list[tuple[Stage, list[Requirement]]]:
	"""For each stage, the requirements not met by `values` ({target: {fieldname: value}}).

	A field required by several stages is reported once, at the first stage that needs it."""
	fieldtypes = fieldtypes or {}
	seen: set[Requirement] = set()
	result = []
	for stage in stages:
		missing = []
		for req in stage.requirements:
			if req in seen:
				continue
			seen.add(req)
			value = values.get(req.target, {}).get(req.fieldname)
			if not is_filled(value, fieldtypes.get(req.target, {}).get(req.fieldname)):
				missing.append(req)
		if missing:
			result.append((stage, missing))
	return result


def missing_to_refuse(
	missing: list[tuple[Stage, list[Requirement]]],
	previous: Mapping[str, Mapping[str, object] | None] | None,
	fieldtypes: Mapping[str, Mapping[str, str]] | None = None,
) -> list[tuple[Stage, list[Requirement]]]:
	"""Which of the `missing` requirements refuse a save.

	`previous` None: the opportunity enters its stage (created, moved): all of them. Otherwise it stays
	in its stage and `previous` holds, per target, the values before this save: a requirement refuses
	the save when this save emptied it (it was filled before). A field already empty before — a
	requirement an admin added after the opportunity reached the stage — does not block unrelated
	edits. A target whose previous values are None (the opportunity changed account) is checked as
	when entering."""
	if previous is None:
		return missing
	fieldtypes = fieldtypes or {}
	result = []
	for stage, reqs in missing:
		refused = []
		for req in reqs:
			before = previous.get(req.target)
			if before is None or is_filled(
				before.get(req.fieldname), fieldtypes.get(req.target, {}).get(req.fieldname)
			):
				refused.append(req)
		if refused:
			result.append((stage, refused))
	return result


def leaves_closed_state(status_before: str | None, status_after: str | None) -> bool:
	"""A won or lost opportunity whose status would change (reopened, or lost after being won)."""
	return status_before in (WON, LOST) and status_after != status_before


def changed_fields(
	before: Mapping[str, object], after: Mapping[str, object], fieldnames: Iterable[str]
) -> list[str]:
	"""The fieldnames whose value differs between two snapshots (None, "" and 0 of a number count as
	the same empty value only when both are empty)."""
	changed = []
	for fieldname in fieldnames:
		old, new = before.get(fieldname), after.get(fieldname)
		if old == new or (not is_filled(old) and not is_filled(new)):
			continue
		if isinstance(old, int | float) and isinstance(new, int | float) and round(old - new, 6) == 0:
			continue
		changed.append(fieldname)
	return changed


def stage_before_closing(
	stages: Iterable[Stage], moves: Iterable[tuple[str | None, str | None]]
) -> str | None:
	"""Where a reopened opportunity goes back to: the open stage it left when it was closed, from its
	stage moves (from, to), oldest first; a move between closed stages (won, then lost) looks further
	back. None when no open stage of `stages` is found (closed at creation, or that stage was deleted):
	the caller then takes the first open stage."""
	open_stages = {s.name for s in stages if s.stage_type == OPEN}
	for from_stage, _to_stage in reversed(list(moves)):
		if from_stage in open_stages:
			return from_stage
	return None


def weighted(value: float | None, probability: float | None) -> float:
	return round((value or 0) * (probability or 0) / 100, 2)


@dataclass
class EstimateLine:
	mode: str
	quantity: float = 0
	unit_price: float = 0
	days: float = 0
	amount: float = 0


def line_amount(line: EstimateLine) -> float:
	"""A line's amount as its sale type computes it."""
	if line.mode == ESTIMATE_QUANTITY:
		return round((line.quantity or 0) * (line.unit_price or 0), 2)
	if line.mode == ESTIMATE_DAYS:
		return round((line.days or 0) * (line.unit_price or 0), 2)
	return round(line.amount or 0, 2)


def estimate_totals(lines: Iterable[EstimateLine]) -> tuple[float, float]:
	"""(amount, days) of a detailed estimate."""
	amount = days = 0.0
	for line in lines:
		amount += line_amount(line)
		days += line.days or 0
	return round(amount, 2), round(days, 3)

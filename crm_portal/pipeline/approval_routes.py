"""Which approver a quotation's approval request goes to: the routes of CRM Portal Settings matched on
the opportunity's BU and filière, the most specific winning (BU and filière > filière > BU), else the
default approver. Plain data in, plain data out (no frappe import), so the rule is tested by pytest."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Route:
	bu: str | None
	filiere: str | None
	approver: str | None = None  # a User
	approver_role: str | None = None  # or a Role: every user of it is asked


def _same(route_value: str | None, value: str | None) -> bool:
	return (route_value or "").strip().casefold() == (value or "").strip().casefold()


def specificity(route: Route, bu: str | None, filiere: str | None) -> int:
	"""3: BU and filière match, 2: filière only, 1: BU only, 0: the route does not apply. A route field
	left empty matches any value; a route with neither field applies to nothing (the default covers it)."""
	has_bu, has_filiere = bool((route.bu or "").strip()), bool((route.filiere or "").strip())
	if (has_bu and not _same(route.bu, bu)) or (has_filiere and not _same(route.filiere, filiere)):
		return 0
	return 3 if has_bu and has_filiere else 2 if has_filiere else 1 if has_bu else 0


def pick_route(
	routes: Iterable[Route], bu: str | None, filiere: str | None, default: Route | None
) -> Route | None:
	"""The most specific matching route (the first one listed among equals), else `default`."""
	best, best_score = None, 0
	for route in routes:
		if not (route.approver or route.approver_role):
			continue
		score = specificity(route, bu, filiere)
		if score > best_score:
			best, best_score = route, score
	if best:
		return best
	if default and (default.approver or default.approver_role):
		return default
	return None

"""What the draft Quotation of an opportunity contains: its lines from the estimate, and whether it needs
an approval. Plain data in, plain data out (no frappe import), so the mapping is tested by pytest."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from crm_portal.pipeline.rules import ESTIMATE_AMOUNT, ESTIMATE_DAYS, ESTIMATE_QUANTITY, EstimateLine


@dataclass(frozen=True)
class QuotationLine:
	item_code: str
	qty: float
	rate: float
	description: str | None = None


class MissingItemError(ValueError):
	"""An estimate cannot become quotation lines: a sale type without Item, or no default Item."""

	def __init__(self, sale_type: str | None = None):
		super().__init__(sale_type or "default item")
		self.sale_type = sale_type


def line_for_estimate(line: EstimateLine, item_code: str | None, sale_type: str, description: str | None):
	"""A detailed estimate line as its sale type bills it: quantity x unit price, days x daily rate, or one
	lump sum."""
	if not item_code:
		raise MissingItemError(sale_type)
	if line.mode == ESTIMATE_QUANTITY:
		qty, rate = line.quantity or 0, line.unit_price or 0
	elif line.mode == ESTIMATE_DAYS:
		qty, rate = line.days or 0, line.unit_price or 0
	elif line.mode == ESTIMATE_AMOUNT:
		qty, rate = 1, line.amount or 0
	else:
		raise ValueError(f"unknown estimate mode {line.mode!r}")
	return QuotationLine(item_code, float(qty), round(float(rate), 2), description)


def quotation_lines(
	estimate_mode: str,
	amount: float | None,
	default_item: str | None,
	detailed: Iterable[tuple[EstimateLine, str | None, str, str | None]] = (),
	title: str | None = None,
) -> list[QuotationLine]:
	"""The Quotation's lines. A general estimate is one line of the default Item for the whole amount; a
	detailed one maps each (line, item of its sale type, sale type, description)."""
	if estimate_mode == "Detailed":
		lines = [line_for_estimate(*row) for row in detailed]
		if lines:
			return lines
	if not default_item:
		raise MissingItemError()
	return [QuotationLine(default_item, 1.0, round(float(amount or 0), 2), title)]


def needs_approval(
	total: float,
	discounts: Iterable[float],
	amount_threshold: float | None,
	discount_threshold: float | None,
) -> bool:
	"""The seeds' firm has a quotation approved above 10 000 or when a discount passes 5 %; a threshold of
	0 or None switches that test off."""
	if amount_threshold and total > amount_threshold:
		return True
	return bool(discount_threshold) and any((d or 0) > discount_threshold for d in discounts)


@dataclass(frozen=True)
class PricedLine:
	"""A quotation line as ERPNext priced it (company currency): quantity, list price, sold rate and the
	discount typed on the line."""

	qty: float
	price_list_rate: float
	rate: float
	discount_percentage: float = 0


def approval_figures(
	lines: Iterable[PricedLine], net_total: float, document_discount: float | None = None
) -> tuple[float, list[float]]:
	"""(amount before discount, discounts in %) that `needs_approval` judges. The amount is quantity x list
	price (the sold rate where the line has no list price), before any discount and before taxes, so a
	discount cannot bring a large proposal under the amount threshold. The discounts are each line's (typed,
	or list price -> rate), the document's, and the overall one from that amount to the net total."""
	lines = list(lines)
	gross = sum((line.qty or 0) * max(line.price_list_rate or 0, line.rate or 0) for line in lines)
	discounts = [float(document_discount or 0)]
	for line in lines:
		implied = (1 - (line.rate or 0) / line.price_list_rate) * 100 if line.price_list_rate else 0
		discounts.append(max(float(line.discount_percentage or 0), round(implied, 6)))
	if gross > 0:
		discounts.append(round((1 - (net_total or 0) / gross) * 100, 6))
	return round(gross, 2), discounts

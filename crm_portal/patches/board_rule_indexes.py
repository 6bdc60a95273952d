"""Indexes of the board's rule branches (seller_index, owner_index) on installed sites."""

from crm_portal.pipeline.board_queries import add_indexes


def execute():
	add_indexes()

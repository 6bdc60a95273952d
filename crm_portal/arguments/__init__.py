"""What the app accepts as input: one validation layer for the arguments of whitelisted functions and
for the values written to the app's documents (no 5xx on any input, a French message naming the field).

- `limits`: the rules themselves, in plain Python (no frappe import, tested by pytest under `tests/`):
  JSON depth and size, finite numbers within a column's range, real dates within a sane range, text
  within a column's length;
- `checks`: the Frappe side: the `@checked_arguments` decorator every endpoint of the app wears under
  `@frappe.whitelist()`, the safe JSON parser (`crm_portal.utils.parse_json_arg` calls it) and the
  `before_validate` document hook (hooks.py `doc_events`) that checks values against the DocType's
  fields on every save path (form, REST, import, the app's API)."""

// Copyright (c) 2026, crm_portal developers
// For license information, please see license.txt

frappe.ui.form.on("CRM Stage Template", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Stages"), () =>
			frappe.set_route("List", "CRM Stage", { stage_template: frm.doc.name })
		);
		frm.add_custom_button(__("New Stage"), () =>
			frappe.new_doc("CRM Stage", { stage_template: frm.doc.name })
		);
		show_learned_probabilities(frm);
	},
});

// Beside each stage's typed probability, the stage-to-win rate observed over the last 24 months on the
// deals of the template's portfolios (crm_portal.api.forecast.get_stage_stats), with how many deals it
// rests on, and the median / 80th percentile days spent in the stage. A figure resting on fewer deals
// than the settings' minimum is shown as "–".
function show_learned_probabilities(frm) {
	const esc = (value) => frappe.utils.escape_html(value === null || value === undefined ? "" : String(value));
	// French figures: "27,5 %", "12,5 j"
	const decimal = (value) => String(Math.round(value * 10) / 10).replace(".", ",");
	const percent = (rate) => (rate === null || rate === undefined ? "–" : `${decimal(rate * 100)} %`);
	const days = (value) => (value === null || value === undefined ? "–" : `${decimal(value)} j`);
	frappe
		.xcall("crm_portal.api.forecast.get_stage_stats", { template: frm.doc.name, scope: "all" })
		.then((stats) => {
			if (!stats || frm.doc.name !== frm.docname) return;
			const rows = (stats.stages || [])
				.map(
					(s) => `<tr data-stage="${esc(s.stage)}">
						<td>${esc(s.stage_name)}</td>
						<td class="text-right">${esc(`${decimal(s.probability ?? 0)} %`)}</td>
						<td class="text-right crm-learned-rate"><b>${esc(percent(s.learned_rate))}</b>
							<span class="text-muted">${esc(__("({0} deals)", [s.learned_sample ?? 0]))}</span></td>
						<td class="text-right">${esc(days(s.median_days))}</td>
						<td class="text-right">${esc(days(s.p80_days))}</td>
					</tr>`
				)
				.join("");
			const win = stats.win_rate || {};
			const html = `
				<div class="crm-learned-probabilities">
					<table class="table table-sm table-bordered" style="margin-bottom: 6px">
						<thead><tr>
							<th>${esc(__("Stage"))}</th>
							<th class="text-right">${esc(__("Typed probability"))}</th>
							<th class="text-right">${esc(__("Observed win rate"))}</th>
							<th class="text-right">${esc(__("Median days"))}</th>
							<th class="text-right">${esc(__("80th percentile days"))}</th>
						</tr></thead>
						<tbody>${rows}</tbody>
					</table>
					<div class="text-muted small">${esc(
						__("Over the last 24 months: {0} deals, win rate {1}. No figure below {2} deals.", [
							stats.deals ?? 0,
							percent(win.value),
							stats.min_sample ?? 0,
						])
					)}</div>
				</div>`;
			frm.dashboard.parent.find(".crm-learned-section").remove(); // a refresh answered twice
			frm.dashboard.add_section(html, __("Learned probabilities"), "custom crm-learned-section");
			frm.dashboard.show();
		})
		.catch((error) => console.error(error)); // the form stays usable without the figures
}

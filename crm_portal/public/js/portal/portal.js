// CRM portal (website pages under /crm): every form or button carrying `data-crm-method` posts its
// fields to that whitelisted method of the app (the same server rules and permissions as the desk), then
// reloads the page or goes to `data-crm-redirect` ("{name}" is replaced by the returned name).
// Field names with dots build objects: "values.opportunity.crm_bu" → {values: {opportunity: {crm_bu}}}.
// When a stage needs more fields (HTTP 417, `stage_requirements`), their inputs are added to the form.
// Nothing from the server is inserted as HTML: messages and labels are set as text.
(function () {
	"use strict";

	// The pages render their translated messages (website pages do not load the desk's translations).
	const message = (key, fallback) => {
		const node = document.getElementById("crm-portal-messages");
		return (node && node.dataset[key]) || fallback;
	};

	function plainText(html) {
		// Server messages may carry <b> tags: keep their text only (DOMParser runs no script, loads nothing).
		const source = String(html == null ? "" : html).replace(/<br\s*\/?>/gi, "\n");
		const doc = new DOMParser().parseFromString(source, "text/html");
		return (doc.body.textContent || "").trim();
	}

	function serverMessages(data) {
		const messages = [];
		try {
			for (const raw of JSON.parse(data._server_messages || "[]")) {
				const message = typeof raw === "string" ? JSON.parse(raw) : raw;
				messages.push(plainText(message.message || message));
			}
		} catch (e) {
			// not a message list
		}
		if (!messages.length && data.exception) {
			messages.push(plainText(String(data.exception).split(":").slice(1).join(":") || data.exception));
		}
		return messages;
	}

	async function call(method, args) {
		const body = new URLSearchParams();
		for (const [key, value] of Object.entries(args)) {
			if (value === undefined || value === null || value === "") continue;
			body.append(key, typeof value === "object" ? JSON.stringify(value) : String(value));
		}
		const response = await fetch("/api/method/" + method, {
			method: "POST",
			credentials: "same-origin",
			headers: {
				Accept: "application/json",
				"X-Frappe-CSRF-Token": (window.frappe && window.frappe.csrf_token) || "",
			},
			body,
		});
		let data = {};
		try {
			data = await response.json();
		} catch (e) {
			data = {};
		}
		if (!response.ok) {
			const error = new Error(serverMessages(data).join("\n") || response.statusText);
			error.status = response.status;
			error.data = data;
			throw error;
		}
		return data.message;
	}

	function setPath(target, path, value) {
		const keys = path.split(".");
		let node = target;
		keys.slice(0, -1).forEach((key) => {
			if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
			node = node[key];
		});
		node[keys[keys.length - 1]] = value;
	}

	// Dates are typed and shown day first (dd/mm/yyyy, as everywhere in the app), in text inputs marked
	// data-crm-date="date" or "datetime": a browser's native date input follows the browser's locale
	// (mm/dd/yyyy in an English Chromium), not the user's.
	const pad = (n) => String(n).padStart(2, "0");

	/** "2027-03-15" or "2027-03-15T09:30" (the server's) → "15/03/2027" or "15/03/2027 09:30". */
	function displayDate(value, withTime) {
		const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?/.exec(String(value || "").trim());
		if (!m) return value;
		const date = `${m[3]}/${m[2]}/${m[1]}`;
		return withTime ? `${date} ${m[4] || "09"}:${m[5] || "00"}` : date;
	}

	/** "15/03/2027" (or 15-03-2027, 15.03.2027) [+ " 09:30"] → "2027-03-15" [+ " 09:30:00"]; null when
	 * it is no real date. */
	function serverDate(value, withTime) {
		const text = String(value || "").trim();
		let m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s+(\d{1,2})[:h](\d{2}))?$/.exec(text);
		let [day, month, year, hour, minute] = m ? m.slice(1) : [];
		if (!m) {
			m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?/.exec(text);
			if (!m) return null;
			[year, month, day, hour, minute] = m.slice(1);
		}
		const d = new Date(Number(year), Number(month) - 1, Number(day));
		if (d.getFullYear() !== Number(year) || d.getMonth() !== Number(month) - 1 || d.getDate() !== Number(day)) return null;
		if (hour !== undefined && (Number(hour) > 23 || Number(minute) > 59)) return null;
		const date = `${year}-${pad(month)}-${pad(day)}`;
		return withTime ? `${date} ${pad(hour || 0)}:${pad(minute || 0)}:00` : date;
	}

	function dateInput(input, kind) {
		input.type = "text";
		input.dataset.crmDate = kind;
		input.autocomplete = "off";
		input.placeholder = kind === "datetime" ? message("datetimeFormat", "dd/mm/yyyy hh:mm") : message("dateFormat", "dd/mm/yyyy");
		if (input.value) input.value = displayDate(input.value, kind === "datetime");
	}

	document.querySelectorAll("input[data-crm-date]").forEach((input) => dateInput(input, input.dataset.crmDate));

	function collect(element) {
		let args = {};
		if (element.dataset.crmArgs) args = JSON.parse(element.dataset.crmArgs);
		if (element.tagName === "FORM") {
			for (const input of element.elements) {
				if (!input.name || input.name.startsWith("_") || input.disabled) continue;
				if ((input.type === "checkbox" || input.type === "radio") && !input.checked) continue;
				let value = input.value;
				if (input.dataset.crmDate && value.trim()) {
					value = serverDate(value, input.dataset.crmDate === "datetime");
					if (!value) {
						input.focus();
						throw new Error(message("badDate", "Write the dates as dd/mm/yyyy"));
					}
				}
				if (value === "") continue;
				setPath(args, input.name, value);
			}
		}
		return args;
	}

	function feedbackOf(element) {
		const scope = element.tagName === "FORM" ? element : element.parentElement;
		let box = scope.querySelector(".crm-feedback");
		if (!box) {
			box = document.createElement("div");
			box.className = "crm-feedback text-danger small mt-2";
			box.setAttribute("role", "alert");
			scope.appendChild(box);
		}
		return box;
	}

	function inputFor(field) {
		let input;
		const type = field.fieldtype;
		if (type === "Select") {
			input = document.createElement("select");
			for (const option of String(field.options || "").split("\n")) {
				const item = document.createElement("option");
				item.value = option;
				item.textContent = option;
				input.appendChild(item);
			}
		} else if (type === "Text" || type === "Small Text" || type === "Text Editor" || type === "Long Text") {
			input = document.createElement("textarea");
		} else {
			input = document.createElement("input");
			input.type =
				{ Int: "number", Float: "number", Currency: "number", Percent: "number", Check: "checkbox" }[type] ||
				"text";
			if (input.type === "number") input.step = "any";
			if (input.type === "checkbox") input.value = "1";
			if (type === "Date" || type === "Datetime") dateInput(input, type === "Date" ? "date" : "datetime");
		}
		input.className = input.type === "checkbox" ? "form-check-input" : "form-control form-control-sm";
		input.name = "values." + String(field.target || "Opportunity").toLowerCase() + "." + field.fieldname;
		input.required = input.type !== "checkbox";
		return input;
	}

	function askRequirements(form, requirements) {
		// The stage's missing fields, stage by stage, as inputs of the same form; submitting again sends them.
		let box = form.querySelector(".crm-requirements");
		if (box) box.remove();
		box = document.createElement("fieldset");
		box.className = "crm-requirements border rounded p-2 my-2 w-100";
		const legend = document.createElement("legend");
		legend.className = "small font-weight-bold w-auto px-1";
		legend.textContent = message("requirements", "We need to know a little more before this opportunity can move on:");
		box.appendChild(legend);
		for (const stage of requirements) {
			const title = document.createElement("div");
			title.className = "small text-muted mt-1";
			title.textContent = stage.stage_name || stage.stage;
			box.appendChild(title);
			for (const field of stage.fields || []) {
				const label = document.createElement("label");
				label.className = "d-block small mb-1";
				label.textContent = field.label || field.fieldname;
				label.appendChild(inputFor(field));
				box.appendChild(label);
			}
		}
		const submit = form.querySelector("[type=submit]");
		form.insertBefore(box, submit || null);
		if (submit) submit.textContent = message("retry", "Save and move");
	}

	async function run(element, event) {
		if (event) event.preventDefault();
		if (element.dataset.crmConfirm && !window.confirm(element.dataset.crmConfirm)) return;
		const feedback = feedbackOf(element);
		feedback.textContent = "";
		const buttons = element.tagName === "FORM" ? element.querySelectorAll("button") : [element];
		buttons.forEach((b) => (b.disabled = true));
		try {
			const result = await call(element.dataset.crmMethod, collect(element));
			const redirect = element.dataset.crmRedirect;
			if (redirect) {
				window.location.href = redirect.replace("{name}", encodeURIComponent((result && result.name) || ""));
			} else {
				window.location.reload();
			}
		} catch (error) {
			buttons.forEach((b) => (b.disabled = false));
			const requirements = error.data && error.data.stage_requirements;
			if (requirements && element.tagName === "FORM") {
				askRequirements(element, requirements); // its legend says what the message says
			} else {
				feedback.textContent = error.message || message("error", "Something went wrong");
			}
		}
	}

	document.addEventListener("submit", (event) => {
		const form = event.target.closest("form[data-crm-method]");
		if (form) run(form, event);
	});
	document.addEventListener("click", (event) => {
		const button = event.target.closest("button[data-crm-method]");
		if (button && !button.form) run(button, event);
	});
	document.addEventListener("change", (event) => {
		// "Create a new prospect" switch of the new opportunity form.
		const toggle = event.target.closest("[data-crm-toggle]");
		if (!toggle) return;
		document.querySelectorAll(toggle.dataset.crmToggle).forEach((node) => {
			const on = node.dataset.crmWhen === toggle.value;
			node.hidden = !on;
			node.querySelectorAll("input, select").forEach((input) => (input.disabled = !on));
		});
	});
})();

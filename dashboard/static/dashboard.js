// Lemniscate dashboard: checks a form before it is sent, with the same rules and sentences
// as the server (dashboard/forms.py, dashboard/messages.py), adds and removes rows of
// repeated groups, and applies portfolio filters as they change. Pages work without it;
// it only saves a round trip and a reload.
"use strict";

const MESSAGES = JSON.parse(document.getElementById("messages").textContent);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INTEGER = /^-?\d+$/;
// Kinds whose emptiness means "not filled in"; a preselected default does not count.
const TYPED = new Set(["text", "textarea", "date", "integer", "tristate", "lines", "mapping"]);

function say(key, values = {}) {
  return MESSAGES[key].replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
}

// Characters as Python counts them (code points), not UTF-16 units.
const length = (text) => [...text].length;

function valuesOf(form, path) {
  const found = [];
  for (const el of form.elements) {
    if (el.name !== path) continue;
    if ((el.type === "checkbox" || el.type === "radio") && !el.checked) continue;
    found.push(el.value);
  }
  return found;
}

function first(form, path) {
  return (valuesOf(form, path)[0] || "").trim();
}

function lines(form, path) {
  return valuesOf(form, path).flatMap((v) => v.split(/\r?\n/)).map((l) => l.trim()).filter(Boolean);
}

// The fields directly inside `container` (a form, an object field or a row of a group),
// not those nested in a child field.
function directFields(container) {
  return [...container.querySelectorAll("[data-field]")].filter(
    (el) => el.parentElement.closest("[data-field], [data-item], form") === container);
}

function itemsOf(field) {
  return [...field.querySelectorAll(":scope > fieldset > [data-items] > [data-item]")];
}

function isBlank(form, fields) {
  for (const field of fields) {
    const kind = field.dataset.kind;
    if (kind === "object") {
      if (!isBlank(form, directFields(field))) return false;
    } else if (kind === "objects") {
      if (!itemsOf(field).every((item) => isBlank(form, directFields(item)))) return false;
    } else if (TYPED.has(kind) || (kind === "enum" && !field.dataset.hasDefault)) {
      if (valuesOf(form, field.dataset.path).some((v) => v.trim())) return false;
    }
  }
  return true;
}

function checkScalar(field, raw) {
  const d = field.dataset;
  if (d.kind === "date") {
    if (!DATE.test(raw)) return say("date");
    const parsed = new Date(raw + "T00:00:00Z");
    return !isNaN(parsed) && parsed.toISOString().slice(0, 10) === raw ? null : say("date");
  }
  if (d.kind === "integer") {
    if (!INTEGER.test(raw)) return say("integer");
    if (d.minimum !== undefined && Number(raw) < Number(d.minimum)) return say("minimum", { min: d.minimum });
    return null;
  }
  if (d.kind === "enum") return JSON.parse(d.options).includes(raw) ? null : say("enum");
  if (d.minLength !== undefined && length(raw) < Number(d.minLength)) return say("too_short", { min: d.minLength });
  if (d.maxLength !== undefined && length(raw) > Number(d.maxLength)) return say("too_long", { max: d.maxLength });
  if (d.pattern !== undefined && !new RegExp(d.pattern, "u").test(raw)) return say(d.patternMessage);
  return null;
}

function checkCollection(form, field) {
  const d = field.dataset;
  const items = lines(form, d.path);
  const problems = [];
  let count = items.length;
  if (d.kind === "choices") {
    const options = JSON.parse(d.options);
    if (items.some((i) => !options.includes(i))) problems.push(say("enum"));
  } else if (d.kind === "lines") {
    items.forEach((item, i) => {
      if (d.maxLength !== undefined && length(item) > Number(d.maxLength)) {
        problems.push(say("item_too_long", { line: i + 1, max: d.maxLength }));
      }
    });
  } else {
    const keys = new Set();
    items.forEach((item, i) => {
      const at = item.indexOf(":");
      const key = at < 0 ? "" : item.slice(0, at).trim();
      if (at < 0 || !key || !item.slice(at + 1).trim()) problems.push(say("mapping_line", { line: i + 1 }));
      else keys.add(key);
    });
    count = keys.size;
  }
  if (d.minItems !== undefined && count < Number(d.minItems)) problems.push(say("min_items", { min: d.minItems }));
  if (d.maxItems !== undefined && count > Number(d.maxItems)) problems.push(say("max_items", { max: d.maxItems }));
  return problems;
}

// Every problem of `fields`, as path -> sentences, the way dashboard.forms.decode finds them.
function check(form, fields, errors) {
  for (const field of fields) {
    const d = field.dataset;
    const add = (message) => (errors[d.path] = errors[d.path] || []).push(message);
    if (d.kind === "boolean") continue;
    if (d.kind === "tristate") {
      if (!["", "true", "false"].includes(first(form, d.path))) add(say("enum"));
    } else if (["lines", "choices", "mapping"].includes(d.kind)) {
      checkCollection(form, field).forEach(add);
    } else if (d.kind === "object") {
      const children = directFields(field);
      if (d.required || !isBlank(form, children)) check(form, children, errors);
    } else if (d.kind === "objects") {
      const filled = itemsOf(field).map(directFields).filter((c) => !isBlank(form, c));
      filled.forEach((children) => check(form, children, errors));
      if (d.minItems !== undefined && filled.length < Number(d.minItems)) add(say("min_items", { min: d.minItems }));
      if (d.maxItems !== undefined && filled.length > Number(d.maxItems)) add(say("max_items", { max: d.maxItems }));
    } else {
      const raw = first(form, d.path);
      if (raw === "") {
        if (d.required) add(say("required"));
      } else {
        const problem = checkScalar(field, raw);
        if (problem) add(problem);
      }
    }
  }
  return errors;
}

function show(form, errors) {
  for (const field of form.querySelectorAll("[data-field]")) {
    const path = field.dataset.path;
    const messages = errors[path];
    field.classList.toggle("field--invalid", Boolean(messages));
    const slot = field.querySelector(`[data-error-for="${CSS.escape(path)}"]`);
    if (slot) {
      slot.textContent = messages ? messages.join(" ") : "";
      slot.hidden = !messages;
    }
  }
  const alert = form.querySelector("[data-form-alert]");
  if (alert) {
    alert.textContent = MESSAGES.check_fields;
    alert.hidden = Object.keys(errors).length === 0;
  }
}

function onSubmit(event) {
  const form = event.target;
  if (!form.matches("form[data-validate]")) return;
  const errors = check(form, directFields(form), {});
  // A step that cannot be undone goes only with its consequence ticked (as the server holds).
  const confirm = form.querySelector("input[data-confirm]");
  if (confirm && !confirm.checked) errors[confirm.name] = [confirm.dataset.confirm];
  show(form, errors);
  if (Object.keys(errors).length) {
    event.preventDefault();
    const bad = form.querySelector(".field--invalid input, .field--invalid select, .field--invalid textarea");
    if (bad) bad.focus();
    return;
  }
  // One submission per click: a second would be refused as a duplicate, or apply twice.
  for (const button of form.querySelectorAll("button[type=submit]")) {
    setTimeout(() => (button.disabled = true), 0);
  }
}

function onClick(event) {
  const add = event.target.closest("[data-add]");
  if (add) {
    const fieldset = add.closest("fieldset");
    const items = fieldset.querySelector(":scope > [data-items]");
    const template = fieldset.querySelector(":scope > template[data-template]");
    const index = Number(items.dataset.next || 0);
    const html = template.innerHTML.split(items.dataset.placeholder).join(String(index));
    items.insertAdjacentHTML("beforeend", html);
    items.dataset.next = String(index + 1);
    const input = items.lastElementChild.querySelector("input, select, textarea");
    if (input) input.focus();
    return;
  }
  const remove = event.target.closest("[data-remove]");
  if (remove) remove.closest("[data-item]").remove();
  const opener = event.target.closest("[data-open]");
  if (opener) {
    const target = document.getElementById(opener.dataset.open);
    if (target && target.tagName === "DETAILS") {
      target.open = true;
      // Followed from a blocker: straight into the form that resolves it, once it is here.
      if (opener.matches(".resolve")) {
        event.preventDefault();
        loadForm(target).then(() => {
          const input = target.querySelector("form input:not([type=hidden]), form select, form textarea");
          if (!input) {
            window.location.href = opener.href; // not loaded: the form's own page
            return;
          }
          target.scrollIntoView({ block: "start" });
          input.focus({ preventScroll: true });
        });
      }
    }
  }
}

// A folded panel holds links to forms' own pages; opened, each form itself is fetched into
// it, once (progressive enhancement: without this script the links are the way).
const loading = new WeakMap();

function loadSlot(slot) {
  if (!loading.has(slot)) {
    const url = slot.querySelector("a[href]").getAttribute("href") + "?part=form";
    const fetched = fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then((answer) => (answer.ok && !answer.redirected ? answer.text() : Promise.reject(answer.status)))
      .then((html) => {
        slot.outerHTML = html;
      })
      .catch(() => loading.delete(slot)); // the link stays, and the next opening tries again
    loading.set(slot, fetched);
  }
  return loading.get(slot);
}

function loadForm(details) {
  return Promise.all([...details.querySelectorAll("[data-form-slot]")].map(loadSlot));
}

function onToggle(event) {
  const details = event.target;
  if (details.tagName === "DETAILS" && details.open) loadForm(details);
}

function onChange(event) {
  const form = event.target.closest("form[data-autosubmit]");
  if (form && event.target.matches("select, input[type=checkbox]")) form.requestSubmit();
}

document.addEventListener("submit", onSubmit);
document.addEventListener("click", onClick);
document.addEventListener("change", onChange);
document.addEventListener("toggle", onToggle, true); // toggle does not bubble
// After a form is sent, the focus goes to what came of it, so a keyboard or screen reader
// user hears it and goes on from there (WCAG 4.1.3): the confirmation of a kept step
// (role=status), or the refusal or the problems above the form sent back (role=alert).
function focusResult() {
  const submitted = document.querySelector("[data-submitted]");
  const result = submitted
    ? submitted.querySelector("[data-refusal], [data-form-general], [data-form-alert]:not([hidden])")
    : document.querySelector("[data-done]");
  if (result) {
    result.focus({ preventScroll: true });
    result.scrollIntoView({ block: "center" });
  } else if (submitted) {
    submitted.scrollIntoView({ block: "center" });
  }
}

document.addEventListener("DOMContentLoaded", focusResult);
// A form sent back lands on its address with #form-…, and the browser's move to that
// fragment takes the focus to the page itself: give it back to the result once it has.
window.addEventListener("load", () => setTimeout(() => {
  if (document.activeElement === document.body && window.location.hash) focusResult();
}, 0));

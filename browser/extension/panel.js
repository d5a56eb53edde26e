// Second Me form filling: the panel (an extension page shown in a frame over the form; the site
// cannot read it). It lists what Second Me proposes for each field with where the value comes
// from and a checkbox; sensitive values are not even fetched until the person ticks them.
"use strict";

const api = globalThis.browser ?? globalThis.chrome;
const session = location.hash.slice(1);
const $ = (id) => document.getElementById(id);
let results = [];

function send(msg) {
  return api.runtime.sendMessage({...msg, session}).catch((err) => ({ok: false, error: String(err)}));
}

function say(text, isError) {
  $("message").textContent = text;
  $("message").className = isError ? "error" : "";
}

function fail(reply) {
  say((reply && reply.error) || "Second Me did not answer.", true);
  $("fill").disabled = true;
}

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;  // never HTML: labels come from the page
  return node;
}

function render() {
  const rows = $("rows");
  rows.replaceChildren();
  const shown = results.filter((r) => ["ok", "needs_confirmation", "no_option"].includes(r.status));
  for (const r of shown) {
    const li = el("li", r.sensitive ? "sensitive" : "");
    li.dataset.key = r.key;
    li.dataset.status = r.status;
    const label = el("label");
    const box = el("input");
    box.type = "checkbox";
    box.dataset.key = r.key;
    box.checked = r.status === "ok";
    box.disabled = r.status === "no_option";
    label.append(box, el("span", "field", (r.label || r.field_label || r.field || "") + ":"));
    const value = r.status === "ok" ? r.value
      : r.status === "needs_confirmation" ? "(hidden until you tick it)" : "(no matching choice in the list)";
    label.append(el("span", "value", value));
    li.append(label);
    const source = [r.provenance, ...(r.sources || []).slice(0, 2).map((s) => "from " + s)].filter(Boolean).join(" · ");
    if (source) li.append(el("div", "source", source));
    if (r.status === "needs_confirmation") {
      li.append(el("div", "note", `Sensitive (${r.field_label || r.field}): sent to the page only if you tick it.`));
    }
    rows.append(li);
  }
  const others = results.length - shown.length;
  $("empty").hidden = others === 0;
  $("empty").textContent = `${others} other field${others === 1 ? "" : "s"} left empty: nothing in your ` +
    "profile for them, or fields Second Me never fills (checkboxes, search boxes, codes, passwords, cards).";
  say(shown.length ? "Tick what to fill:" : "Second Me has nothing for this form.", false);
  $("fill").disabled = shown.length === 0;
}

async function load() {
  const reply = await send({type: "lookup"});
  if (!reply || !reply.ok) return fail(reply);
  results = Array.isArray(reply.results) ? reply.results : [];
  render();
}

async function fillAccepted() {
  const ticked = new Set(Array.from(document.querySelectorAll("#rows input[type=checkbox]:checked"))
    .map((b) => b.dataset.key));
  const values = results.filter((r) => r.status === "ok" && ticked.has(r.key))
    .map((r) => ({key: r.key, value: r.value, option: r.option}));
  const confirm = results.filter((r) => r.status === "needs_confirmation" && ticked.has(r.key)).map((r) => r.key);
  $("fill").disabled = true;
  say("Filling…", false);
  const reply = await send({type: "fill", values, confirm});
  if (!reply || !reply.ok) return fail(reply);
  // Reached only when something could not be filled (otherwise the panel is already closed).
  const skipped = (reply.skipped || []).map((s) => {
    const r = results.find((x) => x.key === String(s.key));
    return `${(r && (r.label || r.field_label)) || s.key}: ${s.why}`;
  });
  say(`Filled ${reply.filled.length} field${reply.filled.length === 1 ? "" : "s"}. Not filled: ${skipped.join("; ")}`, false);
}

$("fill").addEventListener("click", fillAccepted);
for (const id of ["cancel", "close"]) $(id).addEventListener("click", () => send({type: "close"}));
load();

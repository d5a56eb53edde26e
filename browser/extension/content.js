// Second Me form filling: the content script.
//
// It does nothing with a page until the person acts: focusing a field shows a small button next
// to it; a real click on that button (or on the toolbar button, or the keyboard shortcut) opens the
// Second Me panel for THAT form. Only then are the descriptions of that form's own fields read
// (labels, placeholder, name, id, autocomplete, type, maxlength, select options, section heading,
// neighbouring labels): never what the fields hold, never any other page text. Values come back
// to the panel (an extension page the site cannot read) and reach the page only for the fields
// the person accepted.
"use strict";

(() => {
  const api = globalThis.browser ?? globalThis.chrome;
  const SKIP_TYPES = new Set(["hidden", "submit", "button", "reset", "image", "file"]);
  const TEXT_LIMIT = 300;
  const HOST_ID = "secondme-fill-trigger";
  const PANEL_ID = "secondme-fill-panel";

  let lastField = null;     // the fillable field the person last focused
  let trigger = null;       // the small button's host element
  let panel = null;         // the panel's host element
  let session = null;       // {id, form, elements: Map(key -> element)}

  function isField(el) {
    if (!(el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement)) {
      return false;
    }
    if (el instanceof HTMLInputElement && SKIP_TYPES.has((el.type || "").toLowerCase())) return false;
    return true;
  }

  // Fields a person can see and change: hidden honeypots and read-only boxes are left out.
  function usable(el) {
    if (el.disabled || el.readOnly) return false;
    if (el.getClientRects().length === 0) return false;
    const style = getComputedStyle(el);
    return style.visibility !== "hidden" && style.display !== "none";
  }

  function fieldsIn(container) {
    const all = container instanceof HTMLFormElement ? Array.from(container.elements)
      : Array.from(container.querySelectorAll("input, select, textarea"));
    return all.filter((el) => isField(el) && usable(el));
  }

  // The form a field belongs to: its <form>; for forms built without one, the nearest element
  // around it that holds other fields and a button (the form's own "send"), never one that
  // takes in a real <form> as well.
  function formOf(el) {
    if (el.form) return el.form;
    let widest = null;
    for (let n = el.parentElement; n && n !== document.body && n !== document.documentElement; n = n.parentElement) {
      if (n.querySelector("form")) break;
      widest = n;
      if (fieldsIn(n).length >= 2 && n.querySelector("button, input[type=submit], input[type=button], [role=button]")) {
        return n;
      }
    }
    return widest || document.body;
  }

  function clean(text) {
    return (text || "").replace(/\s+/g, " ").trim().slice(0, TEXT_LIMIT);
  }

  // An element's own words, without the text of the controls inside it (a <label> wrapping a
  // <select> would otherwise carry every option).
  function textOf(node) {
    if (!node) return "";
    const copy = node.cloneNode(true);
    copy.querySelectorAll("input, select, textarea, button, script, style, option").forEach((n) => n.remove());
    return clean(copy.textContent);
  }

  function labelOf(el) {
    const byIds = (el.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean)
      .map((id) => textOf(document.getElementById(id))).filter(Boolean).join(" ");
    const labels = el.labels ? Array.from(el.labels).map(textOf).filter(Boolean).join(" ") : "";
    const text = labels || byIds || clean(el.getAttribute("aria-label")) || clean(el.getAttribute("title"));
    if (text) return text;
    // A table or list layout: the text just before the field ("<td>Name</td><td><input>").
    for (let n = el; n && n !== document.body; n = n.parentElement) {
      const prev = n.previousElementSibling;
      if (prev) {
        const t = fieldsIn(prev).length ? "" : textOf(prev);
        return t.length <= 80 ? t : "";
      }
      if (n.parentElement && fieldsIn(n.parentElement).length > 1) return "";
    }
    return "";
  }

  function sectionOf(el, form) {
    const fieldset = el.closest("fieldset");
    if (fieldset && form.contains(fieldset)) {
      const legend = fieldset.querySelector("legend");
      if (legend) return textOf(legend);
    }
    const group = el.closest("[role=group][aria-label], [role=region][aria-label]");
    if (group && form.contains(group)) return clean(group.getAttribute("aria-label"));
    // The last heading of the form before the field.
    let heading = "";
    for (const h of form.querySelectorAll("h1, h2, h3, h4, h5, h6, legend")) {
      if (h.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) heading = textOf(h);
    }
    return heading;
  }

  function describeForm(form) {
    const elements = fieldsIn(form);
    const labels = elements.map(labelOf);
    const fields = elements.map((el, i) => {
      const tag = el.tagName.toLowerCase();
      const d = {
        key: String(i),
        tag,
        label: labels[i],
        placeholder: clean(el.getAttribute("placeholder")),
        name: clean(el.getAttribute("name")),
        id: clean(el.id),
        autocomplete: clean(el.getAttribute("autocomplete")),
        type: tag === "input" ? clean(el.getAttribute("type") || "text").toLowerCase() : tag,
        section: sectionOf(el, form),
        neighbours: [labels[i - 2], labels[i - 1], labels[i + 1], labels[i + 2]].filter(Boolean),
        role: clean(el.getAttribute("role")),
      };
      if (el.maxLength > 0) d.maxlength = el.maxLength;
      if (el instanceof HTMLSelectElement) {
        d.options = Array.from(el.options).slice(0, 400).map((o) => ({value: o.value.slice(0, TEXT_LIMIT), text: clean(o.text)}));
      }
      return d;
    });
    return {elements, fields};
  }

  function styleHost(host, css) {
    host.setAttribute("style", css);
  }

  function removeTrigger() {
    if (trigger) trigger.remove();
    trigger = null;
  }

  function showTrigger(field) {
    removeTrigger();
    const rect = field.getBoundingClientRect();
    const host = document.createElement("div");
    host.id = HOST_ID;
    styleHost(host, "all: initial; position: absolute; z-index: 2147483646; width: 22px; height: 22px; " +
      `left: ${Math.round(window.scrollX + rect.right - 26)}px; ` +
      `top: ${Math.round(window.scrollY + rect.top + Math.max(0, (rect.height - 22) / 2))}px;`);
    const root = host.attachShadow({mode: "open"});
    const button = document.createElement("button");
    button.type = "button";
    button.title = "Fill this form with Second Me";
    button.setAttribute("aria-label", "Fill this form with Second Me");
    button.textContent = "2";
    button.setAttribute("style", "all: initial; box-sizing: border-box; width: 22px; height: 22px; border-radius: 11px; " +
      "background: #3b6ea5; color: white; font: bold 12px sans-serif; text-align: center; cursor: pointer;");
    // mousedown would move the focus off the field and hide the button before the click lands.
    button.addEventListener("mousedown", (e) => e.preventDefault());
    button.addEventListener("click", (e) => {
      // A page can call click() on the button; only the person's own click counts.
      if (!e.isTrusted) return;
      e.preventDefault();
      e.stopPropagation();
      openPanel(formOf(field));
    });
    root.appendChild(button);
    document.documentElement.appendChild(host);
    trigger = host;
  }

  function closePanel() {
    if (panel) panel.remove();
    panel = null;
    session = null;
  }

  function openPanel(form) {
    closePanel();
    removeTrigger();
    // Not crypto.randomUUID(): it exists only in secure contexts, and forms on plain http pages
    // need filling too.
    const id = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
    session = {id, form, elements: null};
    const host = document.createElement("div");
    host.id = PANEL_ID;
    styleHost(host, "all: initial; position: fixed; z-index: 2147483647; top: 12px; right: 12px; " +
      "width: 400px; height: min(560px, calc(100vh - 24px));");
    const root = host.attachShadow({mode: "open"});
    const frame = document.createElement("iframe");
    frame.src = api.runtime.getURL("panel.html") + "#" + id;
    frame.title = "Second Me";
    frame.setAttribute("style", "all: initial; width: 100%; height: 100%; border: 1px solid #888; " +
      "border-radius: 8px; background: white; box-shadow: 0 4px 16px rgba(0,0,0,.25);");
    root.appendChild(frame);
    document.documentElement.appendChild(host);
    panel = host;
  }

  // What the toolbar button and the shortcut do: the focused (or last focused) field's form, else
  // the page's first form with fields.
  function triggered() {
    if (!document.hasFocus() && window !== window.top) return;
    const active = document.activeElement;
    let field = active && isField(active) ? active : lastField;
    if (field && !field.isConnected) field = null;
    if (field) {
      openPanel(formOf(field));
      return;
    }
    if (window !== window.top) return;
    const form = Array.from(document.forms).find((f) => fieldsIn(f).length > 0);
    if (form) openPanel(form);
  }

  function setValue(el, value) {
    const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype
      : el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
    // The prototype's setter, not el.value = …: frameworks that wrap the element's own value
    // property (React) then see the change in the events below.
    Object.getOwnPropertyDescriptor(proto, "value").set.call(el, value);
    el.dispatchEvent(new Event("input", {bubbles: true}));
    el.dispatchEvent(new Event("change", {bubbles: true}));
  }

  function fill(values) {
    const filled = [];
    const skipped = [];
    for (const v of values) {
      const el = session.elements && session.elements.get(String(v.key));
      if (!el || !el.isConnected || !usable(el)) {
        skipped.push({key: v.key, why: "the field is gone"});
        continue;
      }
      if (el instanceof HTMLSelectElement) {
        const option = Array.from(el.options).find((o) => o.value === v.option);
        if (v.option === null || v.option === undefined || !option) {
          skipped.push({key: v.key, why: "no matching choice"});
          continue;
        }
        setValue(el, option.value);
      } else {
        const value = String(v.value ?? "");
        if (!value || (el.maxLength > 0 && value.length > el.maxLength)) {
          skipped.push({key: v.key, why: "too long for the field"});
          continue;
        }
        setValue(el, value);
      }
      filled.push(v.key);
    }
    return {ok: true, filled, skipped};
  }

  document.addEventListener("focusin", (e) => {
    const el = e.target;
    if (el instanceof Element && isField(el) && usable(el) && !(el instanceof HTMLInputElement && (el.type === "checkbox" || el.type === "radio"))) {
      lastField = el;
      if (!panel) showTrigger(el);
    }
  }, true);

  document.addEventListener("focusout", (e) => {
    // Let a click on the button land first.
    setTimeout(() => {
      if (trigger && !(document.activeElement && isField(document.activeElement))) removeTrigger();
    }, 200);
  }, true);

  api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
    if (sender.id !== api.runtime.id || typeof msg !== "object" || msg === null) return false;
    if (msg.type === "trigger") {
      triggered();
      return false;
    }
    // The rest belongs to one panel: frames without that session stay silent.
    if (!session || msg.session !== session.id) return false;
    if (msg.type === "describe") {
      const {elements, fields} = describeForm(session.form);
      session.elements = new Map(fields.map((f, i) => [f.key, elements[i]]));
      sendResponse({fields});
    } else if (msg.type === "fill") {
      const result = fill(Array.isArray(msg.values) ? msg.values : []);
      // The filled form is the answer; the panel stays only to say what could not be filled.
      if (result.skipped.length === 0) closePanel();
      sendResponse(result);
    } else if (msg.type === "close") {
      closePanel();
      sendResponse({ok: true});
    }
    return false;
  });
})();

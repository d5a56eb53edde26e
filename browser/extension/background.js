// Second Me form filling: the background (a service worker in Chromium, an event page in Firefox).
//
// It is the only part that may talk to the native host, which asks the running Second Me app for
// values. It keeps no state between events: the content script owns the form and its session id,
// the panel owns what it shows. Nothing here touches the network (the CSP forbids it anyway).
"use strict";

const api = globalThis.browser ?? globalThis.chrome;
const HOST = "io.github.secondme.browser_host";

function hostError(err) {
  const text = String((err && err.message) || err || "");
  if (/not found|no such native application/i.test(text)) {
    return {ok: false, reason: "no_host",
            error: "The Second Me helper is not installed for this browser: run 'secondme browser install', then restart the browser."};
  }
  if (/forbidden/i.test(text)) {
    return {ok: false, reason: "no_host",
            error: "The Second Me helper does not allow this extension: run 'secondme browser install --extension-id " + api.runtime.id + "'."};
  }
  return {ok: false, reason: "no_host", error: "The Second Me helper stopped: " + text};
}

async function native(message) {
  try {
    const reply = await api.runtime.sendNativeMessage(HOST, message);
    return reply && typeof reply === "object" ? reply : {ok: false, reason: "app", error: "no answer from Second Me"};
  } catch (err) {
    return hostError(err);
  }
}

// The field descriptions of the form that session belongs to, from the content script that
// opened it (only that frame answers: the others do not know the session).
async function describe(tabId, session) {
  try {
    const reply = await api.tabs.sendMessage(tabId, {type: "describe", session});
    if (reply && Array.isArray(reply.fields)) return {ok: true, fields: reply.fields};
  } catch (err) {
    // the page went away or reloaded
  }
  return {ok: false, reason: "gone", error: "The form is gone (the page changed): click the Second Me button again."};
}

async function handle(msg, tabId) {
  if (msg.type === "lookup") {
    const d = await describe(tabId, msg.session);
    if (!d.ok) return d;
    if (d.fields.length === 0) return {ok: false, reason: "empty", error: "This form has no fields to fill."};
    return native({type: "fill", fields: d.fields});
  }
  if (msg.type === "fill") {
    const values = Array.isArray(msg.values) ? msg.values.slice() : [];
    const confirm = Array.isArray(msg.confirm) ? msg.confirm.map(String) : [];
    if (confirm.length) {
      // Sensitive values are fetched only now, for the fields the person ticked.
      const d = await describe(tabId, msg.session);
      if (!d.ok) return d;
      const want = new Set(confirm);
      const fields = d.fields.filter((f) => want.has(f.key));
      if (fields.length) {
        const reply = await native({type: "fill", fields, confirm});
        if (!reply.ok) return reply;
        for (const r of reply.results || []) {
          if (r.status === "ok" && want.has(r.key)) values.push({key: r.key, value: r.value, option: r.option});
        }
      }
    }
    try {
      const done = await api.tabs.sendMessage(tabId, {type: "fill", session: msg.session, values});
      return done || {ok: false, error: "The form did not answer."};
    } catch (err) {
      return {ok: false, reason: "gone", error: "The form is gone (the page changed)."};
    }
  }
  if (msg.type === "close") {
    try {
      await api.tabs.sendMessage(tabId, {type: "close", session: msg.session});
    } catch (err) {
      // nothing left to close
    }
    return {ok: true};
  }
  return {ok: false, error: "unknown request"};
}

api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  // Only our own panel and content scripts reach this (no externally_connectable), inside a tab.
  if (sender.id !== api.runtime.id || !sender.tab || typeof msg !== "object" || msg === null) return false;
  handle(msg, sender.tab.id).then(sendResponse, (err) => sendResponse({ok: false, error: String(err)}));
  return true;
});

function trigger(tab) {
  if (tab && tab.id !== undefined) {
    api.tabs.sendMessage(tab.id, {type: "trigger"}).catch(() => {});
  }
}

api.action.onClicked.addListener(trigger);
api.commands.onCommand.addListener((command, tab) => {
  if (command !== "fill-form") return;
  if (tab) {
    trigger(tab);
  } else {
    api.tabs.query({active: true, currentWindow: true}).then((tabs) => trigger(tabs[0]));
  }
});

// The phone's outbox: meetings logged with no connection, kept in IndexedDB until they
// are sent. One script for both sides: the page (offline.js) keeps and shows them and
// sends them when it sees the connection return; the service worker (sw.js, by
// importScripts) sends them on a background sync, with no page of netcrm open. Both
// send under one lock, and each meeting carries its submission key: however many
// times it is sent, the server makes it once.
(function (scope) {
  "use strict";
  const LOCK = "netcrm-outbox";
  let opened = null;
  const db = () => (opened ||= new Promise((resolve, reject) => {
    const open = indexedDB.open("netcrm", 1);
    open.onupgradeneeded = () => open.result.createObjectStore("outbox", { keyPath: "id" });
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  }));
  const store = async (mode, action) => {
    const tx = (await db()).transaction("outbox", mode);
    const request = action(tx.objectStore("outbox"));
    return new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
    });
  };
  const all = () => store("readonly", (s) => s.getAll());
  const get = (id) => store("readonly", (s) => s.get(id));
  const put = (item) => store("readwrite", (s) => s.put(item));
  const remove = (id) => store("readwrite", (s) => s.delete(id));
  const clear = () => store("readwrite", (s) => s.clear());
  const mine = async (user) => (await all()).filter((item) => item.user === user)
    .sort((a, b) => a.at - b.at);

  // Who is signed in, and a fresh CSRF token for them (the one the form was typed
  // with may be stale: a new log-in rotates it). null when nobody is.
  async function signedIn(tokenUrl) {
    const response = await fetch(tokenUrl, { credentials: "same-origin" });
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok || response.redirected || !type.includes("json")) return null;
    return response.json();
  }

  const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', "#x27": "'", "#39": "'" };
  const unescape = (text) => text.replace(/&(amp|lt|gt|quot|#x27|#39);/g, (_, name) => ENTITIES[name]);

  // One meeting sent: it is then "sent" (with the link the answer gives) or "invalid"
  // (the form with its errors, to open and fix); or it stays waiting, and the answer
  // says why: "login" (signed out, or a refused token) or "later".
  async function send(item, token) {
    const body = new URLSearchParams();
    item.fields.forEach(([name, value]) => {
      body.append(name, name === "csrfmiddlewaretoken" ? token : value);
    });
    const response = await fetch(item.action, {
      method: "POST", body, credentials: "same-origin",
      headers: { "HX-Request": "true", "X-CSRFToken": token },
    });
    const text = await response.text();
    if (response.ok && !response.redirected) {
      const logged = text.slice(Math.max(0, text.indexOf('class="logged"')));
      const link = logged.match(/<a href="([^"]*)">([^<]*)<\/a>/);
      Object.assign(item, { state: "sent", meetingUrl: link && unescape(link[1]), sentAt: Date.now() });
      if (link) item.title = unescape(link[2]).trim();
    } else if (response.status === 422) {
      Object.assign(item, { state: "invalid", errorHtml: text });
    } else {
      return response.redirected || response.status === 403 ? "login" : "later";
    }
    await put(item);
    return item.state;
  }

  // Send every meeting waiting for whoever is signed in (`user`, if given, must be
  // the one). Returns { loginNeeded, sent }. Throws when the connection drops.
  async function flush(tokenUrl, user) {
    const run = async () => {
      const result = { loginNeeded: false, sent: 0 };
      const kept = user === undefined ? await all() : await mine(user);
      if (!kept.some((item) => item.state === "waiting")) return result; // no token asked for
      const who = await signedIn(tokenUrl);
      if (!who || (user !== undefined && who.user !== user)) {
        result.loginNeeded = true;
        return result;
      }
      for (const item of await mine(who.user)) {
        const current = await get(item.id); // another tab, or the worker, may have sent it
        if (!current || current.state !== "waiting") continue;
        const state = await send(current, who.csrfToken);
        if (state === "login") {
          result.loginNeeded = true;
          break;
        }
        if (state === "sent") result.sent += 1;
      }
      return result;
    };
    return navigator.locks ? navigator.locks.request(LOCK, run) : run();
  }

  // Drop a meeting that is not sent (waiting, or refused and not fixed): under the
  // lock, so never while it is being sent. False if it was sent meanwhile.
  async function discard(id) {
    const run = async () => {
      const item = await get(id);
      if (!item || !["waiting", "invalid"].includes(item.state)) return false;
      await remove(id);
      return true;
    };
    return navigator.locks ? navigator.locks.request(LOCK, run) : run();
  }

  scope.netcrmOutbox = { all, get, put, remove, clear, mine, flush, discard, SYNC_TAG: LOCK };
})(self);

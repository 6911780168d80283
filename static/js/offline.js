// netcrm on a phone with no connection: registers the service worker, keeps a meeting
// logged offline on the device (IndexedDB) and sends it, once, when the connection
// returns. The submission key it was typed with makes a second send create nothing.
(function () {
  "use strict";
  const script = document.currentScript;
  const user = script.dataset.user || "";
  const LOGOUT = script.dataset.logout;
  const QUEUED_FORMS = "form#log-meeting-form";
  const outbox = document.getElementById("outbox");
  const uuid = () => (window.crypto.randomUUID ? crypto.randomUUID()
    : "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
      (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16)));
  let loginNeeded = false;
  let unsent = false;

  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(script.dataset.sw, { scope: "/" }).catch(() => {});
    // The worker keeps this person's pages, and forgets anyone else's.
    navigator.serviceWorker.ready.then((registration) => {
      if (registration.active) registration.active.postMessage({ type: "user", user });
    });
  }

  // The device's outbox (static/js/outbox.js): one row per meeting typed offline.
  const { all, get, put, remove } = window.netcrmOutbox;
  const mine = () => window.netcrmOutbox.mine(user);

  // Forget this person's pages and meetings on this device (log-out, someone else).
  async function forget() {
    if (window.caches) await caches.delete("netcrm-pages");
    await window.netcrmOutbox.clear();
  }

  // --- The banner on every page: waiting, sent, couldn't send; or a saved copy. ---
  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([name, value]) => node.setAttribute(name, value));
    node.append(...children);
    return node;
  };
  const capital = (text) => text.charAt(0).toUpperCase() + text.slice(1);
  const typedAt = (item) => new Date(item.at).toLocaleString([],
    { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  const discardButton = (item) => el("button", { type: "button", class: "link",
    "data-outbox-discard": item.id, "aria-label": `Discard ${item.title}` }, "Discard");
  async function render() {
    if (!outbox) return;
    const items = user ? await mine() : [];
    const waiting = items.filter((item) => item.state === "waiting");
    const lines = [];
    const copy = document.body.dataset.offlineCopy;
    if (copy && !document.getElementById("offline-pages")) {
      const when = new Date(copy).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
      lines.push(navigator.onLine
        ? el("p", { class: "offline-copy" }, `Back online. This is the copy saved ${when}: `,
          el("a", { href: window.location.href }, "reload"))
        : el("p", { class: "offline-copy" }, `Offline: the copy saved ${when}.`));
    }
    if (waiting.length) {
      lines.push(el("p", { class: "waiting" }, el("strong", {}, `Waiting to send (${waiting.length})`),
        loginNeeded ? " Log in to send." : " Kept on this phone; sent when you're back online."));
      waiting.forEach((item) => lines.push(el("p", { class: "kept-item" },
        `${capital(item.title)}, typed ${typedAt(item)} `, discardButton(item))));
    }
    if (unsent && !navigator.onLine) {
      lines.push(el("p", { class: "invalid" }, "No connection: that change was not saved. "
        + "Try again when you're back online."));
    }
    items.filter((item) => item.state === "invalid").forEach((item) => {
      lines.push(el("p", { class: "invalid" }, `Couldn't send ${item.title}: `,
        el("a", { href: `${item.action}?outbox=${item.id}` }, "open to fix"), " ",
        discardButton(item)));
    });
    items.filter((item) => item.state === "sent").forEach((item) => {
      const link = item.meetingUrl ? el("a", { href: item.meetingUrl }, item.title) : item.title;
      lines.push(el("p", { class: "sent" }, el("strong", {}, "Sent: "), link, " ",
        el("button", { type: "button", class: "link", "data-outbox-dismiss": item.id,
          "aria-label": "Dismiss" }, "✕")));
    });
    outbox.replaceChildren(...lines);
    outbox.hidden = !lines.length;
    // The note left where a meeting was kept follows it: sent, or to fix.
    document.querySelectorAll("[data-kept]").forEach((note) => {
      const item = items.find((one) => one.id === note.dataset.kept);
      if (!item) { // discarded
        note.querySelector("h2").textContent = "Discarded";
        note.querySelector("p").textContent = "Nothing was sent: it is deleted from this phone.";
        return;
      }
      if (item.state === "waiting") return;
      note.querySelector("h2").textContent = item.state === "invalid" ? "Couldn't send" : "Sent";
      note.querySelector("p").replaceChildren(item.state === "invalid"
        ? el("a", { href: `${item.action}?outbox=${item.id}` }, "Open to fix")
        : (item.meetingUrl ? el("a", { href: item.meetingUrl }, item.title) : item.title));
    });
  }

  // --- Keeping a meeting typed with no connection. ---
  function titleOf(form) {
    const names = Array.from(form.querySelectorAll("#chosen .chip"), (chip) => chip.textContent.trim())
      .map((text) => text.replace(/✕$/, "").trim());
    const typed = form.elements.namedItem("new_contact_name");
    if (typed && typed.value.trim()) names.push(typed.value.trim());
    return names.length ? `the meeting with ${names.join(", ")}` : "a meeting";
  }
  async function keep(form) {
    const fields = Array.from(new FormData(form).entries()).filter(([name]) => name !== "q");
    const id = form.dataset.outboxId || uuid();
    let key = (fields.find(([name]) => name === "submission_key") || [])[1];
    const others = (await all()).filter((item) => item.id !== id);
    if (!key || others.some((item) => item.key === key)) key = uuid();
    const item = {
      id, user, key, title: titleOf(form), action: form.getAttribute("action"), at: Date.now(),
      state: "waiting",
      fields: fields.filter(([name]) => name !== "submission_key").concat([["submission_key", key]]),
    };
    await put(item);
    // Sent by the service worker once the phone is online again, even with netcrm
    // closed (Background Sync, where the browser has it; else at the next page load).
    if ("serviceWorker" in navigator && window.isSecureContext) {
      navigator.serviceWorker.ready.then((registration) => registration.sync
        && registration.sync.register(window.netcrmOutbox.SYNC_TAG)).catch(() => {});
    }
    form.replaceWith(el("div", { id: form.id, class: "logged kept", role: "status", "data-kept": id },
      el("h2", { id: "modal-title" }, "Kept on this phone"),
      el("p", {}, `No connection: ${item.title} is saved here and will be sent when you're back online.`),
      el("p", {}, el("a", { role: "button", href: item.action }, "Log another"))));
    await render();
  }
  // Offline: htmx never sends it (capture phase runs before htmx's own listener).
  document.addEventListener("submit", (event) => {
    if (!event.target.matches(QUEUED_FORMS) || navigator.onLine) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    keep(event.target);
  }, true);
  // "Online" but nothing answers: keep it with the key it was sent with.
  document.addEventListener("htmx:sendError", (event) => {
    const elt = event.detail.elt;
    if (elt.matches && elt.matches(QUEUED_FORMS)) {
      keep(elt);
    } else if (elt.matches && elt.matches("a[href]") && event.detail.requestConfig.verb === "get") {
      window.location.assign(elt.href); // the saved copy, or the offline page
    } else if (event.detail.requestConfig.verb !== "get") {
      unsent = true; // a tap on Done, Snooze… that could not reach netcrm
      render();
    }
  });
  // A form reopened to fix, sent with success: it is no longer waiting.
  // (beforeOnLoad: the form is still in the page, about to be swapped for the answer.)
  document.addEventListener("htmx:beforeOnLoad", (event) => {
    const id = event.detail.elt.dataset && event.detail.elt.dataset.outboxId;
    const status = event.detail.xhr.status;
    if (id && status >= 200 && status < 300) remove(id).then(render);
  });

  // --- Sending what waits, when the connection returns and at every page load. ---
  async function flush() {
    if (!user || !navigator.onLine) return;
    try {
      const result = await window.netcrmOutbox.flush(script.dataset.token, user);
      loginNeeded = result.loginNeeded;
      if (result.sent) document.body.dispatchEvent(new CustomEvent("meetingLogged")); // the queue refreshes
    } catch (_) { /* the connection dropped again: still waiting */ }
    await render();
  }
  // The service worker sent them (a background sync): show it, refresh the queue.
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (!event.data || event.data.type !== "outbox") return;
      if (event.data.sent) document.body.dispatchEvent(new CustomEvent("meetingLogged"));
      render();
    });
  }
  window.addEventListener("online", () => { unsent = false; });
  window.addEventListener("online", flush);
  window.addEventListener("offline", render);

  // Dismiss a "Sent" line; forget sent meetings after a week.
  document.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-outbox-dismiss]");
    if (!button) return;
    const item = await get(button.dataset.outboxDismiss);
    if (item) await put(Object.assign(item, { state: "done" }));
    render();
  });
  // Discard a meeting not sent (typed by mistake, or refused and not worth fixing).
  document.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-outbox-discard]");
    if (!button) return;
    const item = await get(button.dataset.outboxDiscard);
    if (item && window.confirm(`Discard ${item.title}? It has not been sent, `
      + "and it will not be: what was typed is deleted from this phone.")) {
      await window.netcrmOutbox.discard(item.id); // false: sent meanwhile, and shown so
    }
    render();
  });
  const WEEK = 7 * 24 * 3600 * 1000;
  mine().then((items) => items.filter((item) => ["sent", "done"].includes(item.state)
    && Date.now() - (item.sentAt || item.at) > WEEK).forEach((item) => remove(item.id)));

  // A meeting that couldn't be sent, opened to fix: the form as the server returned it.
  const fixing = new URLSearchParams(window.location.search).get("outbox");
  const reopen = async () => {
    const item = fixing && await get(fixing);
    const form = document.querySelector(QUEUED_FORMS);
    if (!item || item.user !== user || !item.errorHtml || !form) return;
    const template = el("template");
    template.innerHTML = item.errorHtml;
    const fixed = template.content.querySelector(QUEUED_FORMS);
    if (!fixed) return;
    fixed.dataset.outboxId = item.id;
    form.replaceWith(fixed);
    if (window.htmx) window.htmx.process(fixed);
  };

  // A saved copy of a page carries no submission keys: each form gets a new one.
  const fillKeys = (root) => root.querySelectorAll('input[name="submission_key"]').forEach((input) => {
    if (!input.value) input.value = uuid();
  });
  document.addEventListener("htmx:afterSwap", (event) => { // from what was swapped in
    if (event.target.querySelectorAll) fillKeys(event.target);
  });
  fillKeys(document);

  // Log-out: nothing of this person stays on the device for the next one.
  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!LOGOUT || form.getAttribute("action") !== LOGOUT || form.dataset.forgotten) return;
    event.preventDefault();
    const unsent = user ? (await mine()).filter((item) => ["waiting", "invalid"].includes(item.state)) : [];
    if (unsent.length && !window.confirm(`${unsent.length} meeting(s) not sent yet will be deleted `
      + "from this phone. Log out anyway?")) return;
    await forget();
    form.dataset.forgotten = "1";
    form.submit();
  }, true);

  // The offline page lists what this phone has saved.
  const saved = document.getElementById("offline-pages");
  if (saved && window.caches) {
    caches.open("netcrm-pages").then(async (cache) => {
      const links = [];
      for (const request of await cache.keys()) {
        const url = new URL(request.url);
        if (url.pathname === window.location.pathname || url.pathname === "/offline/") continue;
        const response = await cache.match(request);
        if (!(response.headers.get("Content-Type") || "").startsWith("text/html")) continue;
        const html = await response.text();
        const title = (html.match(/<title>([^<]*)<\/title>/) || [])[1] || url.pathname;
        const text = new DOMParser().parseFromString(title, "text/html").documentElement.textContent;
        links.push(el("li", {}, el("a", { href: url.pathname + url.search },
          text.replace(/\s*·\s*netcrm\s*$/, "").trim())));
      }
      if (links.length) saved.replaceChildren(...links);
    });
  }

  reopen().then(render).then(flush);
})();

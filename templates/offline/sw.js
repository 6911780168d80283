// netcrm's service worker, served at /sw.js by offline.views.service_worker (scope "/").
// Static files: from the cache, refreshed in the background (their names carry a
// fingerprint in production, so they are cached as they are fetched, never listed).
// The pages a person needs on the way: network first, the saved copy when offline.
"use strict";
// The outbox of meetings logged offline, shared with the page (netcrmOutbox).
importScripts("{{ outbox_script|escapejs }}");
const SHELL = "netcrm-shell-{{ shell_version|escapejs }}";
const PAGES = "netcrm-pages"; // the signed-in person's pages: emptied at log-out
const OFFLINE_URL = "{{ offline_url|escapejs }}";
// Today's queue, the contacts list, a contact's page, the meeting form.
const KEPT = [/^\/$/, /^\/contacts\/$/, /^\/contacts\/\d+\/$/, /^\/meetings\/new\/$/, /^\/offline\/$/];
const WARM = [OFFLINE_URL, "/", "/meetings/new/"];
const OWNER = new URL("/sw.js?owner", self.location.origin).href;
const FINGERPRINTED = /\.[0-9a-f]{12}\.[a-z0-9]+$/;

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith("netcrm-shell-") && name !== SHELL)
      .map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

// Changes to the saved pages happen one after the other, never interleaved.
let chain = Promise.resolve();
const serially = (task) => (chain = chain.then(task).catch(() => {}));

// Every page says who is signed in ("" for nobody). A page that opened while this
// worker was being installed (the log-in's redirect) missed activate's claim: it is
// claimed now, so that it works offline without a reload.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type !== "user") return;
  event.waitUntil(Promise.all([
    self.clients.claim(), serially(() => settle(String(data.user || ""))),
  ]));
});

// The saved pages are one person's: for anyone else, or nobody, they are emptied
// first. Then the pages wanted offline are saved for the one signed in.
async function settle(user) {
  const marker = await (await caches.open(PAGES)).match(OWNER);
  if (!marker || (await marker.text()) !== user) await caches.delete(PAGES);
  if (!user) return;
  const pages = await caches.open(PAGES);
  await pages.put(OWNER, new Response(user, { headers: { "Content-Type": "text/plain" } }));
  await warm(pages);
}

// Background Sync: the phone is online again, netcrm open or not. The meetings kept
// on it go to whoever is signed in (theirs only); the open pages are told. A sync
// that fails (the connection dropped) is tried again later by the browser.
self.addEventListener("sync", (event) => {
  if (event.tag !== netcrmOutbox.SYNC_TAG) return;
  event.waitUntil((async () => {
    const result = await netcrmOutbox.flush("{{ token_url|escapejs }}");
    const pages = await self.clients.matchAll({ type: "window" });
    pages.forEach((page) => page.postMessage({ type: "outbox", sent: result.sent }));
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(staticFile(event, url));
  } else if (request.mode === "navigate") {
    event.respondWith(page(event, url));
  }
});

async function staticFile(event, url) {
  const cache = await caches.open(SHELL);
  const cached = await cache.match(event.request);
  if (cached && FINGERPRINTED.test(url.pathname)) return cached;
  const fresh = fetch(event.request).then(async (response) => {
    if (response.ok) await cache.put(event.request, response.clone());
    return response;
  });
  if (!cached) return fresh;
  event.waitUntil(fresh.catch(() => {}));
  return cached;
}

const kept = (url) => KEPT.some((pattern) => pattern.test(url.pathname));

async function page(event, url) {
  try {
    const response = await fetch(event.request);
    if (kept(url)) {
      const copy = response.clone();
      event.waitUntil(serially(() => store(url.href, copy)));
    }
    return response;
  } catch (error) {
    const cache = await caches.open(PAGES);
    return (kept(url) && await cache.match(url.href, { ignoreVary: true }))
      || await cache.match(new URL(OFFLINE_URL, self.location.origin).href, { ignoreVary: true })
      || new Response("<!doctype html><title>Offline · netcrm</title><h1>You're offline</h1>"
        + "<p>Nothing is saved on this phone yet.</p>",
      { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
  }
}

// A page as it may be shown later: only the person's own pages (a redirect to the
// log-in page is not one), marked as a saved copy, and without the forms' submission
// keys (the page fills in new ones, so a copy never sends a key twice).
async function store(href, response) {
  const type = response.headers.get("Content-Type") || "";
  if (!response.ok || response.redirected || response.type !== "basic"
      || !type.startsWith("text/html")) return;
  const html = (await response.text())
    .replace(/(name="submission_key" value=")[^"]*"/g, '$1"')
    .replace("<body", `<body data-offline-copy="${new Date().toISOString()}"`);
  await (await caches.open(PAGES)).put(href, new Response(html, { headers: { "Content-Type": type } }));
}

// The pages wanted offline even if never opened as pages (the meeting form usually
// opens in a dialog), and the static files they use.
async function warm(pages) {
  const shell = await caches.open(SHELL);
  for (const path of WARM) {
    const href = new URL(path, self.location.origin).href;
    if (await pages.match(href, { ignoreVary: true })) continue;
    const response = await fetch(href, { credentials: "same-origin" });
    const html = await response.clone().text();
    await store(href, response);
    for (const match of html.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)) {
      if (!(await shell.match(match[1]))) await shell.add(match[1]).catch(() => {});
    }
  }
}

// Keyboard shortcuts (desktop): j / k move through the queue, d done, s snooze (the
// item's card, its first snooze button focused), e edit, m log a meeting (/ search: lists.js),
// ? shows the keys. Not while typing in a field, and not with Ctrl, Alt or Cmd.
(function () {
  "use strict";
  const items = () => Array.from(document.querySelectorAll("#queue article.followup"));
  const current = () => document.activeElement && document.activeElement.closest("#queue article.followup");

  const move = (step) => {
    const all = items();
    if (!all.length) return;
    const at = all.indexOf(current());
    const next = all[Math.min(all.length - 1, Math.max(0, at === -1 ? 0 : at + step))];
    next.focus();
    next.scrollIntoView({ block: "nearest" });
  };
  // After an item goes (done, skipped, snoozed), the next one takes the focus, not the
  // item itself where it comes back (a snoozed one, in "Coming up"). The request may
  // come from the item, or from its card in the dialog aimed at it (snooze).
  let following = null;
  const aimedAt = (el) => el && el.closest && el.closest("#queue article.followup");
  document.addEventListener("htmx:beforeRequest", (event) => {
    const item = aimedAt(event.detail.elt) || aimedAt(event.detail.target);
    if (item) {
      const all = items();
      following = all[all.indexOf(item) + 1] || all[all.indexOf(item) - 1] || null;
    }
  });
  document.addEventListener("htmx:afterSettle", () => {
    if (following && document.body.contains(following) && !document.getElementById("modal").open) {
      following.focus();
    }
    following = null;
  });

  const act = (selector) => {
    const item = current() || items()[0];
    const control = item && item.querySelector(selector);
    if (control) control.click();
  };
  const keys = {
    j: () => move(1),
    k: () => move(-1),
    d: () => act(".quick button[hx-post$='/done/']"),
    s: () => act(".quick a[hx-target='#modal-body']"),
    e: () => {
      const item = current() || items()[0];
      if (item) window.htmx.ajax("GET", item.dataset.edit, { target: "#modal-body", swap: "innerHTML" });
    },
    m: () => {
      const log = document.querySelector(".log-meeting");
      if (log) log.click();
    },
    "?": () => {
      const help = document.getElementById("keys");
      if (help && !help.open) help.showModal();
    },
  };
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    const target = event.target;
    // Typing in a field is typing (a field of a dialog just closed, or just removed, is not).
    const field = target.closest("input, textarea, select, [contenteditable]");
    if (field && field.isConnected && !field.closest("dialog:not([open])")) return;
    if (document.querySelector("dialog[open]") && event.key !== "?") return;
    const run = keys[event.key];
    if (!run) return;
    event.preventDefault();
    run();
  });
})();

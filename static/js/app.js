// netcrm's few behaviours that HTML alone cannot do. No inline handlers (CSP).
(function () {
  "use strict";
  const modal = () => document.getElementById("modal");

  // Back closes the dialog, as it does a phone app's sheet: the open dialog has a
  // history entry of its own (the same address), and Back returns from it to the page
  // under it, as it was (htmx restores nothing), asking first if something was typed.
  // Closed any other way (✕, Close, Escape, saved, Android's back gesture), the dialog
  // takes its entry back, so the next Back leaves the page as before.
  // Whether the dialog's entry is the current one is read from the history itself,
  // never remembered: history.back() lands a moment after it is called, and a dialog
  // opened in that moment (Snooze, then "e" at once) must not take the entry being left
  // for its own, or its close goes back one page too far. Entries are marked with this
  // page's own mark: one left by the page before a reload is not this page's dialog's.
  const page = Math.random().toString(36).slice(2);
  const onEntry = () => Boolean(history.state && history.state.netcrmModal === page);
  let leaving = false; // the dialog's history.back() under way
  let backed = false; // closed by Back: its entry is gone already
  const addEntry = () => {
    if (!onEntry()) history.pushState({ netcrmModal: page }, "");
  };
  window.addEventListener("popstate", (event) => { // capture: before htmx's onpopstate
    const open = modal() && modal().open;
    if (leaving) {
      leaving = false;
      event.stopImmediatePropagation();
      if (open) addEntry(); // opened again while its entry was being taken back
    } else if (open && !onEntry()) { // Back, from the dialog's entry
      event.stopImmediatePropagation();
      if (mayClose()) {
        backed = true;
        modal().close();
      } else {
        addEntry(); // "no": the dialog stays, and keeps an entry to go back from
      }
    }
  }, true);

  // A link in the dialog that leaves the page (the person just named, the meeting just
  // logged) takes the dialog's entry's place instead of adding one after it: one Back
  // then comes back to the page under the dialog, not to its entry, where Back did
  // nothing. A new tab, a download, or htmx's own link (it prevents the default) stay.
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("#modal a[href]");
    if (!link || event.defaultPrevented || event.button !== 0 || !onEntry()) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    if ((link.target && link.target !== "_self") || link.hasAttribute("download")) return;
    const to = new URL(link.href, location.href);
    if (to.hash && to.href.split("#")[0] === location.href.split("#")[0]) return;
    event.preventDefault();
    location.replace(to.href);
  });

  // A form fetched into the modal opens it; "closeModal" closes it.
  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target.id === "modal-body" && !modal().open) {
      modal().showModal();
      addEntry();
      const first = modal().querySelector("[autofocus], input:not([type=hidden]), textarea");
      if (first) first.focus();
    }
  });
  // What was typed in the dialog and not saved is not thrown away unasked: ✕, Close,
  // Escape and leaving the page ask first. Saved (the server's 2xx answer in the
  // dialog, or "closeModal"), or a fresh form, and there is nothing to lose; a form sent
  // back with errors (422) still holds what was typed, unsaved.
  let typed = false;
  document.addEventListener("input", (event) => {
    if (event.target.closest && event.target.closest("#modal-body form")) typed = true;
  });
  document.addEventListener("htmx:beforeSwap", (event) => { // the target still in the page
    const { target, xhr, requestConfig } = event.detail;
    if (!target.closest || !target.closest("#modal-body") || !xhr || xhr.status >= 300) return;
    // A new form in the dialog, or a form sent and saved (not a picker's matches).
    if (target.id === "modal-body" || (requestConfig && requestConfig.verb !== "get")) typed = false;
  });
  const mayClose = () => !typed || !modal().open
    || window.confirm("Discard what you typed? It has not been saved.");
  document.body.addEventListener("closeModal", () => { typed = false; modal().close(); });
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-close-modal]") && mayClose()) modal().close();
  });
  if (modal()) {
    modal().addEventListener("cancel", (event) => { // Escape
      if (!mayClose()) event.preventDefault();
    });
  }
  window.addEventListener("beforeunload", (event) => {
    if (typed && modal() && modal().open) event.preventDefault(); // the browser asks
  });
  // Emptied once closed. The close event is queued: a dialog opened again before it
  // comes (snooze, then "e" at once) keeps what it now shows.
  document.addEventListener("close", (event) => {
    if (event.target.id === "modal" && !event.target.open) {
      typed = false;
      document.getElementById("modal-body").replaceChildren();
      // Not twice: closed again before the step back landed, it has one under way.
      if (onEntry() && !backed && !leaving) {
        leaving = true;
        history.back();
      }
      backed = false;
    }
  }, true);

  // One-click copy of a drafted note.
  document.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-copy-target]");
    if (!button) return;
    const source = document.getElementById(button.dataset.copyTarget);
    const text = source.value !== undefined ? source.value : source.textContent;
    try {
      await navigator.clipboard.writeText(text.trim());
    } catch (_) {
      const range = document.createRange();
      range.selectNodeContents(source);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      document.execCommand("copy");
    }
    const label = button.textContent;
    button.textContent = "Copied";
    setTimeout(() => { button.textContent = label; }, 1500);
  });

  // Sign-up: while the timezone still shows the server's default, put in the
  // browser's own (a choice the browser restored, or the person made, stays).
  const zone = document.querySelector("select[data-browser-timezone]");
  if (zone && zone.selectedOptions[0] && zone.selectedOptions[0].defaultSelected) {
    const name = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (name && Array.from(zone.options).some((option) => option.value === name)) {
      zone.value = name;
    }
  }

  // A field that matters only for some answers of another ("where you met" for an
  // event, a group or volunteering) shows only while that field has one of them.
  // Without JavaScript it always shows; the server ignores it for the other answers.
  const syncShowsWith = (root) => {
    root.querySelectorAll("[data-shows-with]").forEach((field) => {
      const form = field.form;
      const control = form && form.elements.namedItem(field.dataset.showsWith);
      if (!control) return;
      const shown = field.dataset.showsWithValues.split(",").includes(control.value);
      const wrapper = field.closest("div") || field;
      wrapper.hidden = !shown;
    });
  };
  document.addEventListener("change", (event) => {
    if (event.target.form) syncShowsWith(event.target.form);
  });
  // What was swapped in (with outerHTML, detail.target is the element it replaced).
  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.target.querySelectorAll) syncShowsWith(event.target);
  });
  syncShowsWith(document);

  // A field the browser refuses (a number out of its range…) inside a closed <details>
  // ("More"): opened, so that the browser can point at it, instead of a Save that
  // does nothing without a word. (Chromium opens it by itself; not every browser does.)
  document.addEventListener("invalid", (event) => {
    let closed = event.target.closest && event.target.closest("details:not([open])");
    while (closed) {
      closed.open = true;
      closed = closed.parentElement.closest("details:not([open])");
    }
  }, true);

  // A form sent back with mistakes (422): the first of them brought into view, and the
  // first field marked focused. A phone's dialog otherwise stays scrolled down at its
  // Save button, far below the message. Not where the answer chose a field itself.
  // (The event comes from what was swapped in: with outerHTML, detail.target is gone.)
  const showFirstMistake = (root, scrollTo) => {
    const first = root.querySelector(scrollTo);
    if (!first) return;
    first.scrollIntoView({ block: "center" });
    const field = root.querySelector("[aria-invalid=true]");
    if (field) field.focus({ preventScroll: true });
  };
  document.addEventListener("htmx:afterSwap", (event) => {
    const root = event.target;
    const { xhr } = event.detail;
    if (!xhr || xhr.status !== 422 || !root.querySelector || root.querySelector("[autofocus]")) {
      return;
    }
    showFirstMistake(root, "[role=alert], .errorlist, [aria-invalid=true]");
  });
  // The same for a whole page sent back (no HTMX: the settings, sign-up, a password): its
  // first marked field is focused and in view, its message above it. A long page (the
  // settings on a phone) would otherwise show its top, unchanged, and the mistake two
  // screens below. (This script is deferred: the page is parsed.)
  const main = document.querySelector("main");
  if (main && !main.querySelector("[autofocus]")) showFirstMistake(main, "[aria-invalid=true]");

  // Remove a chosen participant chip.
  document.addEventListener("click", (event) => {
    const remove = event.target.closest("[data-remove-chip]");
    if (remove) remove.closest(".chip").remove();
  });
})();

// Phone forms: people pickers (templates/contacts/_picker.html, "#people", "#picker"):
// type a name, pick from the matches (fetched with HTMX), or create someone new with what
// was typed. Without JavaScript: the recent few, and the new person's name in its own field.
(function () {
  "use strict";
  const pickerOf = (element) => element.closest("[data-people-picker]");

  const clearSearch = (picker) => {
    const search = picker.querySelector("[data-people-search]");
    const results = picker.querySelector(".results");
    if (search) search.value = "";
    if (results) results.replaceChildren();
    return search;
  };

  // "+ Someone new: “Sara Smith”": the new person's name is what was typed; a picker of
  // one person also chooses its "someone new" answer. With a Sara Smith among the
  // matches it asks first, in its place: use her, or add another Sara Smith (which the
  // form then sends as its answer, not to be asked again when it is saved).
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-pick-new]");
    const picker = button && pickerOf(button);
    if (!picker || !button.form) return;
    const question = button.hasAttribute("data-ask-first")
      && picker.querySelector(".results [data-same-question]");
    if (question) {
      button.closest("li").hidden = true;
      // The matches it asks about are offered in the question: listed once.
      picker.querySelectorAll(".results [data-same-match]").forEach((row) => { row.hidden = true; });
      question.hidden = false;
      question.querySelector("button, input").focus();
      return;
    }
    const answer = button.form.querySelector("[data-same-name]");
    if (answer && button.hasAttribute("data-another")) answer.value = button.dataset.pickNew;
    const name = button.form.elements.namedItem("new_contact_name");
    const organization = button.form.elements.namedItem("new_contact_organization");
    if (!name) return;
    const details = name.closest("details");
    if (details) details.open = true;
    const none = picker.querySelector("input[type=radio][value='']");
    if (none) none.checked = true;
    name.value = button.dataset.pickNew;
    name.dispatchEvent(new Event("input", { bubbles: true })); // as if typed: who listens hears
    clearSearch(picker);
    (organization || name).focus();
  });

  // Enter in the search picks the first match instead of sending the form half done.
  document.addEventListener("keydown", (event) => {
    const search = event.target.closest("[data-people-search]");
    if (!search || event.key !== "Enter") return;
    event.preventDefault();
    const first = pickerOf(search).querySelector(".results button, .results input");
    if (first) first.click();
  });

  // A chip added: the search is ready for the next person.
  document.addEventListener("htmx:afterSwap", (event) => {
    const picker = pickerOf(event.detail.target);
    if (picker && event.detail.target.classList.contains("chips")) {
      clearSearch(picker).focus();
    }
  });
})();

// Phone forms: the meeting form's "More" says its values in words, again as they change
// ("Call · 30 min · you invited · they paid"), so a closed "More" never says the old ones.
(function () {
  "use strict";
  document.addEventListener("input", (event) => {
    const more = event.target.closest && event.target.closest("details.more-fields");
    const summary = more && more.querySelector("[data-more-words]");
    if (!summary) return;
    const words = JSON.parse(summary.dataset.moreWords);
    const value = (name) => {
      const field = more.querySelector(`[name=${name}]`);
      return field ? field.value.trim() : "";
    };
    const said = (name) => (words[name] && words[name][value(name)]) || value(name);
    const minutes = value("length_minutes");
    const location = value("location");
    summary.textContent = [
      said("kind"), minutes && `${minutes} min`, said("invited_by"), said("paid_by"),
      location && `at ${location}`,
    ].filter(Boolean).join(" · ");
  });
})();


// The meeting form's referral rows: "Who suggested them?" lists the people picked so
// far (the chips, the recent ones ticked, and the new person's name), and shows once
// there are two or more (templates/meetings/log.html, "#referral-row"). A row keeps its
// choice while that person is still picked; otherwise it says the first person met.
(function () {
  "use strict";
  const people = (form) => {
    const found = [];
    const seen = new Set();
    form.querySelectorAll("input[name=contacts]:checked").forEach((box) => {
      if (seen.has(box.value)) return;
      seen.add(box.value);
      found.push([box.value, box.dataset.name || box.value]);
    });
    const named = form.elements.namedItem("new_contact_name");
    const newName = named && named.value ? named.value.trim().replace(/\s+/g, " ") : "";
    if (newName) found.push(["new", newName]);
    return found;
  };

  const sync = (form) => {
    const menus = form.querySelectorAll("select[data-suggested-by]");
    if (!menus.length) return;
    const picked = people(form);
    menus.forEach((menu) => {
      const kept = menu.value;
      menu.replaceChildren(...picked.map(([value, name]) => new Option(name, value)));
      if (picked.some(([value]) => value === kept)) menu.value = kept;
      const field = menu.closest("[data-suggested-by-field]");
      if (field) field.hidden = picked.length < 2;
    });
  };

  const formOf = (element) => element && element.closest && element.closest("form");
  document.addEventListener("change", (event) => {
    if (event.target.name === "contacts") sync(formOf(event.target));
  });
  document.addEventListener("input", (event) => {
    if (event.target.name === "new_contact_name") sync(formOf(event.target));
  });
  // A chip's ✕: its form is found before the chip goes (capture), and synced after.
  document.addEventListener("click", (event) => {
    const remove = event.target.closest && event.target.closest("[data-remove-chip]");
    const form = formOf(remove);
    if (form) setTimeout(() => sync(form), 0);
  }, true);
  // A referral row's "Remove": the row goes, all but its box, ticked, so that the server
  // leaves it out and the rows after it keep their numbers (as the server draws a
  // removed row when the form comes back with a mistake). Focus moves on to "+ Another
  // referral", not lost with the button.
  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("[data-remove-referral]");
    const row = button && button.closest(".referral-row");
    const removed = row && row.querySelector("input[name$='-DELETE']");
    if (!removed) return;
    const form = formOf(row);
    removed.checked = true;
    row.replaceChildren(removed);
    row.hidden = true;
    const add = form && form.querySelector("#add-referral");
    if (add) add.focus();
  });
  // A chip or a referral row swapped in.
  document.addEventListener("htmx:afterSettle", (event) => {
    const form = formOf(event.target) || (event.target.querySelector && event.target.querySelector("form"));
    if (form) sync(form);
  });

  // A day or a moment that has to have happened (a lead's "Found on", an outreach's
  // "When"): the server sends its max as it was then, today or now where the user is
  // (`data-max-now`, to the minute). While the page stays open the max moves on with
  // the clock, as the server's does: a time typed an hour after the page came is not
  // refused by the browser. The browser's own clock counts the time gone by, not the
  // hour it shows (a phone's may be wrong, or in another timezone).
  const sentAt = new WeakMap();
  const seen = (root) => {
    root.querySelectorAll("input[data-max-now]").forEach((input) => {
      if (!sentAt.has(input)) sentAt.set(input, Date.now());
    });
  };
  document.addEventListener("htmx:load", (event) => seen(event.target));
  seen(document);
  const pad = (n) => String(n).padStart(2, "0");
  document.addEventListener("focusin", (event) => {
    const input = event.target;
    if (!input.matches || !input.matches("input[data-max-now]") || !sentAt.has(input)) return;
    const [y, mo, d, h, mi] = input.dataset.maxNow.split(/[-T:]/).map(Number);
    const now = new Date(new Date(y, mo - 1, d, h, mi).getTime() + Date.now() - sentAt.get(input));
    const day = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
    input.max = input.type === "date" ? day : `${day}T${pad(now.getHours())}:${pad(now.getMinutes())}`;
  });

  // A logged meeting's follow-ups (its thank-you, its referrals' calls) are made by the
  // worker a moment after the save: the queue asks again soon after, not only in a
  // minute (each ask sends the queue's version; nothing changed is a 204, no swap).
  const SOON = [1500, 4000, 10000];
  document.body.addEventListener("meetingLogged", () => {
    for (const ms of SOON) setTimeout(() => document.body.dispatchEvent(new CustomEvent("followupsSoon")), ms);
  });
})();

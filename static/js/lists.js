// Lists and search: what HTML alone cannot do. No inline handlers (CSP).
(function () {
  "use strict";

  // "Sort & filter" is folded on a phone; a wide screen shows it open (its summary
  // hidden by CSS). Without JavaScript it stays a <details> anyone can open.
  const wide = window.matchMedia("(min-width: 768px)");
  const openWide = () => {
    if (!wide.matches) return;
    document.querySelectorAll("details[data-open-wide]").forEach((d) => { d.open = true; });
  };
  openWide();
  wide.addEventListener("change", openWide);

  // "/" anywhere but in a field: to the search box (the search page's own, else the
  // header's), or to the search page when no box is shown (a phone's header has none).
  const typing = (el) => el && (el.isContentEditable ||
    ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
  document.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.defaultPrevented) return;  // answered already (keys.js, if it came first)
    if (typing(event.target) || document.querySelector("dialog[open]")) return;
    event.preventDefault();
    const boxes = Array.from(document.querySelectorAll("main [data-search-box]"))
      .concat(Array.from(document.querySelectorAll("header [data-search-box]")));
    const shown = boxes.find((box) => box.offsetParent !== null);
    if (shown) {
      shown.focus();
      shown.select();
      return;
    }
    const form = document.querySelector("form[data-search-form]");
    if (form) window.location.assign(form.action);
  });
})();

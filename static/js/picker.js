// People pickers (templates/contacts/_picker.html, "#people" and "#picker"): type a name,
// pick from the matches (fetched with HTMX), or create someone new with what was typed.
// Without JavaScript: the recent few, and the new person's name typed in its own field.
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
  // one person also chooses its "someone new" answer.
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-pick-new]");
    const picker = button && pickerOf(button);
    if (!picker || !button.form) return;
    const name = button.form.elements.namedItem("new_contact_name");
    const organization = button.form.elements.namedItem("new_contact_organization");
    if (!name) return;
    const details = name.closest("details");
    if (details) details.open = true;
    const none = picker.querySelector("input[type=radio][value='']");
    if (none) none.checked = true;
    name.value = button.dataset.pickNew;
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

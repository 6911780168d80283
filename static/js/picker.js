// People pickers (templates/contacts/_picker.html#people): type a name, pick from the
// matches (chips, fetched with HTMX), or create someone new with what was typed.
// Without JavaScript the picker is the recent few and a "Someone new" text field.
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

  // "+ Someone new: “Sara Smith”": the new person's name is what was typed.
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-pick-new]");
    const picker = button && pickerOf(button);
    if (!picker) return;
    const details = picker.querySelector("[data-new-person]");
    const inputs = details.querySelectorAll("input:not([type=hidden])");
    details.open = true;
    inputs[0].value = button.dataset.pickNew;
    clearSearch(picker);
    (inputs[1] || inputs[0]).focus();
  });

  // Enter in the search picks the first match instead of sending the form half done.
  document.addEventListener("keydown", (event) => {
    const search = event.target.closest("[data-people-search]");
    if (!search || event.key !== "Enter") return;
    event.preventDefault();
    const first = pickerOf(search).querySelector(".results button");
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

// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Live character counters: <textarea data-counter="id-of-output" maxlength="300">.
  function updateCounter(field) {
    var out = document.getElementById(field.dataset.counter);
    if (!out) return;
    var limit = parseInt(field.dataset.limit || field.getAttribute("maxlength") || "0", 10);
    out.textContent = field.value.length + " / " + limit;
    out.classList.toggle("over", limit > 0 && field.value.length > limit);
  }
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (field && field.dataset && field.dataset.counter) updateCounter(field);
  });

  // Repeatable rows on the edit-profile form: a <template> per list and an "add" button.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-row]");
    if (button) {
      event.preventDefault();
      var list = document.getElementById(button.dataset.addRow);
      var template = document.getElementById(button.dataset.addRow + "-template");
      var index = parseInt(list.dataset.next || "0", 10);
      list.dataset.next = String(index + 1);
      var html = template.innerHTML.replace(/__i__/g, String(index));
      list.insertAdjacentHTML("beforeend", html);
      return;
    }
    var remove = event.target.closest("[data-remove-row]");
    if (remove) {
      event.preventDefault();
      var row = remove.closest("fieldset");
      if (row) row.remove();
    }
  });

  // A current position has no end date.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("input[data-current]")) return;
    var row = box.closest("fieldset");
    row.querySelectorAll("[data-end]").forEach(function (input) {
      input.disabled = box.checked;
      if (box.checked) input.value = "";
    });
  });

  // Close an open disclosure after an htmx swap replaced what it confirmed.
  document.addEventListener("htmx:afterSwap", function () {
    document.querySelectorAll("textarea[data-counter]").forEach(updateCounter);
  });
})();

// Facet checkboxes sit beside the results but belong to the search form: a change
// there submits the form (htmx then swaps the results in place).
document.addEventListener("change", function (event) {
  var field = event.target;
  var formId = field && field.getAttribute && field.getAttribute("form");
  if (!formId || field.closest("form")) return;
  var form = document.getElementById(formId);
  if (form && form.requestSubmit) form.requestSubmit();
});

// "Add a company/location/industry" fields: once the results have come back, the
// value lives on as a ticked checkbox beside them, so the field is emptied.
document.addEventListener("htmx:afterSwap", function (event) {
  if (!event.detail || !event.detail.target || event.detail.target.id !== "results") return;
  var form = document.getElementById("search-form");
  if (!form) return;
  form.querySelectorAll("[data-add]").forEach(function (field) { field.value = ""; });
});

// Uploads (<form data-upload-progress>, posted by htmx): a progress bar while the file
// goes up, then a word while the server reads and matches it.
document.addEventListener("htmx:beforeRequest", function (event) {
  var form = event.detail && event.detail.elt;
  if (!form || !form.matches || !form.matches("form[data-upload-progress]")) return;
  var box = form.querySelector(".upload-progress");
  if (box) box.hidden = false;
  var button = form.querySelector("button[type=submit]");
  if (button) button.setAttribute("aria-busy", "true");
});
document.addEventListener("htmx:xhr:progress", function (event) {
  var form = event.target;
  if (!form || !form.matches || !form.matches("form[data-upload-progress]")) return;
  var bar = form.querySelector(".upload-progress progress");
  var status = form.querySelector("[data-upload-status]");
  if (!bar || !event.detail.lengthComputable) return;
  var percent = Math.round((event.detail.loaded / event.detail.total) * 100);
  bar.value = percent;
  if (status) {
    status.textContent = percent < 100
      ? "Uploading… " + percent + "%"
      : "Uploaded. Reading the files and finding your contacts…";
  }
});
document.addEventListener("htmx:afterRequest", function (event) {
  var form = event.detail && event.detail.elt;
  if (!form || !form.matches || !form.matches("form[data-upload-progress]")) return;
  var button = form.querySelector("button[type=submit]");
  if (button) button.removeAttribute("aria-busy");
  var xhr = event.detail.xhr;
  if (!event.detail.successful || (xhr && xhr.status >= 400)) {
    var box = form.querySelector(".upload-progress");
    if (box) box.hidden = true;
  }
});

// == frame ==
// Menus (<details data-menu>): Escape closes the open one and gives focus back to its
// button; a click anywhere else closes it.
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") return;
  document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
    menu.open = false;
    var summary = menu.querySelector("summary");
    if (summary && menu.contains(document.activeElement)) summary.focus();
  });
});
document.addEventListener("click", function (event) {
  document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
    if (!menu.contains(event.target)) menu.open = false;
  });
});

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

// == live ==
// Dialogs (Connect with a note, confirmations), the "More" menus and toasts.
(function () {
  "use strict";
  var opener = null; // what opened the dialog on screen, to give focus back
  var focusAfterSwap = null; // where focus goes once a dialog's answer is in place

  function closest(target, selector) {
    return target && target.closest ? target.closest(selector) : null;
  }

  function focusPlace(selector) {
    var place = selector && document.querySelector(selector);
    if (!place) return;
    if (!place.matches("a, button, input, select, textarea, [tabindex]")) {
      place.setAttribute("tabindex", "-1");
    }
    place.focus();
  }

  // A confirmation: the button of its plain form opens the dialog instead of posting.
  // Cancel closes a dialog; Escape does too (natively).
  document.addEventListener("click", function (event) {
    var button = closest(event.target, "[data-confirm]");
    if (button) {
      var dialog = document.getElementById(button.dataset.confirm);
      if (dialog && dialog.showModal) {
        event.preventDefault();
        opener = button;
        dialog.showModal();
      }
      return;
    }
    var cancel = closest(event.target, "[data-close-dialog]");
    if (cancel) {
      var open = cancel.closest("dialog");
      if (open) open.close();
    }
  });

  // The Connect dialog comes from the server (hx-get on the Connect button, appended to
  // the body) and opens at once; only one at a time.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt && elt.getAttribute && elt.getAttribute("aria-haspopup") === "dialog") opener = elt;
  });
  document.addEventListener("htmx:load", function (event) {
    var elt = event.detail && event.detail.elt;
    if (!elt || !elt.matches || !elt.matches("dialog[data-autoopen]")) return;
    document.querySelectorAll("dialog[data-autoopen]").forEach(function (other) {
      if (other !== elt) other.remove();
    });
    elt.showModal();
  });

  // Closed by Cancel or Escape: a fetched dialog goes away, focus returns to its opener.
  document.addEventListener("close", function (event) {
    var dialog = event.target;
    if (!dialog || dialog.tagName !== "DIALOG") return;
    var back = opener;
    opener = null;
    if (dialog.hasAttribute("data-autoopen")) dialog.remove();
    if (back && document.contains(back)) back.focus();
    else focusPlace(dialog.dataset.returnTo);
  }, true);

  // The answer to a form in a dialog: a refusal is shown inside the dialog (what was
  // typed stays); otherwise the dialog closes and focus goes to what the answer replaced.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var config = event.detail && event.detail.requestConfig;
    var dialog = closest(config && config.elt, "dialog"); // fired on the target: ask the form
    if (!dialog) return;
    var xhr = event.detail.xhr;
    if (xhr && xhr.status >= 400) {
      var alerts = dialog.querySelector(".dialog-alerts");
      if (alerts) {
        event.detail.target = alerts;
        return;
      }
    }
    focusAfterSwap = dialog.dataset.returnTo || null;
    opener = null;
    if (dialog.open) dialog.close();
    if (dialog.hasAttribute("data-autoopen")) dialog.remove();
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (focusAfterSwap) {
      focusPlace(focusAfterSwap);
      focusAfterSwap = null;
    }
    // Toasts leave after a while (they are also read out by the live region).
    document.querySelectorAll("#toasts .toast:not([data-timed])").forEach(function (toast) {
      toast.setAttribute("data-timed", "");
      setTimeout(function () { toast.remove(); }, 6000);
    });
  });

  // "More" menus: Escape closes the open one (focus back on its button); so does a
  // click elsewhere.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || document.querySelector("dialog[open]")) return;
    var menu = closest(document.activeElement, "details.more-menu[open]");
    if (!menu) return;
    menu.open = false;
    menu.querySelector("summary").focus();
  });
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.more-menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target) && !document.querySelector("dialog[open]")) {
        menu.open = false;
      }
    });
  });
})();

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

// == messaging ==
// Live messaging: the messaging pages follow GET /messages/events (server-sent
// events) and put what arrives in place: a message in the open conversation, the
// header's unread badge, the conversation's row in the list. A reply sent with htmx
// is appended at once and the composer emptied; a refused one keeps its text.
(function () {
  "use strict";

  function element(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function showMessage(item) {
    var list = document.getElementById("messages");
    if (!list || !item || document.getElementById(item.id)) return;
    var empty = document.getElementById("messages-empty");
    if (empty) empty.remove();
    list.appendChild(item);
    item.scrollIntoView({ block: "nearest" });
  }

  function follow(root) {
    if (!window.EventSource) return;
    var source = new EventSource(root.getAttribute("data-live-events"));
    source.addEventListener("kith-message", function (event) {
      showMessage(element(event.data));
    });
    source.addEventListener("kith-badge", function (event) {
      var badge = element(event.data);
      var old = document.getElementById("badge-messages");
      if (badge && old) {
        badge.removeAttribute("hx-swap-oob");
        old.replaceWith(badge);
      }
    });
    source.addEventListener("kith-row", function (event) {
      var row = element(event.data);
      var list = document.getElementById("conversations");
      if (!row) return;
      var old = document.getElementById(row.id);
      if (old) old.remove();
      if (!list || list.getAttribute("data-box") !== row.getAttribute("data-box")) return;
      list.insertBefore(row, list.firstElementChild);
      var empty = document.getElementById("conversations-empty");
      if (empty) empty.remove();
      if (window.htmx) window.htmx.process(row);
    });
    source.addEventListener("kith-end", function () {
      source.close();
    });
  }

  function start() {
    var root = document.querySelector("[data-live-events]");
    if (root) follow(root);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }

  // A reply appended by htmx: empty the composer (a refusal leaves it as typed), and
  // keep one copy if the live stream brought the same message first.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail && event.detail.elt;
    if (!form || form.id !== "composer" || !form.matches("[hx-target='#messages']")) return;
    var xhr = event.detail.xhr;
    if (!event.detail.successful || !xhr || xhr.status >= 300) return;
    var field = form.querySelector("textarea");
    if (field) {
      field.value = "";
      field.dispatchEvent(new Event("input", { bubbles: true }));
    }
    var empty = document.getElementById("messages-empty");
    if (empty) empty.remove();
    var seen = {};
    document.querySelectorAll("#messages > li[id]").forEach(function (item) {
      if (seen[item.id]) item.remove();
      seen[item.id] = true;
    });
    var last = document.querySelector("#messages > li:last-child");
    if (last) last.scrollIntoView({ block: "nearest" });
  });
})();

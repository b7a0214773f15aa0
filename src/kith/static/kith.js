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

// == photos ==
// A picture chosen in a photo or cover form shows before it is uploaded, and a file
// over the size limit is refused at once with the server's sentence.
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!input || !input.matches || !input.matches("input[type=file][data-picture-preview]")) return;
  var preview = document.getElementById(input.getAttribute("data-picture-preview"));
  var file = input.files && input.files[0];
  var max = parseInt(input.getAttribute("data-max-bytes") || "0", 10);
  input.setCustomValidity("");
  if (file && max && file.size > max) {
    input.setCustomValidity(input.getAttribute("data-too-large") || "That file is too large.");
    input.reportValidity();
    if (preview) preview.hidden = true;
    return;
  }
  if (!preview) return;
  if (!file || !/^image\/(jpeg|png|webp)$/.test(file.type)) {
    preview.hidden = true;
    return;
  }
  var reader = new FileReader();
  reader.onload = function () {
    preview.src = String(reader.result);
    preview.hidden = false;
  };
  reader.readAsDataURL(file);
});

// == typeahead ==
// Member comboboxes (the WAI-ARIA editable combobox with list autocomplete): an
// <input data-combobox="go|pick" data-source="/search/typeahead" aria-controls="ID">
// and an empty <ul id="ID" role="listbox" hidden>. The server sends plain
// <li role="option"> elements; focus stays in the field and aria-activedescendant
// names the active option. "go" opens the chosen option's data-href (the header's
// search box); "pick" puts the option's name in the field and its data-value in the
// form field of the same name, then submits the form ("Connections of").
// The header box of older markup (form.site-search + #typeahead) is taken over too.
(function () {
  "use strict";
  var DELAY = 150;
  var count = 0;

  function legacyBox(form) {
    var input = form.querySelector("input[name=q]");
    var holder = form.querySelector("#typeahead");
    if (!input || !holder || input.dataset.combobox) return null;
    ["hx-get", "hx-trigger", "hx-target", "hx-swap"].forEach(function (name) {
      input.removeAttribute(name);
    });
    var list = holder;
    if (holder.tagName !== "UL") {
      list = document.createElement("ul");
      list.id = "typeahead-list";
      holder.appendChild(list);
    }
    list.classList.add("combobox-list");
    input.dataset.combobox = "go";
    input.dataset.source = "/search/typeahead";
    input.setAttribute("aria-controls", list.id);
    return input;
  }

  function setUp(input) {
    if (input.dataset.comboboxReady) return;
    var list = document.getElementById(input.getAttribute("aria-controls") || "");
    if (!list) return;
    input.dataset.comboboxReady = "1";
    count += 1;
    var mode = input.dataset.combobox === "pick" ? "pick" : "go";
    var id = list.id;
    list.setAttribute("role", "listbox");
    if (!list.hasAttribute("aria-label")) list.setAttribute("aria-label", "People");
    list.hidden = true;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");
    var status = document.createElement("div");
    status.className = "sr-only";
    status.setAttribute("role", "status");
    status.id = id + "-status";
    list.insertAdjacentElement("afterend", status);

    // "pick": the form gets the member's handle in a hidden field; what is typed
    // stands until a member is chosen (the server then looks the name up).
    var field = null;
    if (mode === "pick" && input.name) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = input.name;
      field.value = input.dataset.value || input.value;
      input.removeAttribute("name");
      input.insertAdjacentElement("afterend", field);
    }

    var timer = null;
    var asked = 0;
    var active = -1;
    var typed = input.value;

    function options() {
      return Array.prototype.slice.call(list.querySelectorAll("[role=option]"));
    }
    function isOpen() { return input.getAttribute("aria-expanded") === "true"; }
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
      options().forEach(function (o) { o.setAttribute("aria-selected", "false"); });
    }
    function open() {
      if (!options().length) return close();
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    function activate(index) {
      var all = options();
      if (!all.length) return;
      active = (index + all.length) % all.length;
      all.forEach(function (o, i) { o.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }
    function choose(option) {
      if (mode === "go") {
        close();
        window.location.assign(option.dataset.href);
        return;
      }
      input.value = option.dataset.label || option.textContent.trim();
      typed = input.value;
      if (field) field.value = option.dataset.value || input.value;
      close();
      var form = input.form;
      if (form && form.requestSubmit) form.requestSubmit();
    }
    function fetchOptions() {
      var value = input.value.trim();
      if (!value) {
        list.innerHTML = "";
        status.textContent = "";
        return close();
      }
      var ticket = ++asked;
      var url = input.dataset.source + (input.dataset.source.indexOf("?") < 0 ? "?" : "&") +
        "q=" + encodeURIComponent(value) + (mode === "pick" ? "&pick=1" : "");
      fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) {
          if (ticket !== asked) return; // an answer to an older question
          list.innerHTML = html;
          var all = options();
          all.forEach(function (o, i) { o.id = id + "-option-" + i; });
          var people = all.filter(function (o) { return o.dataset.value; }).length;
          status.textContent = people === 0 ? "No one by that name"
            : people === 1 ? "1 person" : people + " people";
          active = -1;
          input.removeAttribute("aria-activedescendant");
          if (document.activeElement === input) open();
        })
        .catch(function () { /* the form still submits */ });
    }

    input.addEventListener("input", function () {
      typed = input.value;
      if (field) field.value = input.value;
      clearTimeout(timer);
      timer = setTimeout(fetchOptions, DELAY);
    });
    input.addEventListener("focus", function () {
      if (!isOpen() && options().length && input.value.trim()) open();
    });
    input.addEventListener("keydown", function (event) {
      var all = options();
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!all.length) return;
        event.preventDefault();
        if (!isOpen()) open();
        var step = event.key === "ArrowDown" ? 1 : -1;
        activate(active < 0 ? (step > 0 ? 0 : all.length - 1) : active + step);
      } else if ((event.key === "Home" || event.key === "End") && isOpen() && active >= 0) {
        event.preventDefault();
        activate(event.key === "Home" ? 0 : all.length - 1);
      } else if (event.key === "Enter") {
        if (isOpen() && active >= 0 && all[active]) {
          event.preventDefault();
          choose(all[active]);
        } else {
          close();
        }
      } else if (event.key === "Escape") {
        if (isOpen()) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
          typed = "";
          if (field) field.value = "";
          list.innerHTML = "";
          status.textContent = "";
        }
      } else if (event.key === "Tab") {
        close();
      }
    });
    // A press on an option keeps the focus in the field; the click chooses it.
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) choose(option);
    });
    document.addEventListener("click", function (event) {
      if (event.target !== input && !list.contains(event.target)) close();
    });
    input.addEventListener("blur", function () {
      // leaving the field (not for an option: those keep the focus) closes the list
      setTimeout(function () { if (document.activeElement !== input) close(); }, 0);
    });
  }

  function setUpAll(root) {
    (root || document).querySelectorAll("form.site-search").forEach(legacyBox);
    (root || document).querySelectorAll("input[data-combobox]").forEach(setUp);
  }
  setUpAll(document);
  document.addEventListener("htmx:load", function (event) { setUpAll(event.target); });
})();

// Search filters: only fields that say something go into the address (a plain
// submit and htmx alike); on a narrow screen the filters wait behind a "Filters"
// button, with the number of active filters on it.
(function () {
  "use strict";
  function dropEmpty(data) {
    var names = [];
    data.forEach(function (_value, name) { if (names.indexOf(name) < 0) names.push(name); });
    names.forEach(function (name) {
      var values = data.getAll(name);
      var kept = values.filter(function (v) { return typeof v !== "string" || v.trim(); });
      if (kept.length === values.length) return;
      data.delete(name);
      kept.forEach(function (v) { data.append(name, v); });
    });
  }
  document.addEventListener("formdata", function (event) {
    if (event.target && event.target.id === "search-form") dropEmpty(event.formData);
  });
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt && elt.id === "search-form" && event.detail.formData) dropEmpty(event.detail.formData);
  });

  var toggle = document.querySelector("[data-filters-toggle]");
  var panel = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (!toggle || !panel) return;
  toggle.hidden = false;
  panel.classList.add("collapsible");
  function show(open) {
    panel.classList.toggle("open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }
  toggle.addEventListener("click", function () {
    show(toggle.getAttribute("aria-expanded") !== "true");
  });
  // The Search button closes the panel on a narrow screen: the results come next.
  panel.addEventListener("click", function (event) {
    if (event.target.closest("button[type=submit]")) show(false);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var results = document.getElementById("results");
    var target = event.detail && event.detail.target;
    if (!results || !target || (target !== results && target.id !== "results")) return;
    // new results above the screen (a filter far down the column): bring them in view
    if (results.getBoundingClientRect().top < 0) results.scrollIntoView({ block: "start" });
    var counter = toggle.querySelector("[data-filter-count]");
    var n = results.dataset.activeFilters || "0";
    if (counter) {
      counter.textContent = n;
      counter.hidden = n === "0";
    }
  });
})();

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

// == posts ==
// The compose box: a live character count (<textarea data-max> with #post-count),
// counted in characters as the server counts them, and @mention suggestions
// (<textarea data-mentions="LIST_ID">): typing @ and the start of a name lists members
// from /search/typeahead; arrows move, Enter or Tab (or a click) puts @handle in the text.
(function () {
  "use strict";

  function counter(field) {
    var out = document.getElementById("post-count");
    var most = parseInt(field.dataset.max || "0", 10);
    if (!out || !most) return;
    var fmt = function (n) { return n.toLocaleString("en-US"); };
    function update() {
      var used = Array.from(field.value.replace(/\r\n/g, "\n").trim()).length;
      var over = used - most;
      out.textContent = over > 0
        ? fmt(used) + " / " + fmt(most) + " — " + fmt(over) + " too many"
        : fmt(used) + " / " + fmt(most);
      if (over > 0) {
        out.setAttribute("data-over", "");
        field.setAttribute("aria-invalid", "true");
      } else {
        out.removeAttribute("data-over");
        field.removeAttribute("aria-invalid");
      }
    }
    field.addEventListener("input", update);
    update();
  }

  function mentions(field) {
    var list = document.getElementById(field.dataset.mentions);
    if (!list) return;
    var status = document.createElement("div");
    status.className = "sr-only";
    status.setAttribute("role", "status");
    list.insertAdjacentElement("afterend", status);
    var timer = null;
    var asked = 0;
    var active = -1;
    var typed = null; // {start, end} of the "@name" being written

    function options() { return Array.prototype.slice.call(list.querySelectorAll("[role=option]")); }
    function close() {
      list.hidden = true;
      list.innerHTML = "";
      active = -1;
      typed = null;
      field.removeAttribute("aria-activedescendant");
    }
    function activate(index) {
      var all = options();
      if (!all.length) return;
      active = (index + all.length) % all.length;
      all.forEach(function (o, i) { o.setAttribute("aria-selected", i === active ? "true" : "false"); });
      field.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }
    function choose(option) {
      if (!typed || !option.dataset.value) return close();
      var text = "@" + option.dataset.value + " ";
      var value = field.value;
      field.value = value.slice(0, typed.start) + text + value.slice(typed.end);
      var caret = typed.start + text.length;
      close();
      field.focus();
      field.setSelectionRange(caret, caret);
      field.dispatchEvent(new Event("input", { bubbles: true }));
      status.textContent = "Mentioned " + (option.dataset.label || option.dataset.value);
    }
    function look() {
      var caret = field.selectionStart;
      var before = field.value.slice(0, caret);
      var match = /(^|[^\w@\/.])@([A-Za-z0-9][A-Za-z0-9 .'-]{0,40})$/.exec(before);
      if (!match || match[2].split(" ").length > 3) return close();
      var start = caret - match[2].length - 1;
      var ticket = ++asked;
      fetch("/search/typeahead?pick=1&q=" + encodeURIComponent(match[2]), {
        headers: { "HX-Request": "true" }, credentials: "same-origin"
      })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) {
          if (ticket !== asked) return;
          list.innerHTML = html;
          var all = options();
          all.forEach(function (o, i) { o.id = list.id + "-option-" + i; });
          if (!all.length) {
            close();
            status.textContent = "No one by that name";
            return;
          }
          typed = { start: start, end: caret };
          active = -1;
          list.hidden = false;
          status.textContent = all.length === 1 ? "1 person to mention; use the arrow keys"
            : all.length + " people to mention; use the arrow keys";
        })
        .catch(function () { close(); });
    }

    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(look, 150);
    });
    field.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      var all = options();
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        activate(active < 0 ? (step > 0 ? 0 : all.length - 1) : active + step);
      } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0 && all[active]) {
        event.preventDefault();
        choose(all[active]);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    field.addEventListener("blur", function () {
      setTimeout(function () { if (document.activeElement !== field) close(); }, 150);
    });
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) choose(option);
    });
  }

  function start() {
    document.querySelectorAll("textarea[data-max]").forEach(counter);
    document.querySelectorAll("textarea[data-mentions]").forEach(mentions);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

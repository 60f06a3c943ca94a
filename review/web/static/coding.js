// The coding view: a selection of the full text becomes a fragment's offsets and quote;
// the form is sent to POST /api/v1/fragments (or PUT /api/v1/fragments/ID to change one).
// Offsets count Unicode code points of the text as the tool reads it: each span of the
// text carries its own offset (data-o), so what the browser does to white space never
// shifts them.
(function () {
  "use strict";
  var root = document.getElementById("coding");
  var pre = document.getElementById("fulltext");
  var form = document.getElementById("fragment-form");
  if (!root || !form) { return; }
  var codeButton = document.getElementById("code-button");
  var info = document.getElementById("selection-info");
  var message = document.getElementById("message");
  var deleteButton = document.getElementById("delete-fragment");
  var pending = null;
  var dirty = false;

  function points(text) { return Array.from(text).length; }

  function show(text) { message.textContent = text; message.hidden = false; }

  function offsetOf(node, offset) {
    if (!pre || !pre.contains(node)) { return null; }
    if (node.nodeType === 3) {
      var span = node.parentNode;
      if (!span.hasAttribute("data-o")) { return null; }
      return Number(span.getAttribute("data-o")) + points(node.data.slice(0, offset));
    }
    if (node === pre) {
      var child = pre.childNodes[offset];
      return child ? Number(child.getAttribute("data-o")) : Number(pre.getAttribute("data-length"));
    }
    if (node.hasAttribute && node.hasAttribute("data-o")) {
      var base = Number(node.getAttribute("data-o"));
      return offset === 0 ? base : base + points(node.textContent);
    }
    return null;
  }

  function onSelection() {
    var selection = window.getSelection();
    if (!pre || !selection || selection.rangeCount === 0 || selection.isCollapsed) {
      pending = null;
    } else {
      var range = selection.getRangeAt(0);
      var start = offsetOf(range.startContainer, range.startOffset);
      var end = offsetOf(range.endContainer, range.endOffset);
      pending = (start === null || end === null || end <= start) ? null
        : { start: start, end: end, quote: selection.toString() };
    }
    if (codeButton) { codeButton.disabled = pending === null; }
    if (info) {
      info.textContent = pending ? "Selected " + (pending.end - pending.start) + " characters at " + pending.start + "-" + pending.end + "."
        : "Select a passage of the text to code it.";
    }
  }
  document.addEventListener("selectionchange", onSelection);

  function field(name) { return form.elements.namedItem(name); }

  function openForm(values, fragmentId) {
    form.hidden = false;
    field("fragment_id").value = fragmentId || "";
    deleteButton.hidden = !fragmentId;
    ["quote", "context", "mechanism_resource", "mechanism_reasoning", "outcome", "relevance", "rigour",
     "relevance_note", "rigour_note", "location", "note"].forEach(function (name) {
      field(name).value = values[name] || "";
    });
    field("theories").value = values.theories_cell || values.theories || "";
    field("start").value = values.start === undefined ? "" : values.start;
    field("end").value = values.end === undefined ? "" : values.end;
    dirty = false;
    field("context").focus();
  }

  if (codeButton) {
    codeButton.addEventListener("click", function () {
      if (!pending) { return; }
      openForm({ quote: pending.quote, start: pending.start, end: pending.end }, null);
    });
  }

  document.getElementById("link-theory").addEventListener("click", function () {
    var theory = document.getElementById("theory-pick").value;
    var direction = document.getElementById("direction-pick").value;
    if (!theory) { return; }
    var entries = field("theories").value.split(";").map(function (e) { return e.trim(); })
      .filter(function (e) { return e && e.split(":")[0].trim() !== theory; });
    entries.push(direction === "supports" ? theory : theory + ":" + direction);
    field("theories").value = entries.join(";");
    dirty = true;
  });

  document.getElementById("cancel-fragment").addEventListener("click", function () {
    form.hidden = true; dirty = false;
  });
  form.addEventListener("input", function () { dirty = true; });

  function send(method, url, body) {
    return fetch(url, {
      method: method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: body === null ? undefined : JSON.stringify(body)
    }).then(function (response) {
      if (response.status === 401) {
        location.href = "/login?next=" + encodeURIComponent(location.pathname + location.search);
        return null;
      }
      return response.json().then(function (data) {
        if (response.ok) { dirty = false; location.reload(); return data; }
        var where = data.field ? " (" + data.field + ")" : "";
        show("Not saved" + where + ": " + (data.error || "the server refused it."));
        var input = data.field && field(data.field);
        if (input && input.type !== "hidden") { input.setAttribute("aria-invalid", "true"); input.focus(); }
        return null;
      });
    }).catch(function () { show("Not saved: the server did not answer."); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = {};
    ["form_key", "report", "text", "quote", "context", "mechanism_resource", "mechanism_reasoning", "outcome",
     "theories", "relevance", "rigour", "relevance_note", "rigour_note", "location", "note"].forEach(function (name) {
      body[name] = field(name).value;
    });
    var id = field("fragment_id").value;
    if (id) {
      delete body.quote; delete body.form_key; delete body.report; delete body.text;
      send("PUT", "/api/v1/fragments/" + id, body);
    } else {
      body.start = Number(field("start").value);
      body.end = Number(field("end").value);
      if (!body.text) { delete body.text; }
      send("POST", "/api/v1/fragments", body);
    }
  });

  deleteButton.addEventListener("click", function () {
    var id = field("fragment_id").value;
    if (id && window.confirm("Delete fragment " + id + "? It stays in the audit trail.")) {
      send("DELETE", "/api/v1/fragments/" + id, { reason: "deleted in the browser" });
    }
  });

  function openFragment(id) {
    fetch("/api/v1/fragments/" + id, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { openForm(data.fragment, id); } });
  }
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-f]") : null;
    if (!target) { return; }
    var selection = window.getSelection();
    if (selection && !selection.isCollapsed && pre && pre.contains(target)) { return; }
    openFragment(target.getAttribute("data-f").split(" ")[0]);
  });

  // Live: when anyone records anything, reload (unless a form is being filled in).
  var version = root.getAttribute("data-version");
  window.setInterval(function () {
    if (document.hidden) { return; }
    fetch("/api/v1/version", { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || String(data.version) === version) { return; }
        if (form.hidden && !dirty && !pending) { location.reload(); }
        else { show("A colleague saved something meanwhile: it shows when you save or reload."); version = String(data.version); }
      }).catch(function () {});
  }, 4000);
})();

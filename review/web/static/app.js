// Keys for the screening page (i, e, m, u) and decisions sent to the JSON API.
// Without this script every button still works: it posts the form.
(function () {
  "use strict";
  var form = document.getElementById("decide");
  if (!form) { return; }
  var note = document.getElementById("note");
  var message = document.getElementById("message");
  var work = form.querySelector("input[name=work]");
  var saved = "review-note:" + location.pathname;

  // A note typed before the session expired comes back after signing in again.
  if (note && sessionStorage.getItem(saved + ":" + (work ? work.value : ""))) {
    note.value = sessionStorage.getItem(saved + ":" + work.value);
    sessionStorage.removeItem(saved + ":" + work.value);
  }

  function show(text) {
    message.textContent = text;
    message.hidden = false;
  }

  function send(action) {
    var api = form.getAttribute("data-api");
    var url = action === "undo" ? api + "/undo" : api + "/decisions";
    var body = {};
    if (action !== "undo") {
      body = { work: work.value, decision: action, note: note.value };
      var reason = form.querySelector("select[name=reason]");
      if (reason && reason.value) { body.reason = reason.value; }
    }
    fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (response.status === 401) {
        if (note && work) { sessionStorage.setItem(saved + ":" + work.value, note.value); }
        location.href = "/login?next=" + encodeURIComponent(location.pathname);
        return null;
      }
      if (response.ok) { location.reload(); return null; }
      return response.json().then(function (data) { show(data.error || "Not saved."); });
    }).catch(function () { show("Not saved: the server did not answer."); });
  }

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button || !button.value) { return; }
    event.preventDefault();
    send(button.value);
  });

  var keys = { i: "include", e: "exclude", m: "maybe", u: "undo" };
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable) { return; }
    var action = keys[event.key];
    if (!action) { return; }
    var button = form.querySelector("button[value=" + action + "]");
    if (button) { event.preventDefault(); button.click(); }
  });
})();

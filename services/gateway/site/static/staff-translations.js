// The translators' editor, by keyboard and with save-as-you-go. Progressive enhancement
// only: without this file the page is a plain form (Save and Submit post every segment).
(function () {
  "use strict";

  function start(form) {
    var areas = Array.prototype.slice.call(form.querySelectorAll("textarea"));
    var status = document.getElementById("autosave-status");
    var version = form.querySelector("input[name=version]");
    var token = form.querySelector("input[name=_csrf_token]");
    var saved = {};  // the text last saved (or loaded) per textarea id
    var queue = Promise.resolve();
    var current = areas[0] || null;

    areas.forEach(function (area) { saved[area.id] = area.value; });

    function say(key) { if (status) { status.textContent = status.getAttribute("data-" + key) || ""; } }

    function post(changed) {
      var body = new URLSearchParams();
      body.append("_csrf_token", token.value);
      body.append("version", version.value);
      changed.forEach(function (area) { body.append(area.name, area.value); });
      return fetch(form.action, {
        method: "POST", body: body, credentials: "same-origin",
        headers: {"Accept": "application/json", "X-CSRFToken": token.value}
      }).then(function (response) {
        if (response.status === 409) { say("conflict"); return; }
        if (!response.ok) { say("failed"); return; }
        return response.json().then(function (answer) {
          if (answer.version !== null && answer.version !== undefined) { version.value = answer.version; }
          changed.forEach(function (area) { saved[area.id] = area.value; });
          say("saved");
        });
      }).catch(function () { say("failed"); });
    }

    // Saves run one after another: each sends the version the previous one answered.
    function save(only) {
      queue = queue.then(function () {
        var changed = (only ? [only] : areas).filter(function (area) {
          return area.value.trim() !== saved[area.id].trim();
        });
        return changed.length ? post(changed) : undefined;
      });
      return queue;
    }

    function move(step) {
      var at = areas.indexOf(current);
      var next = areas[Math.min(Math.max(at + step, 0), areas.length - 1)];
      if (next) { next.focus(); next.scrollIntoView({block: "center"}); }
    }

    function accept(area, text) {
      area.value = text;
      area.focus();
      area.dispatchEvent(new Event("input", {bubbles: true}));
    }

    areas.forEach(function (area) {
      area.addEventListener("focus", function () { current = area; });
      area.addEventListener("blur", function () { save(area); });
    });

    Array.prototype.forEach.call(form.querySelectorAll("button.accept-suggestion"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        accept(document.getElementById(button.getAttribute("data-for")), button.getAttribute("data-text"));
      });
    });

    document.addEventListener("keydown", function (event) {
      if (event.altKey && event.key === "ArrowDown") { event.preventDefault(); move(1); }
      else if (event.altKey && event.key === "ArrowUp") { event.preventDefault(); move(-1); }
      else if (event.altKey && (event.key === "1" || event.code === "Digit1")) {
        if (!current) { return; }
        var first = form.querySelector("button.accept-suggestion[data-for='" + current.id + "']");
        if (first) { event.preventDefault(); accept(current, first.getAttribute("data-text")); }
      }
      else if ((event.ctrlKey || event.metaKey) && (event.key === "s" || event.key === "S")) {
        event.preventDefault();
        save(null);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-autosave]");
    if (form && window.fetch && window.URLSearchParams) { start(form); }
  });
})();

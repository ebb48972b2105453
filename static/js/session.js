/* The idle session (等保 2.0: 登录连接超时自动退出), seen from the page.
 *
 * The server ends a session nobody used for data-session-idle seconds. This script
 * warns data-session-warning seconds before, with a button to stay signed in; typing or
 * clicking in the page counts as use and keeps the session without asking. When the
 * session does end, the forms on the page are kept in sessionStorage and put back after
 * the login, so nothing typed is lost. No inline script: it runs under the hall's CSP.
 */
(function () {
  "use strict";
  var body = document.body;
  var idle = parseInt(body.dataset.sessionIdle || "", 10);
  var box = document.getElementById("session-warning");
  var DRAFT = "hall-draft:" + location.pathname + location.search;

  function forms() {
    return Array.prototype.filter.call(document.forms, function (form) {
      return form.method.toLowerCase() === "post" && !form.hasAttribute("data-no-draft");
    });
  }
  function kept(el) {
    var type = (el.type || "").toLowerCase();
    return el.name && el.name !== "csrfmiddlewaretoken" &&
      ["password", "file", "hidden", "submit", "button", "reset"].indexOf(type) < 0;
  }
  function saveDrafts() {
    var drafts = [];
    forms().forEach(function (form) {
      var fields = [];
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!kept(el)) return;
        var type = (el.type || "").toLowerCase();
        if (type === "checkbox" || type === "radio") fields.push([el.name, el.value, el.checked]);
        else if (el.multiple) fields.push([el.name, Array.prototype.filter.call(el.options, function (o) { return o.selected; }).map(function (o) { return o.value; })]);
        else fields.push([el.name, el.value]);
      });
      drafts.push(fields);
    });
    var typed = drafts.some(function (fields) {
      return fields.some(function (f) { return f.length === 3 ? f[2] : (f[1] && f[1].length); });
    });
    if (typed) {
      try { sessionStorage.setItem(DRAFT, JSON.stringify(drafts)); } catch (e) { /* full */ }
    }
  }
  function restoreDrafts() {
    var raw = null;
    try { raw = sessionStorage.getItem(DRAFT); } catch (e) { return; }
    if (!raw) return;
    sessionStorage.removeItem(DRAFT);
    var drafts;
    try { drafts = JSON.parse(raw); } catch (e) { return; }
    var all = forms();
    drafts.forEach(function (fields, index) {
      var form = all[index];
      if (!form) return;
      var used = {};
      fields.forEach(function (field) {
        var name = field[0];
        var candidates = Array.prototype.filter.call(form.elements, function (el) { return el.name === name && kept(el); });
        if (field.length === 3) {
          candidates.forEach(function (el) { if (el.value === field[1]) el.checked = field[2]; });
          return;
        }
        var n = used[name] || 0;
        used[name] = n + 1;
        var el = candidates[n];
        if (!el) return;
        if (Array.isArray(field[1])) {
          Array.prototype.forEach.call(el.options, function (o) { o.selected = field[1].indexOf(o.value) >= 0; });
        } else {
          el.value = field[1];
        }
      });
    });
    var notice = document.getElementById("draft-restored");
    if (notice) notice.hidden = false;
  }

  if (!idle || !box) {
    // Not signed in: nothing to watch, but a login may bring us back to a kept form.
    return;
  }
  restoreDrafts();

  var warn = parseInt(body.dataset.sessionWarning || "120", 10);
  var url = body.dataset.sessionUrl;
  var loginUrl = body.dataset.loginUrl;
  var countdown = box.querySelector("[data-countdown]");
  var deadline = Date.now() + idle * 1000;
  var used = false;       // the user typed or clicked since the server last heard of them
  var asking = false;     // a request to the server is under way

  function csrf() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function restart(seconds) {
    deadline = Date.now() + seconds * 1000;
    used = false;
    box.hidden = true;
  }
  function ask(method) {
    asking = true;
    var headers = {"Accept": "application/json", "X-Hall-Background": method === "GET" ? "1" : "0"};
    if (method === "POST") headers["X-CSRFToken"] = csrf();
    return fetch(url, {method: method, headers: headers, credentials: "same-origin"})
      .then(function (response) {
        return response.json().then(function (data) { return data; });
      })
      .catch(function () { return null; })
      .then(function (data) { asking = false; return data; });
  }
  function end() {
    saveDrafts();
    location.assign(loginUrl + "?next=" + encodeURIComponent(location.pathname + location.search));
  }
  function tick() {
    if (asking) return;
    var left = Math.round((deadline - Date.now()) / 1000);
    if (left <= warn && used) {
      ask("POST").then(function (data) { if (data && data.remaining) restart(data.remaining); });
      return;
    }
    if (left <= 0) {
      // Another tab may have kept the session: ask before leaving.
      ask("GET").then(function (data) {
        if (data && data.remaining > 0) restart(data.remaining); else end();
      });
      return;
    }
    if (left <= warn) {
      if (box.hidden) {
        ask("GET").then(function (data) {
          if (data && data.remaining > warn) { restart(data.remaining); return; }
          if (data && data.remaining >= 0) deadline = Date.now() + data.remaining * 1000;
          show(Math.max(0, Math.round((deadline - Date.now()) / 1000)));
        });
        return;
      }
      show(left);
    }
  }
  function show(left) {
    var minutes = Math.floor(left / 60), seconds = left % 60;
    countdown.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    box.hidden = false;
  }
  ["keydown", "input", "mousedown", "touchstart"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      if (box.contains(event.target)) return;
      used = true;
    }, {passive: true, capture: true});
  });
  box.querySelector("[data-stay]").addEventListener("click", function () {
    ask("POST").then(function (data) {
      if (data && data.remaining) restart(data.remaining); else end();
    });
  });
  // A request htmx makes for the user counts as use on the server too.
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var headers = (event.detail && event.detail.requestConfig && event.detail.requestConfig.headers) || {};
    if (headers["X-Hall-Background"] !== "1") restart(idle);
  });
  setInterval(tick, 1000);
})();

// The few lines Balans writes itself: say when the live connection drops or a request fails,
// and reconnect quickly after a server restart (at most a few seconds apart).
(function () {
  "use strict";
  htmx.config.wsReconnectDelay = function (retry) {
    return Math.min(4000, 250 * Math.pow(2, retry)) * (0.5 + Math.random() / 2);
  };

  function notice(key) {
    var box = document.getElementById("notice");
    if (!box) return;
    box.textContent = key ? box.dataset[key] : "";
    box.hidden = !key;
  }

  // Timers count down on every screen; the server refuses late answers whatever this shows.
  function tick() {
    document.querySelectorAll("[data-closes-at]").forEach(function (timer) {
      var left = Math.round((Date.parse(timer.dataset.closesAt) - Date.now()) / 1000);
      if (left > 0) {
        timer.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      } else {
        timer.textContent = timer.dataset.timeUp;
        timer.classList.add("run-out");
        var stage = timer.closest("#stage");
        if (stage) stage.querySelectorAll("fieldset").forEach(function (f) { f.disabled = true; });
      }
    });
  }
  setInterval(tick, 1000);
  document.addEventListener("htmx:afterSettle", tick);

  document.addEventListener("htmx:wsOpen", function () {
    document.body.classList.add("live");
    notice(null);
  });
  document.addEventListener("htmx:wsClose", function (event) {
    document.body.classList.remove("live");
    var code = event.detail && event.detail.event && event.detail.event.code;
    if (code === 1006 || code === 1011 || code === 1012 || code === 1013) notice("offline");
  });
  document.addEventListener("htmx:sendError", function () { notice("error"); });
  document.addEventListener("htmx:responseError", function (event) {
    notice(event.detail.xhr && event.detail.xhr.status === 429 ? "busy" : "error");
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) notice(null);
  });
})();

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

// Recording the room from the console: the microphone through MediaRecorder (Opus in WebM or
// Ogg), one chunk every few seconds posted to the server with its number. A chunk that fails
// to arrive is sent again, in order, until it does: the server stores a number once, so a
// resend after a lost answer is harmless and a dropped connection resumes the same recording.
// A page opened while a recording runs (this one reloaded, or closed and opened again) can
// take it up: the server says which number comes next and which page ("segment") records.
(function () {
  "use strict";
  var TIMESLICE_MS = 4000;
  var TYPES = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus"];
  var panel = document.getElementById("recorder");
  if (!panel) return;

  var statusLine = panel.querySelector("[data-recorder-status]");
  var errorLine = panel.querySelector("[data-recorder-error]");
  var buttons = {};
  ["start", "continue", "pause", "resume", "stop"].forEach(function (name) {
    buttons[name] = panel.querySelector('[data-record="' + name + '"]');
  });
  var recorder = null;
  var stream = null;
  var current = null; // the server's answer for the recording: id, chunks_url, next_sequence
  var queue = []; // [sequence, blob] not yet stored
  var nextSequence = 0;
  var sending = false;
  var stopping = false;
  var abandoned = false; // refused for good: the server keeps the recording as it is

  function label(name) {
    return panel.getAttribute("data-label-" + name) || "";
  }
  function say(name) {
    statusLine.textContent = label(name);
  }
  function fail(message) {
    errorLine.textContent = message;
    errorLine.hidden = !message;
  }
  function show(visible) {
    Object.keys(buttons).forEach(function (name) {
      buttons[name].hidden = visible.indexOf(name) < 0;
    });
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": panel.getAttribute("data-csrf") },
    }).then(function (response) {
      return response.json().then(
        function (data) {
          return { ok: response.ok, status: response.status, data: data };
        },
        function () {
          return { ok: response.ok, status: response.status, data: {} };
        }
      );
    });
  }

  function actionUrl(id, action) {
    return panel.getAttribute("data-start-url") + id + "/" + action + "/";
  }

  function act(id, action) {
    return post(actionUrl(id, action), new FormData()).then(function (answer) {
      if (!answer.ok) throw new Error(answer.data.error || label("retrying"));
      fail("");
      return answer.data;
    });
  }

  function sendQueued() {
    if (sending || !queue.length || !current) return;
    sending = true;
    var item = queue[0];
    var body = new FormData();
    body.append("sequence", String(item[0]));
    body.append("segment", String(current.segment || 0));
    body.append("chunk", item[1], "chunk");
    post(current.chunks_url, body)
      .then(function (answer) {
        sending = false;
        if (answer.ok) {
          queue.shift();
          if (!stopping) say(recorder && recorder.state === "paused" ? "paused" : "recording");
          if (queue.length) sendQueued();
          else if (stopping) finish();
          return;
        }
        if ((answer.status >= 400 && answer.status < 500) || answer.status === 507) {
          // Refused for good: say so and stop recording here. A full recording or disk is
          // stopped on the server too; anything else (stopped, round closed, taken up by
          // another page) is left as the server has it.
          fail(answer.data.error || "");
          queue = [];
          abandoned = answer.status !== 413 && answer.status !== 507;
          if (recorder && recorder.state !== "inactive") recorder.stop();
          else if (stopping) finish();
          return;
        }
        retryLater();
      })
      .catch(function () {
        sending = false;
        retryLater();
      });
  }

  function retryLater() {
    say("retrying");
    window.setTimeout(sendQueued, 3000);
  }

  function finish() {
    if (!current) return;
    var id = current.id;
    var stopped = abandoned
      ? Promise.resolve()
      : act(id, "stop").catch(function (error) {
          if (errorLine.hidden) fail(error.message);
        });
    stopped.then(function () {
      current = null;
      stopping = false;
      say(abandoned ? "idle" : "stopped");
      abandoned = false;
      panel.removeAttribute("data-running");
      show(["start"]);
      buttons.start.disabled = false;
    });
  }

  // The first type this browser records (``container``, e.g. "audio/webm": only that one).
  function supportedType(container) {
    if (!window.MediaRecorder || !navigator.mediaDevices) return null;
    for (var i = 0; i < TYPES.length; i++) {
      if (container && TYPES[i].indexOf(container + ";") !== 0) continue;
      if (MediaRecorder.isTypeSupported(TYPES[i])) return TYPES[i];
    }
    return null;
  }

  // Start a new recording, or (``orphan``: its id) take up the one this round has running.
  function start(orphan) {
    var wanted = orphan ? panel.getAttribute("data-running-type") : null;
    var type = supportedType(wanted);
    if (!type) {
      fail(label(wanted ? "other-type" : "unsupported"));
      return;
    }
    fail("");
    say("asking");
    buttons.start.disabled = true;
    buttons["continue"].disabled = true;
    navigator.mediaDevices
      .getUserMedia({ audio: true })
      .then(function (microphone) {
        stream = microphone;
        var body = new FormData();
        body.append("mime_type", type);
        var url = orphan ? actionUrl(orphan, "continue") : panel.getAttribute("data-start-url");
        return post(url, body);
      })
      .then(function (answer) {
        if (!answer.ok) throw new Error(answer.data.error || label("retrying"));
        current = answer.data;
        nextSequence = current.next_sequence || 0;
        queue = [];
        stopping = false;
        abandoned = false;
        recorder = new MediaRecorder(stream, { mimeType: type });
        recorder.addEventListener("dataavailable", function (event) {
          if (event.data && event.data.size) {
            queue.push([nextSequence, event.data]);
            nextSequence += 1;
            sendQueued();
          }
        });
        recorder.addEventListener("stop", function () {
          stream.getTracks().forEach(function (track) {
            track.stop();
          });
          stopping = true;
          say("stopping");
          if (!queue.length && !sending) finish();
        });
        recorder.start(TIMESLICE_MS);
        panel.removeAttribute("data-running");
        say("recording");
        show(["pause", "stop"]);
      })
      .catch(function (error) {
        if (stream) {
          stream.getTracks().forEach(function (track) {
            track.stop();
          });
        }
        buttons.start.disabled = false;
        buttons["continue"].disabled = false;
        say(orphan ? "orphan" : "idle");
        fail(error && error.name === "NotAllowedError" ? label("denied") : error.message);
      });
  }

  buttons.start.addEventListener("click", function () {
    start(null);
  });
  buttons["continue"].addEventListener("click", function () {
    start(panel.getAttribute("data-running"));
  });
  buttons.pause.addEventListener("click", function () {
    if (!recorder || recorder.state !== "recording") return;
    act(current.id, "pause")
      .then(function () {
        recorder.pause();
        say("paused");
        show(["resume", "stop"]);
      })
      .catch(function (error) {
        fail(error.message);
      });
  });
  buttons.resume.addEventListener("click", function () {
    if (!recorder || recorder.state !== "paused") return;
    act(current.id, "resume")
      .then(function () {
        recorder.resume();
        say("recording");
        show(["pause", "stop"]);
      })
      .catch(function (error) {
        fail(error.message);
      });
  });
  buttons.stop.addEventListener("click", function () {
    var orphan = panel.getAttribute("data-running");
    if (!recorder && orphan) {
      // A recording left running by a page that closed: this page can only stop it.
      act(orphan, "stop")
        .then(function () {
          panel.removeAttribute("data-running");
          say("stopped");
          show(["start"]);
          buttons.start.disabled = false;
        })
        .catch(function (error) {
          fail(error.message);
        });
      return;
    }
    if (recorder && recorder.state !== "inactive") {
      show([]);
      recorder.stop(); // its last chunk arrives, then "stop" sends the rest and stops
    }
  });
  if (panel.getAttribute("data-running")) show(["continue", "start", "stop"]);

  // Closing the page while recording loses the audio not yet sent: ask first.
  window.addEventListener("beforeunload", function (event) {
    if ((recorder && recorder.state !== "inactive") || queue.length) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();

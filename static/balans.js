// The few lines Balans writes itself.

/* One's own notes, statements and questions (#my-notes, #my-statements, #my-questions) can reach
   a phone twice, out of order: the push of the facilitator's decision, and the reply to one's own
   action rendered a moment before it. Each render says the version of the record it shows
   (data-version, per step, or per round for questions): an older one never replaces a newer one. First in this file, so the regions are right
   before anything else looks at them after a swap. */
(function () {
  "use strict";
  var shown = [];

  function remember() {
    shown = Array.prototype.slice.call(document.querySelectorAll("[data-version][id]"));
  }

  function keepNewest() {
    shown.forEach(function (before) {
      var now = document.getElementById(before.id);
      if (!now || now === before || now.dataset.step !== before.dataset.step ||
          now.dataset.round !== before.dataset.round) return;
      if (Number(now.dataset.version) < Number(before.dataset.version)) {
        now.replaceWith(before);
        htmx.process(before);  // the swap unbound its forms
      }
    });
    shown = [];
  }
  document.addEventListener("htmx:wsBeforeMessage", remember);
  document.addEventListener("htmx:beforeSwap", remember);
  document.addEventListener("htmx:wsAfterMessage", keepNewest);
  document.addEventListener("htmx:afterSwap", keepNewest);
})();

// Say when the live connection drops or a request fails, and reconnect quickly after a server
// restart (at most a few seconds apart).
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

  // Findings: tap a sentence or select a passage; the note form gets its source offsets.
  // Offsets count code points (as Python does) from each sentence's data-start, so hidden
  // Markdown markers inside a sentence count as they do in the source.
  function codePoints(text) { return Array.from(text).length; }

  function boundary(root, range, atStart) {
    var node = atStart ? range.startContainer : range.endContainer;
    var offset = atStart ? range.startOffset : range.endOffset;
    var element = node.nodeType === 1 ? node : node.parentElement;
    var sentence = element && element.closest(".sentence");
    if (sentence && root.contains(sentence)) {
      var part = document.createRange();
      part.setStart(sentence, 0);
      part.setEnd(node, offset);
      return Number(sentence.dataset.start) + codePoints(part.toString());
    }
    // A boundary between sentences: snap to the nearest sentence inside the selection.
    var inside = Array.prototype.filter.call(root.querySelectorAll(".sentence"), function (s) {
      return range.intersectsNode(s);
    });
    if (!inside.length) return null;
    return atStart ? Number(inside[0].dataset.start) : Number(inside[inside.length - 1].dataset.end);
  }

  function choose(root, start, end, pressed) {
    var form = root.parentElement.querySelector(".note-form");
    if (!form || start === null || end === null || end <= start) return;
    form.elements.start.value = start;
    form.elements.end.value = end;
    root.querySelectorAll(".sentence").forEach(function (s) {
      s.setAttribute("aria-pressed", s === pressed ? "true" : "false");
      var s0 = Number(s.dataset.start), s1 = Number(s.dataset.end);
      s.classList.toggle("chosen", s0 < end && s1 > start);
    });
  }

  function showPassage(root, text) {
    var passage = root.parentElement.querySelector(".note-form .passage");
    if (passage) passage.textContent = passage.dataset.chosen + " “" + text.trim() + "”";
  }

  function chooseSentence(sentence) {
    var root = sentence.closest("[data-annotatable]");
    choose(root, Number(sentence.dataset.start), Number(sentence.dataset.end), sentence);
    showPassage(root, sentence.textContent);
  }

  document.addEventListener("selectionchange", function () {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return;
    var range = selection.getRangeAt(0);
    var start = range.startContainer.nodeType === 1 ? range.startContainer : range.startContainer.parentElement;
    var root = start && start.closest("[data-annotatable]");
    if (!root) return;
    var from = boundary(root, range, true), to = boundary(root, range, false);
    if (from === null || to === null || to <= from) return;
    choose(root, from, to, null);
    showPassage(root, selection.toString());
  });
  document.addEventListener("click", function (event) {
    var sentence = event.target.closest && event.target.closest("[data-annotatable] .sentence");
    var selection = window.getSelection();
    if (sentence && (!selection || selection.isCollapsed)) chooseSentence(sentence);
  });
  document.addEventListener("keydown", function (event) {
    var sentence = event.target.closest && event.target.closest("[data-annotatable] .sentence");
    if (sentence && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      chooseSentence(sentence);
    }
  });

  // One's own notes on the room's wall: no +1 button, a "your note" label instead. The wall is
  // the same for every phone; the ids of one's own notes come with one's own stage.
  function markOwnNotes() {
    var mine = document.getElementById("my-notes");
    if (!mine) return;
    var own = (mine.dataset.own || "").split(" ").filter(Boolean);
    document.querySelectorAll("#annotation-wall [data-note]").forEach(function (note) {
      var isOwn = own.indexOf(note.dataset.note) !== -1;
      note.classList.toggle("own", isOwn);
      var label = note.querySelector(".own-label"), plus = note.querySelector(".plus-one");
      if (label) label.hidden = !isOwn;
      if (plus) plus.hidden = isOwn;
    });
  }
  document.addEventListener("DOMContentLoaded", markOwnNotes);
  document.addEventListener("htmx:afterSettle", markOwnNotes);
  document.addEventListener("htmx:wsAfterMessage", markOwnNotes);

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
    var status = event.detail.xhr && event.detail.xhr.status;
    if (status === 503) return retryWhenBusy(event);
    notice(status === 429 ? "busy" : "error");
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) {
      notice(null);
      delete retries[event.detail.requestConfig && event.detail.requestConfig.path];
    }
  });

  // A busy server answers 503 and stores nothing. An answer is sent again by itself (sending the
  // same answer twice changes nothing), a few times, further apart each time and at random
  // moments, so a hall of phones does not come back all at once. Other actions say "try again".
  var MAX_RETRIES = 5;
  var retries = {};  // request path -> retries so far
  function retryWhenBusy(event) {
    var config = event.detail.requestConfig, elt = event.detail.elt;
    var answer = elt && elt.closest && elt.closest(".answer");
    var tries = retries[config.path] || 0;
    if (!answer || tries >= MAX_RETRIES) {
      delete retries[config.path];
      return notice("unavailable");
    }
    retries[config.path] = tries + 1;
    notice("overloaded");
    var after = Number(event.detail.xhr.getResponseHeader("Retry-After")) || 1;
    var delay = Math.min(16000, 1000 * after * Math.pow(2, tries)) * (0.5 + Math.random());
    var target = "#" + answer.id, values = config.formData;
    setTimeout(function () {
      // The stage may have been pushed anew meanwhile: send from the form now on the page.
      var form = elt.isConnected ? elt : document.querySelector(target + " form");
      if (!form || !document.querySelector(target)) return notice(null);
      htmx.ajax(config.verb, config.path, { source: form, target: target, values: values });
    }, delay);
  }
})();

/* The code of conduct: a print page's button prints it (to paper or PDF). */
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});

/* A push can replace the element a form's reply is meant for (#stage, say) while the request
   is on its way; the reply would then land in the detached old element and be lost. After each
   push, a request in flight is pointed at the element that now has its target's id. */
(function () {
  "use strict";
  var inFlight = new Set();
  document.addEventListener("htmx:beforeRequest", function (event) {
    var request = event.detail;
    if (!request.xhr || !request.target) return;
    inFlight.add(request);
    request.xhr.addEventListener("loadend", function () { inFlight.delete(request); });
  });
  document.addEventListener("htmx:wsAfterMessage", function () {
    inFlight.forEach(function (request) {
      var target = request.target;
      if (target.isConnected || !target.id) return;
      var current = document.getElementById(target.id);
      if (current) request.target = current;
    });
  });
})();

/* A push, or the reply to another form, re-renders forms someone may be using: a question or a
   note half typed, a box ticked on the console, an open disclosure. Whatever was typed, ticked or
   opened (and the caret) survives, on every page. The form just sent comes back as the server
   says, unless it was refused: then it keeps what was typed, so it can be corrected. */
(function () {
  "use strict";
  var FIELDS = "textarea[name], input[name]:not([type=hidden]):not([type=submit]), select[name]";
  var kept = null;

  // A field is known by its id, else by its form, name and (for a box) value: most boxes have
  // no id, and the same form is drawn again by the push.
  function keyOf(field) {
    if (field.id) return "#" + field.id;
    var form = field.form ? field.form.getAttribute("action") || field.form.id : "";
    var value = field.type === "checkbox" || field.type === "radio" ? field.value : "";
    return [form, field.name, value].join("|");
  }

  function fieldsOf(root) {
    var byKey = {};
    root.querySelectorAll(FIELDS).forEach(function (f) { byKey[keyOf(f)] = f; });
    return byKey;
  }

  function capture(root, sent) {
    if (!root) return null;
    var state = { open: [], values: {}, focus: null };
    root.querySelectorAll("details[id]").forEach(function (d) {
      if (d.open && !(sent && d.contains(sent))) state.open.push(d.id);
    });
    root.querySelectorAll(FIELDS).forEach(function (f) {
      if (sent && (sent.contains(f) || f.form === sent)) return;
      if (f.type === "checkbox" || f.type === "radio") {
        if (f.checked !== f.defaultChecked) state.values[keyOf(f)] = f.checked;
      } else if (f.tagName === "SELECT") {
        var chosen = f.options[f.selectedIndex];
        if (chosen && !chosen.defaultSelected && f.selectedIndex !== 0) state.values[keyOf(f)] = f.value;
      } else if (f.value !== f.defaultValue) {
        state.values[keyOf(f)] = f.value;
      }
    });
    var active = document.activeElement;
    if (active && active.name && state.values.hasOwnProperty(keyOf(active))) {
      state.focus = { key: keyOf(active), start: active.selectionStart, end: active.selectionEnd };
    }
    return state;
  }

  function restore(state) {
    if (!state) return;
    state.open.forEach(function (id) {
      var d = document.getElementById(id);
      if (d) d.open = true;
    });
    var keys = Object.keys(state.values);
    if (!keys.length) return;
    var now = fieldsOf(document.body);
    keys.forEach(function (key) {
      var f = now[key];
      if (!f || f.disabled) return;
      if (f.type === "checkbox" || f.type === "radio") f.checked = state.values[key];
      else if (f.tagName !== "SELECT" || f.querySelector('option[value="' + CSS.escape(state.values[key]) + '"]')) {
        f.value = state.values[key];
      }
    });
    var f = state.focus && now[state.focus.key];
    if (f && document.activeElement !== f) {
      f.focus();
      if (typeof state.focus.start === "number" && f.setSelectionRange) {
        try { f.setSelectionRange(state.focus.start, state.focus.end); } catch (e) { /* not text */ }
      }
    }
  }

  document.addEventListener("htmx:wsBeforeMessage", function () { kept = capture(document.body, null); });
  document.addEventListener("htmx:wsAfterMessage", function () { restore(kept); kept = null; });
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.target === document.body) return;  // a new page keeps nothing
    var elt = event.detail.requestConfig && event.detail.requestConfig.elt;
    var form = elt && elt.closest ? elt.closest("form") : null;
    var sent = event.detail.xhr && event.detail.xhr.status < 400 ? form : null;
    kept = capture(document.body, sent);
    if (sent && sent.hasAttribute("data-reset-on-success")) sent.reset();
  });
  document.addEventListener("htmx:afterSwap", function () { restore(kept); kept = null; });
})();

/* The facilitator's keys, and a presentation clicker (it sends PageDown/PageUp or the arrows).
   Only where the page has #keys: the console, and a projector opened by a facilitator of the
   workshop. On the console a key presses the console's own button; on the projector it posts
   to the same console endpoint, and the projector then changes by its usual push. Toggles
   (reveal, lock, blank, join code) read the state the stage was last drawn with. */
(function () {
  "use strict";
  var KEYS = {
    ArrowRight: "next", PageDown: "next", ArrowLeft: "previous", PageUp: "previous",
    r: "reveal", l: "lock", b: "blank", j: "join", f: "fullscreen", "?": "help"
  };
  var saidTimer = null;

  function say(hook, text) {
    var line = hook.querySelector(".keys-said");
    if (!line) return;
    line.textContent = text || "";
    clearTimeout(saidTimer);
    if (text) saidTimer = setTimeout(function () { line.textContent = ""; }, 5000);
  }

  function toggleHelp() {
    var help = document.getElementById("keys-help");
    if (!help) return;
    if (help.open) help.close(); else help.showModal();
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) document.exitFullscreen();
    else if (document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch(function () { /* refused: stay */ });
    }
  }

  function pressButton(hook, name) {
    var button = document.querySelector('#stage [data-key="' + name + '"]');
    if (button && !button.disabled) button.click();
    else say(hook, hook.dataset.nothing);
  }

  // The console endpoint a key means now, from the projector's drawn state; null: nothing to do.
  function endpoint(hook, name) {
    var state = document.getElementById("display-state");
    if (!state) return null;
    var s = state.dataset;
    var round = function (action) { return hook.dataset.roundAction.replace("ACTION", action); };
    var step = function (action) {
      return hook.dataset.stepAction.replace("/0/ACTION/", "/" + s.step + "/" + action + "/");
    };
    if (name === "next" || name === "previous") return round(name);
    if (name === "blank") return round(s.blanked ? "unblank" : "blank");
    if (name === "join") return round(s.join ? "hide-join" : "show-join");
    if (!s.step) return null;
    if (name === "lock") return step(s.accepting ? "lock" : "unlock");
    if (name === "reveal" && s.answers) {
      if (s.revealed) return step("conceal");
      if (s.hideable) return step("reveal");
    }
    return null;
  }

  function post(hook, name) {
    var url = endpoint(hook, name);
    if (!url) { say(hook, hook.dataset.nothing); return; }
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": hook.dataset.csrf, "HX-Request": "true" }
    }).then(function (response) {
      if (response.ok) { say(hook, ""); return; }
      // A refusal comes back as the console's stage with its message in it.
      return response.text().then(function (text) {
        var error = new DOMParser().parseFromString(text, "text/html").querySelector(".error");
        say(hook, error ? error.textContent : hook.dataset.failed);
      });
    }).catch(function () { say(hook, hook.dataset.failed); });
  }

  document.addEventListener("keydown", function (event) {
    var hook = document.getElementById("keys");
    if (!hook || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    // Typing and choosing keep their keys.
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    var name = KEYS[event.key.length === 1 ? event.key.toLowerCase() : event.key];
    if (!name) return;
    event.preventDefault();
    if (name === "help") toggleHelp();
    else if (name === "fullscreen") toggleFullscreen();
    else if (hook.dataset.keys === "console") pressButton(hook, name);
    else post(hook, name);
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-keys-help]")) toggleHelp();
  });
})();

/* Phones: a new step starts at its title, not at the scroll position of the last one (where
   Send was). The title takes the focus too, so a screen reader starts reading there. Redraws of
   the same step keep the place (and what was typed, above). */
(function () {
  "use strict";
  var shown = null;

  function phoneStage() {
    var stage = document.getElementById("stage");
    return stage && document.body.classList.contains("phone") ? stage : null;
  }

  function showTitle() {
    var stage = phoneStage();
    if (!stage || stage.dataset.step === shown) return;
    var first = shown === null;
    shown = stage.dataset.step;
    if (first) return;
    var title = stage.querySelector("h1") || stage;
    var top = stage.getBoundingClientRect().top + window.scrollY;
    // Near the top of the page: show the top bar too; else start at the stage.
    window.scrollTo(0, top < window.innerHeight / 3 ? 0 : top);
    title.setAttribute("tabindex", "-1");
    title.focus({ preventScroll: true });
  }

  document.addEventListener("DOMContentLoaded", showTitle);
  document.addEventListener("htmx:wsAfterMessage", showTitle);
  document.addEventListener("htmx:afterSettle", showTitle);
})();

/* The personal code: a copy button where the browser can copy (the code is shown either way). */
(function () {
  "use strict";
  function offerCopy() {
    if (!navigator.clipboard) return;
    document.querySelectorAll("[data-copy]").forEach(function (button) { button.hidden = false; });
  }
  document.addEventListener("DOMContentLoaded", offerCopy);
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) return;
    var said = button.parentElement.querySelector(".copy-said");
    navigator.clipboard.writeText(button.dataset.copy).then(function () {
      if (said) said.textContent = button.dataset.copied;
    }, function () { /* not allowed: the code is on the screen to write down */ });
  });
})();

// The room's questions: one list for every phone; one's own questions and votes come with one's
// own stage (#my-questions), so the upvote button is hidden on them here. Sorting is local.
(function () {
  var sortBy = "votes";
  function ids(value) { return (value || "").split(" ").filter(Boolean); }
  function markQuestions() {
    var mine = document.getElementById("my-questions");
    var list = document.querySelector("#question-list .questions-ranked");
    if (!list) return;
    var own = mine ? ids(mine.dataset.own) : [], voted = mine ? ids(mine.dataset.voted) : [];
    var items = Array.prototype.slice.call(list.querySelectorAll("[data-question]"));
    items.forEach(function (item) {
      var id = item.dataset.question, isOwn = own.indexOf(id) !== -1;
      var hasVoted = voted.indexOf(id) !== -1;
      item.classList.toggle("own", isOwn);
      item.classList.toggle("has-voted", hasVoted);
      var button = item.querySelector(".upvote button");
      if (button) button.hidden = isOwn || hasVoted;
      var label = item.querySelector(".voted");
      if (label) label.hidden = !hasVoted;
    });
    var key = sortBy === "newest" ? "asked" : "order";
    items.sort(function (a, b) {
      return sortBy === "newest" ? (b.dataset[key] > a.dataset[key] ? 1 : -1)
        : Number(a.dataset[key]) - Number(b.dataset[key]);
    });
    items.forEach(function (item) { list.appendChild(item); });
    document.querySelectorAll("[data-sort-questions]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.sortQuestions === sortBy));
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-sort-questions]");
    if (!button) return;
    sortBy = button.dataset.sortQuestions;
    markQuestions();
  });
  document.addEventListener("DOMContentLoaded", markQuestions);
  document.addEventListener("htmx:afterSettle", markQuestions);
  document.addEventListener("htmx:wsAfterMessage", markQuestions);
})();

/* The projector fits its frame: lower --fit until the stage's body no longer overflows (every size
   in the CSS stops at its floor), then stack the results under the question, then put each option
   on one row beside its bar, then hide the last
   items of long lists (saying how many are left out). Never a scroll bar. --fit and the marks
   live on the body, not on #stage: htmx copies the attributes of a swapped #stage, and an
   inline style copied that way is refused by the Content Security Policy. */
(function () {
  "use strict";
  var LOWEST = 0.4, STEP = 0.05;

  function overflows(body) {
    return body.scrollHeight > body.clientHeight + 1 || body.scrollWidth > body.clientWidth + 1;
  }

  function shrink(body) {
    var fit = 1;
    body.style.setProperty("--fit", fit);
    while (overflows(body) && fit > LOWEST) {
      fit = Math.round((fit - STEP) * 100) / 100;
      body.style.setProperty("--fit", fit);
    }
  }

  // Hide the last items of a list while the body overflows. ``wanted``: only while each one
  // hidden makes the body shorter (a list beside the column that overflows is left whole).
  function trimList(body, list, wanted) {
    var items = Array.prototype.filter.call(list.children, function (item) { return item.tagName === "LI"; });
    var kept = items.filter(function (item) { return !item.hidden; }).length;
    if (!kept || !overflows(body)) return;
    var more = list.nextElementSibling;
    if (!more || !more.classList.contains("fit-more")) {
      more = document.createElement("p");
      more.className = "fit-more";
      list.insertAdjacentElement("afterend", more);
    }
    more.textContent = list.dataset.fitTrim.replace("%s", items.length - kept + 1);
    while (overflows(body) && kept > 0) {
      var before = body.scrollHeight;
      kept -= 1;
      items[kept].hidden = true;
      more.textContent = list.dataset.fitTrim.replace("%s", items.length - kept);
      if (wanted && body.scrollHeight >= before) {
        items[kept].hidden = false;
        kept += 1;
        break;
      }
    }
    if (kept === items.length) more.remove();
    else more.textContent = list.dataset.fitTrim.replace("%s", items.length - kept);
  }

  function trim(body) {
    var lists = Array.prototype.slice.call(body.querySelectorAll("[data-fit-trim]")).reverse();
    // First the lists whose items make the body taller, then, if that was not enough, any.
    lists.forEach(function (list) { trimList(body, list, true); });
    lists.forEach(function (list) { trimList(body, list, false); });
  }

  function fitStage() {
    var stage = document.querySelector("#stage[data-fit]");
    var body = stage && stage.querySelector(".stage-body");
    if (!body) return;
    body.classList.remove("stacked", "compact");
    body.querySelectorAll(".fit-more").forEach(function (more) { more.remove(); });
    body.querySelectorAll("[data-fit-trim] > li[hidden]").forEach(function (item) { item.hidden = false; });
    shrink(body);
    // Results the whole width under the question; then each option on one row beside its bar.
    // A step without answers may have these layouts of its own (a recap: data-fit-layouts).
    var offered = stage.classList.contains("has-results") || body.querySelector("[data-fit-layouts]");
    ["stacked", "compact"].forEach(function (layout) {
      if (overflows(body) && offered) {
        body.classList.add(layout);
        shrink(body);
      }
    });
    if (overflows(body)) trim(body);
    body.setAttribute("data-fitted", "");
  }

  var pending = false;
  function fitSoon() {
    fitStage();  // at once, so what is painted already fits; and again once the layout settled
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; fitStage(); });
  }
  document.addEventListener("DOMContentLoaded", fitSoon);
  document.addEventListener("htmx:afterSettle", fitSoon);
  document.addEventListener("htmx:wsAfterMessage", fitSoon);
  window.addEventListener("resize", fitSoon);
})();

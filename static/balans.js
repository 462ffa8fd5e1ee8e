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
    notice(event.detail.xhr && event.detail.xhr.status === 429 ? "busy" : "error");
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) notice(null);
  });
})();

// Discussions: a note being typed survives a live update of the stage (someone moved between
// groups, a new split), which re-renders the form. Only live updates: after one's own "Add note"
// the form comes back empty on purpose.
(function () {
  "use strict";
  var typed = null;
  document.addEventListener("htmx:wsBeforeMessage", function () {
    var field = document.querySelector(".discussion .note-form textarea");
    typed = field && field.value ? { id: field.id, value: field.value, focused: document.activeElement === field } : null;
  });
  document.addEventListener("htmx:wsAfterMessage", function () {
    var field = typed && document.getElementById(typed.id);
    if (field && !field.value) {
      field.value = typed.value;
      if (typed.focused) field.focus();
    }
    typed = null;
  });
})();

/* The code of conduct: a print page's button prints it (to paper or PDF). */
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});

/* The code of conduct: pushes and replies replace #conduct while someone may be typing an
   objection, a new wording or a clause. Keep what they were doing (open disclosures, what they
   typed or ticked, the caret), except in the form they just sent successfully. */
(function () {
  "use strict";
  var FIELDS = "textarea[id], input[id]:not([type=hidden]), select[id]";
  var kept = null;

  function capture(sent) {
    var root = document.getElementById("conduct");
    if (!root) return null;
    var state = { open: [], values: {}, focus: null };
    root.querySelectorAll("details[id]").forEach(function (d) {
      if (d.open && !(sent && d.contains(sent))) state.open.push(d.id);
    });
    root.querySelectorAll(FIELDS).forEach(function (f) {
      if (sent && sent.contains(f)) return;
      if (f.type === "checkbox") {
        if (f.checked !== f.defaultChecked) state.values[f.id] = f.checked;
      } else if (f.tagName === "SELECT") {
        var chosen = f.options[f.selectedIndex];
        if (chosen && !chosen.defaultSelected && f.selectedIndex !== 0) state.values[f.id] = f.value;
      } else if (f.value !== f.defaultValue) {
        state.values[f.id] = f.value;
      }
    });
    var active = document.activeElement;
    if (active && active.id && state.values.hasOwnProperty(active.id)) {
      state.focus = { id: active.id, start: active.selectionStart, end: active.selectionEnd };
    }
    return state;
  }

  function restore(state) {
    if (!state) return;
    state.open.forEach(function (id) {
      var d = document.getElementById(id);
      if (d) d.open = true;
    });
    Object.keys(state.values).forEach(function (id) {
      var f = document.getElementById(id);
      if (!f) return;
      if (f.type === "checkbox") f.checked = state.values[id];
      else if (f.tagName !== "SELECT" || f.querySelector('option[value="' + CSS.escape(state.values[id]) + '"]')) {
        f.value = state.values[id];
      }
    });
    if (state.focus) {
      var f = document.getElementById(state.focus.id);
      if (f) {
        f.focus();
        if (typeof state.focus.start === "number" && f.setSelectionRange) {
          try { f.setSelectionRange(state.focus.start, state.focus.end); } catch (e) { /* not text */ }
        }
      }
    }
  }

  document.addEventListener("htmx:wsBeforeMessage", function () { kept = capture(null); });
  document.addEventListener("htmx:wsAfterMessage", function () { restore(kept); kept = null; });
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (!document.getElementById("conduct")) return;
    var elt = event.detail.requestConfig && event.detail.requestConfig.elt;
    var form = elt && elt.closest ? elt.closest("form") : null;
    // A refused form keeps what was typed, so it can be corrected.
    var sent = event.detail.xhr && event.detail.xhr.status < 400 ? form : null;
    kept = capture(sent);
    if (sent && sent.hasAttribute("data-reset-on-success")) sent.reset();
  });
  document.addEventListener("htmx:afterSwap", function () { restore(kept); kept = null; });
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

  function trim(body) {
    var lists = Array.prototype.slice.call(body.querySelectorAll("[data-fit-trim]")).reverse();
    lists.forEach(function (list) {
      var items = Array.prototype.filter.call(list.children, function (item) { return item.tagName === "LI"; });
      var kept = items.length, more = null;
      while (overflows(body) && kept > 0) {
        kept -= 1;
        items[kept].hidden = true;
        if (!more) {
          more = document.createElement("p");
          more.className = "fit-more";
          list.insertAdjacentElement("afterend", more);
        }
        more.textContent = list.dataset.fitTrim.replace("%s", items.length - kept);
      }
    });
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
    ["stacked", "compact"].forEach(function (layout) {
      if (overflows(body) && stage.classList.contains("has-results")) {
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

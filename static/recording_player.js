// A recording's page: a time in the list of marks moves the player there and plays from there
// (a link, so Tab and Enter reach it); [ and ] go to the previous and next mark; the mark being
// heard is shown as the current one; #t=<seconds> in the address starts there.
(function () {
  "use strict";
  var audio = document.getElementById("recording-audio");
  if (!audio) return;
  var items = Array.prototype.slice.call(document.querySelectorAll(".chapters li[data-offset]"));
  var now = document.querySelector("[data-player-now]");
  var offsets = items.map(function (item) {
    return parseFloat(item.getAttribute("data-offset")) || 0;
  });

  function seek(seconds, play) {
    audio.currentTime = Math.max(0, seconds);
    if (play) {
      var playing = audio.play();
      if (playing && playing.catch) playing.catch(function () {});
    }
  }

  // The last mark at or before the time heard (a little slack: a seek lands near it).
  function currentIndex() {
    var found = -1;
    for (var i = 0; i < offsets.length; i++) {
      if (offsets[i] <= audio.currentTime + 0.25) found = i;
    }
    return found;
  }

  function markCurrent() {
    var index = currentIndex();
    items.forEach(function (item, i) {
      var link = item.querySelector("[data-seek]");
      if (i === index) link.setAttribute("aria-current", "true");
      else link.removeAttribute("aria-current");
    });
    if (now) {
      var label = index >= 0 ? items[index].querySelector(".mark-label").textContent : "";
      if (now.textContent !== label) now.textContent = label;
    }
  }

  function move(step) {
    var index = currentIndex();
    var target = step > 0 ? index + 1 : index - 1;
    // Back from just after a mark goes to that mark's start, as players do.
    if (step < 0 && index >= 0 && audio.currentTime - offsets[index] > 2) target = index;
    if (target < 0 || target >= offsets.length) return;
    seek(offsets[target], true);
    items[target].querySelector("[data-seek]").focus();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-seek]");
    if (link) {
      event.preventDefault();
      seek(parseFloat(link.getAttribute("data-seek")) || 0, true);
      return;
    }
    var button = event.target.closest("[data-step]");
    if (button) move(parseInt(button.getAttribute("data-step"), 10));
  });
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target.closest("input, textarea, select")) return;
    if (event.key === "[" || event.key === "]") {
      event.preventDefault();
      move(event.key === "]" ? 1 : -1);
    }
  });
  audio.addEventListener("timeupdate", markCurrent);
  audio.addEventListener("seeked", markCurrent);

  var start = /^#t=(\d+(?:\.\d+)?)$/.exec(window.location.hash);
  if (start) seek(parseFloat(start[1]), false);
})();

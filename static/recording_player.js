// A recording's page: a chapter link moves the player to that moment and plays from there.
(function () {
  "use strict";
  var audio = document.getElementById("recording-audio");
  if (!audio) return;
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-seek]");
    if (!link) return;
    event.preventDefault();
    audio.currentTime = parseFloat(link.getAttribute("data-seek")) || 0;
    audio.play();
  });
})();

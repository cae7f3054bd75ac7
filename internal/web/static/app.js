// Small comforts on top of pages that work without JavaScript.
(function () {
  "use strict";
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) el.form.submit();
  });
  document.addEventListener("click", function (e) {
    var t = e.target.closest ? e.target.closest("[data-fill-login],[data-toggle],[data-print]") : null;
    if (!t) return;
    if (t.hasAttribute("data-fill-login")) {
      var f = document.querySelector("form[action='/login']");
      if (f) {
        f.username.value = t.getAttribute("data-fill-login");
        f.password.value = t.getAttribute("data-password") || "";
        f.password.focus();
      }
    } else if (t.hasAttribute("data-toggle")) {
      var target = document.getElementById(t.getAttribute("data-toggle"));
      if (target) target.classList.toggle("open");
    } else if (t.hasAttribute("data-print")) {
      window.print();
    }
  });
  document.addEventListener("submit", function (e) {
    var f = e.target;
    var msg = f.getAttribute && f.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) e.preventDefault();
  });
  // Day grid and week: one tab stop per room; the arrow keys move to the
  // previous or next slot of the room (left, right) and to the same time
  // in the room above or below (up, down).
  var grid = document.querySelector("[data-grid]");
  if (grid) {
    var tracks = Array.prototype.slice.call(grid.querySelectorAll(".dg-row .dg-track"));
    var stops = function (tr) {
      return Array.prototype.slice.call(tr.querySelectorAll("a")).sort(function (a, b) {
        return a.getBoundingClientRect().left - b.getBoundingClientRect().left;
      });
    };
    tracks.forEach(function (tr) {
      stops(tr).forEach(function (a, i) { a.tabIndex = i === 0 ? 0 : -1; });
    });
    grid.addEventListener("keydown", function (e) {
      var a = e.target.closest ? e.target.closest(".dg-track a") : null;
      if (!a) return;
      var tr = a.closest(".dg-track"), list = stops(tr), i = list.indexOf(a), to = null;
      if (e.key === "ArrowRight") to = list[i + 1];
      else if (e.key === "ArrowLeft") to = list[i - 1];
      else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        var t = tracks[tracks.indexOf(tr) + (e.key === "ArrowDown" ? 1 : -1)];
        if (t) {
          var x = a.getBoundingClientRect().left, best = null, bd = Infinity;
          stops(t).forEach(function (b) { var d = Math.abs(b.getBoundingClientRect().left - x); if (d < bd) { bd = d; best = b; } });
          to = best;
        }
      } else if (e.key === "Home") to = list[0];
      else if (e.key === "End") to = list[list.length - 1];
      if (!to) return;
      e.preventDefault();
      a.tabIndex = -1;
      to.tabIndex = 0;
      to.focus();
    });
    // On a phone the day scrolls sideways: start at the current hour.
    var now = grid.querySelector(".dg-now");
    var wrap = grid.parentElement;
    if (now && wrap && wrap.scrollWidth > wrap.clientWidth) {
      wrap.scrollLeft = Math.max(0, now.getBoundingClientRect().left - wrap.getBoundingClientRect().left - 140);
    }
  }
  // Day-of board: reload every data-refresh seconds while nobody is typing.
  var live = document.querySelector("[data-refresh]");
  if (live) {
    var secs = parseInt(live.getAttribute("data-refresh"), 10) || 60;
    setInterval(function () {
      var a = document.activeElement;
      if (!a || !/^(INPUT|TEXTAREA|SELECT)$/.test(a.tagName)) window.location.reload();
    }, secs * 1000);
  }
})();

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
// A registered print (forms): open the print dialog once, then drop the
// flag so that going back to the page does not print it again.
(function () {
  "use strict";
  var b = document.querySelector("[data-autoprint]");
  if (!b || !window.history.replaceState) return;
  var u = new URL(window.location.href);
  if (u.searchParams.get("auto") !== "1") return;
  u.searchParams.delete("auto");
  window.history.replaceState(null, "", u.toString());
  window.addEventListener("load", function () { window.print(); });
})();

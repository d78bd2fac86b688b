// Small enhancements of the wizard's pages; every page works without them (the server checks all).
(function () {
  // Account details: company fields only for a business account.
  var box = document.querySelector(".idp-business");
  var business = document.getElementById("business");
  if (box && business) {
    var sync = function () { box.hidden = !business.checked; };
    document.querySelectorAll("input[name=account_type]").forEach(function (r) { r.addEventListener("change", sync); });
    sync();
  }
  // Phone and email codes: count down until a new code may be asked for.
  var wait = document.getElementById("resend-wait"), button = document.getElementById("resend");
  if (wait && button && wait.dataset.template) {
    var left = parseInt(wait.dataset.seconds || "0", 10);
    var tick = function () {
      if (left <= 0) { wait.hidden = true; button.disabled = false; return; }
      wait.textContent = wait.dataset.template.replace("SECONDS", left); left -= 1; setTimeout(tick, 1000);
    };
    tick();
  }
})();

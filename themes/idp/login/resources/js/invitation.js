// Registration by invitation: the invited email is filled in by the extension, and any other
// address is refused on submit; this draws the field read-only too. The extension answers only for
// the browser's own registration (its auth-session cookie and tab), so other pages get a 404.
(function () {
  var match = /^(.*?\/realms\/[^/]+)\//.exec(window.location.pathname);
  if (!match || !window.fetch) {
    return;
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("kc-register-form");
    var field = document.getElementById("email");
    // The extension fills the invited email in: an empty field means no invitation, and no request.
    if (!form || !field || !field.value) {
      return;
    }
    var action = new URL(form.action, window.location.href).searchParams;
    if (!action.get("client_id") || !action.get("tab_id")) {
      return;
    }
    var query = new URLSearchParams({ client_id: action.get("client_id"), tab_id: action.get("tab_id") });
    fetch(match[1] + "/idp-invitation/email?" + query.toString(), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (invited) {
        if (!invited || !invited.email) {
          return;
        }
        // readOnly, not disabled: a disabled field is not submitted, and the server expects it.
        field.value = invited.email;
        field.readOnly = true;
        field.setAttribute("aria-readonly", "true");
        // PatternFly's own read-only look, on the control's wrapper.
        if (field.parentElement && field.parentElement.classList.contains("pf-v5-c-form-control")) {
          field.parentElement.classList.add("pf-m-readonly");
        }
      })
      .catch(function () { /* the server still refuses any other address */ });
  });
})();

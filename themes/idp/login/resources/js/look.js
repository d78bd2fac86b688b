// The tenant's look (colour, logo, favicon) for the one shared theme: the page is served under
// /realms/<realm>/, and the extension publishes that realm's look next to it. Written while the
// head is parsed, so the page is never drawn in the default colours first.
(function () {
  var match = /^(.*?\/realms\/[^/]+)\//.exec(window.location.pathname);
  if (!match) {
    return;
  }
  var base = match[1] + "/idp-look/";
  document.write('<link rel="stylesheet" href="' + base + 'style.css">');
  document.write('<link rel="icon" href="' + base + 'favicon">');
})();

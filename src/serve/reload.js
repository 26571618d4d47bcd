// Live reload for `medal serve` only: never part of a built site. Listens for server-sent
// events; reloads on a new build; shows the diagnostics of a failed build in an overlay (as
// text, never as HTML) until a good build replaces it.
(function () {
  "use strict";
  var script = document.currentScript;
  var events = script ? script.src.replace(/reload\.js(\?.*)?$/, "events") : "/__medal/events";
  // The build the page came from, so that a build finished while it loaded still reloads it.
  var from = script && /[?&]b=(\d+)/.exec(script.src);
  var seen = from ? Number(from[1]) : null;
  var overlay = null;
  // This page's output path ("tasks/x/index.html"), as the server names changed pages.
  var base = events.replace(/^[a-z]+:\/\/[^/]+/, "").replace(/__medal\/events$/, "");
  var own = decodeURIComponent(location.pathname).slice(base.length);
  if (own === "" || own.slice(-1) === "/") own += "index.html";
  // The overlay's words in the page's language (the theme's `serve_*` strings, added by the
  // server beside the script's address); English when the page has none.
  var data = script ? script.dataset : {};
  var words = {
    label: data.overlayLabel || "Build error",
    title: data.overlayTitle || "medal serve: the last change did not build",
    hint: data.overlayHint || "The page below is the last good build. Fix the file and save: this message goes away."
  };

  function hide() {
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
  }

  function show(text) {
    hide();
    overlay = document.createElement("div");
    overlay.id = "medal-serve-overlay";
    overlay.setAttribute("role", "alertdialog");
    overlay.setAttribute("aria-label", words.label);
    Object.assign(overlay.style, {
      position: "fixed", inset: "0", zIndex: "2147483647", overflow: "auto",
      background: "rgba(20, 10, 10, 0.97)", color: "#fff", padding: "1.5rem",
      font: "14px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace"
    });
    var h = document.createElement("h2");
    h.textContent = words.title;
    Object.assign(h.style, { color: "#ff8a80", font: "bold 18px/1.3 system-ui, sans-serif", margin: "0 0 .5rem" });
    var p = document.createElement("p");
    p.textContent = words.hint;
    Object.assign(p.style, { margin: "0 0 1rem", font: "14px/1.4 system-ui, sans-serif" });
    var pre = document.createElement("pre");
    pre.textContent = text;
    // Explicit colours: the theme's own <pre> style must not make the text unreadable.
    Object.assign(pre.style, {
      whiteSpace: "pre-wrap", margin: "0", padding: "1rem", border: "1px solid #ff8a80",
      borderRadius: "4px", background: "#140808", color: "#fff", font: "inherit"
    });
    overlay.append(h, p, pre);
    document.body.appendChild(overlay);
  }

  var source = new EventSource(events);
  source.addEventListener("state", function (e) {
    var s = JSON.parse(e.data);
    // A build that names the pages it changed reloads only those (the page of a task edited
    // a moment ago is not reloaded again when the listings catch up).
    if (seen !== null && s.build !== seen && (!s.changed || s.changed.indexOf(own) >= 0)) {
      location.reload();
      return;
    }
    seen = s.build;
    if (s.error) {
      show(s.error);
    } else {
      hide();
    }
  });
})();

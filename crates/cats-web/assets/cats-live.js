// CATS live notifications (issue 13): listens to GET /events (Server-Sent Events, the session
// cookie authenticates) and, without a reload, keeps the unread count in the menu current and
// shows each new notification in the live region at the top of the page.
(function () {
  "use strict";
  if (!window.EventSource) { return; }
  var count = document.getElementById("unread-count");
  var region = document.getElementById("live-notices");
  var source = new EventSource("/events");
  source.addEventListener("unread", function (e) {
    if (!count) { return; }
    var n = parseInt(e.data, 10) || 0;
    count.textContent = String(n);
    count.classList.toggle("zero", n === 0);
  });
  source.addEventListener("notification", function (e) {
    if (!region) { return; }
    var n;
    try { n = JSON.parse(e.data); } catch (err) { return; }
    var item = document.createElement("div");
    item.className = "live-notice";
    item.setAttribute("data-event-type", n.type || "");
    var title = document.createElement("strong");
    title.textContent = (n.title || n.type || "") + " · " + (n.reference || "");
    item.appendChild(title);
    if (n.subject !== "movement" && n.text) {
      var text = document.createElement("span");
      text.textContent = " " + n.text;
      item.appendChild(text);
    }
    if (n.link) {
      var a = document.createElement("a");
      a.href = n.link;
      a.textContent = region.getAttribute("data-open") || "Open";
      item.appendChild(document.createTextNode(" "));
      item.appendChild(a);
    }
    var close = document.createElement("button");
    close.type = "button";
    close.className = "secondary";
    close.textContent = region.getAttribute("data-close") || "Dismiss";
    close.addEventListener("click", function () { item.remove(); });
    item.appendChild(document.createTextNode(" "));
    item.appendChild(close);
    region.insertBefore(item, region.firstChild);
    while (region.children.length > 5) { region.removeChild(region.lastChild); }
  });
})();

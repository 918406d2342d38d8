// The directory's optional map (templates/directory/map.html). Only loaded, with Leaflet, on a
// page with a map; the page lists everything the map shows, so if this or the tiles fail the
// box simply stays hidden.
(function () {
  "use strict";

  var BLUE = "#1d70b8";
  var RED = "#d4351c";

  function escapeHtml(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  function popup(point) {
    var element;
    if (point.url) {
      element = document.createElement("a");
      element.className = "govuk-link";
      element.href = point.url;
    } else {
      element = document.createElement("span");
    }
    element.textContent = point.name;
    return element;
  }

  function marker(point, colour) {
    return window.L.circleMarker([point.lat, point.lon], {
      radius: 8,
      color: "#0b0c0c",
      weight: 2,
      fillColor: colour,
      fillOpacity: 0.9,
      title: point.name
    }).bindPopup(popup(point)).bindTooltip(point.name);
  }

  function draw(box) {
    var data = document.getElementById(box.getAttribute("data-map"));
    var canvas = box.querySelector(".cm-map__canvas");
    if (!data || !canvas) return;
    var found = JSON.parse(data.textContent);
    var points = found.points || [];
    if (!points.length) return;
    box.hidden = false;
    var map = window.L.map(canvas, { scrollWheelZoom: false });
    window.L.tileLayer(box.getAttribute("data-tiles"), {
      maxZoom: 19,
      attribution: escapeHtml(box.getAttribute("data-attribution") || "")
    }).addTo(map);
    var bounds = [];
    points.forEach(function (point) {
      marker(point, BLUE).addTo(map);
      bounds.push([point.lat, point.lon]);
    });
    if (found.centre) {
      marker(found.centre, RED).addTo(map);
      bounds.push([found.centre.lat, found.centre.lon]);
    }
    if (bounds.length === 1) {
      map.setView(bounds[0], 15);
    } else {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
    }
  }

  function init() {
    if (!window.L) return;
    var boxes = document.querySelectorAll("[data-map]");
    for (var i = 0; i < boxes.length; i++) {
      try {
        draw(boxes[i]);
      } catch (error) {
        boxes[i].hidden = true;
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

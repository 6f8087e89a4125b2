/* newstart insights: the gap map. The page works without this file (the table has every area).
   Leaflet is served by newstart itself; map tiles load only when the person ticks the box. */
(function () {
  "use strict";

  function loadLeaflet(canvas) {
    if (window.L) return Promise.resolve();
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = canvas.dataset.leafletCss;
    document.head.appendChild(css);
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = canvas.dataset.leafletJs;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function features(canvas) {
    var source = document.getElementById(canvas.dataset.features);
    try { return source ? JSON.parse(source.textContent) : []; } catch (e) { return []; }
  }

  function popup(canvas, f) {
    var box = document.createElement("div");
    var name = document.createElement("strong");
    name.textContent = f.name;
    box.appendChild(name);
    [[canvas.dataset.rankLabel, f.rank], [canvas.dataset.gapLabel, f.gap], [canvas.dataset.demandLabel, f.demand]].forEach(function (pair) {
      var line = document.createElement("div");
      line.textContent = pair[0] + ": " + Number(pair[1]).toLocaleString();
      box.appendChild(line);
    });
    return box;
  }

  function draw(canvas) {
    var L = window.L;
    var map = L.map(canvas, { zoomControl: false, scrollWheelZoom: false, attributionControl: true });
    L.control.zoom({ zoomInTitle: canvas.dataset.zoomIn, zoomOutTitle: canvas.dataset.zoomOut }).addTo(map);
    canvas.setAttribute("role", "region");
    canvas.setAttribute("aria-label", canvas.dataset.label);
    var layer = L.featureGroup();
    features(canvas).forEach(function (f) {
      var style = { color: "#333", weight: 1, fillColor: f.colour, fillOpacity: 0.85 };
      var shape = null;
      if (f.boundary) {
        shape = L.geoJSON(f.boundary, { style: function () { return style; } });
      } else if (f.lat !== null && f.lon !== null) {
        shape = L.circleMarker([f.lat, f.lon], Object.assign({ radius: 14 }, style));
      }
      if (!shape) return;
      shape.bindTooltip(f.name);
      shape.bindPopup(popup(canvas, f));
      layer.addLayer(shape);
    });
    layer.addTo(map);
    if (layer.getLayers().length) map.fitBounds(layer.getBounds(), { padding: [12, 12] });
    else map.setView([49.25, -123.12], 12);

    var choice = document.querySelector("[data-tiles-choice]");
    var toggle = document.querySelector("[data-tiles-toggle]");
    if (choice && toggle && canvas.dataset.tileUrl) {
      choice.hidden = false;
      var tiles = null;
      toggle.addEventListener("change", function () {
        if (toggle.checked) {
          tiles = tiles || L.tileLayer(canvas.dataset.tileUrl, { attribution: canvas.dataset.attribution, maxZoom: 19 });
          tiles.addTo(map);
          tiles.bringToBack();
          layer.setStyle({ fillOpacity: 0.55 });
        } else if (tiles) {
          map.removeLayer(tiles);
          layer.setStyle({ fillOpacity: 0.85 });
        }
      });
    }
  }

  function ready() {
    document.querySelectorAll("[data-gap-map]").forEach(function (canvas) {
      canvas.classList.add("is-live");
      loadLeaflet(canvas).then(function () { draw(canvas); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();

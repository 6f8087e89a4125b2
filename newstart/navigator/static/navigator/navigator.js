/* newstart navigator: small enhancements. Every page works without this file. */
(function () {
  "use strict";

  /* Maps: Leaflet (same-origin) and tiles load only once the visitor opens a map. */
  var leafletLoading = null;
  function loadLeaflet(canvas) {
    if (window.L) return Promise.resolve();
    if (leafletLoading) return leafletLoading;
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = canvas.dataset.leafletCss;
    document.head.appendChild(css);
    leafletLoading = new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = canvas.dataset.leafletJs;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
    return leafletLoading;
  }
  function markers(canvas) {
    var source = document.getElementById(canvas.dataset.markers);
    try { return source ? JSON.parse(source.textContent) : []; } catch (e) { return []; }
  }
  function drawMarkers(canvas) {
    var map = canvas._map;
    if (!map) return;
    if (canvas._layer) canvas._layer.remove();
    var layer = window.L.featureGroup();
    markers(canvas).forEach(function (m) {
      var marker = window.L.circleMarker([m.lat, m.lon], { radius: 9, weight: 3, color: "#0b5394", fillOpacity: 0.6 });
      var label = document.createElement(m.url ? "a" : "strong");
      label.textContent = m.name;
      if (m.url) label.href = m.url;
      marker.bindPopup(label);
      layer.addLayer(marker);
    });
    layer.addTo(map);
    canvas._layer = layer;
    if (layer.getLayers().length) map.fitBounds(layer.getBounds(), { maxZoom: 15, padding: [24, 24] });
  }
  function openMap(canvas) {
    loadLeaflet(canvas).then(function () {
      if (!canvas._map) {
        var L = window.L;
        var map = L.map(canvas, { zoomControl: false, scrollWheelZoom: false }).setView([49.26, -123.12], 11);
        L.control.zoom({ zoomInTitle: canvas.dataset.zoomIn, zoomOutTitle: canvas.dataset.zoomOut }).addTo(map);
        L.tileLayer(canvas.dataset.tileUrl, { attribution: canvas.dataset.attribution, maxZoom: 19 }).addTo(map);
        canvas.setAttribute("role", "region");
        canvas.setAttribute("aria-label", canvas.dataset.label);
        canvas._map = map;
      }
      canvas._map.invalidateSize();
      drawMarkers(canvas);
    });
  }
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!details.classList || !details.classList.contains("map") || !details.open) return;
    var canvas = details.querySelector("[data-map]");
    if (canvas) openMap(canvas);
  }, true);
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("[data-map]").forEach(drawMarkers);
  });

  function ready() {
    /* "Use my location": only on the visitor's click, never on page load. */
    var geo = document.querySelector("[data-geo]");
    if (geo && navigator.geolocation) {
      geo.hidden = false;
      var status = geo.querySelector("[data-geo-status]");
      geo.querySelector("[data-geo-button]").addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (position) {
          var form = geo.closest("form");
          /* About 100 m: enough to sort by distance, no more. */
          form.elements.lat.value = position.coords.latitude.toFixed(3);
          form.elements.lon.value = position.coords.longitude.toFixed(3);
          form.elements.postcode.value = "";
          status.textContent = status.dataset.using;
        }, function () {
          status.textContent = status.dataset.failed;
        }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 });
      });
    }
    /* Copy link, share, print. */
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      if (!navigator.clipboard) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        var field = document.getElementById(button.dataset.copy);
        navigator.clipboard.writeText(field.value).then(function () {
          var status = document.querySelector("[data-copy-status]");
          if (status) status.textContent = button.dataset.copied;
        });
      });
    });
    document.querySelectorAll("[data-share]").forEach(function (button) {
      if (!navigator.share) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.share({ title: button.dataset.title, url: button.dataset.url }).catch(function () {});
      });
    });
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();

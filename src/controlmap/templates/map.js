/*
 * controlmap: the day-by-day control map in the browser.
 *
 * controlmapStart(map, data) draws the regions of `data` (written by
 * render.py) on a Leaflet map and adds the date panel, the legend and the time
 * control. Every text that comes from articles or from the regions layer is
 * put into the page with textContent, never as HTML; links are made only for
 * http(s) URLs. The returned object is window.controlmap (setDay, step, ...),
 * used by the tests and the benchmark.
 */
(function () {
  "use strict";

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
    "Nov", "Dec"];
  var WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  var DAY_MS = 86400000;
  var PLAY_INTERVAL_MS = 800;
  var SVG_NS = "http://www.w3.org/2000/svg";
  var ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
  var SHARE_STEPS = [1, 1.8, 2.8, 4]; // line width of share buckets 1-4 (pattern of 7)
  var SHARE_COLOR = "#2b1a10";
  var LABEL_ZOOM = 6.5; // capital labels from this zoom on, where they no longer collide
  var MAX_CHANGES = 8;

  // Wrap evidence in quotation marks unless the sentence already opens with one
  // (a quoted statement), which would otherwise show doubled marks.
  function quoted(text) {
    var s = String(text);
    return /^["\u201c\u2018']/.test(s) ? s : "\u201c" + s + "\u201d";
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  function utc(iso) {
    var parts = iso.split("-");
    return Date.UTC(Number(parts[0]), Number(parts[1]) - 1, Number(parts[2]));
  }

  // Dates are formatted from their parts in UTC, so no viewer sees them shifted.
  function longDate(iso) {
    var t = new Date(utc(iso));
    return WEEKDAYS[t.getUTCDay()] + " " + t.getUTCDate() + " " + MONTHS[t.getUTCMonth()] +
      " " + t.getUTCFullYear();
  }

  function shortDate(iso) {
    var t = new Date(utc(iso));
    return t.getUTCDate() + " " + MONTHS[t.getUTCMonth()];
  }

  function httpUrl(text) {
    if (!text) {
      return null;
    }
    try {
      var url = new URL(text);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (err) {
      return null; // relative or malformed: shown as plain text
    }
  }

  function swatch(style) {
    var node = el("span", "cm-swatch");
    node.style.background = style.hatched
      ? "repeating-linear-gradient(45deg, #ffffff 0 2px, " + style.color + " 2px 6px)"
      : style.color;
    return node;
  }

  function isLight(hex) {
    var n = parseInt(hex.replace("#", ""), 16);
    var luma = 0.299 * ((n >> 16) & 255) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255);
    return luma > 150;
  }

  function hatchId(state) {
    return "controlmap-hatch-" + state;
  }

  // One SVG pattern per hatched state, in the overlay pane's SVG root.
  function addPatterns(map, styles) {
    var svg = map.getPanes().overlayPane.querySelector("svg");
    if (!svg) {
      return;
    }
    var defs = document.createElementNS(SVG_NS, "defs");
    Object.keys(styles).forEach(function (state) {
      if (!styles[state].hatched) {
        return;
      }
      var pattern = document.createElementNS(SVG_NS, "pattern");
      pattern.setAttribute("id", hatchId(state));
      pattern.setAttribute("patternUnits", "userSpaceOnUse");
      pattern.setAttribute("width", "8");
      pattern.setAttribute("height", "8");
      pattern.setAttribute("patternTransform", "rotate(45)");
      var rect = document.createElementNS(SVG_NS, "rect");
      rect.setAttribute("width", "8");
      rect.setAttribute("height", "8");
      rect.setAttribute("fill", styles[state].color);
      var line = document.createElementNS(SVG_NS, "rect");
      line.setAttribute("width", "2.5");
      line.setAttribute("height", "8");
      line.setAttribute("fill", "#ffffff");
      pattern.appendChild(rect);
      pattern.appendChild(line);
      defs.appendChild(pattern);
    });
    // Share of districts reported taken: dark lines, denser for a larger share.
    SHARE_STEPS.forEach(function (width, k) {
      var pattern = document.createElementNS(SVG_NS, "pattern");
      pattern.setAttribute("id", shareId(k + 1));
      pattern.setAttribute("patternUnits", "userSpaceOnUse");
      pattern.setAttribute("width", "7");
      pattern.setAttribute("height", "7");
      pattern.setAttribute("patternTransform", "rotate(-45)");
      var line = document.createElementNS(SVG_NS, "rect");
      line.setAttribute("width", String(width));
      line.setAttribute("height", "7");
      line.setAttribute("fill", SHARE_COLOR);
      pattern.appendChild(line);
      defs.appendChild(pattern);
    });
    svg.insertBefore(defs, svg.firstChild);
  }

  function shareId(bucket) {
    return "controlmap-share-" + bucket;
  }

  // Bucket 0 (nothing taken) to 4 (three quarters or more of the districts).
  function shareBucket(taken, total) {
    if (!taken) {
      return 0;
    }
    var share = total ? taken / Math.max(total, taken) : 0;
    return share >= 0.75 ? 4 : share >= 0.5 ? 3 : share >= 0.25 ? 2 : 1;
  }

  function shareText(taken, total) {
    if (total) {
      return taken + " of " + total + " districts reported taken";
    }
    return taken === 1 ? "1 district or town reported taken"
      : taken + " districts or towns reported taken";
  }

  function start(map, data) {
    var days = data.days;
    var styles = data.styles;
    var features = data.regions.features;
    var nRegions = features.length;
    var day0 = utc(days[0]);
    var current = 0;
    var still = false;
    var hovered = -1;
    var popupRegion = -1;
    var timer = null;
    var layers = [];
    var shareLayers = [];
    var keys = [];

    function dayIndex(iso) {
      return Math.round((utc(iso) - day0) / DAY_MS);
    }

    // Events of each region in date order (reconcile sorts them), and the
    // first day each region is reported on: before it, its state is assumed.
    var byRegion = features.map(function () { return []; });
    var firstReport = features.map(function () { return Infinity; });
    data.events.forEach(function (event) {
      // Its own region, and any other it moved (a whole province on a district map).
      var regions = (event.region < 0 ? [] : [event.region]).concat(event.also || []);
      regions.forEach(function (r) {
        byRegion[r].push(event);
        // An undated recap counts from the day its article's date gave it ("from").
        var i = event.date ? Math.max(dayIndex(event.date), 0) : event.from;
        if (i !== null && i !== undefined) {
          firstReport[r] = Math.min(firstReport[r], i);
        }
      });
    });
    // Districts reported taken, per region and day, from the days it changes.
    var share = data.share || { total: [], changes: [] };
    var taken = features.map(function () { return null; });
    share.changes.forEach(function (change) {
      var r = change[1];
      if (!taken[r]) {
        taken[r] = new Array(days.length).fill(0);
      }
      for (var i = change[0]; i < days.length; i += 1) {
        taken[r][i] = change[2];
      }
    });
    function takenAt(i, r) {
      return taken[r] ? taken[r][i] : 0;
    }
    var stale = {};
    (data.stale || []).forEach(function (run) {
      for (var i = run[1]; i <= run[2]; i += 1) {
        stale[i] = stale[i] || {};
        stale[i][run[0]] = true;
      }
    });
    function staleAt(i, r) {
      return Boolean(stale[i] && stale[i][r]);
    }
    var conflicts = {};
    data.conflicts.forEach(function (pair) {
      conflicts[pair[0]] = conflicts[pair[0]] || {};
      conflicts[pair[0]][pair[1]] = true;
    });

    function regionIndex(regionId) {
      for (var r = 0; r < nRegions; r += 1) {
        if (features[r].properties.id === regionId) {
          return r;
        }
      }
      return -1;
    }

    function stateAt(i, r) {
      return data.codes[data.states[i].charAt(r)];
    }

    function styleFor(r) {
      var state = stateAt(current, r);
      var style = styles[state];
      var conflict = Boolean(conflicts[current] && conflicts[current][r]);
      return {
        fillColor: style.hatched ? "url(#" + hatchId(state) + ")" : style.color,
        fillOpacity: firstReport[r] > current ? 0.4 : (staleAt(current, r) ? 0.45 : 0.85),
        color: r === hovered ? "#111111" : (conflict ? "#222222" : "#ffffff"),
        weight: r === hovered ? 2.5 : (conflict ? 1.8 : 1),
        dashArray: conflict && r !== hovered ? "4 3" : null,
        opacity: 1
      };
    }

    function restyle(r) {
      var bucket = shareBucket(takenAt(current, r), share.total[r]);
      var key = stateAt(current, r) + (firstReport[r] <= current) + staleAt(current, r) +
        Boolean(conflicts[current] && conflicts[current][r]) + (r === hovered) + bucket;
      if (keys[r] !== key) {
        keys[r] = key;
        layers[r].setStyle(styleFor(r));
        if (shareLayers[r]) {
          shareLayers[r].setStyle(bucket
            ? { fillColor: "url(#" + shareId(bucket) + ")", fillOpacity: 0.75 }
            : { fillOpacity: 0 });
        }
      }
    }

    // --- regions -----------------------------------------------------------
    var next = 0;
    var geo = L.geoJSON(data.regions, {
      style: function () { return { weight: 1, color: "#ffffff", fillOpacity: 0.85 }; },
      onEachFeature: function (feature, layer) {
        var r = next;
        next += 1;
        layers[r] = layer;
        layer.bindTooltip(function () { return tooltipFor(r); },
          { sticky: true, direction: "top", offset: [0, -8], className: "cm-tooltip" });
        layer.on("click", function (e) { openPopup(r, e.latlng); });
        layer.on("mouseover", function () {
          hovered = r;
          restyle(r);
          layer.bringToFront();
        });
        layer.on("mouseout", function () {
          if (hovered === r) {
            hovered = -1;
          }
          restyle(r);
        });
      }
    }).addTo(map);
    layers.forEach(function (layer, r) {
      var path = layer.getElement();
      if (path) {
        path.setAttribute("data-region", features[r].properties.id);
        // Reachable with Tab; Enter opens the evidence as a click does.
        path.setAttribute("tabindex", "0");
        path.setAttribute("role", "button");
        path.setAttribute("aria-label", features[r].properties.name || features[r].properties.id);
        path.addEventListener("keydown", function (e) {
          if (e.key === "Enter") {
            e.preventDefault();
            openPopup(r, null);
          }
        });
      }
    });
    // The share of districts taken, hatched over the regions in a pane of its own
    // that lets the pointer through to the regions below.
    var sharePane = map.createPane("cm-share");
    sharePane.style.zIndex = 410;
    sharePane.style.pointerEvents = "none";
    // Only regions that ever have a share get a path (none on a district map).
    features.forEach(function (feature, r) {
      if (taken[r]) {
        shareLayers[r] = L.geoJSON(feature, {
          pane: "cm-share",
          interactive: false,
          style: function () { return { stroke: false, fillOpacity: 0 }; }
        }).addTo(map);
        shareLayers[r].eachLayer(function (layer) {
          var path = layer.getElement && layer.getElement();
          if (path) {
            path.setAttribute("data-share", feature.properties.id);
          }
        });
      }
    });
    addPatterns(map, styles);

    // --- provincial capitals: markers in their own pane, above the regions --------
    map.createPane("cm-places").style.zIndex = 450;
    var markers = (data.places || []).map(function (place) {
      var marker = L.circleMarker([place.point[1], place.point[0]], {
        pane: "cm-places", radius: 5, weight: 1.5, color: "#1f2328", fillOpacity: 1
      }).addTo(map);
      if (place.region >= 0) {
        marker.on("click", function (e) { openPopup(place.region, e.latlng); });
      }
      var path = marker.getElement();
      if (path) {
        path.setAttribute("data-place", place.name);
      }
      return marker;
    });

    function placeStateAt(i, place) {
      var state = null;
      place.changes.forEach(function (change) {
        if (change[0] <= i) {
          state = data.codes[change[1]];
        }
      });
      return state;
    }

    var markerStates = [];

    function restyleMarkers() {
      (data.places || []).forEach(function (place, k) {
        var state = placeStateAt(current, place);
        if (markerStates[k] === state) {
          return;
        }
        markerStates[k] = state;
        var style = styles[state || "government"];
        markers[k].setStyle({ fillColor: style.color, fillOpacity: state ? 1 : 0.45 });
        var path = markers[k].getElement();
        if (path) {
          path.setAttribute("data-state", state || "");
        }
      });
    }

    // Labels exist only while the zoom leaves them room: permanent tooltips cost a
    // reposition on every pan and zoom.
    var labelled = false;

    function showLabels() {
      var wanted = map.getZoom() >= LABEL_ZOOM;
      if (wanted === labelled) {
        return;
      }
      labelled = wanted;
      markers.forEach(function (marker, k) {
        if (wanted) {
          marker.bindTooltip(data.places[k].name, { permanent: true, direction: "right",
            offset: [6, 0], className: "cm-place-label" });
        } else {
          marker.unbindTooltip();
        }
      });
    }
    map.on("zoomend", showLabels);

    // Fit the regions beside the open legend where the map is wide enough, so that
    // the legend covers none of them.
    function fit() {
      var width = map.getSize().x;
      var aside = legend.open && width > 3 * legend.offsetWidth ? legend.offsetWidth + 10 : 0;
      map.fitBounds(geo.getBounds(), { paddingTopLeft: [12, 12],
        paddingBottomRight: [12 + aside, 12], animate: false });
    }

    function tooltipFor(r) {
      var node = el("div");
      node.appendChild(el("strong", null, features[r].properties.name || features[r].properties.id));
      var line = el("div", "cm-tooltip-state");
      var state = stateAt(current, r);
      line.appendChild(swatch(styles[state]));
      line.appendChild(document.createTextNode(styles[state].label));
      node.appendChild(line);
      if (firstReport[r] > current) {
        node.appendChild(el("div", "cm-tooltip-note", "no report yet: state assumed"));
      } else if (staleAt(current, r)) {
        node.appendChild(el("div", "cm-tooltip-note", "stale: no recent report of fighting"));
      }
      var n = takenAt(current, r);
      if (n || share.total[r]) {
        node.appendChild(el("div", "cm-tooltip-share", shareText(n, share.total[r])));
      }
      return node;
    }

    // --- evidence popup ----------------------------------------------------
    function eventItem(event) {
      var item = el("li", "cm-ev");
      var head = el("div", "cm-ev-head");
      var badge = el("span", "cm-badge", event.status);
      var color = styles[data.status_state[event.status]].color;
      badge.style.background = color;
      badge.style.color = isLight(color) ? "#1f2328" : "#ffffff";
      head.appendChild(badge);
      head.appendChild(el("span", "cm-ev-date", event.date ? longDate(event.date) : "undated"));
      if (event.place) {
        head.appendChild(el("span", "cm-ev-place", event.place));
      }
      item.appendChild(head);
      var evidence = data.texts[event.evidence];
      if (evidence) {
        item.appendChild(el("blockquote", "cm-quote", quoted(evidence)));
      }
      var source = el("div", "cm-ev-source");
      source.appendChild(el("span", "cm-ev-title", event.title || event.article));
      if (event.outlet) {
        source.appendChild(document.createTextNode(" \u2014 "));
        source.appendChild(el("span", "cm-ev-outlet", event.outlet));
      }
      item.appendChild(source);
      if (event.url) {
        var href = httpUrl(event.url);
        if (href) {
          var link = el("a", "cm-ev-link", event.url);
          link.href = href;
          link.target = "_blank";
          link.rel = "noopener noreferrer";
          item.appendChild(link);
        } else {
          item.appendChild(el("span", "cm-ev-link cm-ev-unlinked", event.url));
        }
      }
      return item;
    }

    function popupContent(r) {
      var box = el("div", "cm-pop");
      var props = features[r].properties;
      box.appendChild(el("h3", "cm-pop-title", props.name || props.id));
      var state = stateAt(current, r);
      var line = el("div", "cm-pop-state");
      line.appendChild(swatch(styles[state]));
      line.appendChild(el("strong", null, styles[state].label));
      line.appendChild(document.createTextNode(" on " + longDate(days[current])));
      box.appendChild(line);
      var n = takenAt(current, r);
      if (n || share.total[r]) {
        box.appendChild(el("div", "cm-pop-share", shareText(n, share.total[r])));
      }
      if (staleAt(current, r)) {
        box.appendChild(el("p", "cm-pop-note",
          "Stale: no report about this region for a long while; the fighting may be over."));
      }
      if (conflicts[current] && conflicts[current][r]) {
        box.appendChild(el("p", "cm-pop-note",
          "Reports on this day contradict each other; the state follows the precedence " +
          data.precedence.join(" > ") + "."));
      }
      // Newest day first; within a day the report that decides the state first.
      var dated = byRegion[r].filter(function (event) {
        return event.date && dayIndex(event.date) <= current;
      }).map(function (event, k) { return [event, k]; }).sort(function (a, b) {
        return (b[0].date > a[0].date) - (b[0].date < a[0].date) ||
          data.precedence.indexOf(a[0].status) - data.precedence.indexOf(b[0].status) ||
          a[1] - b[1];
      }).map(function (pair) { return pair[0]; });
      var undated = byRegion[r].filter(function (event) { return !event.date; });
      if (!dated.length) {
        box.appendChild(el("p", "cm-pop-note",
          "No report about this region up to this day; its state is the starting state."));
      } else {
        box.appendChild(el("div", "cm-pop-count", dated.length === 1
          ? "1 report up to this day, newest first"
          : dated.length + " reports up to this day, newest first"));
        var list = el("ol", "cm-evidence");
        dated.forEach(function (event) { list.appendChild(eventItem(event)); });
        box.appendChild(list);
      }
      if (undated.length) {
        box.appendChild(el("div", "cm-pop-count",
          "Undated reports (a fall counts from its article's date)"));
        var rest = el("ol", "cm-evidence");
        undated.forEach(function (event) { rest.appendChild(eventItem(event)); });
        box.appendChild(rest);
      }
      return box;
    }

    var popup = L.popup({ maxWidth: 340, minWidth: 220, maxHeight: 320, className: "cm-popup",
      autoPanPadding: [16, 16] });

    function openPopup(r, latlng) {
      popupRegion = r;
      popup.options.maxHeight = Math.max(140, Math.min(320, map.getSize().y - 90));
      popup.setLatLng(latlng || layers[r].getBounds().getCenter())
        .setContent(popupContent(r)).openOn(map);
    }
    map.on("popupclose", function () { popupRegion = -1; });

    // --- date panel and legend ----------------------------------------------
    var dateLine = document.getElementById("cm-date");
    var countsLine = document.getElementById("cm-counts");
    var coverageLine = document.getElementById("cm-coverage");
    document.getElementById("cm-title").textContent = data.title;

    var legend = el("details", "cm-legend");
    // Collapsed in small frames (an 800x560 embed) so that it covers no region.
    legend.open = window.innerWidth >= 960 && window.innerHeight >= 600;
    legend.appendChild(el("summary", null, "Legend"));
    data.order.forEach(function (state) {
      var row = el("div", "cm-legend-row");
      row.appendChild(swatch(styles[state]));
      row.appendChild(el("span", null, styles[state].label));
      legend.appendChild(row);
    });
    var paleRow = el("div", "cm-legend-row cm-legend-note");
    var pale = swatch(styles[data.order[data.order.length - 1]]);
    pale.style.opacity = "0.45";
    paleRow.appendChild(pale);
    paleRow.appendChild(el("span", null, "Paler: no report yet, or stale"));
    legend.appendChild(paleRow);
    var shareRow = el("div", "cm-legend-row cm-legend-note");
    var shareSwatch = el("span", "cm-swatch cm-swatch-share");
    shareRow.appendChild(shareSwatch);
    shareRow.appendChild(el("span", null, "Dark lines: share of districts reported taken"));
    legend.appendChild(shareRow);
    if (data.places && data.places.length) {
      var placeRow = el("div", "cm-legend-row cm-legend-note");
      placeRow.appendChild(el("span", "cm-swatch cm-swatch-place"));
      placeRow.appendChild(el("span", null, "Dot: provincial capital, by its own reports"));
      legend.appendChild(placeRow);
    }
    var dashRow = el("div", "cm-legend-row cm-legend-note");
    dashRow.appendChild(el("span", "cm-swatch cm-swatch-dashed"));
    dashRow.appendChild(el("span", null, "Dashed: reports that day contradict"));
    legend.appendChild(dashRow);
    legend.appendChild(el("div", "cm-legend-sources", data.sources));
    if (data.attribution) {
      legend.appendChild(el("div", "cm-legend-sources cm-attribution", data.attribution));
    }

    function overlay(node, position) {
      var Control = L.Control.extend({ onAdd: function () { return node; } });
      new Control({ position: position }).addTo(map);
      L.DomEvent.disableClickPropagation(node);
      L.DomEvent.disableScrollPropagation(node);
    }
    overlay(legend, "bottomright");

    function showCounts() {
      var tally = {};
      var codes = data.states[current];
      for (var r = 0; r < codes.length; r += 1) {
        var state = data.codes[codes.charAt(r)];
        tally[state] = (tally[state] || 0) + 1;
      }
      countsLine.textContent = "";
      data.order.forEach(function (state, k) {
        if (k > 0) {
          countsLine.appendChild(el("span", "cm-sep", " \u00b7 "));
        }
        var item = el("span", "cm-count");
        item.setAttribute("data-state", state);
        item.appendChild(swatch(styles[state]));
        item.appendChild(document.createTextNode(styles[state].short + " " + (tally[state] || 0)));
        countsLine.appendChild(item);
      });
      var check = data.coverage[current];
      var onMap = "map: " + check[3];
      if (check[0] === null) {
        coverageLine.textContent = "reports: no count of fallen capitals yet \u00b7 " + onMap;
      } else {
        coverageLine.textContent = "reports: " + check[0] +
          (check[1] === null ? "" : " of " + check[1]) + " capitals fallen (" +
          shortDate(check[2]) + ") \u00b7 " + onMap;
      }
    }

    // --- changes this day ----------------------------------------------------
    var changesBox = document.getElementById("cm-changes");

    function regionName(r) {
      return features[r].properties.name || features[r].properties.id;
    }

    function changesOn(i) {
      var list = [];
      if (i <= 0) {
        return list;
      }
      var before = data.states[i - 1];
      var now = data.states[i];
      for (var r = 0; r < nRegions; r += 1) {
        if (before.charAt(r) !== now.charAt(r)) {
          list.push({ region: r, from: data.codes[before.charAt(r)],
            to: data.codes[now.charAt(r)] });
        }
      }
      return list;
    }

    function showChanges() {
      var list = changesOn(current);
      changesBox.textContent = "";
      changesBox.appendChild(el("span", "cm-changes-head", "Changes this day: "));
      if (!list.length) {
        changesBox.appendChild(el("span", "cm-changes-none", current ? "none" : "first day"));
        return;
      }
      var items = el("ul", "cm-changes-list");
      list.slice(0, MAX_CHANGES).forEach(function (change) {
        var item = el("li", "cm-change");
        item.setAttribute("data-region", features[change.region].properties.id);
        item.appendChild(swatch(styles[change.to]));
        item.appendChild(el("strong", null, regionName(change.region)));
        item.appendChild(document.createTextNode(" " + styles[change.from].short + " \u2192 " +
          styles[change.to].short));
        items.appendChild(item);
      });
      if (list.length > MAX_CHANGES) {
        items.appendChild(el("li", "cm-change cm-change-more",
          "and " + (list.length - MAX_CHANGES) + " more"));
      }
      changesBox.appendChild(items);
    }

    // --- chart of regions per state over time ------------------------------------
    var chartBox = document.getElementById("cm-chart");
    var CHART_W = 220;
    var CHART_H = 46;
    var chartMarker = null;

    function svgNode(tag, attrs) {
      var node = document.createElementNS(SVG_NS, tag);
      Object.keys(attrs).forEach(function (name) { node.setAttribute(name, String(attrs[name])); });
      return node;
    }

    function chartX(i) {
      return days.length > 1 ? (i / (days.length - 1)) * CHART_W : CHART_W / 2;
    }

    function chartPoint(i, regions) {
      return chartX(i).toFixed(1) + "," + (CHART_H - (regions / nRegions) * CHART_H).toFixed(1);
    }

    function drawChart() {
      var svg = svgNode("svg", { viewBox: "0 0 " + CHART_W + " " + CHART_H, width: CHART_W,
        height: CHART_H, role: "img", "class": "cm-chart-svg" });
      var title = svgNode("title", {});
      title.textContent = "Regions in each state, day by day";
      svg.appendChild(title);
      // Stacked areas, government at the bottom, Taliban on top.
      var below = days.map(function () { return 0; });
      data.order.slice().reverse().forEach(function (state) {
        var code = null;
        Object.keys(data.codes).forEach(function (c) {
          if (data.codes[c] === state) {
            code = c;
          }
        });
        var top = data.states.map(function (codes, i) {
          var n = 0;
          for (var r = 0; r < codes.length; r += 1) {
            n += codes.charAt(r) === code ? 1 : 0;
          }
          return below[i] + n;
        });
        var points = [];
        top.forEach(function (v, i) {
          points.push(chartPoint(i, v));
        });
        for (var i = below.length - 1; i >= 0; i -= 1) {
          points.push(chartPoint(i, below[i]));
        }
        var area = svgNode("polygon", { points: points.join(" "), fill: styles[state].color,
          "data-state": state });
        svg.appendChild(area);
        below = top;
      });
      chartMarker = svgNode("line", { y1: 0, y2: CHART_H, stroke: "#1f2328", "stroke-width": 1.5,
        "class": "cm-chart-day" });
      svg.appendChild(chartMarker);
      chartBox.appendChild(svg);
    }

    function showChartDay() {
      var x = chartX(current).toFixed(1);
      chartMarker.setAttribute("x1", x);
      chartMarker.setAttribute("x2", x);
      chartMarker.setAttribute("data-day", days[current]);
    }
    drawChart();

    // --- time control -----------------------------------------------------
    var bar = document.getElementById("cm-controls");
    var slider = document.getElementById("cm-slider");
    var playButton = document.getElementById("cm-play");
    slider.max = String(days.length - 1);
    document.getElementById("cm-first").textContent = shortDate(days[0]);
    document.getElementById("cm-last").textContent = shortDate(days[days.length - 1]);

    function writeHash() {
      var hash = "#" + days[current] + (still ? "&controls=0" : "");
      if (window.location.hash === hash) {
        return;
      }
      try {
        window.history.replaceState(null, "", hash);
      } catch (err) {
        // Some embeddings (srcdoc, sandboxed frames) refuse; the map still works.
      }
    }

    function setDay(value) {
      var i = typeof value === "string" ? dayIndex(value) : Number(value);
      if (!isFinite(i)) {
        return days[current];
      }
      current = Math.min(Math.max(Math.round(i), 0), days.length - 1);
      for (var r = 0; r < nRegions; r += 1) {
        restyle(r);
      }
      dateLine.textContent = longDate(days[current]);
      dateLine.setAttribute("data-day", days[current]);
      slider.value = String(current);
      showCounts();
      showChanges();
      showChartDay();
      restyleMarkers();
      if (popupRegion >= 0) {
        popup.setContent(popupContent(popupRegion));
      }
      writeHash();
      return days[current];
    }

    function step(delta) {
      return setDay(current + delta);
    }

    function pause() {
      if (timer !== null) {
        window.clearInterval(timer);
        timer = null;
      }
      playButton.setAttribute("aria-pressed", "false");
      playButton.setAttribute("aria-label", "Play");
      bar.classList.remove("cm-playing");
    }

    function play() {
      if (timer !== null) {
        return;
      }
      if (current >= days.length - 1) {
        setDay(0);
      }
      timer = window.setInterval(function () {
        step(1);
        if (current >= days.length - 1) {
          pause();
        }
      }, PLAY_INTERVAL_MS);
      playButton.setAttribute("aria-pressed", "true");
      playButton.setAttribute("aria-label", "Pause");
      bar.classList.add("cm-playing");
    }

    function toggle() {
      if (timer === null) {
        play();
      } else {
        pause();
      }
    }

    document.getElementById("cm-prev").addEventListener("click", function () {
      pause();
      step(-1);
    });
    document.getElementById("cm-next").addEventListener("click", function () {
      pause();
      step(1);
    });
    playButton.addEventListener("click", toggle);
    slider.addEventListener("input", function () {
      pause();
      setDay(Number(slider.value));
    });
    document.addEventListener("keydown", function (e) {
      var tag = e.target && e.target.tagName;
      var typing = tag === "TEXTAREA" || tag === "SELECT" ||
        (tag === "INPUT" && e.target.type !== "range");
      if (e.altKey || e.ctrlKey || e.metaKey || typing) {
        return;
      }
      // Space plays or pauses wherever the focus is (a focused button or the slider
      // included); Enter keeps its own meaning, and the slider its own arrows.
      if (e.key === " " || e.key === "Spacebar") {
        e.preventDefault();
        toggle();
        return;
      }
      if (tag === "INPUT") {
        return;
      }
      if (e.key === "ArrowLeft") {
        pause();
        step(-1);
      } else if (e.key === "ArrowRight") {
        pause();
        step(1);
      } else if (e.key === "Home") {
        pause();
        setDay(0);
      } else if (e.key === "End") {
        pause();
        setDay(days.length - 1);
      } else {
        return;
      }
      e.preventDefault();
    });

    // --- URL hash: #2021-08-13 opens that day; &controls=0 hides the controls ----
    function readHash() {
      var parts = window.location.hash.replace(/^#/, "").split("&");
      var day = null;
      still = false;
      parts.forEach(function (part) {
        if (ISO_DATE.test(part)) {
          day = part;
        } else if (part === "controls=0") {
          still = true;
        }
      });
      document.documentElement.classList.toggle("cm-still", still);
      return day;
    }

    window.addEventListener("hashchange", function () {
      var day = readHash();
      setDay(day === null ? current : day);
    });

    var first = readHash();
    setDay(first === null ? days.length - 1 : first);
    // Fit once the panel below has its text (and so its height), and follow
    // later changes of the map's size (frame resized, controls hidden).
    map.invalidateSize();
    fit();
    showLabels();
    if (window.ResizeObserver) {
      new window.ResizeObserver(function () {
        map.invalidateSize({ pan: false });
      }).observe(map.getContainer());
    }

    return {
      days: days.slice(),
      setDay: setDay,
      step: step,
      play: play,
      pause: pause,
      day: function () { return days[current]; },
      state: function (regionId) {
        var r = regionIndex(regionId);
        return r < 0 ? null : stateAt(current, r);
      },
      // Page coordinates of a point inside a region, for a test to click or hover.
      pagePoint: function (regionId) {
        var r = regionIndex(regionId);
        if (r < 0) {
          return null;
        }
        var inside = features[r].properties.point;
        var at = map.latLngToContainerPoint([inside[1], inside[0]]);
        var box = map.getContainer().getBoundingClientRect();
        return { x: box.left + at.x, y: box.top + at.y };
      },
      // Districts reported taken in a region on the current day, and of how many.
      share: function (regionId) {
        var r = regionIndex(regionId);
        return r < 0 ? null : { taken: takenAt(current, r), total: share.total[r] };
      },
      stale: function (regionId) {
        var r = regionIndex(regionId);
        return r >= 0 && staleAt(current, r);
      },
      placeState: function (name) {
        for (var k = 0; k < (data.places || []).length; k += 1) {
          if (data.places[k].name === name) {
            return placeStateAt(current, data.places[k]);
          }
        }
        return null;
      },
      changes: function () {
        return changesOn(current).map(function (change) {
          return [features[change.region].properties.id, change.from, change.to];
        });
      },
      openRegion: function (regionId) {
        var r = regionIndex(regionId);
        if (r >= 0) {
          openPopup(r, null);
        }
        return r >= 0;
      },
      readyAt: window.performance.now()
    };
  }

  window.controlmapStart = start;
}());

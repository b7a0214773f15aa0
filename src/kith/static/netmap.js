// Your network map in the browser: sigma.js draws the layout the server computed
// (/insights/map.json) with graphology as its graph. Zoom, find a person, hover for
// name and headline, click for their profile or your private record. Without
// JavaScript the page shows the same layout as an SVG image.
//
// The first frame is a sketch: the same dots and lines on a plain 2D canvas. This
// script runs while the page is read, right after the map's box and data, and draws
// the sketch at once; only then does it load graphology and sigma (the box's
// data-scripts) and start sigma, which takes the sketch's place. Starting sigma
// (WebGL: its programs compiled, its canvases made) costs more than the rest of the
// page together on a machine without a graphics card.
(function () {
  "use strict";
  var box = document.getElementById("netmap");
  if (!box) return;
  var timing = { startAt: performance.now() };
  var show = document.getElementById("netmap-show");
  var search = document.getElementById("netmap-search");
  var zoom = document.getElementById("netmap-zoom");
  var panel = document.getElementById("netmap-person");
  var phone = window.matchMedia("(max-width: 700px)").matches;

  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (cls) el.className = cls;
    return el;
  }

  function link(href, label) {
    var a = text("a", label);
    a.href = href;
    return a;
  }

  // Past MAX_LINES the picture is a haze of lines and slow to draw: every line between
  // two circles (or in no circle) is kept, up to half of them, and an even share of the
  // lines inside circles makes up the rest.
  var MAX_LINES = 30000;

  function lines(data) {
    if (data.edges.length <= MAX_LINES) return data.edges;
    var circle = {};
    data.nodes.forEach(function (n) { circle[n.member_id] = n.community; });
    var across = [], inside = [];
    data.edges.forEach(function (e) {
      var a = circle[e[0]], b = circle[e[1]];
      (a !== null && a === b ? inside : across).push(e);
    });
    across = across.slice(0, MAX_LINES / 2);
    var room = MAX_LINES - across.length, step = inside.length / room, kept = [];
    for (var i = 0; i < room && Math.floor(i * step) < inside.length; i++) {
      kept.push(inside[Math.floor(i * step)]);
    }
    var legend = document.getElementById("netmap-lines");
    if (legend) {
      legend.textContent = (across.length + kept.length).toLocaleString() + " of " +
        data.edges.length.toLocaleString() + " lines are drawn.";
    }
    return across.concat(kept);
  }

  var GREY = "#8a8f98";
  var LINE = "#d5d9e0";
  var PADDING = 30;

  function colourOf(data) {
    var colours = {};
    data.communities.forEach(function (c) { colours[c.index] = c.color; });
    return function (n) { return n.community === null ? GREY : colours[n.community]; };
  }

  // Dots large enough to point at on a small map, smaller as the map fills up.
  function sizer(data) {
    var base = Math.max(2, Math.min(8, 60 / Math.sqrt(data.nodes.length || 1)));
    return function (n) { return base + Math.sqrt(Math.min(n.links, 400)) * 0.3; };
  }

  // The sketch: the layout fitted to the box as sigma fits it (aspect kept, centred,
  // PADDING pixels clear), lines first, then the dots in their circle's colour.
  function sketch(data, edges) {
    var canvas = document.createElement("canvas");
    canvas.className = "netmap-sketch";
    canvas.setAttribute("aria-hidden", "true");
    box.appendChild(canvas);
    var w = box.clientWidth, h = box.clientHeight, ratio = window.devicePixelRatio || 1;
    canvas.width = w * ratio;
    canvas.height = h * ratio;
    var ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    var minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity, at = {};
    data.nodes.forEach(function (n) {
      minX = Math.min(minX, n.x); maxX = Math.max(maxX, n.x);
      minY = Math.min(minY, n.y); maxY = Math.max(maxY, n.y);
    });
    var scale = (Math.min(w, h) - 2 * PADDING) / (Math.max(maxX - minX, maxY - minY) || 1);
    var midX = (minX + maxX) / 2, midY = (minY + maxY) / 2;
    data.nodes.forEach(function (n) {
      at[n.member_id] = [w / 2 + (n.x - midX) * scale, h / 2 + (n.y - midY) * scale];
    });
    ctx.strokeStyle = LINE;
    ctx.lineWidth = 0.5;
    ctx.beginPath();
    edges.forEach(function (e) {
      var a = at[e[0]], b = at[e[1]];
      ctx.moveTo(a[0], a[1]);
      ctx.lineTo(b[0], b[1]);
    });
    ctx.stroke();
    var colour = colourOf(data), size = sizer(data);
    data.nodes.forEach(function (n) {
      var p = at[n.member_id];
      ctx.fillStyle = colour(n);
      ctx.beginPath();
      ctx.arc(p[0], p[1], size(n), 0, 2 * Math.PI);
      ctx.fill();
    });
    return canvas;
  }

  function draw(data, edges) {
    var started = performance.now();
    var colour = colourOf(data), size = sizer(data);
    var graph = new window.graphology.Graph({ type: "undirected", multi: false });
    var byName = {};
    data.nodes.forEach(function (n) {
      graph.addNode(String(n.member_id), {
        x: n.x,
        y: -n.y,
        size: size(n),
        color: colour(n),
        label: n.name,
        headline: n.headline,
        handle: n.handle,
        tier: n.tier,
      });
      byName[n.name.toLowerCase()] = String(n.member_id);
    });
    edges.forEach(function (e) {
      graph.addEdge(String(e[0]), String(e[1]), { size: 0.5, color: LINE });
    });
    var renderer = new window.Sigma(graph, box, {
      labelRenderedSizeThreshold: 6,
      hideEdgesOnMove: data.edges.length > 20000,
      defaultEdgeColor: LINE,
      stagePadding: PADDING,
      zIndex: true,
    });
    var selected = null;
    renderer.setSetting("nodeReducer", function (node, attrs) {
      if (selected === node) return Object.assign({}, attrs, { highlighted: true, zIndex: 1 });
      return attrs;
    });

    // Tiers: a dark ring around each member in one of your tiers, drawn over the graph.
    var rings = document.createElement("canvas");
    rings.className = "netmap-rings";
    rings.setAttribute("aria-hidden", "true");
    box.appendChild(rings);
    var tiered = graph.filterNodes(function (_, a) { return !!a.tier; });
    // Each circle's label above its members (graph coordinates: y grows upwards).
    var places = {};
    data.nodes.forEach(function (n) {
      if (n.community === null) return;
      var p = places[n.community] || (places[n.community] = { sx: 0, n: 0, top: -Infinity });
      p.sx += n.x;
      p.n += 1;
      p.top = Math.max(p.top, -n.y);
    });
    renderer.on("afterRender", function () {
      var dim = renderer.getDimensions();
      var ratio = window.devicePixelRatio || 1;
      rings.width = dim.width * ratio;
      rings.height = dim.height * ratio;
      var ctx = rings.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, dim.width, dim.height);
      ctx.strokeStyle = "#111827";
      ctx.lineWidth = 1.5;
      tiered.forEach(function (node) {
        var d = renderer.getNodeDisplayData(node);
        if (!d) return;
        var p = renderer.framedGraphToViewport(d);
        ctx.beginPath();
        ctx.arc(p.x, p.y, renderer.scaleSize(d.size) + 2, 0, 2 * Math.PI);
        ctx.stroke();
      });
      ctx.font = "600 13px system-ui, sans-serif";
      ctx.textAlign = "center";
      ctx.lineWidth = 3;
      ctx.strokeStyle = "#ffffff";
      ctx.fillStyle = "#111827";
      data.communities.forEach(function (c) {
        var p = places[c.index];
        if (!p) return;
        var at = renderer.graphToViewport({ x: p.sx / p.n, y: p.top });
        var label = c.label + " (" + c.size + ")";
        ctx.strokeText(label, at.x, at.y - 12);
        ctx.fillText(label, at.x, at.y - 12);
      });
    });

    function open(node) {
      var a = graph.getNodeAttributes(node);
      selected = node;
      renderer.refresh();
      panel.textContent = "";
      panel.appendChild(text("strong", a.label));
      if (a.headline) panel.appendChild(text("p", a.headline, "muted"));
      if (a.tier) panel.appendChild(text("p", "Tier: " + a.tier));
      var links = document.createElement("p");
      links.appendChild(link("/in/" + a.handle, "Profile"));
      links.appendChild(document.createTextNode(" · "));
      links.appendChild(link("/relationships/people/" + a.handle, "Your record"));
      links.appendChild(document.createTextNode(" · "));
      links.appendChild(link("/messages/with/" + a.handle, "Message"));
      panel.appendChild(links);
      panel.hidden = false;
    }

    renderer.on("enterNode", function (e) {
      var a = graph.getNodeAttributes(e.node);
      box.title = a.headline ? a.label + " — " + a.headline : a.label;
    });
    renderer.on("leaveNode", function () { box.title = ""; });
    renderer.on("clickNode", function (e) { open(e.node); });

    var people = document.getElementById("netmap-people");
    var names = document.createDocumentFragment();
    data.nodes.forEach(function (n) {
      var option = document.createElement("option");
      option.value = n.name;
      names.appendChild(option);
    });
    people.appendChild(names);
    search.hidden = false;
    zoom.hidden = false;
    search.addEventListener("submit", function (e) {
      e.preventDefault();
      var wanted = (search.elements.q.value || "").trim().toLowerCase();
      var node = byName[wanted];
      if (!node) {
        graph.forEachNode(function (n, a) {
          if (!node && wanted && a.label.toLowerCase().indexOf(wanted) !== -1) node = n;
        });
      }
      if (!node) {
        panel.textContent = "";
        panel.appendChild(text("p", "No one on your map is called “" + search.elements.q.value + "”."));
        panel.hidden = false;
        return;
      }
      var d = renderer.getNodeDisplayData(node);
      renderer.getCamera().animate({ x: d.x, y: d.y, ratio: 0.2 }, { duration: 300 });
      open(node);
    });
    zoom.addEventListener("click", function (e) {
      var which = e.target.getAttribute("data-zoom");
      var camera = renderer.getCamera();
      if (which === "in") camera.animatedZoom({ duration: 200 });
      if (which === "out") camera.animatedUnzoom({ duration: 200 });
      if (which === "reset") camera.animatedReset({ duration: 200 });
    });
    timing.renderer = renderer;
    timing.graph = graph;
    timing.open = open;
    timing.drawnMs = performance.now() - started;
    // sigma's first frame: the map can be zoomed, searched and clicked from here.
    requestAnimationFrame(function () {
      timing.interactiveAt = performance.now();
      box.setAttribute("data-drawn", "true");
    });
  }

  // graphology, then sigma (kept in this order), then ``done``; nothing if one fails.
  function load(done) {
    var urls = (box.getAttribute("data-scripts") || "").split(" ").filter(Boolean);
    var left = urls.length;
    urls.forEach(function (url) {
      var script = document.createElement("script");
      script.src = url;
      script.async = false;
      script.onload = function () {
        left -= 1;
        if (left === 0) done();
      };
      document.head.appendChild(script);
    });
  }

  function start() {
    box.hidden = false;
    box.classList.add("netmap-live");
    var fetched = performance.now();
    var inside = document.getElementById("netmap-data");
    var data = inside
      ? Promise.resolve(JSON.parse(inside.textContent))
      : fetch(box.getAttribute("data-src"), { credentials: "same-origin" }).then(function (r) {
          return r.json();
        });
    window.kithNetmap = timing;
    data.then(function (found) {
      timing.fetchMs = performance.now() - fetched;
      timing.parsedAt = performance.now();
      var edges = lines(found);
      var first = sketch(found, edges);
      timing.sketchedAt = performance.now();
      // The first frame on screen: from the page's start (navigation) to here is what
      // a person waits for to see their map (timing.shownAt, in milliseconds).
      requestAnimationFrame(function () {
        timing.shownAt = performance.now();
        box.setAttribute("data-sketched", "true");
        load(function () {
          if (!window.Sigma || !window.graphology) return; // the sketch stays
          draw(found, edges);
          first.remove();
        });
      });
    });
  }

  if (phone) {
    box.hidden = true;
    show.hidden = false;
    show.addEventListener("click", function () {
      show.hidden = true;
      start();
    });
  } else {
    start();
  }
})();

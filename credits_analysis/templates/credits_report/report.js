// Charts of an offline credits report: sized before anything is drawn, drawn once plotly.js is
// unpacked (gzip, base64, in the page itself), first those on screen, then each as it comes
// near the viewport; all of them before printing or saving. Narrow screens get a layout of
// their own before the first draw: titles wrapped, legends and colour bars below, small
// multiples in fewer columns. Nothing is ever fetched.
"use strict";
window.CreditsReport = (function () {
  const NARROW = 800; // px of chart width below which the narrow layout applies (tablets too)
  const MIN_PANEL = 170; // px: narrowest readable panel of a small multiple
  const PANEL_GAP = 64; // px between rows of wrapped panels: tick labels and the next title
  const LINE = 1.3; // line height, in font sizes
  const pending = new Map(); // id -> {box, figure}, charts not drawn yet
  let plotly = null;
  let drawAllAsked = false;
  const panelTitles = new WeakSet(); // subplot titles rewrap already wrapped to their panel

  function figureOf(id) {
    return JSON.parse(document.getElementById(id + "-json").textContent);
  }

  // Words of `text` (plotly's own <br> kept) in lines of at most `width` characters.
  function wrap(text, width) {
    const lines = [];
    for (const part of String(text).split(/<br\s*\/?>/i)) {
      let line = "";
      for (const word of part.split(/\s+/).filter(Boolean)) {
        if (line && line.length + 1 + word.length > width) {
          lines.push(line);
          line = word;
        } else {
          line = line ? line + " " + word : word;
        }
      }
      lines.push(line);
    }
    return lines;
  }

  function textWidth(chars, size) {
    return chars * size * 0.6;
  }

  // Panels of a grid of subplots: [{x: "xaxis2", y: "yaxis2", xd, yd}], top row first.
  function panels(layout) {
    const found = [];
    for (const key of Object.keys(layout)) {
      const match = /^xaxis(\d*)$/.exec(key);
      const yKey = match && "yaxis" + match[1];
      if (match && layout[key].domain && layout[yKey] && layout[yKey].domain) {
        found.push({ x: key, y: yKey, suffix: match[1], xd: layout[key].domain, yd: layout[yKey].domain });
      }
    }
    found.sort((a, b) => b.yd[1] - a.yd[1] || a.xd[0] - b.xd[0]);
    return found;
  }

  // Small multiples in as many columns as fit `plotWidth`; returns the height added.
  function rewrap(layout, data, plotWidth, plotHeight) {
    const grid = panels(layout);
    const columns = new Set(grid.map((p) => p.xd[0].toFixed(3))).size;
    const fit = Math.max(1, Math.floor(plotWidth / MIN_PANEL));
    if (grid.length < 2 || columns <= fit) return 0;
    const used = new Set(data.map((t) => (t.xaxis || "x").slice(1)));
    const shown = grid.filter((p) => used.has(p.suffix));
    const panelHeight = Math.max(140, (plotHeight * (grid[0].yd[1] - grid[0].yd[0])));
    const newRows = Math.ceil(shown.length / fit);
    const total = newRows * panelHeight + (newRows - 1) * PANEL_GAP;
    const gapX = 0.04;
    const titleOf = (axis) => (layout[axis].title && layout[axis].title.text) || "";
    const xTitle = grid.map((p) => titleOf(p.x)).find(Boolean) || "";
    const yTitle = grid.map((p) => titleOf(p.y)).find(Boolean) || "";
    const titles = (layout.annotations || []).filter((a) => a.xref === "paper" && a.yref === "paper");
    shown.forEach((p, i) => {
      const row = Math.floor(i / fit);
      const col = i % fit;
      const top = 1 - (row * (panelHeight + PANEL_GAP)) / total;
      const yd = [Math.max(0, top - panelHeight / total), top];
      const xd = [col / fit + (col ? gapX / 2 : 0), (col + 1) / fit - (col + 1 < fit ? gapX / 2 : 0)];
      for (const a of titles) {
        if (Math.abs(a.x - (p.xd[0] + p.xd[1]) / 2) < 1e-6 && Math.abs(a.y - p.yd[1]) < 1e-6) {
          a.x = (xd[0] + xd[1]) / 2;
          a.y = yd[1];
          a.text = wrap(a.text, Math.floor(((xd[1] - xd[0]) * plotWidth) / textWidth(1, 12))).join("<br>");
          panelTitles.add(a);
        }
      }
      layout[p.x].domain = xd;
      layout[p.y].domain = yd;
      // Every panel keeps its own tick labels once the grid no longer lines them up; axis
      // titles only along the bottom row and the left column, where a reader looks for them.
      layout[p.x].showticklabels = true;
      layout[p.y].showticklabels = true;
      layout[p.x].title = Object.assign({}, layout[p.x].title, { text: row === newRows - 1 ? xTitle : "" });
      layout[p.y].title = Object.assign({}, layout[p.y].title, { text: col === 0 ? yTitle : "" });
    });
    for (const p of grid) {
      if (!used.has(p.suffix)) {
        layout[p.x].visible = false;
        layout[p.y].visible = false;
      }
    }
    return total - plotHeight;
  }

  // The narrow variant of a figure's layout, and its height; the wide one is left as it is.
  function adapt(figure, width) {
    const layout = figure.layout || (figure.layout = {});
    const height = layout.height || 525;
    if (width >= NARROW || layout.width) return height;
    const plotMargin = Object.assign({ t: 100, b: 80, l: 80, r: 80 }, layout.margin || {});
    const margin = Object.assign({}, plotMargin);
    let extra = 0;
    const title = layout.title && (typeof layout.title === "string" ? { text: layout.title } : layout.title);
    const titleSize = (title && title.font && title.font.size) || 17;
    let top = 16;
    if (title && title.text) {
      const lines = wrap(title.text, Math.floor((width - 24) / textWidth(1, titleSize)));
      layout.title = Object.assign({}, title, {
        text: lines.join("<br>"), x: 0.02, xanchor: "left", xref: "container",
        yanchor: "top", yref: "container", automargin: false,
      });
      top = 16 + lines.length * titleSize * LINE + 12;
      const subtitle = title.subtitle && title.subtitle.text;
      if (subtitle) {
        const size = (title.subtitle.font && title.subtitle.font.size) || 13;
        const sublines = wrap(subtitle, Math.floor((width - 24) / textWidth(1, size)));
        layout.title.subtitle = Object.assign({}, title.subtitle, { text: sublines.join("<br>") });
        top += sublines.length * size * LINE + 6;
      }
    }
    const hasTitles = (layout.annotations || []).some((a) => a.yref === "paper" && a.y >= 0.99);
    const newTop = Math.ceil(top + (hasTitles ? 28 : 0));
    extra += newTop - margin.t;
    margin.t = newTop;
    margin.l = Math.min(margin.l, 48);
    margin.r = 12;
    const plotWidth = width - margin.l - margin.r;
    extra += rewrap(layout, figure.data || [], plotWidth, height - plotMargin.t - plotMargin.b);
    for (const note of layout.annotations || []) {
      const size = (note.font && note.font.size) || 12;
      const lines = wrap(note.text || "", Math.floor(plotWidth / textWidth(1, size)));
      if (lines.length > 1 && !panelTitles.has(note)) {
        note.text = lines.join("<br>");
        if (note.yref === "paper" && note.y >= 1) {
          const grow = (lines.length - 1) * size * LINE;
          margin.t += grow;
          extra += grow;
        }
      }
    }
    // Colour bars and the legend go below the plot, one above the other.
    const bars = [];
    for (const trace of figure.data || []) {
      if (trace.showscale !== false && (trace.colorbar || (trace.type === "heatmap" && !trace.coloraxis))) {
        bars.push((trace.colorbar = trace.colorbar || {}));
      }
    }
    for (const key of Object.keys(layout)) {
      if (/^coloraxis\d*$/.test(key) && layout[key].showscale !== false) {
        bars.push((layout[key].colorbar = layout[key].colorbar || {}));
      }
    }
    const data = figure.data || [];
    const items = data.filter((t) => t.showlegend !== false && t.name && (t.showlegend || data.length > 1));
    let below = 0;
    if (layout.showlegend !== false && items.length > 0) {
      const names = [...new Set(items.map((t) => String(t.legendgroup || t.name)))];
      const legendTitle = (layout.legend && layout.legend.title && layout.legend.title.text) || "";
      let rows = 1;
      let used = textWidth(legendTitle.length, 12) + 10;
      for (const name of names) {
        const item = textWidth(name.length, 12) + 46;
        if (used + item > width - 16) {
          rows += 1;
          used = 0;
        }
        used += item;
      }
      layout.legend = Object.assign({}, layout.legend, {
        orientation: "h", x: 0, xanchor: "left", xref: "container",
        y: 0, yanchor: "bottom", yref: "container",
      });
      below += rows * 22 + 12;
    }
    const barsFrom = below;
    const barHeights = bars.map((bar) => 56 + 16 * wrap((bar.title && bar.title.text) || "", 40).length);
    below += barHeights.reduce((a, b) => a + b, 0);
    margin.b += below;
    layout.margin = margin;
    const newHeight = Math.round(height + extra + below);
    let barBottom = barsFrom;
    bars.forEach((bar, i) => {
      // The title goes to the right of the bar, which leaves it room.
      Object.assign(bar, {
        orientation: "h", x: 0, xanchor: "left", len: 0.75, lenmode: "fraction", thickness: 12,
        y: (barBottom + 8) / newHeight, yanchor: "bottom", yref: "container",
        title: Object.assign({}, bar.title, { side: "right" }),
      });
      barBottom += barHeights[i];
    });
    layout.height = newHeight;
    // 16 px from the top (plotly's own title padding lets a wrapped title's first line poke out).
    if (layout.title && layout.title.yref === "container") layout.title.y = 1 - 16 / newHeight;
    return newHeight;
  }

  // Give a chart's box its final height, before plotly.js is even unpacked.
  function size(id) {
    const box = document.getElementById(id);
    const figure = figureOf(id);
    const height = adapt(figure, box.clientWidth || window.innerWidth);
    box.style.height = height + "px";
    pending.set(id, { box, figure });
  }

  function draw(id) {
    const chart = pending.get(id);
    if (!chart || !plotly) return;
    pending.delete(id);
    chart.box.textContent = "";
    const config = Object.assign({ responsive: true, displaylogo: false }, chart.figure.config);
    plotly.newPlot(chart.box, chart.figure.data || [], chart.figure.layout, config);
  }

  function onScreen(box, margin) {
    const rect = box.getBoundingClientRect();
    return rect.bottom >= -margin && rect.top <= window.innerHeight + margin;
  }

  function drawAll() {
    drawAllAsked = true;
    for (const id of [...pending.keys()]) draw(id);
  }

  function start() {
    for (const id of [...pending.keys()]) {
      if (onScreen(pending.get(id).box, 0)) draw(id);
    }
    if (drawAllAsked) return drawAll();
    const observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          if (entry.isIntersecting) {
            observer.unobserve(entry.target);
            draw(entry.target.id);
          }
        }
      },
      { rootMargin: "50% 0px" },
    );
    for (const { box } of pending.values()) observer.observe(box);
  }

  function refuse(message) {
    const notice = document.getElementById("charts-notice");
    notice.textContent = message;
    notice.hidden = false;
    for (const { box } of pending.values()) {
      box.style.height = "auto";
      box.querySelector(".ca-figure-wait").textContent =
        box.dataset.title + ": this chart cannot be drawn in this browser (see the note at the top).";
    }
  }

  async function unpack() {
    const packed = document.getElementById("plotly-js-gzip");
    if (!packed) return;
    if (typeof DecompressionStream !== "function") {
      refuse(
        "The charts cannot be drawn: this browser lacks DecompressionStream, which unpacks the " +
          "charting library stored in this file. The text and tables are complete; open the " +
          "report in a current Chrome, Edge, Firefox or Safari to see the charts.",
      );
      return;
    }
    performance.mark("ca-unpack-start");
    const text = atob(packed.textContent.trim());
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    // A script loaded from a blob: URL is compiled off the main thread, unlike inline text.
    const code = await new Response(stream).blob();
    performance.mark("ca-unpacked");
    const url = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
    await new Promise((loaded, failed) => {
      const script = document.createElement("script");
      script.onload = loaded;
      script.onerror = () => failed(new Error("the unpacked library did not run"));
      script.src = url;
      document.head.appendChild(script);
    });
    URL.revokeObjectURL(url);
    performance.mark("ca-plotly-ready");
    plotly = window.Plotly;
    start();
  }

  window.addEventListener("beforeprint", drawAll);
  // Saving the page (Ctrl+S, Cmd+S) or printing it keeps what is drawn: draw everything first.
  window.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && /^[sp]$/i.test(event.key)) drawAll();
  });
  function begin() {
    // After the first paint: the text shows before the library is unpacked.
    requestAnimationFrame(() => setTimeout(() => unpack().catch((error) => refuse(
      "The charts could not be drawn: the charting library in this file did not unpack (" +
        error + ").",
    )), 0));
  }
  return { size, begin, drawAll };
})();

/*
 * aebook drawing pad: the reader draws a digit; the page encodes it with a VAE's encoder,
 * decodes the posterior mean and asks a classifier, all on float16 weights run by aebookNet.js
 * (inlined before this script, the engine the latent pad runs on).
 *
 * aebook/widgets/static.py (draw_html) lays it out with page(): a focusable <canvas data-draw>,
 * buttons (clear, previous and next test image), the latent map (the backdrop, with the
 * marker cross at the posterior mean; this script adds an ellipse one standard deviation wide
 * on each axis), two panels (the model's 28 x 28 input, the reconstruction) and a line of
 * text (the code and the classifier's guess). The JSON block (drawpad.DrawingPad.payload):
 *
 *   {"encoder": layers, "mu": layers, "logvar": layers, "decoder": layers,
 *    "classifier": layers | null, "classes": [...], "range": [low, high],
 *    "box": 20, "size": 28, "note": "...", "tests": [base64 of 784 uint8 grey levels, ...]}
 *
 * A stroke is reduced to the input as drawpad.reduce_drawing does (as MNIST was made): the
 * ink's bounding box area-averaged so its longer side is `box` pixels, then shifted so its
 * centre of mass falls on the centre of the size x size image. A loaded test image is the
 * input as it is, until the reader draws over it.
 *
 * Anomaly mode ("mode": "anomaly", anomalypad.AnomalyPad.payload): the same canvas, buttons,
 * keys and reduction; "encoder" ends with the mean head, so it gives mu; the page shows the
 * input, the reconstruction (the decoder's mean at mu) and their difference, the anomaly score
 * (the mean squared error per pixel) as a cross on the score scale (the backdrop, logarithmic
 * over "scale": [low, high]) and the verdict: flagged at or above "threshold", else passes.
 *
 *   {"mode": "anomaly", "encoder": layers, "decoder": layers, "threshold": t,
 *    "scale": [low, high], "marker_y": y, "names": [...], "box": 20, "size": 28, "tests": [...]}
 *
 * root.aebookDraw: encode(pixels) -> {mu, logvar}; reconstruct(pixels); classify(pixels);
 * score(pixels) (anomaly mode); reduce(grey, height, width); show(pixels) (puts a 28 x 28
 * image on the canvas and runs); state() (what is shown). The browser tests compare them with
 * torch.
 */
var aebookDrawPad = window.aebookDrawPad || function (root, data) {
  "use strict";

  var anomaly = data.mode === "anomaly";  // an AnomalyPad: a score against a threshold
  var encoder = aebookNet.load(data.encoder), decoder = aebookNet.load(data.decoder);
  var toMu = anomaly ? null : aebookNet.load(data.mu);
  var toLogvar = anomaly ? null : aebookNet.load(data.logvar);
  var classifier = data.classifier ? aebookNet.load(data.classifier) : null;
  var size = data.size, low = anomaly ? 0 : data.range[0], high = anomaly ? 1 : data.range[1];

  function encode(pixels) {
    var hidden = aebookNet.forward(encoder, pixels);
    if (anomaly) return {mu: Array.from(hidden), logvar: null};  // the mean head is included
    return {mu: Array.from(aebookNet.forward(toMu, hidden)),
            logvar: Array.from(aebookNet.forward(toLogvar, hidden))};
  }
  function decode(z) {
    return Array.from(aebookNet.forward(decoder, z), function (v) { return aebookNet.activate("sigmoid", v); });
  }
  function reconstruct(pixels) { return decode(encode(pixels).mu); }
  // The anomaly score, as anomalypad.AnomalyPad.score: the mean squared error per pixel.
  function squaredError(pixels, picture) {
    var total = 0;
    for (var p = 0; p < pixels.length; p++) total += (picture[p] - pixels[p]) * (picture[p] - pixels[p]);
    return total / pixels.length;
  }
  function score(pixels) { return squaredError(pixels, reconstruct(pixels)); }
  // Where a score lands on the logarithmic scale, as anomalypad.scale_position.
  function scalePosition(value) {
    var from = Math.log(data.scale[0]), to = Math.log(data.scale[1]);
    var position = (Math.log(Math.max(value, 1e-300)) - from) / (to - from);
    return Math.min(1, Math.max(0, position));
  }
  function classify(pixels) {
    if (!classifier) return null;
    var scores = Array.from(aebookNet.forward(classifier, pixels));
    var top = Math.max.apply(null, scores);
    var exps = scores.map(function (s) { return Math.exp(s - top); });
    var total = exps.reduce(function (a, b) { return a + b; }, 0);
    return exps.map(function (e) { return e / total; });
  }

  // (target, source) area-averaging weights, as drawpad._area_matrix.
  function areaMatrix(source, target) {
    var matrix = [];
    for (var i = 0; i < target; i++) {
      var row = new Float64Array(source), from = i * source / target, to = (i + 1) * source / target;
      for (var k = 0; k < source; k++) {
        var overlap = Math.min(to, k + 1) - Math.max(from, k);
        row[k] = overlap > 0 ? overlap * target / source : 0;
      }
      matrix.push(row);
    }
    return matrix;
  }

  // grey: height * width values (ink in [0, 1]) -> size * size, as drawpad.reduce_drawing.
  function reduce(grey, height, width) {
    var out = new Float64Array(size * size);
    var top = height, bottom = -1, left = width, right = -1;
    for (var y = 0; y < height; y++) for (var x = 0; x < width; x++) {
      if (grey[y * width + x] > 0) {
        if (y < top) top = y; if (y > bottom) bottom = y;
        if (x < left) left = x; if (x > right) right = x;
      }
    }
    if (bottom < 0) return Array.from(out);
    var h = bottom - top + 1, w = right - left + 1, scale = data.box / Math.max(h, w);
    var th = Math.max(1, Math.floor(h * scale + 0.5)), tw = Math.max(1, Math.floor(w * scale + 0.5));
    var rowsOf = areaMatrix(h, th), columnsOf = areaMatrix(w, tw);
    var across = [];  // (h, tw): each row of the crop, resampled across
    for (var r = 0; r < h; r++) {
      var line = new Float64Array(tw);
      for (var j = 0; j < tw; j++) {
        var sum = 0;
        for (var c = 0; c < w; c++) sum += columnsOf[j][c] * grey[(top + r) * width + left + c];
        line[j] = sum;
      }
      across.push(line);
    }
    var small = [], mass = 0, rowMoment = 0, columnMoment = 0;
    for (var i = 0; i < th; i++) {
      var cells = new Float64Array(tw);
      for (var jj = 0; jj < tw; jj++) {
        var total = 0;
        for (var rr = 0; rr < h; rr++) total += rowsOf[i][rr] * across[rr][jj];
        cells[jj] = total;
        mass += total; rowMoment += i * total; columnMoment += jj * total;
      }
      small.push(cells);
    }
    var shiftY = Math.floor((size - 1) / 2 - rowMoment / mass + 0.5);
    var shiftX = Math.floor((size - 1) / 2 - columnMoment / mass + 0.5);
    for (var a = 0; a < th; a++) for (var b = 0; b < tw; b++) {
      var yy = shiftY + a, xx = shiftX + b;
      if (yy >= 0 && yy < size && xx >= 0 && xx < size) out[yy * size + xx] = Math.min(1, Math.max(0, small[a][b]));
    }
    return Array.from(out);
  }

  var canvas = root.querySelector("canvas[data-draw]");
  var pen = canvas.getContext("2d");
  var map = root.querySelector("[data-backdrop]");
  var marker = root.querySelector("[data-marker]");
  var panels = root.querySelectorAll("img[data-panel]");
  var captions = root.querySelectorAll("[data-caption]");
  var text = root.querySelector("[data-text]");
  var status = root.querySelector("[data-status]");
  var ellipse = document.createElement("div");
  ellipse.setAttribute("data-ellipse", "");
  ellipse.style.cssText = "position:absolute;border:2px solid rgb(220,30,30);border-radius:50%;" +
                          "box-sizing:border-box;pointer-events:none";
  if (!anomaly) map.appendChild(ellipse);
  var picture = document.createElement("canvas");
  picture.width = picture.height = size;
  var pictureContext = picture.getContext("2d");
  var tests = data.tests.map(function (text64) {
    var binary = atob(text64), pixels = [];
    for (var p = 0; p < binary.length; p++) pixels.push(binary.charCodeAt(p) / 255);
    return pixels;
  });
  var current = -1, loaded = null, shown = null, draws = 0;

  // A 28 x 28 image (values in [0, 1]) into the hidden picture canvas, in grey.
  function paint(pixels) {
    var image = pictureContext.createImageData(size, size);
    for (var p = 0; p < pixels.length; p++) {
      var grey = Math.round(255 * Math.min(1, Math.max(0, pixels[p])));
      image.data[4 * p] = image.data[4 * p + 1] = image.data[4 * p + 2] = grey;
      image.data[4 * p + 3] = 255;
    }
    pictureContext.putImageData(image, 0, 0);
  }

  function png(pixels) {
    paint(pixels);
    return picture.toDataURL("image/png");
  }

  function canvasInk() {
    var rgba = pen.getImageData(0, 0, canvas.width, canvas.height).data;
    var grey = new Float64Array(canvas.width * canvas.height);
    for (var p = 0; p < grey.length; p++) grey[p] = rgba[4 * p] / 255;
    return grey;
  }

  // Anomaly mode: the input -> reconstruction, difference, score on the scale, verdict.
  function runScore(input) {
    var picture = reconstruct(input), value = squaredError(input, picture);
    var flagged = value >= data.threshold, verdict = flagged ? "flagged" : "passes";
    var difference = input.map(function (v, p) { return Math.abs(picture[p] - v); });
    shown = {input: input, reconstruction: picture, difference: difference, score: value,
             flagged: flagged};
    panels[0].src = png(input);
    panels[1].src = png(picture);
    panels[2].src = png(difference);
    captions[1].textContent = "score " + value.toFixed(4);
    captions[2].textContent = verdict;
    captions[2].style.cssText = "font-size:12px;font-weight:bold;color:" +
                                (flagged ? "rgb(190,30,30)" : "rgb(20,120,40)");
    var line = "anomaly score " + value.toFixed(4) + " (mean squared error per pixel), " +
               (flagged ? "at or above" : "below") + " the threshold " +
               data.threshold.toFixed(4) + ": " + verdict;
    text.textContent = line;
    panels.forEach(function (img) { img.alt = img.getAttribute("data-name") + " (" + line + ")"; });
    marker.style.left = (100 * scalePosition(value)) + "%";
    marker.style.top = (100 * data.marker_y) + "%";
  }

  // The input (a loaded test image, or the reduced drawing) -> every panel, the map, the text.
  function run() {
    var input = loaded || reduce(canvasInk(), canvas.height, canvas.width);
    if (anomaly) {
      runScore(input);
      root.setAttribute("data-frame", String(++draws));
      return;
    }
    var code = encode(input), picture = decode(code.mu), guess = classify(input);
    var sigma = code.logvar.map(function (v) { return Math.exp(0.5 * v); });
    shown = {input: input, mu: code.mu, logvar: code.logvar, reconstruction: picture,
             probabilities: guess};
    panels[0].src = png(input);
    panels[1].src = png(picture);
    var line = "code: posterior mean (" + code.mu[0].toFixed(2) + ", " + code.mu[1].toFixed(2) +
               "), standard deviations (" + sigma[0].toFixed(2) + ", " + sigma[1].toFixed(2) + ")";
    if (guess) {
      var best = guess.indexOf(Math.max.apply(null, guess));
      line += "; the classifier's guess: " + (data.classes[best] || String(best)) + " (" +
              Math.round(100 * guess[best]) + "%)";
    }
    text.textContent = line + (data.note ? ". " + data.note : "");
    panels.forEach(function (img) { img.alt = img.getAttribute("data-name") + " (" + line + ")"; });
    var span = high - low;  // aebook.viz.map_position, as for the latent pad
    marker.style.left = (100 * (code.mu[0] - low) / span) + "%";
    marker.style.top = (100 * (high - code.mu[1]) / span) + "%";
    ellipse.style.left = (100 * (code.mu[0] - sigma[0] - low) / span) + "%";
    ellipse.style.top = (100 * (high - code.mu[1] - sigma[1]) / span) + "%";
    ellipse.style.width = (200 * sigma[0] / span) + "%";
    ellipse.style.height = (200 * sigma[1] / span) + "%";
    root.setAttribute("data-frame", String(++draws));
  }

  function clear() {
    pen.fillStyle = "#000";
    pen.fillRect(0, 0, canvas.width, canvas.height);
    loaded = null;
  }

  // A 28 x 28 image (values in [0, 1]) on the canvas, enlarged; it is the input as it is.
  function show(pixels, label) {
    clear();
    paint(pixels);
    pen.imageSmoothingEnabled = false;
    pen.drawImage(picture, 0, 0, canvas.width, canvas.height);
    loaded = Array.from(pixels);
    status.textContent = label || "an image put on the pad";
    run();
  }

  function load(index) {
    current = (index + tests.length) % tests.length;
    var number = (current + 1) + " of " + tests.length;
    show(tests[current], data.names ? data.names[current] + " (" + number + ")"
                                    : "test image " + number);
  }

  // Drawing: pointer events serve a mouse, a finger and a pen alike.
  var drawing = false, last = null;
  function point(event) {
    var box = canvas.getBoundingClientRect();
    return [(event.clientX - box.left) * canvas.width / box.width,
            (event.clientY - box.top) * canvas.height / box.height];
  }
  function strokeTo(next) {
    pen.strokeStyle = "#fff";
    pen.lineWidth = canvas.width / 14;
    pen.lineCap = pen.lineJoin = "round";
    pen.beginPath();
    pen.moveTo(last[0], last[1]);
    pen.lineTo(next[0], next[1]);
    pen.stroke();
    last = next;
  }
  canvas.addEventListener("pointerdown", function (event) {
    drawing = true;
    if (canvas.setPointerCapture) canvas.setPointerCapture(event.pointerId);
    last = point(event);
    strokeTo([last[0] + 0.01, last[1]]);
    loaded = null;  // a stroke makes the drawing the input
    status.textContent = "your drawing";
    run();
    event.preventDefault();
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!drawing) return;
    strokeTo(point(event));
    run();
  });
  ["pointerup", "pointercancel"].forEach(function (name) {
    canvas.addEventListener(name, function () { drawing = false; });
  });
  canvas.addEventListener("keydown", function (event) {
    var key = event.key;
    if (key === "Delete" || key === "Backspace") { clear(); status.textContent = "cleared"; run(); }
    else if (key === "n" || key === "N") load(current + 1);
    else if (key === "p" || key === "P") load(current - 1);
    else return;
    event.preventDefault();
  });
  root.querySelector("[data-clear]").addEventListener("click", function () {
    clear(); status.textContent = "cleared"; run(); canvas.focus();
  });
  root.querySelector("[data-next]").addEventListener("click", function () { load(current + 1); });
  root.querySelector("[data-previous]").addEventListener("click", function () { load(current - 1); });

  root.aebookDraw = {encode: encode, decode: decode, reconstruct: reconstruct, classify: classify,
                     score: score,
                     reduce: reduce, show: show, load: load, clear: clear, run: run,
                     ink: function () { return Array.from(canvasInk()); },
                     state: function () { return shown; }};
  load(0);
};
window.aebookDrawPad = aebookDrawPad;

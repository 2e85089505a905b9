/*
 * aebook latent pad: a small decoder network that runs in the page.
 *
 * aebook/widgets/static.py lays out each pad with page(), as every widget of the book: a
 * <div class="aebook-widget aebook-pad"> holding two range inputs (z1, z2), an optional class
 * <select>, the latent map (the backdrop, with the marker cross), an image panel, and a JSON
 * block with the decoder (from export.py, whose forward() is this script in NumPy):
 *
 *   {"layers": [{"kind": "linear", "shape": [out, in], "weight": "<base64>", "bias": "<base64>"},
 *               {"kind": "relu"}, {"kind": "leaky_relu", "slope": 0.1}, ...],
 *    "output": "sigmoid" | "identity",   applied to the last layer's values
 *    "range": [low, high],               the latent square the map covers (z2 grows upwards)
 *    "classes": ["name", ...],           one-hot inputs after z; [] for an unconditional decoder
 *    "latent": 2, "shape": [28, 28]}
 *
 * aebookNet.js (the book's one network engine, inlined before this script) unpacks the float16
 * weights and computes the forward pass. The decoder's input is [z1, z2, one_hot(class)]; its output, one value per
 * pixel in [0, 1], is drawn on a canvas whose PNG becomes the panel's picture.
 *
 * aebookLatentPad(root, data) wires one pad; root.aebookPad.decode([z1, z2], classIndex) gives
 * the decoded pixels (the browser tests compare them with torch's decode).
 */
var aebookLatentPad = window.aebookLatentPad || function (root, data) {
  "use strict";

  // The network engine (aebookNet.js, inlined before this script) runs the decoder.
  var net = aebookNet.load(data.layers);

  // [z1, z2] and a class index -> the decoded pixels, each in [0, 1] (for a sigmoid output).
  function decode(z, classIndex) {
    var values = z.slice();
    for (var k = 0; k < data.classes.length; k++) values.push(k === classIndex ? 1 : 0);
    return Array.prototype.map.call(aebookNet.forward(net, values),
                                    function (v) { return aebookNet.activate(data.output, v); });
  }

  var low = data.range[0], high = data.range[1];
  var sliders = root.querySelectorAll("input[data-latent]");
  var select = root.querySelector("select[data-class]");
  var map = root.querySelector("[data-backdrop]");
  var marker = root.querySelector("[data-marker]");
  var panel = root.querySelector("img[data-panel]");
  var caption = root.querySelector("[data-caption]");
  var text = root.querySelector("[data-text]");
  var canvas = document.createElement("canvas");
  canvas.width = data.shape[1];
  canvas.height = data.shape[0];
  var context = canvas.getContext("2d");
  var draws = 0;
  map.style.cursor = "crosshair";
  map.style.touchAction = "none";  // a drag on a touch screen moves the point, not the page
  map.title = "drag to move z";
  map.querySelector("img").draggable = false;

  function draw() {
    var z = [+sliders[0].value, +sliders[1].value];
    var classIndex = select ? +select.value : -1;
    var pixels = decode(z, classIndex);
    var image = context.createImageData(canvas.width, canvas.height);
    for (var p = 0; p < pixels.length; p++) {
      var grey = Math.round(255 * Math.min(1, Math.max(0, pixels[p])));
      image.data[4 * p] = image.data[4 * p + 1] = image.data[4 * p + 2] = grey;
      image.data[4 * p + 3] = 255;
    }
    context.putImageData(image, 0, 0);
    panel.src = canvas.toDataURL("image/png");
    sliders.forEach(function (slider) {
      slider.nextElementSibling.textContent = (+slider.value).toFixed(2);
      slider.setAttribute("aria-valuetext",
                          slider.getAttribute("aria-label") + " " + (+slider.value).toFixed(2));
    });
    var where = "z = (" + z[0].toFixed(2) + ", " + z[1].toFixed(2) + ")";
    caption.textContent = where;
    text.textContent = select ? where + ", class: " + data.classes[classIndex] : where;
    panel.alt = panel.getAttribute("data-name") + ": the decoded image at " + text.textContent;
    // aebook.viz.map_position, as test_pad_browser.py checks
    marker.style.left = (100 * (z[0] - low) / (high - low)) + "%";
    marker.style.top = (100 * (high - z[1]) / (high - low)) + "%";
    root.setAttribute("data-frame", String(++draws));
  }

  // A press or drag on the map moves the point there: map fractions -> z (z2 grows upwards).
  var dragging = false;
  function moveTo(event) {
    var box = map.getBoundingClientRect();
    var x = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
    var y = Math.min(1, Math.max(0, (event.clientY - box.top) / box.height));
    sliders[0].value = low + x * (high - low);
    sliders[1].value = high - y * (high - low);
    draw();
  }
  map.addEventListener("pointerdown", function (event) {
    dragging = true;
    if (map.setPointerCapture) map.setPointerCapture(event.pointerId);
    moveTo(event);
    event.preventDefault();
  });
  map.addEventListener("pointermove", function (event) { if (dragging) moveTo(event); });
  ["pointerup", "pointercancel"].forEach(function (name) {
    map.addEventListener(name, function () { dragging = false; });
  });
  sliders.forEach(function (slider) { slider.addEventListener("input", draw); });
  if (select) select.addEventListener("change", draw);

  root.aebookPad = {decode: decode, draw: draw};
  draw();
};
window.aebookLatentPad = aebookLatentPad;

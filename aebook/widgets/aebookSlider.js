// The static view of an aebook SliderView: every frame of the slider grid was computed when the
// book was built; moving a slider only looks one up. No request leaves the page.
//
// root: the widget's <div class="aebook-widget">.
// data: {pool: [data URI, ...], frames: [{images: [pool index per panel], captions: [...],
//        text, marker: [x, y] | null}], sizes: [values per slider], labels: [[label, ...]]}
// Frames are listed with the first slider slowest, so a setting's index is a mixed-radix number.
var aebookSlider = window.aebookSlider || function (root, data) {
  var inputs = root.querySelectorAll("input[data-slider]");
  var panels = root.querySelectorAll("img[data-panel]");
  var captions = root.querySelectorAll("[data-caption]");
  var text = root.querySelector("[data-text]");
  var marker = root.querySelector("[data-marker]");

  function show() {
    var index = 0;
    for (var k = 0; k < inputs.length; k++) {
      var step = Number(inputs[k].value);
      index = index * data.sizes[k] + step;
      inputs[k].nextElementSibling.textContent = data.labels[k][step];
      // What a screen reader says: "noise ratio 0.30", not the step's index.
      inputs[k].setAttribute("aria-valuetext",
                             inputs[k].getAttribute("aria-label") + " " + data.labels[k][step]);
    }
    var setting = Array.prototype.map.call(inputs, function (input) {
      return input.getAttribute("aria-valuetext");
    }).join(", ");
    var frame = data.frames[index];
    root.setAttribute("data-frame", index);
    panels.forEach(function (img) {
      var j = Number(img.getAttribute("data-panel"));
      img.src = data.pool[frame.images[j]];
      // static.panel_alt: what the panel shows, at which setting
      var caption = frame.captions[j] || "";
      img.alt = img.getAttribute("data-name") + (caption ? ": " + caption : "") +
                (setting ? " (" + setting + ")" : "");
    });
    captions.forEach(function (caption) {
      caption.textContent = frame.captions[Number(caption.getAttribute("data-caption"))];
    });
    text.textContent = frame.text;
    if (marker && frame.marker) {
      marker.style.left = 100 * frame.marker[0] + "%";
      marker.style.top = 100 * frame.marker[1] + "%";
    }
  }

  inputs.forEach(function (input) { input.addEventListener("input", show); });
  show();
};
window.aebookSlider = aebookSlider;
